"""Novel patterns: the contextual detector alone and inside the series detector."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, timedelta

from firewarden.detect.context import ContextNovelty
from firewarden.detect.detector import WATCH_CONFIG, DetectorConfig, SeriesDetector
from firewarden.detect.types import Decision, Direction

T0 = datetime(2026, 1, 5)


def _wave(n: int, period: int = 24, noise: float = 0.3, seed: int = 0) -> list[float]:
    """A repeated shape (a sawtooth rhythm), with a little noise unless ``noise`` is 0."""
    rng = random.Random(seed)
    return [10.0 + (i % period) + rng.uniform(-noise, noise) for i in range(n)]


#: Only the contextual evidence: magnitude and rarity alerts switched off.
PATTERNS_ONLY = replace(
    DetectorConfig(), rarity=False, watch=1e9, warning=1e9, crisis=1e9, cusum_k=1e9
)


def _novelty(values: list[float], **kwargs: int) -> list[float]:
    det = ContextNovelty(**kwargs)
    return [det.update(v) for v in values]


def _run(values: list[float], config: DetectorConfig | None = None) -> list[Decision]:
    det = SeriesDetector(config)
    times = [T0 + timedelta(minutes=5 * i) for i in range(len(values))]
    return [det.update(ts, v) for ts, v in zip(times, values, strict=True)]


def test_a_repeated_pattern_becomes_familiar() -> None:
    assert max(_novelty(_wave(2000, noise=0.0))[400:]) == 0.0
    # With noise, values near a bin edge occasionally make a new combination, rarely.
    noisy = _novelty(_wave(3000))
    assert sum(x > 0 for x in noisy[1500:]) < 30


def test_a_new_pattern_of_ordinary_values_is_novel() -> None:
    values = _wave(2000, noise=0.0)
    # The rhythm goes flat in the middle of its range: no value is out of range.
    values[1500:1560] = [22.0] * 60
    novelty = _novelty(values)
    assert max(novelty[1000:1500]) == 0.0
    assert max(novelty[1500:1510]) >= 0.6


def test_novelty_is_zero_while_the_range_is_learned() -> None:
    novelty = _novelty(_wave(400), learn=300)
    assert novelty[:299] == [0.0] * 299


def test_memory_is_bounded() -> None:
    rng = random.Random(3)
    det = ContextNovelty(bins=32, capacity=500)
    for _ in range(20_000):
        det.update(rng.uniform(0.0, 100.0))
        assert det.size <= 500
    assert det.size > 100


def test_novelty_is_online() -> None:
    values = _wave(1500)
    values[1200:1230] = [15.0] * 30
    full = _novelty(values)
    for cut in (250, 300, 1210):
        assert _novelty(values[:cut]) == full[:cut]


def test_the_series_detector_raises_a_pattern_alert_once() -> None:
    values = _wave(3000)
    values[2000:2100] = [22.0] * 100  # flat inside the usual range
    alerts = [(i, d) for i, d in enumerate(_run(values)) if d.alert]
    assert alerts and 2000 <= alerts[0][0] < 2030  # one way or another, it alerts
    alerts = [(i, d) for i, d in enumerate(_run(values, PATTERNS_ONLY)) if d.alert]
    assert alerts, "a flat stretch in a rhythm should alert"
    first, decision = alerts[0]
    assert 2000 <= first < 2030
    assert decision.explanation is not None and decision.explanation.direction == "pattern"
    assert "unusual pattern" in decision.explanation.summary()
    assert decision.level >= 1
    assert all(i < 2100 for i, _ in alerts)  # one region, no stream of alerts


def test_a_repeated_pattern_raises_no_alert() -> None:
    assert not any(d.alert for d in _run(_wave(5000), PATTERNS_ONLY))


def test_prefix_gives_identical_decisions_with_patterns() -> None:
    values = _wave(2500)
    values[2000:2050] = [22.0] * 50
    full = _run(values)
    for cut in (320, 2010, 2300):
        assert _run(values[:cut]) == full[:cut]
    patterns = _run(values, PATTERNS_ONLY)
    assert _run(values[:2010], PATTERNS_ONLY) == patterns[:2010]


def test_pattern_alerts_are_off_for_one_sided_and_mention_watches() -> None:
    values = _wave(3000)
    values[2000:2100] = [22.0] * 100
    up = replace(PATTERNS_ONLY, direction=Direction.UP)
    assert any(d.alert for d in _run(values, PATTERNS_ONLY))
    assert not any(
        d.alert and d.explanation and d.explanation.direction == "pattern" for d in _run(values, up)
    )
    assert WATCH_CONFIG.context is False
