"""The expected level of a series: a robust, seasonal, online baseline.

Two predictors run side by side and the one that has been predicting better (the smaller
robust scale of its recent residuals) is used:

* a *flat* level: an exponentially weighted mean;
* a *seasonal* profile: the usual value at this time of day (at the series' own bucket
  width; day of week for daily series), learned across days, plus a short-memory
  correction for today's overall level.

Scales are weighted mean absolute residuals. Updates are winsorised (an outlier moves the
baseline by at most ``winsor`` scales) and the detector freezes them during an episode, so a
firestorm never teaches the baseline that a firestorm is normal.
"""

from __future__ import annotations

import math
from datetime import datetime

#: Mean absolute deviation of a normal variable is sigma * sqrt(2/pi); this undoes it.
_MAD_TO_SIGMA = math.sqrt(math.pi / 2.0)
_DAY = 86400.0


def alpha(halflife: float) -> float:
    """The EWMA weight whose memory halves after ``halflife`` updates."""
    return 1.0 - math.pow(0.5, 1.0 / max(halflife, 1e-9))


def season_slot(ts: datetime, interval_s: float) -> tuple[int, int]:
    """(slot, slot count) of the daily or weekly rhythm at this sampling interval.

    Sub-daily series follow the time of day at their own resolution (at most 1,440 slots);
    daily series the day of week; coarser series get no profile (slot count 0).
    """
    if interval_s < _DAY:
        width = max(interval_s, 60.0)
        slots = max(1, int(_DAY // width))
        seconds = ts.hour * 3600 + ts.minute * 60 + ts.second
        return min(int(seconds // width), slots - 1), slots
    if interval_s <= _DAY:
        return ts.weekday(), 7
    return 0, 0


class Baseline:
    """Flat level and seasonal profile with robust scales, updated one point at a time."""

    __slots__ = (
        "_a_corr",
        "_a_level",
        "_a_scale",
        "_days",
        "_winsor",
        "corr",
        "flat_err",
        "flat_n",
        "flat_scale",
        "level",
        "n",
        "profile",
        "seasonal_err",
        "seasonal_n",
        "seasonal_scale",
    )

    def __init__(
        self,
        level_halflife: float,
        scale_halflife: float,
        season_days: int,
        winsor: float,
    ) -> None:
        self._a_level = alpha(level_halflife)
        self._a_corr = alpha(level_halflife / 2.0)
        self._a_scale = alpha(scale_halflife)
        self._days = max(1, season_days)
        self._winsor = winsor
        self.level = 0.0
        self.corr = 0.0  # today's offset from the seasonal profile
        # Per slot, the values of the last few days: their median is robust to one odd day.
        self.profile: list[list[float]] = []
        self.flat_scale = 0.0
        self.seasonal_scale = math.inf
        # Mean absolute errors of both predictors on every point, episodes included: the
        # scales above are frozen in episodes, so they cannot judge which predictor is right.
        self.flat_err = 0.0
        self.seasonal_err = math.inf
        self.flat_n = self.seasonal_n = 0
        self.n = 0

    def _usual(self, slot: int, slots: int) -> float | None:
        """Median of the last days' values in this slot and its two neighbours (pooling
        neighbours steadies a fine profile of noisy counts)."""
        if len(self.profile) != slots:
            self.profile = [[] for _ in range(slots)]
        past = self.profile[slot]
        if not past:
            return None
        if slots >= 3:
            past = past + self.profile[slot - 1] + self.profile[(slot + 1) % slots]
        ordered = sorted(past)
        mid = len(ordered) // 2
        return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2.0

    def predict(self, slot: int, slots: int) -> tuple[float, float]:
        """(expected value, sigma-equivalent scale) for the next point in ``slot``."""
        if slots and self.seasonal_err < self.flat_err:
            usual = self._usual(slot, slots)
            if usual is not None:
                return usual + self.corr, self.seasonal_scale
        return self.level, self.flat_scale

    def remember(self, x: float, slot: int, slots: int) -> None:
        """Record the value seen in this slot (always, episodes included: the median of the
        last days shrugs off one odd day but learns a rhythm within two or three)."""
        if not slots:
            return
        # Plain means at first (count-weighted), exponential memory afterwards.
        self.flat_n += 1
        a = max(self._a_scale, 1.0 / self.flat_n)
        self.flat_err += a * (abs(x - self.level) - self.flat_err)
        usual = self._usual(slot, slots)
        if usual is not None:
            err = abs(x - usual - self.corr)
            self.seasonal_n += 1
            if self.seasonal_err == math.inf:
                self.seasonal_err = err
            self.seasonal_err += max(self._a_scale, 1.0 / self.seasonal_n) * (
                err - self.seasonal_err
            )
        past = self.profile[slot]
        past.append(x)
        if len(past) > self._days:
            del past[0]

    def update(self, x: float, slot: int, slots: int, floor: float = 0.0) -> None:
        """Learn from one ordinary point (winsorised so outliers barely move anything).

        ``floor`` is the least scale the winsorising assumes (counts: their Poisson noise), so
        a long run of equal values cannot shrink the bound to zero and freeze the level.
        Call before :meth:`remember` for the same point.
        """
        self.n += 1
        if self.n == 1:
            self.level = x
            return
        a_scale = self._a_scale if self.n > 20 else 1.0 / self.n
        resid = x - self.level
        bound = self._winsor * max(self.flat_scale, floor) if self.n > 5 else math.inf
        self.flat_scale += a_scale * (min(abs(resid) * _MAD_TO_SIGMA, bound) - self.flat_scale)
        a_level = self._a_level if self.n > 10 else 1.0 / self.n
        self.level += a_level * min(max(resid, -bound), bound)
        usual = self._usual(slot, slots) if slots else None
        if usual is None:
            return
        sresid = x - usual - self.corr
        if self.seasonal_scale == math.inf:
            self.seasonal_scale = abs(sresid) * _MAD_TO_SIGMA + self.flat_scale
        sbound = self._winsor * max(self.seasonal_scale, floor)
        self.seasonal_scale += self._a_scale * (
            min(abs(sresid) * _MAD_TO_SIGMA, sbound) - self.seasonal_scale
        )
        self.corr += self._a_corr * min(max(sresid, -sbound), sbound)

    def relearn(self, recent: list[float]) -> None:
        """Adopt recent values as the new normal (after a lasting change of level)."""
        if not recent:
            return
        ordered = sorted(recent)
        median = ordered[len(ordered) // 2]
        mad = sorted(abs(v - median) for v in ordered)[len(ordered) // 2]
        shift = median - self.level
        self.level = median
        self.corr += shift
        self.flat_scale = max(self.flat_scale, mad * 1.4826)
