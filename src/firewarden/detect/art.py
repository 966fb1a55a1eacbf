"""Resonance novelty: Fuzzy ART over windows of the recent values (in the spirit of ARTime).

The magnitude model judges *how far* a point is from the expected level and the context
dictionary (:mod:`firewarden.detect.context`) *which combinations* of binned values are new.
This detector is a third view: it clusters the recent *shapes* of the series with Fuzzy
Adaptive Resonance Theory (Carpenter and Grossberg) and flags a shape that resonates with
none of the shapes seen so far. It follows the published description of ARTime (M.
Hampton's entry to the Numenta Anomaly Benchmark); the code is our own.

1. **Downsampling.** Each block of ``step`` points becomes one value: the block's extreme
   that departs more from its mean (so a spike survives), or its mean when neither extreme
   departs by ``spike`` of the learned range.
2. **Normalising.** The value range is learned from the first ``learn`` points (with a
   margin); values are mapped to [0, 1] within it (clipped), rounded to ``levels`` levels,
   and a value within ``chomp`` of the running median level (of all levels so far, kept as
   a histogram) is set to it: small noise around the usual level is no shape.
3. **Features.** The last ``window`` downsampled values (``window`` a power of two) and
   their Haar coefficients (the mean and the differences at each scale), all in [0, 1].
4. **Fuzzy ART** with complement coding: a category is a box in feature space; a window's
   match with a category is one minus the mean side of the box grown to include it (so a
   wide box matches nothing well), its choice the overlap over the box's complement-coded
   size. Dual vigilance (as in DVFA): a window whose best choice matches at least
   ``rho_ub`` resonates and the box grows to include it; one that matches some category at
   least ``rho_lb`` becomes a new box of that category's cluster; otherwise it founds a
   new cluster: a *new shape*.
5. **Vigilance adapts.** After the range is learned, the learning points are replayed
   with vigilance ``rho0``, and both bounds start at the mean best match of the second
   half of them (the series' own typical similarity). Every half learning period the
   upper bound follows the mean best match so far (at most ``rho_max``) and the lower
   bound moves by ``adapt`` of the way towards the lowest best match of the recent
   windows, so a noisier stretch lowers the bar and a calmer one raises it.
6. **Confidence.** A new cluster after the learning period scores how far below the
   bounds its match is, relative to the room left below a perfect match:
   ``(1 - w) * (rho_ub - s) / (1 - s) + w * (rho_lb - s) / (1 - s)`` (``w`` = 0.65),
   at most 1; every other window scores 0.
7. **Familiar shapes.** :meth:`ResonanceNovelty.familiar` asks, without learning,
   whether the window ending at the latest point (the block so far standing for the
   current block) resonates with a known box: the series has produced this shape, at
   this level, before (one more of its recurring spikes).

Everything is online (a point's score depends only on the points up to it) and memory is
bounded: at most ``capacity`` boxes (the least recently resonating is forgotten first),
the learning points until the range is fixed, and a few windows.
"""

from __future__ import annotations

from collections import deque

_LOWER_WEIGHT = 0.65  # weight of the lower bound in the confidence (ARTime's split)
_ALPHA = 1e-3  # choice parameter (small: prefer the tightest box that fits)


class ResonanceNovelty:
    """Confidence in [0, 1] that the current window is a new shape; ``update`` per point."""

    __slots__ = (
        "_block",
        "_chomp",
        "_cluster",
        "_clusters",
        "_hi",
        "_hist",
        "_hist_n",
        "_last_sim",
        "_last_ub",
        "_last_used",
        "_learn",
        "_learned",
        "_levels",
        "_lo",
        "_median",
        "_pending",
        "_range_lo",
        "_range_span",
        "_recent",
        "_rho_lb",
        "_rho_ub",
        "_sim_n",
        "_sim_sum",
        "_size",
        "_spike",
        "_step",
        "_t",
        "_values",
        "_warm",
        "adapt",
        "capacity",
        "margin",
        "rho0",
        "rho_max",
        "window",
    )

    def __init__(
        self,
        step: int = 4,
        window: int = 8,
        learn: int = 600,
        levels: int = 80,
        chomp: float = 0.075,
        spike: float = 0.1,
        rho0: float = 0.8,
        rho_max: float = 0.97,
        adapt: float = 0.2,
        capacity: int = 64,
        margin: float = 0.1,
    ) -> None:
        if window < 2 or window & (window - 1):
            raise ValueError("window must be a power of two, at least 2")
        self._step = max(1, step)
        self.window = window
        self._learn = max(learn, 2)
        self._levels = max(levels, 2)
        self._chomp = chomp
        self._spike = spike
        self.rho0 = rho0
        self.rho_max = rho_max
        self.adapt = adapt
        self.capacity = max(capacity, 2)
        self.margin = margin
        self._pending: list[float] | None = []
        self._range_lo = 0.0
        self._range_span = 1.0
        self._block: list[float] = []
        self._values: deque[float] = deque(maxlen=window)
        self._hist = [0] * (self._levels + 1)
        self._hist_n = 0
        self._median = 0
        # Categories: box corners, size, cluster and when each last resonated.
        self._lo: list[list[float]] = []
        self._hi: list[list[float]] = []
        self._size: list[float] = []
        self._cluster: list[int] = []
        self._last_used: list[int] = []
        self._clusters = 0
        self._t = 0  # windows seen
        self._rho_lb = self._rho_ub = rho0
        self._warm = max(2, self._learn // self._step - window + 1)  # windows in learning
        self._recent: deque[float] = deque(maxlen=self._warm)
        self._sim_sum = 0.0
        self._sim_n = 0
        self._learned = False
        self._last_sim = 0.0
        self._last_ub = 1.0

    @property
    def learn(self) -> int:
        """How many points the range is learned from (the score is 0 until then)."""
        return self._learn

    @property
    def categories(self) -> int:
        """How many boxes are remembered (at most ``capacity``)."""
        return len(self._lo)

    @property
    def vigilance(self) -> tuple[float, float]:
        """The current (lower, upper) vigilance."""
        return self._rho_lb, self._rho_ub

    def update(self, x: float) -> float:
        """Take the next point; the confidence that the window it completes is new."""
        pending = self._pending
        if pending is not None:
            pending.append(x)
            if len(pending) < self._learn:
                return 0.0
            self._fix_range(pending)
            self._pending = None
            for v in pending:
                self._point(v)
            self._start()
            return 0.0
        return self._point(x)

    def _fix_range(self, values: list[float]) -> None:
        lo, hi = min(values), max(values)
        span = hi - lo
        if span <= 0.0:
            span = max(abs(hi), 1.0)
        self._range_lo = lo - self.margin * span
        self._range_span = span * (1.0 + 2.0 * self.margin)

    def _start(self) -> None:
        """End of learning: both bounds at the mean best match of the later windows."""
        half = list(self._recent)[len(self._recent) // 2 :]
        if half:
            rho = min(self.rho_max, sum(half) / len(half))
            self._rho_lb = self._rho_ub = rho
        self._learned = True

    def _point(self, x: float) -> float:
        block = self._block
        block.append(x)
        if len(block) < self._step:
            return 0.0
        value = self._represent(block)
        block.clear()
        return self._downsampled(value)

    def _represent(self, block: list[float]) -> float:
        """A block's value: the extreme that departs more from its mean (a spike
        survives), or the mean when neither departs by ``spike`` of the range."""
        mean = sum(block) / len(block)
        top, bottom = max(block), min(block)
        if max(top - mean, mean - bottom) >= self._spike * self._range_span:
            return top if top - mean >= mean - bottom else bottom
        return mean

    def _level(self, value: float) -> int:
        y = min(1.0, max(0.0, (value - self._range_lo) / self._range_span))
        return round(y * self._levels)

    def _chomped(self, level: int) -> float:
        if abs(level - self._median) <= self._chomp * self._levels:
            level = self._median
        return level / self._levels

    def _downsampled(self, value: float) -> float:
        level = self._level(value)
        self._remember_level(level)
        values = self._values
        values.append(self._chomped(level))
        if len(values) < self.window:
            return 0.0
        return self._classify(_features(list(values)))

    def familiar(self, margin: float = 0.0) -> bool:
        """Whether the window ending at the latest point resonates with a shape seen
        before: its best match reaches the upper vigilance plus ``margin`` (False while
        learning). Between block ends the block so far stands for the current block;
        nothing is learned, so asking never changes later decisions."""
        if not self._learned or len(self._values) < self.window:
            return False
        if not self._block:
            return self._last_sim >= self._last_ub + margin
        values = list(self._values)[1:]
        values.append(self._chomped(self._level(self._represent(self._block))))
        f = _features(values)
        dim = len(f)
        best = 0.0
        for lo, hi in zip(self._lo, self._hi, strict=True):
            best = max(best, 1.0 - (sum(map(max, hi, f)) - sum(map(min, lo, f))) / dim)
        return best >= self._rho_ub + margin

    def _remember_level(self, level: int) -> None:
        """A running median of the levels (a histogram, so memory is ``levels`` ints)."""
        hist = self._hist
        hist[level] += 1
        self._hist_n += 1
        half = self._hist_n / 2.0
        below = sum(hist[: self._median])
        # Move the median one level at a time towards the middle of the histogram.
        while below > half and self._median > 0:
            self._median -= 1
            below -= hist[self._median]
        while below + hist[self._median] < half and self._median < len(hist) - 1:
            below += hist[self._median]
            self._median += 1

    def _classify(self, f: list[float]) -> float:
        self._t += 1
        dim = len(f)
        best_sim = 0.0
        resonate = -1
        resonate_choice = -1.0
        near = -1
        near_choice = -1.0
        rho_ub, rho_lb = self._rho_ub, self._rho_lb
        for k, (lo, hi) in enumerate(zip(self._lo, self._hi, strict=True)):
            # With complement coding |f ^ w| = dim - (size of the box grown to include f).
            grown = sum(map(max, hi, f)) - sum(map(min, lo, f))
            overlap = dim - grown
            size = self._size[k]
            sim = overlap / dim
            if sim > best_sim:
                best_sim = sim
            choice = overlap / (_ALPHA + dim - size)
            if sim >= rho_ub:
                if choice > resonate_choice:
                    resonate, resonate_choice = k, choice
            elif sim >= rho_lb and choice > near_choice:
                near, near_choice = k, choice
        self._last_sim, self._last_ub = best_sim, rho_ub
        score = 0.0
        if resonate >= 0:
            lo, hi = self._lo[resonate], self._hi[resonate]
            self._lo[resonate] = list(map(min, lo, f))
            self._hi[resonate] = list(map(max, hi, f))
            self._size[resonate] = sum(self._hi[resonate]) - sum(self._lo[resonate])
            self._last_used[resonate] = self._t
        elif near >= 0:
            self._add(f, self._cluster[near])
        else:
            self._clusters += 1
            self._add(f, self._clusters)
            if self._learned:
                score = _confidence(best_sim, rho_lb, rho_ub)
        self._adapt(best_sim)
        return score

    def _add(self, f: list[float], cluster: int) -> None:
        if len(self._lo) >= self.capacity:
            oldest = min(range(len(self._lo)), key=self._last_used.__getitem__)
            for store in (self._lo, self._hi, self._size, self._cluster, self._last_used):
                store.pop(oldest)
        self._lo.append(list(f))
        self._hi.append(list(f))
        self._size.append(0.0)
        self._cluster.append(cluster)
        self._last_used.append(self._t)

    def _adapt(self, sim: float) -> None:
        self._recent.append(sim)
        if not self._learned:
            return
        self._sim_sum += sim
        self._sim_n += 1
        if self._sim_n % max(1, self._warm // 2):
            return
        self._rho_ub = min(self.rho_max, self._sim_sum / self._sim_n)
        target = min(self._recent)
        self._rho_lb += self.adapt * (target - self._rho_lb)
        self._rho_lb = min(self._rho_lb, self._rho_ub)


def _features(values: list[float]) -> list[float]:
    """The window's values followed by its Haar coefficients (mean, then the differences
    from the coarsest scale to the finest), all mapped into [0, 1]."""
    details: list[float] = []
    approx = values
    while len(approx) > 1:
        pairs = range(0, len(approx), 2)
        details[:0] = [(approx[i] - approx[i + 1]) / 2.0 + 0.5 for i in pairs]
        approx = [(approx[i] + approx[i + 1]) / 2.0 for i in pairs]
    return values + approx + details


def _confidence(sim: float, rho_lb: float, rho_ub: float) -> float:
    room = max(1.0 - sim, 1e-3)
    ub = max(0.0, rho_ub - sim) / room
    lb = max(0.0, rho_lb - sim) / room
    return min(1.0, (1.0 - _LOWER_WEIGHT) * ub + _LOWER_WEIGHT * lb)
