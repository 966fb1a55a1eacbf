"""The emerging-term detector where most mentions are negative: a new term as negative as the
watch's usual mentions counts (a share test against the usual share would be blind there),
and a launch word used mostly by happy authors still does not."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from firewarden.detect.terms import ContentUse, TermBurst, mostly_negative

START = datetime(2026, 1, 5)
STEP = timedelta(minutes=5)
WORDS = ("flight", "delay", "gate", "bags", "crew", "seat", "refund", "hold", "late", "wifi")


def ordinary(i: int) -> tuple[ContentUse, ...]:
    """Four mentions a bucket from ever new authors; three of every four are negative."""
    out = []
    for j in range(4):
        n = 4 * i + j
        terms = frozenset({WORDS[n % len(WORDS)], WORDS[(n * 7 + 3) % len(WORDS)]})
        out.append(ContentUse(f"u{n}", terms, negative=n % 4 != 0))
    return tuple(out)


def run(burst: list[ContentUse], spread: int = 2) -> list[str]:
    """Three days of ordinary buckets, then one burst mention every ``spread`` buckets;
    the terms named by any bucket's hits."""
    det = TermBurst()
    named: list[str] = []
    queue = list(burst)
    at = 3 * 288
    for i in range(4 * 288):
        uses = ordinary(i)
        if i >= at and queue and (i - at) % spread == 0:
            uses = (*uses, queue.pop(0))
        named += [h.term for h in det.update(START + i * STEP, uses).hits]
    return named


def test_a_new_term_as_negative_as_usual_alerts_in_a_mostly_negative_watch() -> None:
    # Six of eight authors negative: the watch's usual 75 %. Under a 1 % test of the share
    # against the usual share this was never a negative term (8 of 8 would score 1.0).
    burst = [ContentUse(f"p{k}", frozenset({"stranded"}), negative=k % 4 != 1) for k in range(8)]
    assert "stranded" in run(burst)


def test_a_launch_word_with_a_few_negative_authors_does_not() -> None:
    # A new route: half of its authors complain ("sold out already?"), half are happy.
    burst = [ContentUse(f"f{k}", frozenset({"vieques"}), negative=k % 2 == 0) for k in range(8)]
    # (With a floor of one half instead of two thirds, 4 of 8 in 40 minutes would alert.)
    assert "vieques" not in run(burst, spread=1)


def test_the_same_word_by_happy_authors_only_does_not() -> None:
    burst = [ContentUse(f"f{k}", frozenset({"stranded"}), negative=False) for k in range(8)]
    assert run(burst) == []


@pytest.mark.parametrize(
    ("k", "n", "share", "expected"),
    [
        # Usually happy (12 % negative): two extra happy authors; 3 of 5 is a launch's luck.
        (3, 3, 0.12, True),
        (3, 4, 0.12, True),
        (3, 5, 0.12, False),
        (4, 6, 0.12, True),
        (5, 9, 0.12, False),
        # Usually negative (75 %): a term as negative as usual counts; two thirds is the
        # floor, which a launch's name with 3 negative authors of 5 or 6 does not reach.
        (3, 4, 0.75, True),
        (4, 6, 0.75, True),
        (6, 8, 0.75, True),
        (3, 5, 0.75, False),
        (3, 6, 0.75, False),
    ],
)
def test_mostly_negative(k: int, n: int, share: float, expected: bool) -> None:
    assert mostly_negative(k, n, share) is expected
