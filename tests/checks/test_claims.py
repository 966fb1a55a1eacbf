"""Misleading claims: guarantees, unsupported No.1 claims and health claims, EN and JA."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from firewarden.checks.context import Context
from firewarden.checks.detectors.claims import ClaimsDetector
from firewarden.checks.engine import analyse, run
from firewarden.checks.types import Finding, Level, Severity
from firewarden.guidelines.model import Guidelines

DETECTOR = ClaimsDetector()


def check(text: str, attachment: str = "") -> list[Finding]:
    draft = analyse(text, Context(attachment=attachment), Guidelines())
    return list(DETECTOR.findings(draft, Guidelines()))


def summary(text: str) -> list[tuple[str, Severity, str]]:
    return [(f.rule_id, f.severity, f.excerpt) for f in check(text)]


@pytest.mark.parametrize(
    ("text", "excerpt"),
    [
        ("100% guaranteed results!", "100% guaranteed"),
        ("Guaranteed results in a week", "Guaranteed results"),
        ("It never fails.", "never fails"),
        ("Works every time", "Works every time"),
        ("１００％効果あり", "１００％効果あり"),
        ("この方法なら絶対に儲かる", "絶対に儲かる"),
        ("効果を保証します", "効果を保証"),
        ("汚れが完全に消える洗剤", "完全に消える"),
    ],
)
def test_guarantees_are_medium_or_worse(text: str, excerpt: str) -> None:
    findings = [f for f in check(text) if f.rule_id == "claims.guarantee"]
    assert [f.excerpt for f in findings] == [excerpt]
    assert findings[0].severity >= Severity.MEDIUM
    assert findings[0].category == "misleading"
    assert text[findings[0].start : findings[0].end] == excerpt


@pytest.mark.parametrize(
    "text", ["必ず痩せます！", "飲むだけで痩せる", "Guaranteed to lose weight"]
)
def test_bodily_guarantees_are_high(text: str) -> None:
    assert max(f.severity for f in check(text)) == Severity.HIGH


@pytest.mark.parametrize(
    ("text", "excerpt"),
    [
        ("The best in the world coffee", "best in the world"),
        ("America's #1 brand", "America's #1"),
        ("The world’s best coffee", "world’s best"),
        ("No.1 in Japan", "No.1 in Japan"),
        ("日本一おいしいラーメン", "日本一"),
        ("業界Ｎｏ．１の品揃え", "業界Ｎｏ．１"),
        ("満足度No.1", "満足度No.1"),
    ],
)
def test_unsourced_no1_claims_are_low(text: str, excerpt: str) -> None:
    assert summary(text) == [("claims.no1", Severity.LOW, excerpt)]


@pytest.mark.parametrize(
    "text",
    [
        "No.1 in Japan (※2024年 自社調べ)",
        "業界No.1 ※東京商工リサーチ調べ",
        "The #1 rated brand according to the 2024 survey",
    ],
)
def test_sourced_no1_claims_pass(text: str) -> None:
    assert not check(text)


@pytest.mark.parametrize(
    ("text", "excerpt"),
    [
        ("Our tea cures cancer", "cures cancer"),
        ("This cream clears up acne fast", "clears up acne"),
        ("Lowers blood pressure naturally", "Lowers blood pressure"),
        ("Prevents the flu all winter", "Prevents the flu"),
        ("Our tea: the cure for cancer", "cure for cancer"),
        ("Broccoli fights cancer", "fights cancer"),
        ("Lower your cholesterol with our oats", "Lower your cholesterol"),
        ("このサプリでがんが消える", "がんが消える"),
        ("この商品で肩こりが治る", "肩こりが治る"),
        ("花粉症を予防するお茶", "花粉症を予防"),
    ],
)
def test_health_claims_near_a_condition_are_high(text: str, excerpt: str) -> None:
    findings = [f for f in check(text) if f.rule_id == "claims.health"]
    assert [(f.severity, f.excerpt) for f in findings] == [(Severity.HIGH, excerpt)]
    assert any("薬機法" in r for r in findings[0].references)


@pytest.mark.parametrize(
    ("text", "severity"),
    [
        ("Boosts your immunity!", Severity.HIGH),
        ("免疫力アップ！", Severity.HIGH),
        ("A miracle cure in a bottle", Severity.HIGH),
        ("Try our detox juice", Severity.MEDIUM),
        ("デトックスウォーター新発売", Severity.MEDIUM),
        ("Clinically proven formula", Severity.MEDIUM),
        ("Doctors hate this trick", Severity.MEDIUM),
        ("Doctors don’t want you to know this", Severity.MEDIUM),
        ("医師も驚愕の新成分", Severity.MEDIUM),
        ("このスープで痩せる", Severity.MEDIUM),
    ],
)
def test_health_buzzwords(text: str, severity: Severity) -> None:
    assert [f.severity for f in check(text)] == [severity]


@pytest.mark.parametrize(
    "text",
    [
        "Treat yourself this weekend",
        "Our burger cures hunger",
        "The cure for boredom: our new board games",
        "100% cotton tee",
        "100% recycled packaging",
        "100% natural ingredients, 100% delicious",
        "This is guaranteed to make you smile",
        "Our service never fails to impress",
        "絶対においしい！",
        "ワサビがよく効く",
        "効果がありません",
        "Digital detox weekend at the lake",
        "Cold brew coffee beats the heat",
        "This product is not intended to diagnose, treat, cure or prevent any disease.",
        "Clinically proven (study: J Derm 2021)",
        "Sale ends 2024-03-11, ¥1,980 / $19.99",
        "Money-back guarantee within 30 days",
        "Proud to join the fight against breast cancer",
        "Hackers spread a virus that prevents you from logging in",
        "A stroke of luck: 20% off today",
        "Am I the only one that sings in the shower?",
        "She is the number one fan of the show",
        "I just want it all to stop #depression",
        "It had a lower mortality rate than the regular flu",
        "My allergies are killing me today",
    ],
)
def test_no_claim(text: str) -> None:
    assert not check(text)


def test_attachment_text_is_checked() -> None:
    findings = check("New!", attachment="banner reading 'cures diabetes'")
    assert [(f.field, f.rule_id) for f in findings] == [("attachment", "claims.health")]


def test_full_width_and_evasions_map_to_the_original() -> None:
    text = "ＣＵＲＥＳ　ＣＡＮＣＥＲ!"
    (finding,) = check(text)
    assert text[finding.start : finding.end] == finding.excerpt == "ＣＵＲＥＳ　ＣＡＮＣＥＲ"


def test_engine_combines_to_high() -> None:
    report = run("Our tea cures cancer, guaranteed results!", Context(), Guidelines(), [DETECTOR])
    assert report.level == Level.HIGH
    assert {f.rule_id for f in report.findings} == {"claims.health", "claims.guarantee"}


def test_messages_speak_the_language_of_the_field() -> None:
    (ja,) = check("このサプリでがんが消える")
    assert "「がんが消える」" in ja.message and "薬機法" in ja.message
    (en,) = check("Our tea cures cancer")
    assert "“cures cancer” claims to cure" in en.message


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
    for f in check(text, attachment=text):
        source = text  # both fields hold the same text here
        assert 0 <= f.start <= f.end <= len(source)
        assert source[f.start : f.end] == f.excerpt
