"""Numenta Anomaly Benchmark (NAB) scoring of a detector's alert decisions.

Implements NAB's documented scoring method (implemented here from its description; no NAB
code or data is included):

* each labelled anomaly has a window; a detection inside a window scores with the scaled
  sigmoid of its relative position, so the earliest detection in a window is worth the most
  and only the best detection of a window counts (``tp`` weight);
* a window with no detection costs the ``fn`` weight;
* a detection outside every window costs the ``fp`` weight, scaled by the sigmoid of its
  distance past the preceding window (cheap just after a window, full cost far from it or
  before the first window);
* the first 15 % of each file (at most 750 points) is probationary and not scored;
* scores are normalised between the null detector (never alerts) and the perfect detector
  (one detection at the start of every window): ``100 * (raw - null) / (perfect - null)``.

The detector's own alert decisions are scored (an alert is a detection); no threshold is
tuned on the labels.
"""

from __future__ import annotations

import json
import math
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from firewarden.detect.detector import DetectorConfig, SeriesDetector
from firewarden.errors import InputError


@dataclass(frozen=True, slots=True)
class CostMatrix:
    tp: float
    fp: float
    fn: float


#: NAB's three application profiles.
PROFILES: dict[str, CostMatrix] = {
    "standard": CostMatrix(tp=1.0, fp=0.11, fn=1.0),
    "reward_low_FP_rate": CostMatrix(tp=1.0, fp=0.22, fn=1.0),
    "reward_low_FN_rate": CostMatrix(tp=1.0, fp=0.11, fn=2.0),
}

PROBATION_PERCENT = 0.15


def scaled_sigmoid(position: float) -> float:
    """NAB's reward curve: ~0.987 at the window's left edge (-1), 0 at its right edge (0),
    negative past it, and -1 from three window widths on."""
    if position >= 3.0:
        return -1.0
    return 2.0 / (1.0 + math.exp(5.0 * position)) - 1.0


_MAX_TP = scaled_sigmoid(-1.0)


def probationary_length(n: int, percent: float = PROBATION_PERCENT) -> float:
    """Points at the start of a file that are not scored."""
    return min(math.floor(percent * n), percent * 5000)


@dataclass(frozen=True, slots=True)
class FileScore:
    """One file's raw score and the null / perfect scores it is normalised against."""

    name: str
    raw: float
    null: float
    perfect: float
    windows: int
    detected: int  # windows with at least one detection
    false_positives: int

    @property
    def normalised(self) -> float:
        span = self.perfect - self.null
        return 100.0 * (self.raw - self.null) / span if span else 100.0


def window_indices(
    timestamps: Sequence[datetime], windows: Sequence[tuple[datetime, datetime]]
) -> list[tuple[int, int]]:
    """Each window as (first index, last index) of the points it covers, in time order.

    Window edges are looked up exactly (their first occurrence, as NAB does), falling back to
    the nearest points inside the window when an edge is not a timestamp of the file.
    """
    first: dict[datetime, int] = {}
    for i, ts in enumerate(timestamps):
        first.setdefault(ts, i)
    out = []
    for start, end in sorted(windows):
        lo = first.get(start)
        if lo is None:
            lo = next((i for i, ts in enumerate(timestamps) if ts >= start), len(timestamps))
        hi = first.get(end)
        if hi is None:
            hi = bisect_right(timestamps, end) - 1
        if lo <= hi:
            out.append((lo, hi))
    return out


def score_file(
    name: str,
    timestamps: Sequence[datetime],
    alerts: Sequence[int],
    windows: Sequence[tuple[datetime, datetime]],
    cost: CostMatrix,
    probation_percent: float = PROBATION_PERCENT,
) -> FileScore:
    """Score one file's alert indices (0-based positions where the detector alerted).

    Only the detections are visited, so the cost is O(alerts * log windows).
    """
    spans = window_indices(timestamps, windows)
    probation = probationary_length(len(timestamps), probation_percent)
    starts = [lo for lo, _ in spans]
    # Windows with a scorable point start at the FN penalty; windows wholly inside the
    # probationary period are not scored (but still count in the perfect score, as in NAB).
    best: dict[int, float] = {w: -cost.fn for w, (_, hi) in enumerate(spans) if hi >= probation}
    fp_total = 0.0
    fps = 0
    for i in sorted(set(alerts)):
        if i < probation:
            continue
        w = bisect_right(starts, i) - 1
        if w >= 0 and i <= spans[w][1]:
            lo, hi = spans[w]
            width = hi - lo + 1
            position = -(hi - i + 1) / width
            best[w] = max(best[w], scaled_sigmoid(position) * cost.tp / _MAX_TP)
            continue
        fps += 1
        if w < 0:
            position = 3.0
        else:
            lo, hi = spans[w]
            width = hi - lo + 1
            position = abs(hi - i) / (width - 1) if width > 1 else 3.0
        fp_total += scaled_sigmoid(position) * cost.fp
    raw = sum(best.values()) + fp_total
    null = -cost.fn * len(best)
    perfect = cost.tp * len(windows)
    detected = sum(1 for v in best.values() if v > -cost.fn)
    return FileScore(name, raw, null, perfect, len(windows), detected, fps)


@dataclass(frozen=True, slots=True)
class Summary:
    """Normalised score over a set of files (sums of raw, null and perfect)."""

    files: int
    windows: int
    detected: int
    false_positives: int
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "windows": self.windows,
            "detected": self.detected,
            "false_positives": self.false_positives,
            "score": round(self.score, 2),
        }


def summarise(scores: Sequence[FileScore]) -> Summary:
    """Normalise a set of files together, as NAB does for the corpus."""
    raw = sum(s.raw for s in scores)
    null = sum(s.null for s in scores)
    perfect = sum(s.perfect for s in scores)
    span = perfect - null
    return Summary(
        files=len(scores),
        windows=sum(s.windows for s in scores),
        detected=sum(s.detected for s in scores),
        false_positives=sum(s.false_positives for s in scores),
        score=100.0 * (raw - null) / span if span else 100.0,
    )


# --- running the detector over a NAB-shaped corpus -------------------------------------


@dataclass(frozen=True, slots=True)
class NabResult:
    """Per-file scores for every profile, and summaries by category and overall."""

    files: dict[str, dict[str, FileScore]]  # profile -> file -> score
    alerts: int
    points: int

    def categories(self) -> list[str]:
        names = next(iter(self.files.values()), {})
        return sorted({name.split("/", 1)[0] for name in names})

    def summary(self, profile: str, category: str | None = None) -> Summary:
        scores = [
            s
            for name, s in self.files[profile].items()
            if category is None or name.split("/", 1)[0] == category
        ]
        return summarise(scores)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"points": self.points, "alerts": self.alerts, "profiles": {}}
        for profile, files in self.files.items():
            out["profiles"][profile] = {
                "overall": self.summary(profile).to_dict(),
                "categories": {c: self.summary(profile, c).to_dict() for c in self.categories()},
                "files": {
                    name: {
                        "score": round(s.normalised, 2) if s.windows else None,
                        "raw": round(s.raw, 4),
                        "windows": s.windows,
                        "detected": s.detected,
                        "false_positives": s.false_positives,
                    }
                    for name, s in sorted(files.items())
                },
            }
        return out


def load_windows(path: Path) -> dict[str, list[tuple[datetime, datetime]]]:
    """Read NAB's ``combined_windows.json`` (file -> list of [start, end] timestamps)."""
    from firewarden.detect.csvio import parse_timestamp

    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(
            f"cannot read the labels ({exc})",
            where=str(path),
            hint="pass NAB's labels/combined_windows.json",
        ) from None
    if not isinstance(raw, dict):
        raise InputError("expected an object of file -> windows", where=str(path))
    out: dict[str, list[tuple[datetime, datetime]]] = {}
    for name, windows in raw.items():
        try:
            out[name] = [(parse_timestamp(a), parse_timestamp(b)) for a, b in windows]
        except (TypeError, ValueError) as exc:
            single = isinstance(windows, list) and all(isinstance(w, str) for w in windows)
            raise InputError(
                f"{name}: these are single times, not windows" if single
                else f"{name}: bad window ({exc})",
                where=str(path),
                hint="pass NAB's labels/combined_windows.json (combined_labels.json holds the "
                "anomalies' times; NAB scores against the windows around them)" if single
                else "each window is a [start, end] pair of timestamps",
            ) from None  # fmt: skip
    return out


def evaluate_corpus(
    data_dir: Path,
    windows: dict[str, list[tuple[datetime, datetime]]],
    alerts_for: Callable[[list[datetime], list[float]], list[int]],
    only: Sequence[str] = (),
    profiles: dict[str, CostMatrix] = PROFILES,
) -> NabResult:
    """Run ``alerts_for`` (timestamps, values -> alert indices) on each labelled file and
    score it under every profile. ``only`` keeps files whose path contains any of the
    strings (e.g. ``realTweets``)."""
    from firewarden.detect.csvio import read_series

    names = sorted(n for n in windows if not only or any(o in n for o in only))
    files: dict[str, dict[str, FileScore]] = {p: {} for p in profiles}
    total_alerts = points = 0
    for name in names:
        path = data_dir / name
        if not path.is_file():
            raise InputError(
                f"the labels name {name} but it is not in the data folder",
                where=str(data_dir),
                hint="pass NAB's data/ folder as --data",
            )
        timestamps: list[datetime] = []
        values: list[float] = []
        for ts, value in read_series(path, allow_unsorted=True):
            timestamps.append(ts)
            values.append(value)
        hits = alerts_for(timestamps, values)
        total_alerts += len(hits)
        points += len(values)
        for profile, cost in profiles.items():
            files[profile][name] = score_file(name, timestamps, hits, windows[name], cost)
    if not names:
        raise InputError("no labelled file matched", hint="check --only and --labels")
    return NabResult(files, total_alerts, points)


def product_alerts(
    config: DetectorConfig | None = None,
) -> Callable[[list[datetime], list[float]], list[int]]:
    """The product's own alert decisions (alert == 1 points) as NAB detections."""

    def run(timestamps: list[datetime], values: list[float]) -> list[int]:
        detector = SeriesDetector(config)
        return [
            i
            for i, (ts, v) in enumerate(zip(timestamps, values, strict=True))
            if detector.update(ts, v).alert
        ]

    return run
