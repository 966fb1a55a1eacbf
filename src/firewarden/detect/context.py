"""Novel patterns: a contextual detector in the spirit of CAD OSE.

The main detector judges *how far* a point is from the expected level. Some anomalies are
not far at all: a rhythm that goes flat, spikes that come twice as often, a daily shape
that changes. They are *new combinations* of ordinary values. :class:`ContextNovelty`
scores each point by the share of its contexts that the series has never produced before:

1. **Facts.** The value range is learned from the first ``learn`` points (with a margin);
   each value is quantised into one of ``bins`` bins (values outside the learned range get
   their own two bins), and its first difference into the step between bins (clipped).
   The fact of a point is the pair (value bin, step).
2. **Contexts.** The last ``window`` facts form the point's contexts: each earlier fact in
   the window paired with the current one (at its lag), and the runs of the last 2 ..
   ``order`` facts ending at the current one.
3. **Novelty** is the share of the point's contexts never seen before; the contexts are
   then remembered. The dictionary is bounded: past ``capacity`` contexts, the least
   recently seen half is forgotten, so memory stays fixed however long the series runs.

While the range is being learned the points are kept (``learn`` floats) and replayed into
the dictionary once it is fixed, so no data is wasted; novelty is 0 until then. Everything
is online: a point's novelty depends only on the points before it and itself.
"""

from __future__ import annotations

from collections import deque

_STEP_CLIP = 2  # steps of more than two bins are one fact: "a jump"
_STEPS = 2 * _STEP_CLIP + 1


class ContextNovelty:
    """Share of never-seen contexts at each point; ``update`` once per point, in order."""

    __slots__ = (
        "_base",
        "_bins",
        "_capacity",
        "_facts",
        "_learn",
        "_lo",
        "_margin",
        "_order",
        "_pending",
        "_prev_bin",
        "_run_offset",
        "_seen",
        "_t",
        "_width",
        "_window",
    )

    def __init__(
        self,
        bins: int = 16,
        window: int = 7,
        order: int = 3,
        learn: int = 300,
        capacity: int = 1 << 16,
        margin: float = 0.1,
    ) -> None:
        self._bins = bins
        self._window = window
        self._order = max(1, order)
        self._learn = learn
        self._capacity = capacity
        self._margin = margin
        self._pending: list[float] | None = []
        self._lo = 0.0
        self._width = 0.0
        self._prev_bin: int | None = None
        self._facts: deque[int] = deque(maxlen=max(window, self._order))
        self._base = base = (bins + 2) * _STEPS  # distinct facts
        offsets, top = {}, window * base * base
        for length in range(3, self._order + 1):
            offsets[length] = top
            top += base**length
        self._run_offset = offsets
        # Context -> when it was last seen (the least recently seen are forgotten first).
        self._seen: dict[int, int] = {}
        self._t = 0

    @property
    def learn(self) -> int:
        """How many points the value range is learned from (novelty is 0 until then)."""
        return self._learn

    @property
    def size(self) -> int:
        """How many contexts are remembered (at most ``capacity``)."""
        return len(self._seen)

    def update(self, x: float) -> float:
        """Novelty of ``x`` in [0, 1] (0 while the range is being learned)."""
        pending = self._pending
        if pending is not None:
            pending.append(x)
            if len(pending) < self._learn:
                return 0.0
            self._fix_range(pending)
            self._pending = None
            novelty = 0.0
            for v in pending:
                novelty = self._step(v)
            return novelty
        return self._step(x)

    def _fix_range(self, values: list[float]) -> None:
        lo, hi = min(values), max(values)
        span = hi - lo
        if span <= 0.0:
            span = max(abs(hi), 1.0)
        self._lo = lo - self._margin * span
        self._width = span * (1.0 + 2.0 * self._margin) / self._bins

    def _step(self, x: float) -> float:
        b = int((x - self._lo) // self._width) if x >= self._lo else -1
        if b > self._bins:
            b = self._bins  # above the learned range
        prev = self._prev_bin
        self._prev_bin = b
        step = 0 if prev is None else max(-_STEP_CLIP, min(_STEP_CLIP, b - prev))
        fact = (b + 1) * _STEPS + step + _STEP_CLIP
        facts = self._facts
        facts.appendleft(fact)  # facts[lag] is the fact ``lag`` points ago
        n = len(facts)
        if n < 2:
            return 0.0
        seen = self._seen
        t = self._t = self._t + 1
        base = self._base
        novel = 0
        # Lagged pairs (lag, earlier fact, current fact) and runs of the last 3 .. order
        # facts, each packed into one int (runs are offset past every pair key).
        keys = [(lag * base + facts[lag]) * base + fact for lag in range(1, min(self._window, n))]
        run = fact * base + facts[1]
        for length in range(3, min(self._order, n) + 1):
            run = run * base + facts[length - 1]
            keys.append(self._run_offset[length] + run)
        for key in keys:
            if key not in seen:
                novel += 1
            seen[key] = t
        if len(seen) > self._capacity:
            self._forget()
        return novel / len(keys)

    def _forget(self) -> None:
        """Keep the most recently seen half of the contexts (amortised: runs rarely)."""
        keep = sorted(self._seen.items(), key=lambda kv: kv[1])[len(self._seen) // 2 :]
        self._seen = dict(keep)


class NovelPatterns:
    """When a point's recent novelty is striking for this series.

    Novelty is smoothed over the last ``smooth`` points; it is striking when the smoothed
    novelty is at least ``level`` (a share of never-seen contexts) and at least ``ratio``
    times the series' usual novelty (a recent-weighted mean with weight ``usual_alpha``: a
    series whose values are noisy keeps producing new combinations and needs more). Nothing
    is striking while the range is being learned (the first ``learn`` points).
    """

    __slots__ = ("_a", "_level", "_n", "_novelty", "_ratio", "_sum", "_usual", "_window")

    def __init__(
        self,
        novelty: ContextNovelty,
        smooth: int,
        level: float,
        ratio: float,
        usual_alpha: float,
    ) -> None:
        self._novelty = novelty
        self._window: deque[float] = deque(maxlen=max(smooth, 1))
        self._sum = 0.0
        self._level = level
        self._ratio = ratio
        self._a = usual_alpha
        self._usual = 0.0
        self._n = 0

    def update(self, x: float) -> bool:
        """Take the next point; True when its recent novelty is striking."""
        self._n += 1
        window = self._window
        if len(window) == window.maxlen:
            self._sum -= window[0]
        novelty = self._novelty.update(x)
        # The series' usual novelty (recent-weighted; it starts from 0, so the ratio test
        # only bites once novelty has been measured for a while).
        self._usual += self._a * (novelty - self._usual)
        window.append(novelty)
        self._sum += novelty
        mean = self._sum / len(window)
        return (
            self._n > self._novelty.learn
            and mean >= self._level
            and mean >= self._ratio * self._usual
        )
