"""Resonance novelty (Fuzzy ART over windows): alone and inside the series detector."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from firewarden.detect.art import ResonanceNovelty
from firewarden.detect.detector import WATCH_CONFIG, DetectorConfig, SeriesDetector
from firewarden.detect.types import Decision, Direction

T0 = datetime(2026, 1, 5)

#: Only the resonance evidence: magnitude, rarity, context and coarse alerts switched off.
ART_ONLY = replace(
    DetectorConfig(),
    art=True,
    rarity=False,
    context=False,
    coarse=0,
    watch=1e9,
    warning=1e9,
    crisis=1e9,
    cusum_k=1e9,
)


def _wave(n: int, period: int = 24, noise: float = 0.3, seed: int = 0) -> list[float]:
    """A sawtooth rhythm with a little noise."""
    rng = random.Random(seed)
    return [10.0 + (i % period) + rng.uniform(-noise, noise) for i in range(n)]


def _reversed_teeth(values: list[float], start: int, stop: int, period: int = 24) -> None:
    """The same values, in a new order: the sawtooth falls instead of rising."""
    for i in range(start, stop):
        values[i] = 10.0 + (period - 1 - i % period)


def _spikes(n: int = 4000, every: int = 200, seed: int = 1) -> list[float]:
    """Noise around 10 with the same spike (30) every ``every`` points."""
    rng = random.Random(seed)
    values = [10.0 + rng.uniform(-1.0, 1.0) for _ in range(n)]
    for i in range(every // 2, n, every):
        values[i] = 30.0
    return values


def _scores(values: list[float], **kwargs: int) -> list[float]:
    det = ResonanceNovelty(**kwargs)
    return [det.update(v) for v in values]


def _run(values: list[float], config: DetectorConfig | None = None) -> list[Decision]:
    det = SeriesDetector(config)
    times = [T0 + timedelta(minutes=5 * i) for i in range(len(values))]
    return [det.update(ts, v) for ts, v in zip(times, values, strict=True)]


def test_a_repeated_pattern_founds_no_new_cluster_after_learning() -> None:
    scores = _scores(_wave(4000))
    assert scores[:600] == [0.0] * 600  # the range is being learned
    assert max(scores[1000:]) == 0.0


def test_a_new_shape_after_learning_scores() -> None:
    values = _wave(3000)
    _reversed_teeth(values, 2000, 2096)
    scores = _scores(values)
    assert max(scores[1000:2000]) == 0.0
    assert max(scores[2000:2040]) >= 0.4
    assert all(0.0 <= s <= 1.0 for s in scores)


def test_a_recurring_spike_becomes_familiar_and_a_new_shape_is_not() -> None:
    values = _spikes()
    values[3500:3540] = [25.0] * 40  # a plateau: never seen at this level
    det = ResonanceNovelty()
    familiar_spikes, plateau = [], []
    for i, v in enumerate(values):
        det.update(v)
        if i % 200 == 100 and i > 1500:
            familiar_spikes.append(det.familiar())
        if i in (3510, 3520):
            plateau.append(det.familiar())
    assert all(familiar_spikes)
    assert plateau == [False, False]


def test_asking_whether_familiar_changes_nothing() -> None:
    values = _spikes(2500)
    plain, asking = ResonanceNovelty(), ResonanceNovelty()
    for v in values:
        a = plain.update(v)
        b = asking.update(v)
        asking.familiar()
        assert a == b
    assert plain.vigilance == asking.vigilance


def test_prefix_gives_identical_scores() -> None:
    values = _wave(3000)
    _reversed_teeth(values, 2000, 2096)
    full = _scores(values)
    for cut in (300, 599, 600, 601, 2010):
        assert _scores(values[:cut]) == full[:cut]


def test_memory_is_bounded() -> None:
    rng = random.Random(3)
    det = ResonanceNovelty(capacity=20)
    most = 0
    for _ in range(20_000):
        det.update(rng.uniform(0.0, 100.0))
        most = max(most, det.categories)
    assert most == 20  # it fills up, and never grows past the capacity


def test_window_must_be_a_power_of_two() -> None:
    with pytest.raises(ValueError):
        ResonanceNovelty(window=6)


def test_the_series_detector_raises_a_pattern_alert_for_a_new_shape() -> None:
    values = _wave(3000)
    _reversed_teeth(values, 2000, 2096)
    alerts = [(i, d) for i, d in enumerate(_run(values, ART_ONLY)) if d.alert]
    assert alerts
    first, decision = alerts[0]
    assert 2000 <= first < 2040
    assert decision.explanation is not None and decision.explanation.direction == "pattern"
    assert not any(d.alert for d in _run(_wave(3000), ART_ONLY))


def test_the_veto_silences_recurring_spikes_but_not_the_first() -> None:
    values = _spikes()
    spike_alerts = {}
    for label, cfg in (
        ("off", DetectorConfig()),
        ("veto", replace(DetectorConfig(), art=True)),
        ("no veto", replace(DetectorConfig(), art=True, art_veto=False)),
    ):
        spike_alerts[label] = [
            i for i, d in enumerate(_run(values, cfg)) if d.alert and i % 200 == 100
        ]
    assert len(spike_alerts["off"]) >= 8  # the magnitude detector keeps alerting
    assert spike_alerts["no veto"] == spike_alerts["off"]
    assert spike_alerts["veto"][:1] == spike_alerts["off"][:1]  # the first spike is news
    # Once a few have been seen (the range is learned from the first 600 points) the
    # spike is a known shape: silent from then on.
    assert all(i < 1000 for i in spike_alerts["veto"])


def test_prefix_gives_identical_decisions_with_art() -> None:
    values = _spikes(3000)
    _reversed_teeth(values, 2200, 2296)
    cfg = replace(DetectorConfig(), art=True)
    full = _run(values, cfg)
    for cut in (610, 2210, 2500):
        assert _run(values[:cut], cfg) == full[:cut]


def test_off_by_default_and_for_one_sided_series() -> None:
    assert DetectorConfig().art is False
    assert WATCH_CONFIG.art is False
    values = _wave(3000)
    _reversed_teeth(values, 2000, 2096)
    up = replace(ART_ONLY, direction=Direction.UP)
    assert not any(d.alert for d in _run(values, up))
