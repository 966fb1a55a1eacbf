"""One detector per series of a watch, combined into one decision per bucket.

The watch's level is the highest level among its series; it alerts when that level rises
(one alert per episode, and one per escalation), explaining every series that is up.
"""

from __future__ import annotations

from dataclasses import replace

from firewarden.detect.detector import WATCH_CONFIG, DetectorConfig, SeriesDetector
from firewarden.detect.series import SERIES_NAMES, Bucket
from firewarden.detect.types import AlertLevel, Decision, Explanation


class WatchDetector:
    """Feeds each bucket's four series to their detectors; ``update`` per bucket."""

    def __init__(self, config: DetectorConfig = WATCH_CONFIG) -> None:
        # The reply share is a proportion, not a count.
        share = replace(config, counts=False)
        self.detectors = {
            name: SeriesDetector(share if name == "reply_share" else config, name=name)
            for name in SERIES_NAMES
        }
        self._level = AlertLevel.NONE
        # Reach-weighted counts are measured in "typical negative mentions" so that count
        # tails apply; this is the typical weight of one negative mention.
        self._weight_sum = 1.5
        self._weight_n = 1.0
        self._last_explanations: tuple[Explanation, ...] = ()

    @property
    def explanations(self) -> tuple[Explanation, ...]:
        """The explanations of the series that alerted at the last alert."""
        return self._last_explanations

    def update(self, bucket: Bucket) -> Decision:
        """Take the next bucket (in time order) and decide for the watch."""
        values = bucket.values()
        unit = self._weight_sum / self._weight_n
        values["reach_negative"] /= unit
        if bucket.negative:
            self._weight_sum = 0.99 * self._weight_sum + bucket.reach_negative
            self._weight_n = 0.99 * self._weight_n + bucket.negative
        decisions = [
            det.update(
                bucket.start,
                values[name],
                trials=bucket.volume if name == "reply_share" else None,
            )
            for name, det in self.detectors.items()
        ]
        level = max(d.level for d in decisions)
        score = max(d.score for d in decisions)
        alert = level > self._level
        self._level = level
        explanation = None
        if alert:
            # The strongest series speaks for the watch; all are kept for the pipeline. A
            # rise with no series alerting (all in cooldown) stays silent.
            ranked = sorted(
                (d.explanation for d in decisions if d.explanation is not None),
                key=lambda e: e.surprise,
                reverse=True,
            )
            ranked = [
                replace(e, observed=e.observed * unit, expected=e.expected * unit)
                if e.series == "reach_negative"
                else e
                for e in ranked
            ]
            self._last_explanations = tuple(ranked)
            if ranked:
                explanation = replace(ranked[0], level=level)
        return Decision(bucket.start, level, score, explanation is not None, explanation)
