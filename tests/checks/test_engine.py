"""The engine's combination rules, with stand-in detectors so only the engine is under test."""

from collections.abc import Iterable
from dataclasses import dataclass

import pytest

from firewarden.checks.context import Context
from firewarden.checks.draft import Draft
from firewarden.checks.engine import MAX_TEXT_CHARS, run
from firewarden.checks.types import Finding, Level, Severity
from firewarden.errors import InputError
from firewarden.guidelines.model import AccountOverride, Guidelines


@dataclass
class WordDetector:
    """Flags every occurrence of a word in the folded text (a minimal detector)."""

    word: str
    category: str
    severity: Severity
    name: str = "word"

    def findings(self, draft: Draft, guidelines: Guidelines) -> Iterable[Finding]:
        for field in draft.fields:
            i = field.text.find(self.word)
            while i >= 0:
                s, e, excerpt = field.span(i, i + len(self.word))
                yield Finding(
                    rule_id=f"test.{self.word}",
                    category=self.category,
                    severity=self.severity,
                    start=s,
                    end=e,
                    excerpt=excerpt,
                    message="m",
                    field=field.name,
                )
                i = field.text.find(self.word, i + 1)


def test_no_findings_is_level_none_and_low_score() -> None:
    report = run("hello", Context(), Guidelines(), [])
    assert report.level is Level.NONE
    assert report.score < 0.1
    assert not report.needs_review


def test_level_is_the_gravest_finding_and_score_stays_in_its_band() -> None:
    detectors = [
        WordDetector("sale", "disaster-timing", Severity.HIGH),
        WordDetector("lol", "tone-deaf-humour", Severity.LOW),
    ]
    report = run("Big SALE lol", Context(), Guidelines(), detectors)
    assert report.level is Level.HIGH
    assert 0.6 <= report.score <= 0.9
    assert [f.excerpt for f in report.findings] == ["SALE", "lol"]


def test_info_findings_do_not_raise_the_level() -> None:
    report = run(
        "a tag", Context(), Guidelines(), [WordDetector("tag", "unvetted-hashtag", Severity.INFO)]
    )
    assert report.level is Level.NONE
    assert len(report.findings) == 1


def test_three_medium_concerns_in_different_categories_make_it_high() -> None:
    detectors = [
        WordDetector("a1", "sexism", Severity.MEDIUM),
        WordDetector("b2", "ageism", Severity.MEDIUM),
        WordDetector("c3", "political", Severity.MEDIUM),
    ]
    assert run("a1 b2 c3", Context(), Guidelines(), detectors).level is Level.HIGH
    assert run("a1 b2", Context(), Guidelines(), detectors).level is Level.MEDIUM


def test_disabled_rule_and_severity_override_apply() -> None:
    det = [WordDetector("sale", "misleading", Severity.HIGH)]
    off = Guidelines(disabled=frozenset({"test.sale"}))
    assert run("sale", Context(), off, det).findings == ()
    lowered = Guidelines(severity={"test.sale": Severity.LOW})
    report = run("sale", Context(), lowered, det)
    assert report.level is Level.LOW


def test_allowed_terms_suppress_findings_inside_them_only() -> None:
    det = [WordDetector("killer", "violence", Severity.MEDIUM)]
    allowed = Guidelines(allowed_terms=("killer burger",))
    report = run("Try the Killer Burger. Killer prices.", Context(), allowed, det)
    assert [f.start for f in report.findings] == [23]
    assert [f.excerpt for f in report.suppressed] == ["Killer"]


def test_per_account_override_applies_to_that_handle_only() -> None:
    det = [WordDetector("sale", "misleading", Severity.HIGH)]
    g = Guidelines(accounts={"acme_jp": AccountOverride(disabled=frozenset({"test.sale"}))})
    assert run("sale", Context(handle="@Acme_JP"), g, det).findings == ()
    assert run("sale", Context(handle="@acme_us"), g, det).level is Level.HIGH


def test_attachment_is_checked_as_its_own_field() -> None:
    det = [WordDetector("receipt", "privacy-leak", Severity.HIGH)]
    report = run("Big order!", Context(attachment="photo of a receipt"), Guidelines(), det)
    (finding,) = report.findings
    assert finding.field == "attachment"
    assert "photo of a receipt"[finding.start : finding.end] == "receipt"


def test_overlapping_findings_of_one_category_keep_the_gravest() -> None:
    det = [
        WordDetector("shit", "profanity", Severity.LOW, name="a"),
        WordDetector("shitshow", "profanity", Severity.MEDIUM, name="b"),
    ]
    report = run("total shitshow", Context(), Guidelines(), det)
    assert [(f.excerpt, f.severity) for f in report.findings] == [("shitshow", Severity.MEDIUM)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("   \n", "empty"),
        ("x" * (MAX_TEXT_CHARS + 1), "limit"),
        ("bad \udcff byte", "UTF-8"),
    ],
)
def test_bad_text_is_refused_with_a_clear_message(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        run(text, Context(), Guidelines(), [])


def test_empty_text_with_an_attachment_is_checked() -> None:
    det = [WordDetector("gif", "attachment", Severity.MEDIUM)]
    report = run("", Context(attachment="a gif"), Guidelines(), det)
    assert report.level is Level.MEDIUM
