"""The ``firewarden check`` command: formats, exit codes, batch input and bad input."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from firewarden.cli import cli

RISKY = "These f*cking deliveries never show up, what a sh1tshow"
BENIGN = "We are open from 9am tomorrow. See you soon!"


@pytest.fixture()
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)  # no firewarden.toml here
    monkeypatch.delenv("FIREWARDEN_CONFIG", raising=False)
    return CliRunner()


def test_text_output_highlights_and_explains(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["check", RISKY, "--no-color"])
    assert result.exit_code == 0, result.output
    assert "[[" in result.output and "why:" in result.output
    assert "level:" in result.output


def test_json_output_has_the_documented_fields(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["check", BENIGN, "--format", "json"])
    data = json.loads(result.output)
    assert {"level", "score", "findings"} <= set(data)


def test_fail_on_sets_the_exit_status(runner: CliRunner) -> None:
    risky = runner.invoke(cli, ["check", RISKY, "--fail-on", "medium", "--format", "json"])
    assert json.loads(risky.output)["level"] in ("medium", "high", "critical")
    assert risky.exit_code == 1
    benign = runner.invoke(cli, ["check", BENIGN, "--fail-on", "medium"])
    assert benign.exit_code == 0


def test_context_options_reach_the_check(runner: CliRunner) -> None:
    text = "Stuck at home? Shop our storm sale, 30% off everything today!"
    calm = runner.invoke(cli, ["check", text, "--format", "json", "--at", "2025-06-03"])
    storm = runner.invoke(
        cli,
        [
            "check",
            text,
            "--format",
            "json",
            "--at",
            "2025-06-03",
            "--event",
            "hurricane making landfall on the coast",
        ],
    )
    assert json.loads(storm.output)["score"] > json.loads(calm.output)["score"]


def test_empty_text_is_a_usage_error_with_exit_2(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["check", "   "])
    assert result.exit_code == 2
    assert "empty" in result.output
    assert "Traceback" not in result.output


def test_bad_date_is_named(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["check", BENIGN, "--at", "tomorrow"])
    assert result.exit_code == 2
    assert "--at" in result.output


def test_text_and_input_together_are_refused(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text('{"id": "a", "text": "hi"}\n', encoding="utf-8")
    assert runner.invoke(cli, ["check", "hi", "--input", str(path)]).exit_code == 2
    assert runner.invoke(cli, ["check"]).exit_code == 2


def test_batch_jsonl_writes_one_line_per_record_and_reports_bad_ones(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "drafts.jsonl"
    path.write_text(
        json.dumps({"id": "ok", "text": BENIGN}) + "\n"
        "{broken\n"
        + json.dumps({"id": "risky", "text": RISKY, "context": {"account": "corporate"}})
        + "\n",
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["check", "--input", str(path), "--format", "jsonl"])
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [line["id"] for line in lines] == ["ok", "2", "risky"]
    assert "error" in lines[1] and "drafts.jsonl:2" in lines[1]["where"]
    assert {"level", "score", "findings"} <= set(lines[2])
    assert result.exit_code == 2  # a record could not be checked


def test_batch_yaml_in_the_case_library_shape(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "cases.yaml"
    path.write_text(
        "- id: a\n  text: hello there\n  context: {date: 2025-01-02, account: corporate,"
        " events: []}\n  risks: []\n",
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["check", "--input", str(path), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["id"] == "a"


def test_stdin_is_read_when_text_is_dash(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["check", "-", "--format", "json"], input=BENIGN)
    assert result.exit_code == 0
    assert json.loads(result.output)["level"] == "none"


def test_invalid_utf8_on_stdin_is_reported(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["check", "-"], input=b"caf\xe9")
    assert result.exit_code == 2
    assert "UTF-8" in result.output


def test_init_writes_a_config_and_pack_that_load(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["init", str(tmp_path / "acme")])
    assert result.exit_code == 0, result.output
    again = runner.invoke(cli, ["init", str(tmp_path / "acme")])
    assert again.exit_code == 2 and "--force" in again.output
    config = tmp_path / "acme" / "firewarden.toml"
    checked = runner.invoke(cli, ["--config", str(config), "check", BENIGN])
    assert checked.exit_code == 0, checked.output


def test_guidelines_commands_use_the_configured_company_pack(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert runner.invoke(cli, ["init", str(tmp_path / "acme")]).exit_code == 0
    monkeypatch.chdir(tmp_path / "acme")  # firewarden.toml is found in the current folder
    listed = runner.invoke(cli, ["guidelines", "list"])
    assert listed.exit_code == 0, listed.output
    assert "acme." in listed.output  # the starter pack's rules are layered in
    tested = runner.invoke(cli, ["guidelines", "test"])
    assert tested.exit_code == 0, tested.output
