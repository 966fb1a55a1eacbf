"""The coarse scale: a detector on the means of blocks of points catches a small lasting
shift that no single point shows, alerts only when a block completes, and is off for
mention watches."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, timedelta

from firewarden.detect.coarse import CoarseScale, coarse_config
from firewarden.detect.detector import WATCH_CONFIG, DetectorConfig, SeriesDetector
from firewarden.detect.types import AlertLevel, Decision, Explanation

T0 = datetime(2026, 1, 5)
# Only the magnitude evidence, so the test isolates the coarse scale.
BASE = replace(DetectorConfig(), rarity=False, context=False)


def _run(values: list[float], config: DetectorConfig) -> list[Decision]:
    det = SeriesDetector(config)
    return [det.update(T0 + timedelta(minutes=5 * i), v) for i, v in enumerate(values)]


def _shifted(n: int = 2000, at: int = 1200, shift: float = 1.5, seed: int = 3) -> list[float]:
    rng = random.Random(seed)
    return [100.0 + rng.gauss(0.0, 1.0) + (shift if i >= at else 0.0) for i in range(n)]


def _alerts(decisions: list[Decision], after: int = 0) -> list[int]:
    return [i for i, d in enumerate(decisions) if d.alert and i >= after]


def test_small_lasting_shift_is_caught_only_at_the_coarse_scale() -> None:
    values = _shifted()
    assert _alerts(_run(values, replace(BASE, coarse=0)), after=1200) == []
    decisions = _run(values, BASE)
    late = _alerts(decisions, after=1200)
    assert late, "the coarse scale should see a 1.5-sigma shift"
    first = late[0]
    assert first < 1400
    assert (first + 1) % BASE.coarse == 0  # decided when its block completes
    explanation = decisions[first].explanation
    assert explanation is not None and explanation.direction == "rise"
    assert explanation.observed > explanation.expected


def test_coarse_scale_never_looks_ahead() -> None:
    values = _shifted()
    full = _run(values, BASE)
    for cut in (1207, 1290, 1333):
        assert _run(values[:cut], BASE) == full[:cut]


def test_coarse_scale_is_off_for_mention_watches() -> None:
    assert WATCH_CONFIG.coarse == 0
    assert DetectorConfig().coarse > 1
    values = [round(v) for v in _shifted()]
    watch = replace(WATCH_CONFIG)
    assert _run([float(v) for v in values], watch) == _run(
        [float(v) for v in values], replace(watch, coarse=16)
    )


class _Recorder:
    """Stands in for the block detector: records what it is fed, alerts on demand."""

    def __init__(self, alert_at: float) -> None:
        self.fed: list[float] = []
        self.alert_at = alert_at

    def update(self, ts: datetime, x: float, trials: int | None = None) -> Decision:
        self.fed.append(x)
        if x < self.alert_at:
            return Decision(ts, AlertLevel.NONE, 0.0, False)
        why = Explanation("value", "rise", x, 0.0, ts, AlertLevel.WATCH, 10.0)
        return Decision(ts, AlertLevel.WATCH, 10.0, True, why)


def test_coarse_scale_feeds_block_means_only_when_a_block_completes() -> None:
    inner = _Recorder(alert_at=5.0)
    scale = CoarseScale(inner, block=4)
    out = [scale.update(T0 + timedelta(minutes=i), float(v)) for i, v in enumerate(range(12))]
    assert inner.fed == [1.5, 5.5, 9.5]  # means of 0..3, 4..7, 8..11
    assert [i for i, e in enumerate(out) if e is not None] == [7, 11]
    first = out[7]
    assert first is not None and first.observed == 5.5


def test_coarse_config_converts_points_to_blocks() -> None:
    cfg = coarse_config(replace(DetectorConfig(), coarse=16))
    assert (cfg.coarse, cfg.rarity, cfg.context, cfg.counts) == (0, False, False, False)
    assert cfg.cooldown == DetectorConfig().cooldown // 16
