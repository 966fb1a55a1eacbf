"""The recent-tail rarity: learning period, rare beyond the history, relative to the series."""

from __future__ import annotations

import random

from firewarden.detect.tail import DepartureRarity, RecentTail


def test_silent_while_learning_then_judges_against_history() -> None:
    tail = RecentTail(window=500, tail_share=0.05, learn=100)
    rng = random.Random(0)
    assert all(tail.rarity(abs(rng.gauss(0, 1))) == 0.0 for _ in range(100))
    for _ in range(400):
        tail.rarity(abs(rng.gauss(0, 1)))
    assert tail.rarity(0.1) == 0.0  # not in the tail
    assert tail.rarity(3.0) > 1.0
    assert tail.rarity(10.0) > 5.0  # far beyond anything seen: extrapolated, not capped


def test_the_same_departure_is_less_rare_in_a_bursty_series() -> None:
    rng = random.Random(1)
    calm, bursty = RecentTail(window=1000), RecentTail(window=1000)
    for _ in range(1000):
        calm.rarity(abs(rng.gauss(0, 1)))
        bursty.rarity(rng.paretovariate(1.5))
    assert calm.rarity(8.0) > 4.0 > bursty.rarity(8.0)


def test_memory_is_bounded_and_forgets() -> None:
    tail = RecentTail(window=300, learn=50)
    for _ in range(300):
        tail.rarity(100.0)  # an old era of huge values
    for i in range(300):
        tail.rarity(1.0 + (i % 7) / 10)
    assert len(tail._sorted) == 300
    assert tail.rarity(5.0) > 3.0  # the huge era is forgotten


def test_departure_rarity_judges_only_the_watched_direction() -> None:
    rng = random.Random(5)
    up = DepartureRarity(500, 0.05, 100, run=5, clip=20.0, sign=1)
    both = DepartureRarity(500, 0.05, 100, run=5, clip=20.0, sign=0)
    for _ in range(400):
        z = rng.gauss(0.0, 1.0)
        up.rarity(z)
        both.rarity(z)
    assert up.rarity(-8.0) == 0.0  # a drop is not a departure for a rises-only series
    assert both.rarity(-8.0) > 2.0
