"""Sponsorship disclosure: missing, buried, ambiguous, and gifts that look undisclosed."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from firewarden.checks.context import Context
from firewarden.checks.detectors.disclosure import DisclosureDetector
from firewarden.checks.engine import analyse, run
from firewarden.checks.types import Finding, Level, Severity
from firewarden.guidelines.model import Guidelines

DETECTOR = DisclosureDetector()


def check(
    text: str, *, sponsored: bool = True, attachment: str = "", account: str = "personal"
) -> list[Finding]:
    context = Context(sponsored=sponsored, attachment=attachment, account=account)
    return list(DETECTOR.findings(analyse(text, context, Guidelines()), Guidelines()))


def rules(findings: list[Finding]) -> list[tuple[str, Severity]]:
    return [(f.rule_id, f.severity) for f in findings]


@pytest.mark.parametrize(
    "text",
    [
        "Loving my new sneakers from @brand!",
        "Love these #adidas #address",
        "新作コスメを試してみました！",
        "サービスを提供しています",
    ],
)
def test_sponsored_without_disclosure_is_high_and_whole_draft(text: str) -> None:
    (finding,) = check(text)
    assert rules([finding]) == [("disclosure.missing", Severity.HIGH)]
    assert (finding.start, finding.end, finding.excerpt) == (0, 0, "")
    assert finding.category == "disclosure"
    assert any("16 CFR Part 255" in r for r in finding.references)
    assert any("ステルスマーケティング" in r for r in finding.references)


@pytest.mark.parametrize(
    "text",
    [
        "#ad Loving my new sneakers",
        "Loving it #Sponsored",
        "Loving it #SPONSORED",
        "#ＡＤ new look",
        "Paid partnership with @acme",
        "Sponsored by Acme: our favourite snacks",
        "In partnership with Acme",
        "【ＰＲ】新作コスメを試しました",
        "［PR］新作コスメ",
        "新作コスメ #プロモーション",
        "新作コスメ ＃ＰＲ",
        "広告：新作コスメ",
        "○○株式会社様より商品提供を受けています",
        "Love these! #shoes #style #ootd #ad",
    ],
)
def test_clear_disclosures_pass(text: str) -> None:
    assert check(text) == []


def test_disclosure_buried_after_many_hashtags_is_medium() -> None:
    text = "Love these! #shoes #style #ootd #fashion #ad"
    (finding,) = check(text)
    assert rules([finding]) == [("disclosure.buried", Severity.MEDIUM)]
    assert text[finding.start : finding.end] == finding.excerpt == "#ad"
    assert "prominent" in finding.suggestion


def test_disclosure_only_in_attachment_is_medium() -> None:
    (finding,) = check("Love these", attachment="Image with text: #ad")
    assert rules([finding]) == [("disclosure.buried", Severity.MEDIUM)]
    assert finding.field == "attachment" and finding.excerpt == "#ad"


@pytest.mark.parametrize("tag", ["#sp", "#spon", "#collab", "#thanks", "#案件"])
def test_ambiguous_disclosures_are_medium(tag: str) -> None:
    text = f"Love these {tag}"
    (finding,) = check(text)
    assert rules([finding]) == [("disclosure.ambiguous", Severity.MEDIUM)]
    assert finding.excerpt == tag


def test_anken_in_running_text_is_ambiguous() -> None:
    (finding,) = check("今回は企業案件です！新作コスメ")
    assert rules([finding]) == [("disclosure.ambiguous", Severity.MEDIUM)]
    assert finding.excerpt == "企業案件"
    # Unsponsored, plain 案件 is ordinary business Japanese ("a project").
    assert check("システム開発の案件を受け付けています", sponsored=False) == []
    assert rules(check("今回は企業案件です", sponsored=False)) == [
        ("disclosure.ambiguous", Severity.MEDIUM)
    ]


def test_deal_only_tags_flag_even_when_not_marked_sponsored() -> None:
    assert rules(check("Great day #sp", sponsored=False)) == [
        ("disclosure.ambiguous", Severity.MEDIUM)
    ]
    assert check("Great day #thanks #collab", sponsored=False) == []


@pytest.mark.parametrize(
    ("text", "excerpt"),
    [
        ("Thanks @acme for sending me these!", "Thanks @acme for sending"),
        ("@acmeさんから新作をいただきました！", "@acmeさんから新作をいただき"),
        ("ACMEさんからサンプルをいただきました", "ACMEさんからサンプルをいただき"),
        ("新作をご提供いただきました", "ご提供いただきました"),
    ],
)
def test_gift_signs_on_personal_accounts_are_low(text: str, excerpt: str) -> None:
    findings = check(text, sponsored=False)
    assert [(f.rule_id, f.severity, f.excerpt) for f in findings] == [
        ("disclosure.possible-gift", Severity.LOW, excerpt)
    ]
    assert text[findings[0].start : findings[0].end] == excerpt


def test_gift_signs_on_corporate_accounts_are_info() -> None:
    findings = check("Thanks @acme for sending me these!", sponsored=False, account="corporate")
    assert rules(findings) == [("disclosure.possible-gift", Severity.INFO)]


@pytest.mark.parametrize(
    "text",
    [
        "Thanks @acme for sending me these! #ad",
        "友達から誕生日プレゼントをもらいました",
        "母からいただきました",
        "Training on child protection provided by @ngo",
        "Photo courtesy of @photographer",
        "Great coffee this morning",
        "Sale ends 2024-03-11, ¥1,980",
    ],
)
def test_unsponsored_posts_without_signs_pass(text: str) -> None:
    assert check(text, sponsored=False) == []


def test_engine_level_for_missing_disclosure() -> None:
    report = run("Loving these!", Context(sponsored=True), Guidelines(), [DETECTOR])
    assert report.level == Level.HIGH
    ok = run("#PR Loving these!", Context(sponsored=True), Guidelines(), [DETECTOR])
    assert ok.level == Level.NONE


def test_messages_speak_the_language_of_the_draft() -> None:
    (ja,) = check("新作コスメを試してみました！")
    assert "ステルスマーケティング" in ja.message and "【PR】" in ja.suggestion
    (en,) = check("Loving my new sneakers!")
    assert "does not say so" in en.message and "#ad" in en.suggestion


#: Text built from the characters these patterns care about, so odd mixes get exercised.
_PIECES = st.sampled_from(
    ["0", "9", "1", "-", "－", "ー", " ", "　", "(", ")", "+", "@", ".", "#", "〒", "様", "さん",
     "お客様", "来店", "がん", "治る", "絶対", "No.1", "ad", "pr", "Main", "St", "cures", "cancer",
     "customer", "Mrs.", "Smith", "ﾚｼｰﾄ", "４", "１", "\n", "💊"]
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_any_text_yields_findings_that_point_at_the_original(text: str) -> None:
    if not text.strip():
        return
    for f in check(text, sponsored=False):
        source = text  # both fields hold the same text here
        assert 0 <= f.start <= f.end <= len(source)
        assert source[f.start : f.end] == f.excerpt
