"""The online detector: one pass over a series, state carried forward, never the future.

Each point is compared with the baseline learned from the points before it
(:mod:`firewarden.detect.baseline`). Two kinds of evidence raise an episode:

* a point far outside the expected range (a spike or a drop): its tail probability, normal
  for dense series, Poisson / negative-binomial for sparse counts;
* a lasting shift (a CUSUM of standardised departures), for rises that build slowly and for
  changes of level or behaviour.

Generic series (direction ``both``) are also watched at a coarse scale: the same model on
the means of blocks of ``coarse`` points, deciding when a block completes (a small lasting
shift is invisible point by point but clear once the noise is averaged).

An episode alerts once, at its first point, and again only when it escalates
(``watch`` -> ``warning`` -> ``crisis``). While it lasts the baseline is frozen so the episode
cannot teach the baseline that it is normal; if it lasts longer than ``relearn_after`` points
the baseline adopts the new level (a change of level is reported once, not forever). The
episode ends after ``end_quiet`` ordinary points.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, replace
from datetime import datetime

from firewarden.detect.baseline import Baseline, alpha, season_slot
from firewarden.detect.coarse import CoarseScale, coarse_config
from firewarden.detect.context import ContextNovelty, NovelPatterns
from firewarden.detect.stats import (
    binomial_upper_surprise,
    negbin_upper_surprise,
    normal_surprise,
)
from firewarden.detect.tail import DepartureRarity
from firewarden.detect.types import AlertLevel, Decision, Direction, Explanation

_NULL_MEAN_SURPRISE = math.log10(math.e)


#: The least scale of a count series: its Poisson noise never reads as less than this, in
#: the tail test nor in the winsorising of what the baseline learns.
COUNT_SCALE_FLOOR = 0.5


@dataclass(frozen=True, slots=True)
class DetectorConfig:
    """Generic parameters (in points, not seconds: they hold for any bucket width)."""

    direction: Direction = Direction.BOTH
    #: Treat values as counts (Poisson floor on the variance, exact tails when sparse);
    #: None decides from the data (non-negative integers so far).
    counts: bool | None = None
    warmup: int = 30
    level_halflife: float = 30.0
    scale_halflife: float = 300.0
    season_days: int = 5  # the seasonal profile is the median of the last few days
    winsor: float = 3.0
    #: Surprise (-log10 tail probability) thresholds of the three levels.
    watch: float = 10.0
    warning: float = 14.0
    crisis: float = 20.0
    #: For counts, the observed/expected ratios a rise must also reach for warning / crisis.
    warning_ratio: float = 3.0
    crisis_ratio: float = 10.0
    #: CUSUM: drift allowance and decision interval, in scales.
    cusum_k: float = 1.0
    cusum_h: float = 15.0
    #: A lasting shift alone alerts only once the series has been watched for a whole day:
    #: before that, the daily rhythm itself (the first morning's rise from the night) is a
    #: shift the detector cannot tell from a real one. Mention watches; generic series keep
    #: the plain warm-up (NAB ignores their first 15 % anyway).
    shift_after_a_day: bool = False
    end_quiet: int = 30
    #: After an alert, a new episode within this many points stays silent unless it is
    #: worse than the one alerted (a rekindled fire is the same fire).
    cooldown: int = 300
    relearn_after: int = 60
    #: Memory (points) of the series' own typical surprise, which calibrates the scores:
    #: a series whose tails are heavier than the model's gets its surprises deflated.
    calibration_halflife: float = 500.0
    calibrate: bool = True
    #: Rarity gate (see :mod:`firewarden.detect.tail`): departures are re-judged against the
    #: series' own recent ones (the last ``rarity_window`` points). An episode's alert must
    #: be at least ``rare_confirm`` rare (-log10 tail probability); a point at least
    #: ``rare_alert`` rare alerts on its own unless an alert was raised in the last
    #: ``rare_gap`` points. Both the single departure and the mean departure of the last
    #: ``rarity_run`` points (each clipped at ``rarity_clip`` scales) are judged.
    rarity: bool = True
    rarity_window: int = 2000
    rarity_tail: float = 0.05
    rare_confirm: float = 2.5
    rare_alert: float = 3.5
    rare_gap: int = 300
    rarity_run: int = 10
    rarity_clip: float = 20.0
    rarity_learn: int = 200
    #: Novel patterns (see :mod:`firewarden.detect.context`; direction ``both`` only, as a
    #: pattern has no direction): when the mean novelty of the last ``context_smooth``
    #: points reaches ``novel_alert`` (a share of never-seen contexts) and ``novel_ratio``
    #: times the series' usual novelty, the point alerts on its own, at most once per
    #: ``rare_gap`` points after any alert. Chosen on the NAB dev half.
    context: bool = True
    context_bins: int = 8
    context_window: int = 7
    context_order: int = 3
    context_learn: int = 300
    context_capacity: int = 1 << 16
    context_smooth: int = 5
    novel_alert: float = 0.6
    novel_ratio: float = 16.0
    #: Coarse scale (direction ``both`` only): a second detector watches the mean of each
    #: block of ``coarse`` points (0 = off), deciding when a block completes; its alerts
    #: count as the series' own, at most once per ``rare_gap`` points after any alert,
    #: and do not start the main cooldown. Slow changes and denser spikes stand out once
    #: the noise is averaged. Chosen on the NAB dev half.
    coarse: int = 16

    def with_direction(self, direction: Direction) -> DetectorConfig:
        return replace(self, direction=direction)


#: Mention watches: only rises matter (a quiet day is no firestorm).
#: Thresholds chosen on simulated streams (``firewarden simulate evaluate``), not on NAB.
WATCH_CONFIG = DetectorConfig(
    direction=Direction.UP,
    counts=True,
    cooldown=144,
    watch=7.0,
    warning=10.0,
    crisis=14.0,
    rarity=False,
    context=False,
    coarse=0,
    shift_after_a_day=True,
)


class SeriesDetector:
    """Online detector for one series; ``update`` once per bucket, in time order."""

    def __init__(self, config: DetectorConfig | None = None, name: str = "value") -> None:
        self.config = cfg = config or DetectorConfig()
        self.name = name
        self._base = Baseline(cfg.level_halflife, cfg.scale_halflife, cfg.season_days, cfg.winsor)
        self._counts = cfg.counts
        self._n = 0
        self._last_ts: datetime | None = None
        self._first_ts: datetime | None = None
        self._interval = 0.0
        self._intervals: list[float] = []
        self._cusum_up = 0.0
        self._cusum_down = 0.0
        self._level = AlertLevel.NONE
        self._since: datetime | None = None
        self._quiet = 0
        self._episode_len = 0
        self._recent: deque[float] = deque(maxlen=max(cfg.relearn_after, 1))
        self._floor = 0.0
        self._hits = 0.0
        self._trials = 0.0
        self._a_share = alpha(cfg.scale_halflife)
        self._last_alert = -(10**9)
        self._last_alert_level = AlertLevel.NONE
        self._silent = False
        self._a_cal = alpha(cfg.calibration_halflife)
        self._mean_surprise = 0.01  # rate of surprises >= 2 (1 % under the model)
        sign = {Direction.UP: 1, Direction.DOWN: -1}.get(cfg.direction, 0)
        self._rarity = DepartureRarity(
            cfg.rarity_window,
            cfg.rarity_tail,
            cfg.rarity_learn,
            cfg.rarity_run,
            cfg.rarity_clip,
            sign,
        )
        # Novel patterns and the coarse scale: generic series only (direction ``both``).
        generic = cfg.direction is Direction.BOTH
        self._patterns = (
            NovelPatterns(
                ContextNovelty(
                    cfg.context_bins,
                    cfg.context_window,
                    cfg.context_order,
                    cfg.context_learn,
                    cfg.context_capacity,
                ),
                cfg.context_smooth,
                cfg.novel_alert,
                cfg.novel_ratio,
                self._a_cal,
            )
            if cfg.context and generic
            else None
        )
        self._last_novel = -(10**9)
        self._coarse = (
            CoarseScale(SeriesDetector(coarse_config(cfg), name), cfg.coarse)
            if cfg.coarse > 1 and generic
            else None
        )
        self._last_coarse = -(10**9)

    @property
    def level(self) -> AlertLevel:
        """The level of the current episode (NONE when quiet)."""
        return self._level

    def expected(self, ts: datetime) -> tuple[float, float]:
        """(expected value, scale) at ``ts`` from what has been seen so far."""
        slot, slots = season_slot(ts, self._interval) if self._interval else (0, 0)
        pred, scale = self._base.predict(slot, slots)
        scale = max(scale, self._floor, 1e-9)
        if self._counts:
            pred = max(pred, 0.0)
            # Counts are at least Poisson-noisy (the floor matters when the series is sparse).
            scale = math.sqrt(max(scale * scale, pred, COUNT_SCALE_FLOOR**2))
        return pred, scale

    def _day_seen(self, ts: datetime) -> bool:
        """Whether shifts may alert: always, or once a whole day has been watched."""
        first = self._first_ts
        return not self.config.shift_after_a_day or (
            first is not None and (ts - first).total_seconds() >= 86400.0
        )

    def _learn_interval(self, ts: datetime) -> None:
        if self._last_ts is not None and not self._interval:
            gap = (ts - self._last_ts).total_seconds()
            if gap > 0:
                self._intervals.append(gap)
            if len(self._intervals) >= 9:
                self._interval = sorted(self._intervals)[len(self._intervals) // 2]
        self._last_ts = ts

    def _surprise(self, x: float, pred: float, scale: float) -> tuple[float, float]:
        """(signed z, surprise of the departure in the configured direction)."""
        z = (x - pred) / scale
        direction = self.config.direction
        if (direction is Direction.UP and z <= 0) or (direction is Direction.DOWN and z >= 0):
            return z, 0.0
        if self._counts and z > 0 and pred < 50.0:
            var = scale * scale
            s = negbin_upper_surprise(round(x), max(pred, 0.05), var)
        else:
            s = normal_surprise(abs(z))
        if direction is Direction.BOTH:
            s = max(0.0, s - math.log10(2.0))
        return z, s

    def update(self, ts: datetime, x: float, trials: int | None = None) -> Decision:
        """Take the next point (timestamps must increase) and decide.

        For a share (replies among mentions), pass the number of ``trials`` it is a share
        of: its binomial noise then widens the expected range when there are few, and a
        bucket with no trials carries no information (the level is kept, nothing learned).
        """
        cfg = self.config
        if trials is not None and trials <= 0:
            return Decision(ts, self._level, 0.0, False)
        self._learn_interval(ts)
        if self._first_ts is None:
            self._first_ts = ts
        if self._counts is None and (x < 0 or x != int(x)):
            self._counts = False
        self._n += 1
        if trials is not None:
            # A share: expected from the pooled share (successes over trials) so far, with
            # binomial noise; a handful of trials can then never look alarming.
            pred = self._hits / self._trials if self._trials > 0 else 0.1
            p = min(max(pred, 0.02), 0.98)
            scale = math.sqrt(p * (1.0 - p) / trials)
            if self._level is AlertLevel.NONE:
                a = self._a_share
                self._hits += a * (x * trials - self._hits)
                self._trials += a * (trials - self._trials)
        else:
            pred, scale = self.expected(ts)
        z, raw = self._surprise(x, pred, scale)
        if trials is not None and raw > 0 and z > 0:
            # A share of a few trials is binomial: its exact tail, not the normal one.
            raw = binomial_upper_surprise(round(x * trials), trials, p)
            if cfg.direction is Direction.BOTH:
                raw = max(0.0, raw - math.log10(2.0))
        point = raw
        if cfg.calibrate:
            # Under the model, surprises are exponential with mean log10(e); a series whose
            # surprises run hotter than that has heavier tails, so deflate them.
            # The model says P(surprise >= 2) = 1 %; if the series exceeds it more often its
            # tails are heavier than the model's, so stretch the scale of surprises to match.
            point = raw * 2.0 / max(2.0, -math.log10(max(self._mean_surprise, 1e-9)))
            if self._level is AlertLevel.NONE:
                a = self._a_cal if self._n > 200 else 1.0 / (self._n + 1)
                self._mean_surprise += a * ((raw >= 2.0) - self._mean_surprise)
        warm = self._n > cfg.warmup
        # CUSUM of standardised departures (capped so one spike cannot fill it alone).
        zc = max(-cfg.cusum_h / 2, min(cfg.cusum_h / 2, z))
        up = cfg.direction is not Direction.DOWN
        down = cfg.direction is not Direction.UP
        cap = 2.0 * cfg.cusum_h
        self._cusum_up = min(cap, max(0.0, self._cusum_up + zc - cfg.cusum_k)) if up else 0.0
        self._cusum_down = min(cap, max(0.0, self._cusum_down - zc - cfg.cusum_k)) if down else 0.0
        shift = max(self._cusum_up, self._cusum_down) / cfg.cusum_h * cfg.watch
        score = max(point, shift) if warm else 0.0
        # A lasting shift alone is worth a watch; escalation needs a striking point.
        level = self._level_for(point, x, pred) if warm else AlertLevel.NONE
        if warm and level is AlertLevel.NONE and shift >= cfg.watch and self._day_seen(ts):
            level = AlertLevel.WATCH

        alert = False
        explanation = None
        if level > self._level:
            if self._level is AlertLevel.NONE:
                self._since = ts
                self._episode_len = 0
                self._recent.clear()
            self._level = level
            alert = self._n - self._last_alert > cfg.cooldown or level > self._last_alert_level
        shown = self._level
        if cfg.rarity and warm:
            rarity = self._rarity.rarity(z)
            if alert and rarity < cfg.rare_confirm:
                alert = False  # large for the model, ordinary for this series
            elif (
                not alert and rarity >= cfg.rare_alert and self._n - self._last_alert > cfg.rare_gap
            ):
                # Rare for this series though the model shrugs (e.g. a drop in a noisy
                # series, or a run of moderate departures): worth a watch.
                alert = True
                if self._level is AlertLevel.NONE:
                    self._level = AlertLevel.WATCH
                    self._since = ts
                    self._episode_len = 0
                    self._recent.clear()
                shown = self._level
        novel = False
        if self._patterns is not None:
            striking = self._patterns.update(x)
            if (
                striking
                and not alert
                and self._n - max(self._last_alert, self._last_novel) > cfg.rare_gap
            ):
                # Ordinary values in a combination this series has never produced (a
                # rhythm gone flat, denser spikes, a new shape): worth a watch.
                # No episode is opened: the values are ordinary, so the baseline keeps
                # learning and a real departure soon after still alerts.
                # Nor does it silence a departure that follows (different evidence).
                alert = novel = True
                shown = max(self._level, AlertLevel.WATCH)
                self._last_novel = self._n
        coarse = self._coarse.update(ts, x) if self._coarse is not None else None
        by_coarse = False
        if (
            coarse is not None
            and not alert
            and self._n - max(self._last_alert, self._last_novel, self._last_coarse) > cfg.rare_gap
        ):
            # The block just completed departs from the expected block mean: a slow change
            # or a change of spike density that no single point shows. Like a pattern, it
            # opens no episode and leaves the main cooldown alone.
            alert = by_coarse = True
            shown = max(self._level, AlertLevel.WATCH)
            self._last_coarse = self._n
        if alert and not novel and not by_coarse:
            self._last_alert = self._n
            self._last_alert_level = level
        if by_coarse and coarse is not None:
            explanation = replace(coarse, level=shown)
        elif alert:
            rising = z > 0 if point >= shift else self._cusum_up >= self._cusum_down
            explanation = Explanation(
                series=self.name,
                direction="pattern" if novel else "rise" if rising else "drop",
                observed=x,
                expected=pred,
                since=self._since or ts,
                level=shown,
                surprise=score,
            )
        if self._level is AlertLevel.NONE or self._episode_len >= cfg.relearn_after:
            self._learn(x, ts)
        if self._level is not AlertLevel.NONE:
            self._in_episode(x, score)
        if self._interval:
            self._base.remember(x, *season_slot(ts, self._interval))
        return Decision(ts, shown, score, alert, explanation)

    def _level_for(self, score: float, x: float, pred: float) -> AlertLevel:
        cfg = self.config
        if score < cfg.watch:
            return AlertLevel.NONE
        ratio_ok_warn = ratio_ok_crisis = True
        if self._counts and cfg.direction is Direction.UP:
            ratio = x / max(pred, 0.5)
            ratio_ok_warn = ratio >= cfg.warning_ratio
            ratio_ok_crisis = ratio >= cfg.crisis_ratio
        if score >= cfg.crisis and ratio_ok_crisis:
            return AlertLevel.CRISIS
        if score >= cfg.warning and ratio_ok_warn:
            return AlertLevel.WARNING
        return AlertLevel.WATCH

    def _learn(self, x: float, ts: datetime) -> None:
        slot, slots = season_slot(ts, self._interval) if self._interval else (0, 0)
        prev = self._base.level if self._base.n else x
        # Counts are at least Poisson-noisy: a night of zeros must not shrink the
        # winsorising bound to nothing and freeze the level at zero for good.
        self._base.update(x, slot, slots, COUNT_SCALE_FLOOR if self._counts else 0.0)
        step = abs(x - prev)
        if step > 0 and (self._floor == 0.0 or step < self._floor * 20):
            # The series' resolution (smallest moves) floors the scale of flat stretches.
            self._floor = step * 0.5 if self._floor == 0.0 else min(self._floor, step * 0.5)

    def _in_episode(self, x: float, score: float) -> None:
        cfg = self.config
        self._episode_len += 1
        self._recent.append(x)
        if self._episode_len == cfg.relearn_after:
            # A lasting change: adopt it as the new normal, keep the episode open.
            self._base.relearn(list(self._recent))
            self._cusum_up = self._cusum_down = 0.0
        self._quiet = self._quiet + 1 if score < cfg.watch / 2 else 0
        if self._quiet >= cfg.end_quiet:
            self._level = AlertLevel.NONE
            self._since = None
            self._quiet = 0
            self._cusum_up = self._cusum_down = 0.0
