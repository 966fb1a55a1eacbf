"""One detector per series of a watch, combined into one decision per bucket.

The watch's level is the highest level among its series; it alerts when that level rises
(one alert per episode, and one per escalation), explaining every series that is up.

Besides the per-bucket detectors, a multi-window scan (:mod:`firewarden.detect.scan`)
watches the counts of negative mentions and of replies aimed at the brand for a sustained
small excess (the first hours of a firestorm, before any single bucket is striking). The
scan can raise the watch to ``watch``, at most once per ``cooldown`` buckets after any alert
of the watch; ``warning`` and ``crisis`` come from the per-bucket detectors only.

Two content signals read what the mentions say: emerging terms
(:mod:`firewarden.detect.terms`: a term suddenly used by several authors in negative
mentions) raise the watch to ``watch`` like the scan, and employee-misconduct content
(:mod:`firewarden.detect.misconduct`) raises ``watch`` and escalates with its reach.
"""

from __future__ import annotations

from dataclasses import replace

from firewarden.detect.detector import WATCH_CONFIG, DetectorConfig, SeriesDetector
from firewarden.detect.misconduct import (
    WATCH_MISCONDUCT,
    MisconductConfig,
    MisconductRate,
    MisconductResult,
)
from firewarden.detect.scan import WATCH_SCAN, CountScan, ScanConfig, ScanResult
from firewarden.detect.series import SERIES_NAMES, Bucket
from firewarden.detect.terms import WATCH_TERMS, TermBurst, TermConfig, TermResult, describe
from firewarden.detect.types import AlertLevel, Decision, Explanation

#: The counts the scan watches: series name -> how to read it from a bucket.
SCAN_SERIES: tuple[str, ...] = ("negative", "replies_to_brand")


def _scan_count(bucket: Bucket, name: str) -> float:
    return float(bucket.negative if name == "negative" else bucket.replies_to_brand)


class WatchDetector:
    """Feeds each bucket's four series to their detectors; ``update`` per bucket.

    ``scan`` configures the multi-window scan, ``terms`` the emerging-term detector and
    ``misconduct`` the misconduct-content detector (None turns each off).
    """

    def __init__(
        self,
        config: DetectorConfig = WATCH_CONFIG,
        scan: ScanConfig | None = WATCH_SCAN,
        *,
        terms: TermConfig | None = WATCH_TERMS,
        misconduct: MisconductConfig | None = WATCH_MISCONDUCT,
    ) -> None:
        # The reply share is a proportion, not a count.
        share = replace(config, counts=False)
        self.detectors = {
            name: SeriesDetector(share if name == "reply_share" else config, name=name)
            for name in SERIES_NAMES
        }
        self.scans = {name: CountScan(scan) for name in SCAN_SERIES} if scan else {}
        self.terms = TermBurst(terms) if terms else None
        self.misconduct = MisconductRate(misconduct) if misconduct else None
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
        term = self.terms.update(bucket.start, bucket.content) if self.terms else None
        flagged = (
            self.misconduct.update(
                bucket.start, bucket.volume, bucket.misconduct, bucket.reach_misconduct / unit
            )
            if self.misconduct
            else None
        )
        level = max(d.level for d in decisions)
        if any(r.active for r in scans.values()) or (term is not None and term.active):
            level = max(level, AlertLevel.WATCH)
        if flagged is not None:
            level = max(level, flagged.level)
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
                if term is not None and term.active and term.hits:
                    ranked.append(_explain_terms(term))
                if flagged is not None and flagged.level == AlertLevel.WATCH:
                    ranked.append(_explain_misconduct(flagged))
            if flagged is not None and flagged.level > AlertLevel.WATCH:
                # Reach escalates misconduct content like any other series' escalation.
                ranked.append(_explain_misconduct(flagged))
            ranked = _one_per_series(ranked)
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


def _one_per_series(reasons: list[Explanation]) -> list[Explanation]:
    """One reason per series: a series rising per bucket and over a scan window says the
    same thing twice ("negative mentions rose to 93" and "... over the last hour rose to
    400"), so only its strongest is kept: the highest level (the reason that set it), then
    the greater surprise."""
    best: dict[str, Explanation] = {}
    for e in reasons:
        kept = best.get(e.series)
        if kept is None or (e.level, e.surprise) > (kept.level, kept.surprise):
            best[e.series] = e
    return list(best.values())


def _explain_terms(result: TermResult) -> Explanation:
    lead = result.hits[0]
    return Explanation(
        series="terms",
        direction="rise",
        observed=float(lead.authors),
        expected=lead.usual,
        since=min(h.since for h in result.hits),
        level=AlertLevel.WATCH,
        surprise=max(h.score for h in result.hits),
        window_minutes=lead.window_minutes,
        terms=tuple(h.term for h in result.hits),
        note=describe(result.hits),
    )


def _explain_misconduct(result: MisconductResult) -> Explanation:
    assert result.since is not None
    n = result.flagged
    what = "mention looks" if n == 1 else "mentions look"
    note = (
        f"{n} {what} like employee-misconduct content (video/image + kitchen/part-timer "
        f"words) since {result.since:%Y-%m-%d %H:%M} UTC, with the reach of about "
        f"{result.reach:.3g} typical mentions (usually about {result.expected:.2g} such "
        f"mentions in that time)"
    )
    return Explanation(
        series="misconduct",
        direction="rise",
        observed=float(n),
        expected=result.expected,
        since=result.since,
        level=result.level,
        surprise=result.score,
        window_minutes=result.window_minutes,
        note=note,
    )
