"""A multi-window scan for sustained small excesses in a count series (pure, online).

The per-point detector (:mod:`firewarden.detect.detector`) fires when one bucket is far above
its expected level. A firestorm's first hours are often a modest but lasting excess: a few
more negative mentions than usual in every bucket, none striking alone. The scan keeps, for
each of several window lengths (e.g. 1, 2, 4, ... 64 buckets), the sum of the last counts and
the sum of their expected values, and asks how surprising the best window is.

* The expected count of a bucket comes from a *rate profile* suited to sparse counts: the
  mean count at this time of day (an exponential memory across days, pooled over the
  neighbouring slots within ``pool_minutes``), times a day-of-week factor once a week has
  been seen. (The per-point baseline's median profile is zero for a series with a few
  mentions an hour, and its fast level correction would absorb a slow rise.)
* The null of each window is negative-binomial: variance ``E + phi_w * E**2``, where
  ``phi_w`` is the over-dispersion that window length shows on ordinary traffic (a moment
  estimate learned online after the warm-up, so a misfitting profile or a bursty series
  makes the scan more cautious rather than noisy).
* The score is the best window's surprise (``-log10`` of its tail probability) minus
  ``log10`` of the number of windows (a Bonferroni correction). An *episode* starts when the
  score reaches ``threshold`` and ends after ``end_quiet`` buckets under half of it. While it
  lasts the profile does not learn (a firestorm must not become the norm) unless it lasts
  ``relearn_after`` buckets (a lasting change of level is adopted).

Each update costs O(number of windows) plus the pooled profile lookup; memory is bounded by
the longest window and the slots of one day. The scan never sees the future: a bucket is
judged against what was learned before it.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta

from firewarden.detect.baseline import alpha
from firewarden.detect.stats import negbin_upper_surprise

_DAY = 86400.0
#: Pseudo-counts (mentions) shrinking each day's observed/expected ratio towards 1.
_WEEKDAY_PRIOR = 5.0


@dataclass(frozen=True, slots=True)
class ScanConfig:
    """Parameters of the scan (window lengths in buckets; the rest in buckets or days)."""

    windows: tuple[int, ...] = (1, 2, 4, 8, 16, 32, 64)
    #: Corrected surprise (-log10 tail probability) at which an episode starts (at least 2).
    threshold: float = 3.5
    #: Buckets seen before the scan may alert (the profile needs a day or two).
    warmup_days: float = 2.0
    profile_halflife_days: float = 7.0
    weekday_halflife_weeks: float = 4.0
    #: The profile pools the slots within this many minutes either side (sparse counts).
    pool_minutes: float = 60.0
    #: Shrinkage of the pooled profile towards the all-day mean (in buckets of evidence).
    prior_buckets: float = 12.0
    #: Memory (in window updates) of each window's over-dispersion.
    dispersion_halflife: float = 2000.0
    end_quiet: int = 30
    relearn_after: int = 288

    def __post_init__(self) -> None:
        if not self.windows or any(w < 1 for w in self.windows):
            raise ValueError("scan windows must be positive numbers of buckets")
        if self.threshold < 2.0:
            # Below 2, windows within two standard deviations (whose exact tails are
            # skipped for speed) could matter to a decision.
            raise ValueError("the scan threshold must be at least 2")


#: The scan of mention watches (threshold and profile pooling chosen on simulated streams,
#: seeds 0-99 of ``firewarden simulate evaluate``).
WATCH_SCAN = ScanConfig()


@dataclass(frozen=True, slots=True)
class ScanResult:
    """The scan's verdict on one bucket.

    ``started`` is true at the first bucket of an episode; ``observed`` / ``expected`` are
    the sums over the best window, which began at ``since`` and spans ``window`` buckets.
    """

    score: float
    active: bool
    started: bool
    window: int
    observed: float
    expected: float
    since: datetime


class RateProfile:
    """Expected count per bucket: daily profile (pooled slots) times a day-of-week factor."""

    __slots__ = (
        "_a_day",
        "_a_week",
        "_day",
        "_day_expected",
        "_day_observed",
        "_known",
        "_memory",
        "_pool",
        "_pool_k",
        "_prior",
        "_profile_n",
        "_profile_sum",
        "_seen",
        "_slots",
        "_weekday",
        "_weekday_n",
        "_weight",
        "profile",
    )

    def __init__(self, config: ScanConfig) -> None:
        self._a_day = alpha(config.profile_halflife_days)
        # The number of days the exponential memory is worth (its effective sample size).
        self._memory = max(1, round((2.0 - self._a_day) / self._a_day))
        self._profile_n = 0
        self._profile_sum = 0.0
        self._a_week = alpha(config.weekday_halflife_weeks)
        self._pool = config.pool_minutes
        self._pool_k = 0
        self._prior = config.prior_buckets
        self._slots = 0
        self.profile: list[float] = []
        self._seen: list[int] = []
        self._known: list[int] = []  # 1 once the slot has been seen
        self._weight: list[int] = []  # the slot's evidence in days (capped by the memory)
        self._weekday = [1.0] * 7
        self._weekday_n = [0] * 7
        self._day: datetime | None = None
        self._day_observed = 0.0
        self._day_expected = 0.0

    def setup(self, interval_s: float) -> None:
        """Fix the bucket width (seconds); called once it is known."""
        self._slots = max(1, int(_DAY // max(interval_s, 60.0))) if interval_s < _DAY else 1
        self.profile = [0.0] * self._slots
        self._seen = [0] * self._slots
        self._known = [0] * self._slots
        self._weight = [0] * self._slots
        self._pool_k = 0
        if self._slots > 1:
            width_min = _DAY / self._slots / 60.0
            self._pool_k = int(self._pool // width_min)

    def _slot(self, ts: datetime) -> int:
        seconds = ts.hour * 3600 + ts.minute * 60 + ts.second
        return min(int(seconds * self._slots // _DAY), self._slots - 1)

    def _shape(self, slot: int) -> float | None:
        """Pooled profile value at this slot (None when no slot nearby was seen), shrunk
        towards the mean of all slots as if ``prior_buckets`` buckets had shown it: a
        quiet hour seen on two nights with no mention at all is rare, not impossible."""
        k = self._pool_k
        lo, hi = slot - k, slot + k + 1
        # Unseen slots hold 0 in all three lists, so plain sums over the pooled slots (in
        # time order, wrapping around midnight) pool the seen ones.
        if lo < 0:
            parts = [slice(lo + self._slots, self._slots), slice(0, hi)]
        elif hi > self._slots:
            parts = [slice(lo, self._slots), slice(0, hi - self._slots)]
        else:
            parts = [slice(lo, hi)]
        profile = [x for p in parts for x in self.profile[p]]
        total = sum(profile, 0.0)
        n = sum(sum(self._known[p]) for p in parts)
        seen = sum(sum(self._weight[p]) for p in parts)
        if not n:
            return None
        mean = self._profile_sum / self._profile_n if self._profile_n else 0.0
        return (total / n * seen + self._prior * mean) / (seen + self._prior)

    def expected(self, ts: datetime) -> float | None:
        """Expected count of the bucket starting at ``ts`` (None before any data)."""
        if not self._slots:
            return None
        shape = self._shape(self._slot(ts))
        if shape is None:
            return None
        return shape * self._weekday[ts.weekday()]

    def learn(self, ts: datetime, x: float) -> None:
        """Learn one ordinary bucket."""
        if not self._slots:
            return
        day = ts.replace(hour=0, minute=0, second=0, microsecond=0)
        if self._day is not None and day != self._day:
            self._close_day()
        self._day = day
        weekday = self._weekday[ts.weekday()]
        slot = self._slot(ts)
        shape = self._shape(slot)
        if shape is not None:
            self._day_observed += x
            self._day_expected += shape
        self._seen[slot] += 1
        self._weight[slot] = min(self._seen[slot], self._memory)
        if self._seen[slot] == 1:
            self._known[slot] = 1
            self._profile_n += 1
        a = max(self._a_day, 1.0 / self._seen[slot])
        step = a * (x / weekday - self.profile[slot])
        self.profile[slot] += step
        self._profile_sum += step

    def _close_day(self) -> None:
        assert self._day is not None
        if self._day_expected > 0:
            d = self._day.weekday()
            self._weekday_n[d] += 1
            a = max(self._a_week, 1.0 / self._weekday_n[d])
            # Shrunk towards 1 by a few pseudo-mentions: a day with no mention at all in
            # a sparse series must not make that weekday "impossible".
            prior = _WEEKDAY_PRIOR
            ratio = (self._day_observed + prior) / (self._day_expected + prior)
            self._weekday[d] += a * (ratio - self._weekday[d])
            # Keep the factors' mean at 1 so the profile carries the level.
            known = [f for f, n in zip(self._weekday, self._weekday_n, strict=True) if n]
            if len(known) == 7:
                mean = sum(known) / 7.0
                self._weekday = [f / mean for f in self._weekday]
        self._day_observed = self._day_expected = 0.0


class CountScan:
    """Multi-window scan of one count series; ``update`` once per bucket, in time order."""

    def __init__(self, config: ScanConfig | None = None) -> None:
        self.config = cfg = config or ScanConfig()
        self.windows = tuple(sorted(set(cfg.windows)))
        longest = self.windows[-1]
        self._obs: deque[float] = deque(maxlen=longest)
        self._exp: deque[float] = deque(maxlen=longest)
        self._starts: deque[datetime] = deque(maxlen=longest)
        self._sum_obs = [0.0] * len(self.windows)
        self._sum_exp = [0.0] * len(self.windows)
        self._phi = [0.0] * len(self.windows)
        self._excess = [0.0] * len(self.windows)
        self._square = [0.0] * len(self.windows)
        self._phi_n = 0
        self._a_phi = alpha(cfg.dispersion_halflife)
        self._correction = math.log10(len(self.windows))
        self._profile = RateProfile(cfg)
        self._interval = 0.0
        self._last_ts: datetime | None = None
        self._n = 0
        self._warmup = 0
        self._active = False
        self._since: datetime | None = None
        self._quiet = 0
        self._episode_len = 0

    @property
    def interval(self) -> timedelta | None:
        """The bucket width, once two buckets have been seen."""
        return timedelta(seconds=self._interval) if self._interval else None

    @property
    def active(self) -> bool:
        """Whether an episode is under way."""
        return self._active

    def _learn_interval(self, ts: datetime) -> None:
        if self._last_ts is not None and not self._interval:
            gap = (ts - self._last_ts).total_seconds()
            if gap <= 0:
                raise ValueError(f"scan: bucket at {ts} is not after the previous one")
            self._interval = gap
            self._profile.setup(gap)
            self._warmup = math.ceil(self.config.warmup_days * _DAY / gap)
        elif self._last_ts is not None and ts <= self._last_ts:
            raise ValueError(f"scan: bucket at {ts} is not after the previous one")
        self._last_ts = ts

    def update(self, ts: datetime, x: float) -> ScanResult:
        """Take the next bucket's count and decide."""
        cfg = self.config
        if not x >= 0 or math.isinf(x):
            raise ValueError(f"scan: the count at {ts} must be a non-negative number, not {x!r}")
        self._learn_interval(ts)
        self._n += 1
        e = self._profile.expected(ts)
        known = e is not None
        e = max(e or 0.0, 0.0)
        self._push(ts, x, e)
        score, best, k_obs, k_exp, sums = self._score() if known else (0.0, 0, 0.0, 0.0, [])
        warm = known and self._warmup > 0 and self._n > self._warmup
        started = False
        if warm and not self._active and score >= cfg.threshold:
            self._active = started = True
            self._since = self._starts[-best] if best else ts
            self._quiet = 0
            self._episode_len = 0
        learn = not self._active
        if self._active:
            self._episode_len += 1
            self._quiet = self._quiet + 1 if score < cfg.threshold / 2.0 else 0
            if self._quiet >= cfg.end_quiet:
                self._active = False
                self._since = None
            learn = self._episode_len >= cfg.relearn_after
        if learn:
            self._profile.learn(ts, x)
            if warm:
                self._learn_dispersion(sums)
        window = best if best else 1
        return ScanResult(
            score,
            self._active,
            started,
            window,
            k_obs,
            k_exp,
            self._since or self._starts[-window],
        )

    def _push(self, ts: datetime, x: float, e: float) -> None:
        n = len(self._obs)
        for i, w in enumerate(self.windows):
            self._sum_obs[i] += x
            self._sum_exp[i] += e
            if n >= w:
                self._sum_obs[i] -= self._obs[-w]
                self._sum_exp[i] -= self._exp[-w]
        self._obs.append(x)
        self._exp.append(e)
        self._starts.append(ts)

    def _score(self) -> tuple[float, int, float, float, list[tuple[float, float]]]:
        """(corrected best surprise, its window, its observed and expected sums, and the
        (observed, expected) sums of every complete window)."""
        n = len(self._obs)
        best_s, best_w, best_k, best_e = 0.0, 0, 0.0, 0.0
        sums: list[tuple[float, float]] = []
        for i, w in enumerate(self.windows):
            if n < w:
                break
            k, e = self._sum_obs[i], max(self._sum_exp[i], 1e-3)
            sums.append((k, e))
            var = e + self._phi[i] * e * e
            if k - e <= 2.0 * math.sqrt(var):
                # Within two standard deviations: a surprise under 1.7 at most (0.8 once
                # corrected: under half any useful threshold, so the exact tail would not
                # change a decision), so skip its cost.
                continue
            s = negbin_upper_surprise(round(k), e, var)
            if s > best_s:
                best_s, best_w, best_k, best_e = s, w, k, e
        return max(0.0, best_s - self._correction), best_w, best_k, best_e, sums

    def _learn_dispersion(self, sums: list[tuple[float, float]]) -> None:
        """Move each window's over-dispersion towards what ordinary traffic shows.

        A moment estimate as a ratio of exponentially weighted sums: ``phi`` is the excess
        of the squared departures over the Poisson variance, per squared expected count.
        """
        self._phi_n += 1
        a = max(self._a_phi, 1.0 / self._phi_n)
        for i, (k, e) in enumerate(sums):
            var = e + self._phi[i] * e * e
            # Winsorised at 3 standard deviations so one odd window cannot inflate it.
            sq = min((k - e) ** 2, 9.0 * var)
            self._excess[i] += a * (sq - e - self._excess[i])
            self._square[i] += a * (e * e - self._square[i])
            if self._square[i] > 0:
                self._phi[i] = max(0.0, self._excess[i] / self._square[i])
