"""The toxicity models and detector: loading, obvious cases, explanations mapped to the text."""

from __future__ import annotations

import pytest

from firewarden.checks.context import Context
from firewarden.checks.detectors.toxicity import ToxicityDetector
from firewarden.checks.draft import Draft, analyse_field
from firewarden.checks.toxicity.model import MODEL_NAMES, EnglishText, load_model
from firewarden.checks.types import Finding, Severity
from firewarden.guidelines.model import Guidelines
from firewarden.text.normalize import fold


def _findings(text: str, attachment: str = "") -> list[Finding]:
    fields = [analyse_field("text", text)]
    if attachment:
        fields.append(analyse_field("attachment", attachment))
    draft = Draft(
        fields=tuple(fields), context=Context(), language=fields[0].language, intents=frozenset()
    )
    return list(ToxicityDetector().findings(draft, Guidelines()))


def _p(name: str, text: str) -> float:
    return load_model(name).probability(fold(text))


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_models_load_from_the_package(name: str) -> None:
    model = load_model(name)
    assert model.name == name
    assert 0.0 < model.threshold <= model.high < 1.0
    assert model.word or model.char


def test_unknown_model_name_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown toxicity model"):
        load_model("sarcasm")


@pytest.mark.parametrize(
    "text",
    [
        "You are a fucking idiot and everyone hates you",
        "shut up you stupid bitch",
        "this is bullshit, what a piece of shit",
    ],
)
def test_obvious_english_offence_is_flagged(text: str) -> None:
    model = load_model("offensive")
    assert model.flags(_p("offensive", text))


@pytest.mark.parametrize(
    "text",
    [
        "Thanks for shopping with us! Have a wonderful weekend.",
        "Our new store opens on Monday at 9am. See you there!",
        "We're dying to hear what you think of the new menu.",
    ],
)
def test_ordinary_brand_posts_are_not_flagged(text: str) -> None:
    assert not load_model("offensive").flags(_p("offensive", text))
    assert not load_model("hate").flags(_p("hate", text))


def test_obvious_hate_is_flagged() -> None:
    text = "Send these illegal immigrants back, they are rapists and criminals #BuildTheWall"
    assert load_model("hate").flags(_p("hate", text))


@pytest.mark.parametrize("text", ["死ねよバカ", "お前ほんとクズだな、消えろ", "このカスが"])
def test_obvious_japanese_offence_is_flagged(text: str) -> None:
    assert load_model("ja").flags(_p("ja", text))


@pytest.mark.parametrize(
    "text",
    [
        "ありがとうございます",
        "新商品のカスタードプリンが本日発売です",
        "ゴミ拾い活動に参加しました",
    ],
)
def test_ordinary_japanese_posts_are_not_flagged(text: str) -> None:
    assert not load_model("ja").flags(_p("ja", text))


def test_scores_are_deterministic_and_cache_safe() -> None:
    model = load_model("offensive")
    folded = fold("what a stupid stupid idea")
    first = model.probability(folded)
    assert model.probability(folded, EnglishText(folded)) == first
    assert model.probability(fold("what a stupid stupid idea")) == first


def test_finding_points_at_the_word_that_drove_it() -> None:
    text = "I find it ironic that no one here knows how to fucking drive"
    [finding] = [f for f in _findings(text) if f.category == "offensive"]
    assert finding.detector == "toxicity"
    assert finding.rule_id == "toxicity.offensive"
    assert text[finding.start : finding.end] == finding.excerpt == finding.evidence[0]
    assert "fucking" in finding.evidence
    assert "backlash" in finding.message
    assert finding.suggestion


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("you are such an ｉｄｉｏｔ, ｆｕｃｋ off", "ｆｕｃｋ"),
        ("shut up you stupid b1tch", "b1tch"),
        ("what a load of sh1t, f u c k this", "sh1t"),
    ],
)
def test_evidence_maps_back_to_the_original_under_evasion(text: str, word: str) -> None:
    [finding] = [f for f in _findings(text) if f.rule_id == "toxicity.offensive"]
    assert word in finding.evidence
    for excerpt in finding.evidence:
        assert excerpt in text
    assert text[finding.start : finding.end] == finding.excerpt


def test_japanese_finding_evidence_maps_to_the_original() -> None:
    text = "一族郎党ともに地獄へ堕ちろ、カス"
    [finding] = _findings(text)
    assert finding.rule_id == "toxicity.ja-offensive"
    assert finding.category == "offensive"
    assert "カス" in finding.evidence or "地獄へ堕ちろ" in finding.evidence
    assert text[finding.start : finding.end] == finding.excerpt
    assert all(e in text for e in finding.evidence)


def test_half_width_katakana_insult_maps_to_the_original() -> None:
    text = "ほんとﾊﾞｶじゃないの"
    [finding] = _findings(text)
    assert "ﾊﾞｶ" in finding.evidence
    assert text[finding.start : finding.end] in finding.evidence


def test_one_finding_per_model_per_field() -> None:
    text = "fuck you, fuck this, fuck everything, you idiot"
    found = _findings(text, attachment="a stupid bitch giving the finger")
    keys = [(f.rule_id, f.field) for f in found]
    assert len(keys) == len(set(keys))
    assert ("toxicity.offensive", "text") in keys
    assert ("toxicity.offensive", "attachment") in keys


def test_very_confident_offence_is_high_and_borderline_is_medium() -> None:
    [finding] = [f for f in _findings("fuck you, you fucking idiot") if f.category == "offensive"]
    assert finding.severity == Severity.HIGH


@pytest.mark.parametrize(
    "text", ["Our new burger is sick!", "Killer deals all week long: 20% off every jacket."]
)
def test_brand_slang_is_never_high(text: str) -> None:
    # Known limitation (docs/toxicity.md): the tweet-trained model may still call these medium.
    assert all(f.severity < Severity.HIGH for f in _findings(text))


def test_empty_field_gives_nothing() -> None:
    assert _findings("   ") == []
