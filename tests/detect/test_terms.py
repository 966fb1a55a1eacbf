"""The emerging-term detector: a new negative term used by several people alerts, with the
term named; the same words from one author, in happy mentions, or as usual do not."""

from __future__ import annotations

import random
import re
from datetime import datetime, timedelta

from firewarden.detect.series import Bucket
from firewarden.detect.terms import ContentUse, TermBurst, TermConfig
from firewarden.detect.watch import WatchDetector

START = datetime(2026, 1, 5)
STEP = timedelta(minutes=5)
WORDS = ("coffee", "order", "store", "queue", "price", "staff", "cake", "tea", "late", "cold")


def ordinary(i: int) -> tuple[ContentUse, ...]:
    """Two mentions a bucket from ever new authors; every sixth is negative."""
    out = []
    for j in range(2):
        n = 2 * i + j
        terms = frozenset({WORDS[n % len(WORDS)], WORDS[(n * 7 + 3) % len(WORDS)]})
        out.append(ContentUse(f"u{n}", terms, negative=n % 6 == 0))
    return tuple(out)


def run(
    burst: list[ContentUse], days: int = 4, at: int = 3 * 288, spread: int = 6
) -> list[tuple[int, tuple[str, ...]]]:
    """Feed ``days`` of ordinary buckets; from bucket ``at`` on, one burst mention every
    ``spread`` buckets is added. Returns (bucket, named terms) of every bucket with hits."""
    det = TermBurst()
    hits = []
    queue = list(burst)
    for i in range(days * 288):
        uses = ordinary(i)
        if i >= at and queue and (i - at) % spread == 0:
            uses = (*uses, queue.pop(0))
        r = det.update(START + i * STEP, uses)
        if r.hits:
            hits.append((i, tuple(h.term for h in r.hits)))
    return hits


def test_new_negative_term_by_distinct_authors_alerts_and_is_named() -> None:
    burst = [ContentUse(f"angry{k}", frozenset({"boycott", "order"}), True) for k in range(6)]
    hits = run(burst, spread=3)
    assert hits, "a never-seen negative term used by six people in 75 minutes"
    first, terms = hits[0]
    assert "boycott" in terms and "order" not in terms  # "order" is usual for this watch
    assert 3 * 288 <= first <= 3 * 288 + 5 * 3  # by the third to sixth author


def test_the_same_burst_by_one_author_does_not_alert() -> None:
    burst = [ContentUse("angry", frozenset({"boycott"}), True) for _ in range(8)]
    assert run(burst, spread=3) == []


def test_the_same_burst_in_happy_mentions_does_not_alert() -> None:
    burst = [ContentUse(f"fan{k}", frozenset({"boycott"}), False) for k in range(8)]
    assert run(burst, spread=3) == []


def test_a_term_usual_for_the_watch_does_not_alert() -> None:
    # "late" is in a third of the ordinary vocabulary's pairs: five more negative uses in
    # two hours are within its usual variation.
    burst = [ContentUse(f"angry{k}", frozenset({"late"}), True) for k in range(6)]
    assert run(burst, spread=3) == []


def test_nothing_before_the_warm_up() -> None:
    burst = [ContentUse(f"angry{k}", frozenset({"boycott"}), True) for k in range(8)]
    assert run(burst, days=2, at=288, spread=3) == []


def test_vocabulary_is_bounded() -> None:
    det = TermBurst(TermConfig(max_terms=50))
    for i in range(3 * 288):
        uses = (ContentUse(f"u{i}", frozenset({f"w{i}", f"v{i}"}), True),)
        det.update(START + i * STEP, uses)
    assert det.vocabulary == 50


def test_watch_detector_explains_the_term() -> None:
    det = WatchDetector()
    explained = []
    burst = [ContentUse(f"angry{k}", frozenset({"boycott"}), True) for k in range(6)]
    for i in range(4 * 288):
        uses = ordinary(i)
        if i >= 3 * 288 and burst and (i - 3 * 288) % 3 == 0:
            uses = (*uses, burst.pop(0))
        neg = sum(u.negative for u in uses)
        d = det.update(Bucket(START + i * STEP, len(uses), neg, 1.5 * neg, 0, uses))
        if d.alert and d.explanation is not None:
            explained.append(d.explanation)
    terms = [e for e in explained if e.series == "terms"]
    assert terms, [e.summary() for e in explained]
    assert terms[0].terms[0] == "boycott"
    assert re.search(
        r"«boycott» by [3-6] authors in [3-6] negative mentions since 2026-01-08 00:00 UTC "
        r"\(never used before in ",
        terms[0].summary(),
    )
    assert terms[0].to_dict()["terms"] == ["boycott"]


COMPLAINTS = ("sold", "expired", "closed", "stale", "rude", "refund", "broken", "dirty")


def bursty_watch(det: TermBurst, days: int, extra: dict[int, list[ContentUse]]) -> list[int]:
    """A watch whose everyday complaints come in irregular bursts: about every five hours,
    one of its complaint words in the negative mentions of 5 to 14 people within an hour.
    ``extra`` adds mentions at given buckets. Returns the buckets where terms stood out."""
    rng = random.Random(3)
    bursts: dict[int, list[ContentUse]] = {}
    for i in range(days * 288):
        if rng.random() < 1 / 60:
            word = rng.choice(COMPLAINTS)
            for k in range(rng.randint(5, 14)):
                bursts.setdefault(i + rng.randrange(12), []).append(
                    ContentUse(f"c{i}-{k}", frozenset({word}), True)
                )
    hits = []
    for i in range(days * 288):
        uses = (*ordinary(i), *bursts.get(i, ()), *extra.get(i, ()))
        if det.update(START + i * STEP, uses).score > 0:  # terms newly standing out
            hits.append(i)
    return hits


def test_calibration_shrinks_scores_where_ordinary_bursts_are_common() -> None:
    plain = TermBurst(TermConfig(calibration_level=0.0))
    calibrated = TermBurst()
    assert plain.stretch() == calibrated.stretch() == 1.0  # the prior: nothing learned yet
    late = 4 * 288  # once the calibration has seen two days
    loud = [i for i in bursty_watch(plain, 8, {}) if i >= late]
    quiet = [i for i in bursty_watch(calibrated, 8, {}) if i >= late]
    assert len(loud) >= 20, "the model alone takes the everyday bursts for emerging terms"
    assert len(quiet) * 3 <= len(loud)
    assert calibrated.stretch() < 0.6 and plain.stretch() == 1.0


def test_calibration_still_lets_a_new_word_of_many_people_through() -> None:
    at = 7 * 288 + 100
    storm = {at + k: [ContentUse(f"angry{k}", frozenset({"boycott"}), True)] for k in range(12)}
    calibrated = TermBurst()
    hits = bursty_watch(calibrated, 8, storm)
    assert calibrated.stretch() < 0.6
    assert any(at <= i < at + 12 for i in hits)
