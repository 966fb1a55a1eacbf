"""The simulator's texts: varied ordinary vocabulary, storm kinds that are what they say,
and a count process that does not depend on the wording."""

from __future__ import annotations

from collections import Counter

from firewarden.detect.evaluate import signals
from firewarden.detect.simulate import SimulationConfig, simulate
from firewarden.text.terms import content_terms


def counts_view(kind: str, seed: int) -> list[tuple[object, ...]]:
    s = simulate(SimulationConfig(days=6, kind=kind), seed)
    return [(m.timestamp, m.author, m.followers, m.sentiment, m.storm) for m in s.mentions]


def test_the_count_process_is_the_same_for_every_kind() -> None:
    assert counts_view("post", 3) == counts_view("misconduct", 3) == counts_view("mixed", 3)


def test_ordinary_traffic_has_vocabulary_churn() -> None:
    s = simulate(SimulationConfig(days=14, storm=False), 1)
    texts = [m.text for m in s.mentions]
    assert len(set(texts)) > len(texts) / 4  # not a handful of sentences repeated
    by_day: dict[int, set[str]] = {}
    for m in s.mentions:
        by_day.setdefault(m.timestamp.day, set()).update(content_terms(m.text))
    vocab = set().union(*by_day.values())
    assert len(vocab) > 150
    # New words come and go: some day uses words no earlier day used (launches, campaigns).
    days = sorted(by_day)
    assert any(by_day[d] - set().union(*(by_day[e] for e in days if e < d)) for d in days[3:])


def test_storms_vary_their_wording_and_topic_per_storm() -> None:
    a = [m for m in simulate(SimulationConfig(days=4, onset_day=2), 1).mentions if m.storm]
    b = [m for m in simulate(SimulationConfig(days=4, onset_day=2), 2).mentions if m.storm]
    assert len({m.text for m in a}) >= 10
    words_a = Counter(w for m in a for w in content_terms(m.text))
    words_b = Counter(w for m in b for w in content_terms(m.text))
    assert set(words_a) != set(words_b)


def test_misconduct_storm_is_a_kitchen_video_not_a_reply() -> None:
    s = simulate(SimulationConfig(days=4, onset_day=2, kind="misconduct"), 4)
    storm = [m for m in s.mentions if m.storm]
    spark = min(storm, key=lambda m: m.timestamp)
    assert spark.media == ("video",) and not spark.reply_to_brand
    replies = sum(1 for m in storm if m.reply_to_brand) / len(storm)
    assert replies < 0.2
    flagged = [
        x for x, m in zip(signals(s.mentions, "Acme"), s.mentions, strict=True) if x.misconduct
    ]
    assert s.onset is not None and flagged
    assert sum(1 for x in flagged if x.timestamp >= s.onset) > len(flagged) / 2


def test_post_storm_replies_to_the_brand() -> None:
    s = simulate(SimulationConfig(days=4, onset_day=2, kind="post"), 4)
    storm = [m for m in s.mentions if m.storm]
    assert sum(1 for m in storm if m.reply_to_brand) / len(storm) > 0.3
    assert not any(m.media for m in storm)
