"""How rare a score is for *this* series: a streaming peaks-over-threshold tail.

The detector's surprises assume a model (normal or count tails). Real series are burstier
than any model: a tweet volume series reaches "one in a billion" departures every few days.
:class:`RecentTail` re-judges a score against the series' own recent history: the empirical
tail above a high quantile of the last ``window`` scores is fitted by an exponential (the
peaks-over-threshold method with a zero-shape generalised Pareto tail, as in SPOT), so a
score gets a probability even beyond the largest one seen. Rarity is ``-log10`` of it: a
series whose departures are routinely huge needs a much larger one to look rare.

Memory is bounded (``window`` floats); each update is a binary search and a small memmove.
"""

from __future__ import annotations

import bisect
import math
from collections import deque

_LOG10E = math.log10(math.e)


class RecentTail:
    """Rarity of a score against the last ``window`` scores (update once per point)."""

    __slots__ = ("_history", "_learn", "_sorted", "_tail_share", "_window")

    def __init__(self, window: int = 2000, tail_share: float = 0.05, learn: int = 200) -> None:
        self._window = window
        self._tail_share = tail_share
        self._learn = learn
        self._history: deque[float] = deque()
        self._sorted: list[float] = []

    def rarity(self, x: float) -> float:
        """``-log10 P(score >= x)`` under the recent history (0 while learning or when
        ``x`` is not in the tail); then remember ``x``."""
        ordered = self._sorted
        n = len(ordered)
        out = 0.0
        if n >= self._learn:
            k = max(5, int(n * self._tail_share))
            u = ordered[-k]
            if x > u:
                # Mean excess over the threshold is the exponential tail's scale.
                beta = max(math.fsum(ordered[-k:]) / k - u, 1e-6 * max(1.0, abs(u)))
                out = -math.log10(k / n) + (x - u) / beta * _LOG10E
        self._history.append(x)
        bisect.insort(ordered, x)
        if len(self._history) > self._window:
            old = self._history.popleft()
            del ordered[bisect.bisect_left(ordered, old)]
        return out


class DepartureRarity:
    """How rare a standardised departure is for this series, and the mean departure of the
    last ``run`` points (each clipped at ``clip`` scales): the larger rarity of the two,
    each judged by its own :class:`RecentTail`. ``sign`` keeps rises (1), drops (-1) or
    both (0)."""

    __slots__ = ("_clip", "_point", "_run", "_run_sum", "_sign", "_tail_run")

    def __init__(
        self, window: int, tail_share: float, learn: int, run: int, clip: float, sign: int
    ) -> None:
        self._point = RecentTail(window, tail_share, learn)
        self._tail_run = RecentTail(window, tail_share, learn)
        self._run: deque[float] = deque(maxlen=max(run, 1))
        self._run_sum = 0.0
        self._clip = clip
        self._sign = sign

    def rarity(self, z: float) -> float:
        """``-log10`` tail probability of departure ``z`` (in scales) or of the recent run;
        then remember both."""
        if len(self._run) == self._run.maxlen:
            self._run_sum -= self._run[0]
        zc = max(-self._clip, min(self._clip, z))
        self._run.append(zc)
        self._run_sum += zc
        run = self._run_sum / math.sqrt(len(self._run))
        if self._sign > 0:
            point, run = max(z, 0.0), max(run, 0.0)
        elif self._sign < 0:
            point, run = max(-z, 0.0), max(-run, 0.0)
        else:
            point, run = abs(z), abs(run)
        return max(self._point.rarity(point), self._tail_run.rarity(run))
