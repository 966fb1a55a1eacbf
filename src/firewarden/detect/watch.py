"""One detector per series of a watch, combined into one decision per bucket.

The watch's level is the highest level among its series; it alerts when that level rises
(one alert per episode, and one per escalation), explaining every series that is up.

Besides the per-bucket detectors, a multi-window scan (:mod:`firewarden.detect.scan`)
watches the counts of negative mentions and of replies aimed at the brand for a sustained
small excess (the first hours of a firestorm, before any single bucket is striking). The
scan can raise the watch to ``watch``, at most once per ``cooldown`` buckets after any alert
of the watch; ``warning`` and ``crisis`` come from the per-bucket detectors only.
"""

from __future__ import annotations

from dataclasses import replace

from firewarden.detect.detector import WATCH_CONFIG, DetectorConfig, SeriesDetector
from firewarden.detect.scan import WATCH_SCAN, CountScan, ScanConfig, ScanResult
from firewarden.detect.series import SERIES_NAMES, Bucket
from firewarden.detect.types import AlertLevel, Decision, Explanation

#: The counts the scan watches: series name -> how to read it from a bucket.
SCAN_SERIES: tuple[str, ...] = ("negative", "replies_to_brand")


def _scan_count(bucket: Bucket, name: str) -> float:
    return float(bucket.negative if name == "negative" else bucket.replies_to_brand)


class WatchDetector:
    """Feeds each bucket's four series to their detectors; ``update`` per bucket.

    ``scan`` configures the multi-window scan (None turns it off).
    """

    def __init__(
        self, config: DetectorConfig = WATCH_CONFIG, scan: ScanConfig | None = WATCH_SCAN
    ) -> None:
        # The reply share is a proportion, not a count.
        share = replace(config, counts=False)
        self.detectors = {
            name: SeriesDetector(share if name == "reply_share" else config, name=name)
            for name in SERIES_NAMES
        }
        self.scans = {name: CountScan(scan) for name in SCAN_SERIES} if scan else {}
        self._cooldown = config.cooldown
        self._n = 0
        self._last_alert = -(10**9)
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
        self._n += 1
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
        scans = {
            name: scan.update(bucket.start, _scan_count(bucket, name))
            for name, scan in self.scans.items()
        }
        level = max(d.level for d in decisions)
        if any(r.active for r in scans.values()):
            level = max(level, AlertLevel.WATCH)
        score = max(d.score for d in decisions)
        alert = level > self._level
        self._level = level
        explanation = None
        if alert:
            # The strongest series speaks for the watch; all are kept for the pipeline. A
            # rise with no series alerting (all in cooldown) stays silent.
            ranked = [
                replace(e, observed=e.observed * unit, expected=e.expected * unit)
                if e.series == "reach_negative"
                else e
                for e in (d.explanation for d in decisions)
                if e is not None
            ]
            if ranked or self._n - self._last_alert > self._cooldown:
                ranked += [self._explain(name, r) for name, r in scans.items() if r.active]
            ranked.sort(key=lambda e: e.surprise, reverse=True)
            self._last_explanations = tuple(ranked)
            if ranked:
                explanation = replace(ranked[0], level=level)
                self._last_alert = self._n
        return Decision(bucket.start, level, score, explanation is not None, explanation)

    def _explain(self, name: str, result: ScanResult) -> Explanation:
        width = self.scans[name].interval
        minutes = result.window * width.total_seconds() / 60.0 if width else None
        return Explanation(
            series=name,
            direction="rise",
            observed=result.observed,
            expected=result.expected,
            since=result.since,
            level=AlertLevel.WATCH,
            surprise=result.score,
            window_minutes=minutes,
        )
