"""Intents: strong cues alone, weak cues in pairs, and the innocent uses they must not catch."""

from __future__ import annotations

import pytest

from firewarden.checks.intent import _PATTERNS, INTENTS, detect_intents, intent_spans
from firewarden.text.normalize import fold


def intents(text: str) -> frozenset[str]:
    return detect_intents(fold(text).text)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Summer sale: 30% off everything!", "promotion"),
        ("Our new spring collection is now available online", "promotion"),
        ("We'll be doing lots of Gap.com shopping today", "promotion"),
        ("It's a knockout deal", "promotion"),
        ("Use code SAFE20 at checkout", "promotion"),
        ("Check out our specials and the new collection", "promotion"),
        ("新商品が登場!今だけ20%オフ", "promotion"),
        ("ランチセット 980円", "promotion"),
        ("限定メニューをご予約ください", "promotion"),
        ("We're calling it the Ray Rice ;)", "humour"),
        ("Rumor is they heard about it", "humour"),
        ("lol that's us", "humour"),
        ("エイプリルフールの嘘です", "humour"),
        ("今日も暑いですねww", "humour"),
        ("Our thoughts are with everyone affected", "sympathy"),
        ("被災された皆様に心よりお見舞い申し上げます", "sympathy"),
        ("Tell us your dream trip. Answer must include #QantasLuxury", "campaign"),
        ("ハッシュタグをつけて投稿してね", "campaign"),
        ("I hate Mondays", "complaint"),
        ("We are pausing all promotions today", "pause"),
        ("本日予定していた配信は見合わせます", "pause"),
    ],
)
def test_cues(text: str, intent: str) -> None:
    assert intent in intents(text)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("We need to deal with this together.", "promotion"),
        ("It's no big deal.", "promotion"),
        ("Wholesale prices are set by the market.", "promotion"),
        ("Join our pottery workshop.", "promotion"),
        ("Garbage collection runs on Tuesdays.", "promotion"),
        ("Keep tabs on the weather.", "promotion"),
        ("The coffee shop is closed.", "promotion"),
        ("本日より全店舗にてライスの販売を停止します", "promotion"),
        ("笑顔をお届けします", "humour"),
        ("Visit www.example.org", "humour"),
        ("This is no laughing matter.", "humour"),
        ("We are pausing all promotions today.", "promotion"),
    ],
)
def test_innocent_uses(text: str, intent: str) -> None:
    assert intent not in intents(text)


def test_two_weak_cues_make_an_intent() -> None:
    assert "promotion" not in intents("Check out the view.")
    assert "promotion" in intents("Check out our exclusive collection.")


def test_spans_point_at_cues_in_folded_text() -> None:
    folded = fold("Ｂｉｇ news: 20% off today").text
    spans = intent_spans(folded, "promotion")
    assert folded[slice(*spans[0])] == "20% off"


def test_every_intent_is_known() -> None:
    assert set(INTENTS) == {"promotion", "humour", "sympathy", "campaign", "complaint", "pause"}
    for name in INTENTS:
        assert intent_spans("", name) == []


def _one_scan_per_intent(folded: str) -> frozenset[str]:
    """The plain reading of the cue lists, which the single combined scan must agree with."""
    found = set()
    for name in INTENTS:
        strong, weak = _PATTERNS[name]
        if strong.search(folded) or len({m.group() for m in weak.finditer(folded)}) >= 2:
            found.add(name)
    return frozenset(found)


@pytest.mark.parametrize(
    "text",
    [
        "Share your photos with #AcmeSummer to win! New collection, 20% off, lol",
        "Tell us your story. Our thoughts are with you; we are pausing all promotions.",
        "I hate this. Worst day ever ;) check out our exclusive offers at acme.com",
        "被災地の一日も早い復興を心よりお祈りします。新商品の販売は延期いたします(笑)",
        "Retweet to enter to win a free trial; big savings; no big deal.",
    ],
)
def test_combined_scan_agrees_with_one_scan_per_intent(text: str) -> None:
    folded = fold(text).text
    assert detect_intents(folded) == _one_scan_per_intent(folded)
