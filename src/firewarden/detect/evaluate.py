"""Measuring the watch detector on simulated firestorms: time to detect, false alarms.

Each run simulates a stream with one firestorm, buckets it, and feeds the watch detector.
The content signals read the simulated texts as the listening pipeline would: content terms
without the brand's name (:func:`firewarden.text.terms.content_terms`) and the enrichment's
misconduct sign (video/image + words of two groups, naming the brand). The negative flag is
the simulator's sentiment label, or (``negative="model"``) what the listening pipeline's own
enrichment reads in the text (sentiment model or offensive language), so the figures include
the models' mistakes, as in production.
An alert before the onset is a false alarm in ordinary traffic. After it, an alert is the
detection (its delay from the onset is the time to detect) only if the storm caused it: the
same ordinary traffic without the storm's mentions (the simulator draws them after the
ordinary ones, so removing them leaves the rest as it was) is fed to a second detector, and
an alert it raises in the same bucket would have come anyway. Without this a false alarm
that happened to follow the onset counted as a detection, which flattered the time to
detect most where false alarms are frequent.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from firewarden.detect.detector import WATCH_CONFIG, DetectorConfig
from firewarden.detect.misconduct import WATCH_MISCONDUCT, MisconductConfig
from firewarden.detect.scan import WATCH_SCAN, ScanConfig
from firewarden.detect.series import MentionSignal, bucketize
from firewarden.detect.simulate import SimMention, SimulationConfig, simulate
from firewarden.detect.terms import WATCH_TERMS, TermConfig
from firewarden.detect.watch import WatchDetector
from firewarden.text.normalize import fold
from firewarden.text.terms import content_terms, term_filter


@dataclass(frozen=True, slots=True)
class Content:
    """Which content signals run (None turns one off)."""

    terms: TermConfig | None = WATCH_TERMS
    misconduct: MisconductConfig | None = WATCH_MISCONDUCT


NO_CONTENT = Content(None, None)


def _labelled(m: SimMention) -> bool:
    return m.sentiment == "negative"


def negative_reader(source: str = "label") -> Callable[[SimMention], bool]:
    """How mentions are judged negative: ``label`` (the simulator's truth) or ``model`` (the
    listening enrichment: negative sentiment or offensive language, as the pipeline counts)."""
    if source == "label":
        return _labelled
    if source != "model":
        raise ValueError(f"unknown negative source {source!r}; use one of: label, model")
    from firewarden.listen.enrich import Enricher

    enricher = Enricher()

    def read(m: SimMention) -> bool:
        facts = enricher.facts(m.text, m.lang)
        return facts.sentiment == "negative" or facts.offensive

    return read


def signals(
    mentions: list[SimMention],
    brand: str,
    negative: Callable[[SimMention], bool] = _labelled,
) -> list[MentionSignal]:
    """The simulated mentions as the series and the content signals read them."""
    from firewarden.listen.enrich import looks_like_misconduct, misconduct_groups
    from firewarden.listen.sentiment import negative_cues

    skip = term_filter((brand,)) | negative_cues()  # as the pipeline skips them
    brand_folded = fold(brand).text.lower()
    out = []
    for m in mentions:
        folded = fold(m.text).text
        flagged = bool(m.media) and looks_like_misconduct(
            misconduct_groups(folded), m.media, names_brand=brand_folded in folded.lower()
        )
        out.append(
            MentionSignal(
                m.timestamp,
                negative(m),
                m.followers,
                m.reply_to_brand,
                author=m.author,
                terms=content_terms(m.text, skip),
                misconduct=flagged,
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class RunResult:
    seed: int
    delay_minutes: float | None  # None: the storm was not detected
    false_alarms: int
    ordinary_days: float
    first_level: str
    #: Alerts after the onset, before the detection, that the ordinary traffic alone raised.
    coincident: int = 0


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

    @property
    def coincident(self) -> int:
        """Alerts after an onset that the ordinary traffic alone raised (not detections)."""
        return sum(r.coincident for r in self.runs)

    def to_dict(self) -> dict[str, Any]:
        return {
            "runs": len(self.runs),
            "detected": self.detected,
            "median_minutes_to_detect": self.median_delay,
            "false_alarms_per_week": round(self.false_alarms_per_week, 3),
            "coincident_alerts": self.coincident,
        }


def run_once(
    seed: int,
    sim: SimulationConfig,
    bucket: timedelta = timedelta(minutes=5),
    config: DetectorConfig = WATCH_CONFIG,
    scan: ScanConfig | None = WATCH_SCAN,
    content: Content = Content(),
    negative: Callable[[SimMention], bool] = _labelled,
) -> RunResult:
    """Simulate one stream and measure the watch detector on it."""
    s = simulate(sim, seed=seed)
    read = (
        signals(s.mentions, sim.brand, negative)
        if content.terms or content.misconduct
        else [
            MentionSignal(m.timestamp, negative(m), m.followers, m.reply_to_brand)
            for m in s.mentions
        ]
    )

    def detector() -> WatchDetector:
        return WatchDetector(config, scan, terms=content.terms, misconduct=content.misconduct)

    anyway: set[datetime] = set()  # buckets the ordinary traffic alone alerts in
    if s.onset is not None:
        without = [sig for sig, m in zip(read, s.mentions, strict=True) if not m.storm]
        quiet = detector()
        anyway = {b.start for b in bucketize(without, bucket, until=s.end) if quiet.update(b).alert}
    watching = detector()
    false_alarms = coincident = 0
    delay: float | None = None
    level = ""
    for b in bucketize(read, bucket, until=s.end):
        d = watching.update(b)
        if not d.alert:
            continue
        bucket_end = b.start + bucket
        if s.onset is None or bucket_end <= s.onset:
            false_alarms += 1
        elif delay is None and b.start in anyway:
            coincident += 1
        elif delay is None:
            delay = max(0.0, (bucket_end - s.onset).total_seconds() / 60.0)
            level = d.level.label
    ordinary = ((s.onset or s.end) - s.start).total_seconds() / 86400.0
    return RunResult(seed, delay, false_alarms, ordinary, level, coincident)


def evaluate(
    runs: int = 50,
    sim: SimulationConfig | None = None,
    bucket: timedelta = timedelta(minutes=5),
    config: DetectorConfig = WATCH_CONFIG,
    first_seed: int = 0,
    scan: ScanConfig | None = WATCH_SCAN,
    content: Content = Content(),
    negative: str = "label",
) -> EvaluationResult:
    """Run ``runs`` seeded simulations (seeds ``first_seed``...) and collect the figures
    (``scan`` None: without the multi-window scan; ``content``: which content signals;
    ``negative``: where the negative flag comes from, see :func:`negative_reader`)."""
    sim = sim or SimulationConfig()
    read = negative_reader(negative)
    return EvaluationResult(
        tuple(
            run_once(first_seed + i, sim, bucket, config, scan, content, read) for i in range(runs)
        )
    )


def quiet_config(sim: SimulationConfig) -> SimulationConfig:
    """The same traffic without a firestorm (for false alarms alone)."""
    return replace(sim, storm=False)
