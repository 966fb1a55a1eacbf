"""Emerging terms: a word suddenly used by several people in negative mentions (pure, online).

Counts alone cannot warn early of a firestorm whose first hours add a mention or two an hour
to a brand's ordinary traffic; what those mentions *say* can. This detector learns, per watch,
how often each content term (:func:`firewarden.text.terms.content_terms`, without the watch's
own names) turns up in negative mentions, and flags a term that many *distinct* authors use in
the recent window far above its learned rate. No lexicon of "storm words": the evidence is a
term's departure from the watch's own usage.

* **Learned rate.** For each term, the number of negative mentions that used it, with an
  exponential memory (half-life ``halflife_days``), against the (equally decayed) number of
  negative mentions: a rate per negative mention. A bucket is learned only when it leaves the
  longest window, so a burst is judged against what came before it, and with a weight capped
  at ``learn_cap`` times the usual negative mentions per bucket, so a firestorm's thousands
  of mentions do not make every ordinary term look rare for a week after it. The vocabulary
  is capped (``max_terms``; the least recently used term is forgotten, back to the prior).
* **Null.** The gamma-Poisson predictive (as :func:`firewarden.detect.stats.rate_surprise`):
  a term seen ``c`` times counts as ``c + prior_uses`` (a never-seen term is as common as a
  term seen ``prior_uses`` times over the memory), so the tail is a negative binomial that is
  wide for rare terms and tight for well-known ones; plus the over-dispersion ``phi`` that
  known terms show in each window length (variance ``E + E^2 (1/(c + prior) + phi)``,
  ``phi`` a moment estimate over the whole known vocabulary, learned once per window length
  outside bursts). Ordinary complaints come in bursts (a price rise, a closed store), so a
  familiar word's burst must be larger than a new word's to count; a never-seen word has a
  tiny ``E`` and is judged almost by its count alone.
* **Test.** For each window (``windows_minutes``) and each term used in the newest bucket:
  ``k`` = distinct authors who used it in negative mentions in the window. It counts only if
  ``k >= min_authors`` and the term is *mostly negative*: at least half of its ``n`` authors
  in the window, and ``k`` of ``n`` a surprise of at least ``negative_surprise`` under the
  binomial with the watch's usual share of negative mentions (a launch's new word with a
  few negative mentions among many happy ones is not a negative term). Score = surprise -
  log10(terms examined in the window) - log10(windows) (Bonferroni over the terms used in
  negative mentions of the window and the windows). A score of at least ``threshold`` (after
  ``warmup_days``) makes the signal active; it stays active for the longest window after the
  last such term.
* **Self-calibration.** The null's dispersion is an average; a busy watch whose everyday
  complaints burst irregularly reaches high scores more often than it says. So the detector
  tracks how often a bucket's best term reaches ``calibration_level`` in its negative uses
  (same memory; each bucket learned when it leaves the longest window) and, where that is
  more often than ``calibration_rate``, shrinks scores by
  ``log(observed rate) / log(calibration_rate)``.

Memory: the learned vocabulary (at most ``max_terms``) plus the mentions of the longest
window. Per bucket the work is proportional to the term uses entering and leaving windows.
"""

from __future__ import annotations

import math
from collections import OrderedDict, deque
from dataclasses import dataclass
from datetime import datetime

from firewarden.detect.stats import binomial_upper_surprise, negbin_pmf, negbin_upper_surprise

_DAY = 86400.0


@dataclass(frozen=True, slots=True)
class ContentUse:
    """What the content signals need from one mention: who, which terms, negative or not."""

    author: str
    terms: frozenset[str]
    negative: bool


@dataclass(frozen=True, slots=True)
class TermConfig:
    """Parameters of the emerging-term detector."""

    windows_minutes: tuple[float, ...] = (60.0, 120.0, 240.0, 480.0)
    halflife_days: float = 7.0
    #: A never-seen term counts as if used this often over the memory.
    prior_uses: float = 1.0
    #: "Several" distinct authors.
    min_authors: int = 3
    #: "Mostly negative": among the term's authors in the window, the negative ones must be
    #: this surprising (-log10 binomial tail) given the watch's usual share of negative
    #: mentions; 2 = a 1 % test. A launch's new word with a few negative mentions among
    #: many happy ones fails it.
    negative_surprise: float = 2.0
    #: A bucket teaches the rates with weight at most ``learn_cap`` times the usual number
    #: of negative mentions per bucket (plus one): a firestorm's thousands of mentions do not
    #: dilute every ordinary term's rate for a week after it.
    learn_cap: float = 3.0
    #: Corrected surprise at which the signal becomes active (chosen on simulated seeds
    #: 0-59 from 3.5 / 4.5 / 5.5 / 7 by the false-alarm budget; see docs/detection.md).
    threshold: float = 4.5
    #: Self-calibration: the corrected surprise the model says a bucket's best term reaches
    #: about ``calibration_rate`` of the time (0 turns calibration off). Where ordinary
    #: traffic reaches it more often (busy watches whose everyday complaints come in bursts),
    #: scores are shrunk by log(1/observed rate) / log(1/calibration_rate).
    calibration_level: float = 2.0
    calibration_rate: float = 0.001
    warmup_days: float = 2.0
    max_terms: int = 20_000

    def __post_init__(self) -> None:
        if not self.windows_minutes or min(self.windows_minutes) <= 0:
            raise ValueError("term windows must be positive numbers of minutes")
        if self.min_authors < 1 or self.prior_uses <= 0 or self.halflife_days <= 0:
            raise ValueError("min_authors, prior_uses and halflife_days must be positive")


#: The emerging-term detector of mention watches.
WATCH_TERMS = TermConfig()


@dataclass(frozen=True, slots=True)
class TermHit:
    """A term that stands out: its distinct negative authors and mentions in the window."""

    term: str
    authors: int
    mentions: int
    usual: float  # the expected number of negative mentions using it in the window
    seen: float  # how often it was used before (decayed negative mentions)
    since: datetime  # its first use in the window
    window_minutes: float
    score: float


@dataclass(frozen=True, slots=True)
class TermResult:
    """The detector's verdict on one bucket; ``hits`` are the terms that passed (best
    first), ``active`` whether the signal holds the watch up."""

    active: bool
    score: float
    hits: tuple[TermHit, ...] = ()


class _Window:
    """One window length: its negative mentions, and each term's negative uses in it (the
    number of terms examined); the terms' uses themselves are kept once, by the detector."""

    __slots__ = ("den", "items", "negative", "negative_terms", "num", "phi_t", "seconds")

    def __init__(self, minutes: float) -> None:
        self.seconds = minutes * 60.0
        self.items: deque[tuple[float, tuple[ContentUse, ...]]] = deque()
        self.negative = 0  # negative mentions in the window
        self.negative_terms: dict[str, int] = {}  # term -> its negative uses in the window
        # Over-dispersion of known terms' counts in this window length (moment sums).
        self.num = 0.0
        self.den = 0.0
        self.phi_t: float | None = None

    @property
    def phi(self) -> float:
        return max(0.0, self.num / self.den) if self.den > 0.0 else 0.0

    def push(self, t: float, negatives: tuple[ContentUse, ...]) -> None:
        if negatives:
            self.items.append((t, negatives))
            self._apply(negatives, 1)
        while self.items and self.items[0][0] <= t - self.seconds:
            self._apply(self.items.popleft()[1], -1)

    def _apply(self, negatives: tuple[ContentUse, ...], sign: int) -> None:
        counts = self.negative_terms
        self.negative += sign * len(negatives)
        for u in negatives:
            for term in u.terms:
                left = counts.get(term, 0) + sign
                if left > 0:
                    counts[term] = left
                else:
                    del counts[term]


#: One use of a term: (time, bucket start, author, negative).
_Use = tuple[float, datetime, str, bool]


def _in_window(uses: deque[_Use], since: float) -> tuple[set[str], set[str], int, datetime | None]:
    """(authors, negative authors, negative uses, first negative bucket) after ``since``."""
    authors: set[str] = set()
    negative: set[str] = set()
    count = 0
    first = None
    for t, ts, author, neg in reversed(uses):
        if t <= since:
            break
        authors.add(author)
        if neg:
            negative.add(author)
            count += 1
            first = ts
    return authors, negative, count, first


class TermBurst:
    """Online emerging-term detector for one watch; ``update`` once per bucket, in order."""

    def __init__(self, config: TermConfig = WATCH_TERMS) -> None:
        self.config = config
        self._windows = [_Window(m) for m in sorted(config.windows_minutes)]
        self._longest = self._windows[-1].seconds
        # The buckets of the longest window (learned when they leave it): time, content, and
        # whether the bucket reached the calibration level (None: not judged, warm-up); and,
        # per term, its uses in that window in time order.
        self._pending: deque[tuple[float, tuple[ContentUse, ...], bool | None]] = deque()
        self._uses: dict[str, deque[_Use]] = {}
        # term -> [decayed negative uses, time of that value]; insertion order = recency.
        self._rates: OrderedDict[str, list[float]] = OrderedDict()
        self._exposure = 0.0  # decayed negative mentions learned (weighted)
        self._exposure_t: float | None = None
        self._buckets = 0.0  # decayed buckets learned
        self._mentions = 0.0  # decayed mentions learned (for the usual negative share)
        self._negatives = 0.0  # decayed negative mentions learned (unweighted)
        self._s1 = 0.0  # sum of the terms' decayed uses
        self._s2 = 0.0  # sum of their squares
        self._first: float | None = None
        # Decayed buckets judged, and how many reached calibration_level; a bucket is learned
        # when it leaves the longest window (as the rates are), so a developing burst cannot
        # calibrate itself away before it has been judged.
        self._judged = 0.0
        self._reached = 0.0
        self._judged_t: float | None = None
        self._last_hit: float | None = None
        self._last_hits: tuple[TermHit, ...] = ()
        self._decay = math.log(2.0) / (config.halflife_days * _DAY)

    @property
    def vocabulary(self) -> int:
        """How many terms have a learned rate (bounded by ``max_terms``)."""
        return len(self._rates)

    def usual(self, term: str, t: float) -> float:
        """The decayed number of negative mentions that used ``term`` before ``t``."""
        found = self._rates.get(term)
        return found[0] * math.exp(-self._decay * (t - found[1])) if found else 0.0

    def _exposure_at(self, t: float) -> float:
        if self._exposure_t is None:
            return 0.0
        return self._exposure * math.exp(-self._decay * (t - self._exposure_t))

    def _learn(self, t: float, uses: tuple[ContentUse, ...]) -> None:
        keep = 1.0 if self._exposure_t is None else math.exp(-self._decay * (t - self._exposure_t))
        self._exposure_t = t
        negative = [u for u in uses if u.negative]
        usual = self._exposure / self._buckets if self._buckets else 0.0
        self._buckets = self._buckets * keep + 1.0
        self._mentions = self._mentions * keep + len(uses)
        self._negatives = self._negatives * keep + len(negative)
        # A burst teaches with a capped weight (see ``learn_cap``).
        weight = min(1.0, (self.config.learn_cap * usual + 1.0) / max(len(negative), 1))
        self._exposure = self._exposure * keep + weight * len(negative)
        self._s1 *= keep
        self._s2 *= keep * keep
        rates = self._rates
        for u in negative:
            for term in u.terms:
                found = rates.get(term)
                if found is None:
                    rates[term] = [weight, t]
                    self._s1 += weight
                    self._s2 += weight * weight
                    if len(rates) > self.config.max_terms:
                        _, (old, when) = rates.popitem(last=False)
                        old *= math.exp(-self._decay * (t - when))
                        self._s1 -= old
                        self._s2 -= old * old
                else:
                    old = found[0] * math.exp(-self._decay * (t - found[1]))
                    found[0] = old + weight
                    found[1] = t
                    self._s1 += weight
                    self._s2 += found[0] * found[0] - old * old
                    rates.move_to_end(term)

    def _learn_dispersion(self, t: float, w: _Window) -> None:
        """Moment estimate of how bursty known terms are in this window length: the sum of
        ``(K - E)^2 - E`` over every known term (absent ones included, in closed form from
        the sums of uses and their squares) against the sum of ``E^2``."""
        exposure = self._exposure_at(t)
        if exposure <= 0.0 or w.negative <= 0:
            return
        ratio = w.negative / exposure
        keep = math.exp(-self._decay * (t - (self._exposure_t or t)))
        s1, s2 = self._s1 * keep, self._s2 * keep * keep
        num = 0.0
        present_e = present_e2 = 0.0
        # Present terms without a negative author contribute e^2 - e here and the same
        # with the opposite sign below, so only the terms with negative uses are visited.
        for term in w.negative_terms:
            seen = self.usual(term, t)
            if seen <= 0.0:
                continue
            e = seen * ratio
            k = len(_in_window(self._uses[term], t - w.seconds)[1])
            num += (k - e) ** 2 - e
            present_e += e
            present_e2 += e * e
        num += ratio * ratio * s2 - ratio * s1 - (present_e2 - present_e)
        den = ratio * ratio * s2
        fade = 1.0 if w.phi_t is None else math.exp(-self._decay * (t - w.phi_t))
        w.num = w.num * fade + num
        w.den = w.den * fade + den
        w.phi_t = t

    def update(self, ts: datetime, uses: tuple[ContentUse, ...] = ()) -> TermResult:
        """Take the next bucket's mentions (its start time and content) and decide."""
        cfg = self.config
        t = ts.timestamp()
        if self._first is None:
            self._first = t
        while self._pending and self._pending[0][0] <= t - self._longest:
            old_t, old, reached = self._pending.popleft()
            self._learn(old_t, old)
            if reached is not None and cfg.calibration_level > 0:
                self._calibrate(old_t, reached)
            for u in old:
                for term in u.terms:
                    gone = self._uses[term]
                    gone.popleft()
                    if not gone:
                        del self._uses[term]
        table = self._uses
        for u in uses:
            for term in u.terms:
                kept = table.get(term)
                if kept is None:
                    kept = table[term] = deque()
                kept.append((t, ts, u.author, u.negative))
        negatives = tuple(u for u in uses if u.negative)
        for w in self._windows:
            w.push(t, negatives)
        hits: list[TermHit] = []
        judged = t - self._first >= cfg.warmup_days * _DAY
        reached = False
        if judged:
            hits, reached = self._test(t, ts, negatives)
        self._pending.append((t, uses, reached if judged else None))
        if hits:
            self._last_hit = t
        quiet = not hits and (self._last_hit is None or t - self._last_hit >= self._longest)
        if quiet:
            # Each window length learns its dispersion once per its own length (no overlap),
            # and not while a burst holds the watch up.
            for w in self._windows:
                if w.phi_t is None or t - w.phi_t >= w.seconds:
                    self._learn_dispersion(t, w)
        if hits:
            self._last_hits = tuple(hits)
        active = self._last_hit is not None and t - self._last_hit < self._longest
        if hits:
            return TermResult(True, hits[0].score, tuple(hits))
        # Held up by the last terms that stood out (a firestorm's terms recur in bursts).
        return TermResult(active, 0.0, self._last_hits if active else ())

    def _calibrate(self, t: float, reached: bool) -> None:
        """Learn one judged bucket (as it leaves the longest window)."""
        keep = 1.0 if self._judged_t is None else math.exp(-self._decay * (t - self._judged_t))
        self._judged = self._judged * keep + 1.0
        self._reached = self._reached * keep + reached
        self._judged_t = t

    def stretch(self) -> float:
        """The factor scores are shrunk by (1: ordinary traffic reaches the calibration
        level no more often than the model says; a prior of 100 buckets at that rate)."""
        cfg = self.config
        if cfg.calibration_level <= 0:
            return 1.0
        rate = (self._reached + 100.0 * cfg.calibration_rate) / (self._judged + 100.0)
        return min(1.0, math.log(rate) / math.log(cfg.calibration_rate))

    def _test(
        self, t: float, ts: datetime, negatives: tuple[ContentUse, ...]
    ) -> tuple[list[TermHit], bool]:
        """The terms that stand out in this bucket, and whether any term's negative uses
        reached the calibration level."""
        cfg = self.config
        candidates = {term for u in negatives for term in u.terms}
        if not candidates:
            return [], False
        stretch = self.stretch()
        need = cfg.threshold / stretch
        calibrating = cfg.calibration_level > 0
        if calibrating:
            need = min(need, cfg.calibration_level)
        reached = False
        exposure = self._exposure_at(t)
        share = (self._negatives + 1.0) / (self._mentions + 2.0)  # usual negative share
        n_windows = math.log10(len(self._windows))
        best: dict[str, TermHit] = {}
        for w in self._windows:
            if w.negative <= 0:
                continue
            correction = math.log10(max(len(w.negative_terms), 1)) + n_windows
            # A tail probability above this is not surprising enough to count.
            bar = 10.0 ** -(need + correction)
            for term in candidates:
                # Negative uses bound the negative authors, so a term whose negative uses are
                # not surprising is dropped unscanned (most terms, and every common one).
                uses = w.negative_terms.get(term, 0)
                if uses < cfg.min_authors:
                    continue
                seen = self.usual(term, t)
                prior = seen + cfg.prior_uses
                mean = prior * w.negative / max(exposure, 1e-9)
                variance = mean + mean * mean * (1.0 / prior + w.phi)
                if negbin_pmf(uses, mean, variance) > bar:
                    # P(X >= uses) >= P(X = uses): one term of the tail already shows the
                    # count is not surprising, which spares summing it (the same decision).
                    continue
                first_stage = negbin_upper_surprise(uses, mean, variance) - correction
                if calibrating and first_stage >= cfg.calibration_level:
                    reached = True
                if first_stage * stretch < cfg.threshold:
                    continue
                authors, negative, count, first = _in_window(self._uses[term], t - w.seconds)
                k = len(negative)
                if k < cfg.min_authors:
                    continue
                n = len(authors)
                if 2 * k < n or binomial_upper_surprise(k, n, share) < cfg.negative_surprise:
                    continue
                score = (negbin_upper_surprise(k, mean, variance) - correction) * stretch
                if score < cfg.threshold:
                    continue
                old = best.get(term)
                if old is None or score > old.score:
                    best[term] = TermHit(
                        term=term,
                        authors=k,
                        mentions=count,
                        usual=mean,
                        seen=seen,
                        since=first or ts,
                        window_minutes=w.seconds / 60.0,
                        score=score,
                    )
        return sorted(best.values(), key=lambda h: -h.score), reached


def describe(hits: tuple[TermHit, ...], limit: int = 3) -> str:
    """One sentence naming the terms: authors and mentions since when, against the usual."""
    parts = []
    for h in hits[:limit]:
        usual = "never used before" if h.seen < 0.5 else f"usually about {h.usual:.2g}"
        parts.append(
            f"«{h.term}» by {h.authors} authors in {h.mentions} negative mentions since "
            f"{h.since:%Y-%m-%d %H:%M} UTC ({usual} in {_minutes(h.window_minutes)})"
        )
    more = f" and {len(hits) - limit} more" if len(hits) > limit else ""
    return "emerging negative terms: " + "; ".join(parts) + more


def _minutes(m: float) -> str:
    return f"{m:.0f} min" if m < 90 else f"{m / 60:g} h"


__all__ = [
    "WATCH_TERMS",
    "ContentUse",
    "TermBurst",
    "TermConfig",
    "TermHit",
    "TermResult",
    "describe",
]
