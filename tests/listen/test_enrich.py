"""Enrichment: sentiment, complaints and their topics, reach, misconduct signs, fast fold."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from firewarden.listen.enrich import Enricher, enrich, reach, text_facts
from firewarden.listen.mention import Mention
from firewarden.listen.sentiment import load_sentiment_model, sentiment
from firewarden.text.normalize import fold

SHARED = Path(__file__).resolve().parents[2].parent / "shared"


def mention(text: str, **fields: object) -> Mention:
    return Mention("x", "1", text, dt.datetime(2026, 1, 1, tzinfo=dt.UTC), **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Worst service ever, my order never arrived and nobody answers", "negative"),
        ("Thanks so much, the team sorted it out quickly, love it", "positive"),
        ("最悪、二度と行かない", "negative"),
        ("このラテおいしくない", "negative"),
        ("新作おいしかった！ありがとう", "positive"),
        ("明日は何時に開きますか", "neutral"),
    ],
)
def test_sentiment(text: str, label: str) -> None:
    f = fold(text).text
    assert sentiment(f, "ja" if not text.isascii() else "en") == label


def test_model_metrics_recorded() -> None:
    metrics = load_sentiment_model().metrics
    assert metrics["cv_macro_f1"] > 0.6 and metrics["rows"] > 1000


def test_negative_cues_are_the_words_the_model_reads_as_negative() -> None:
    from firewarden.listen.content import skip_terms
    from firewarden.listen.sentiment import NEGATIVE_CUE_MARGIN, negative_cues
    from firewarden.listen.watches import Watch

    cues = negative_cues()
    weights = load_sentiment_model().weights
    assert {"worst", "terrible", "bad"} <= cues
    assert not {"great", "love", "coffee", "latte", "the"} & cues
    for word in cues:  # single words, each favouring negative by the margin
        neg, neu, pos = weights[word]
        assert " " not in word and neg - max(neu, pos) >= NEGATIVE_CUE_MARGIN
    # A stricter margin keeps fewer of them.
    assert negative_cues(NEGATIVE_CUE_MARGIN + 1.0) < cues
    # The term signal skips them beside the watch's own names.
    skipped = skip_terms(Watch(name="Acme", keywords=("Acme",), handles=("@acme_jp",)))
    assert {"acme", "acme_jp", "worst", "bad"} <= skipped


def test_complaint_topics() -> None:
    facts = text_facts("My parcel never arrived, delivery is a week late. Never again")
    e = enrich(mention("x"), facts, names_brand=True)
    assert e.complaint and "delivery" in e.topics and e.negative
    happy = enrich(mention("x"), text_facts("Delivery was quick, thanks!"), names_brand=True)
    assert not happy.complaint and happy.topics == ()
    ja = enrich(
        mention("x"), text_facts("アプリが不具合でログインできない、最悪"), names_brand=True
    )
    assert ja.complaint and "app" in ja.topics


def test_misconduct_needs_brand_media_and_two_groups() -> None:
    text = "Acmeのバイトが厨房で動画撮ってる"
    facts = text_facts(text)
    assert enrich(mention(text, media=("video",)), facts, names_brand=True).misconduct
    assert not enrich(mention(text), facts, names_brand=True).misconduct  # no video or image
    assert not enrich(mention(text, media=("image",)), facts, names_brand=False).misconduct
    one_group = text_facts("Working at Acme today, staff party!")
    assert not enrich(mention("x", media=("image",)), one_group, names_brand=True).misconduct


def test_reach_grows_with_engagement() -> None:
    assert reach(mention("x", followers=100)) == 100
    assert reach(mention("x", followers=100, reposts=5, likes=10)) == 100 + 50 + 20


def test_enricher_caches_by_text() -> None:
    e = Enricher(limit=2)
    a = e.facts("same text")
    assert e.facts("same text") is a and e.hits == 1
    e.facts("b")
    e.facts("c")  # over the limit: the cache starts over
    assert e.misses == 3
