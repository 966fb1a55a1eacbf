"""Measuring the watch detector on simulated firestorms: time to detect, false alarms.

Each run simulates a stream with one firestorm, buckets it, and feeds the watch detector.
An alert before the onset is a false alarm in ordinary traffic; the first alert at or after
it is the detection (its delay from the onset is the time to detect).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from firewarden.detect.detector import WATCH_CONFIG, DetectorConfig
from firewarden.detect.scan import WATCH_SCAN, ScanConfig
from firewarden.detect.series import MentionSignal, bucketize
from firewarden.detect.simulate import SimulationConfig, simulate
from firewarden.detect.watch import WatchDetector


@dataclass(frozen=True, slots=True)
class RunResult:
    seed: int
    delay_minutes: float | None  # None: the storm was not detected
    false_alarms: int
    ordinary_days: float
    first_level: str


@dataclass(frozen=True, slots=True)
class EvaluationResult:
    runs: tuple[RunResult, ...]

    @property
    def detected(self) -> int:
        return sum(r.delay_minutes is not None for r in self.runs)

    @property
    def median_delay(self) -> float | None:
        delays = [r.delay_minutes for r in self.runs if r.delay_minutes is not None]
        return statistics.median(delays) if delays else None

    @property
    def false_alarms_per_week(self) -> float:
        days = sum(r.ordinary_days for r in self.runs)
        return 7.0 * sum(r.false_alarms for r in self.runs) / days if days else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "runs": len(self.runs),
            "detected": self.detected,
            "median_minutes_to_detect": self.median_delay,
            "false_alarms_per_week": round(self.false_alarms_per_week, 3),
        }


def run_once(
    seed: int,
    sim: SimulationConfig,
    bucket: timedelta = timedelta(minutes=5),
    config: DetectorConfig = WATCH_CONFIG,
    scan: ScanConfig | None = WATCH_SCAN,
) -> RunResult:
    """Simulate one stream and measure the watch detector on it."""
    s = simulate(sim, seed=seed)
    signals = (
        MentionSignal(m.timestamp, m.sentiment == "negative", m.followers, m.reply_to_brand)
        for m in s.mentions
    )
    detector = WatchDetector(config, scan)
    false_alarms = 0
    delay: float | None = None
    level = ""
    for b in bucketize(signals, bucket, until=s.end):
        d = detector.update(b)
        if not d.alert:
            continue
        bucket_end = b.start + bucket
        if s.onset is None or bucket_end <= s.onset:
            false_alarms += 1
        elif delay is None:
            delay = max(0.0, (bucket_end - s.onset).total_seconds() / 60.0)
            level = d.level.label
    ordinary = ((s.onset or s.end) - s.start).total_seconds() / 86400.0
    return RunResult(seed, delay, false_alarms, ordinary, level)


def evaluate(
    runs: int = 50,
    sim: SimulationConfig | None = None,
    bucket: timedelta = timedelta(minutes=5),
    config: DetectorConfig = WATCH_CONFIG,
    first_seed: int = 0,
    scan: ScanConfig | None = WATCH_SCAN,
) -> EvaluationResult:
    """Run ``runs`` seeded simulations (seeds ``first_seed``...) and collect the figures
    (``scan`` None: without the multi-window scan)."""
    sim = sim or SimulationConfig()
    return EvaluationResult(
        tuple(run_once(first_seed + i, sim, bucket, config, scan) for i in range(runs))
    )


def quiet_config(sim: SimulationConfig) -> SimulationConfig:
    """The same traffic without a firestorm (for false alarms alone)."""
    return replace(sim, storm=False)
