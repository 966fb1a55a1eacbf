import firewarden


def test_public_names_are_pinned() -> None:
    assert sorted(firewarden.__all__) == [
        "ConfigError", "Context", "Finding", "FirewardenError", "Guidelines", "InputError",
        "Level", "Report", "Severity", "__version__", "check",
    ]  # fmt: skip


def test_report_serialises_with_the_documented_fields() -> None:
    report = firewarden.check("We are open from 9am tomorrow.")
    data = report.to_dict()
    assert set(data) == {"level", "score", "needs_review", "language", "findings"}
    assert 0.0 <= data["score"] <= 1.0
