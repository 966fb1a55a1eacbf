"""Employee-misconduct content: a rare kind of mention whose count alone is news (pure, online).

The enrichment flags a mention that names the brand, carries an image or video and uses words
of two of the groups people / place / act (a part-timer filming in a store kitchen; see
:mod:`firewarden.listen.enrich`), from an account that is not the brand's. Such mentions are
rare in a brand's ordinary traffic, and such a video is how a well-known kind of firestorm
(「バイトテロ」) starts, so a few of them deserve a look before any count series moves.

The rule is the sparse-count one used elsewhere (:func:`firewarden.detect.stats.rate_surprise`):
the flagged share of mentions is learned with an exponential memory (half-life
``halflife_days``; a bucket is learned when it leaves the longest window), starting from
``prior_flags`` flags as if seen over the memory; for each window the count of flagged
mentions is judged by the gamma-Poisson tail given the window's mentions, minus ``log10`` of
the number of windows. ``threshold`` raises ``watch``; the reach-weighted count (in units of a
typical mention's weight) escalates to ``warning`` / ``crisis`` at the watch thresholds. With
no flag ever seen, two flagged mentions within an hour at 20 mentions an hour score about 4
after a week, one scores under 2: a single odd post is not an alert, a second one is.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from datetime import datetime

from firewarden.detect.stats import rate_surprise
from firewarden.detect.types import AlertLevel

_DAY = 86400.0


@dataclass(frozen=True, slots=True)
class MisconductConfig:
    windows_minutes: tuple[float, ...] = (30.0, 120.0, 480.0)
    halflife_days: float = 7.0
    prior_flags: float = 0.5
    threshold: float = 3.5
    warning: float = 10.0
    crisis: float = 14.0
    warmup_days: float = 1.0


WATCH_MISCONDUCT = MisconductConfig()


@dataclass(frozen=True, slots=True)
class MisconductResult:
    level: AlertLevel
    score: float
    flagged: int  # flagged mentions in the best window
    reach: float  # their reach-weighted count (typical mentions)
    expected: float
    since: datetime | None
    window_minutes: float


_NONE = MisconductResult(AlertLevel.NONE, 0.0, 0, 0.0, 0.0, None, 0.0)


class MisconductRate:
    """Online misconduct-content detector for one watch; ``update`` once per bucket."""

    def __init__(self, config: MisconductConfig = WATCH_MISCONDUCT) -> None:
        self.config = config
        self._spans = sorted(m * 60.0 for m in config.windows_minutes)
        # (time, start, mentions, flagged, flagged reach in typical mentions)
        self._recent: deque[tuple[float, datetime, int, int, float]] = deque()
        self._mentions = 0.0
        self._flags = 0.0
        self._learned_t: float | None = None
        self._first: float | None = None
        self._decay = math.log(2.0) / (config.halflife_days * _DAY)
        self._held: MisconductResult = _NONE
        self._held_t = -math.inf

    def _learn(self, t: float, mentions: int, flagged: int) -> None:
        keep = 1.0 if self._learned_t is None else math.exp(-self._decay * (t - self._learned_t))
        self._mentions = self._mentions * keep + mentions
        self._flags = self._flags * keep + flagged
        self._learned_t = t

    def update(
        self, ts: datetime, mentions: int, flagged: int = 0, reach: float = 0.0
    ) -> MisconductResult:
        """Take a bucket: its mentions, how many are flagged and their reach-weighted count."""
        cfg = self.config
        t = ts.timestamp()
        if self._first is None:
            self._first = t
        longest = self._spans[-1]
        while self._recent and self._recent[0][0] <= t - longest:
            old = self._recent.popleft()
            self._learn(old[0], old[2], old[3])
        self._recent.append((t, ts, mentions, flagged, reach))
        result = _NONE
        if flagged and t - self._first >= cfg.warmup_days * _DAY:
            result = self._judge(t)
        if result.level > AlertLevel.NONE:
            # An episode holds its highest level for the longest window after its last flag.
            if t - self._held_t >= longest or result.level >= self._held.level:
                self._held = result
            self._held_t = t
            return self._held
        return self._held if t - self._held_t < longest else _NONE

    def _judge(self, t: float) -> MisconductResult:
        cfg = self.config
        keep = 1.0 if self._learned_t is None else math.exp(-self._decay * (t - self._learned_t))
        exposure = self._mentions * keep
        uses = self._flags * keep + cfg.prior_flags
        correction = math.log10(len(self._spans))
        best = _NONE
        for span in self._spans:
            inside = [r for r in self._recent if r[0] > t - span]
            n = sum(r[2] for r in inside)
            k = sum(r[3] for r in inside)
            if not k:
                continue
            weighted = sum(r[4] for r in inside)
            score = rate_surprise(k, uses, exposure, float(n)) - correction
            reach_score = rate_surprise(round(weighted), uses, exposure, float(n)) - correction
            level = AlertLevel.NONE
            if score >= cfg.threshold:
                level = AlertLevel.WATCH
                if reach_score >= cfg.crisis:
                    level = AlertLevel.CRISIS
                elif reach_score >= cfg.warning:
                    level = AlertLevel.WARNING
            if (level, score) > (best.level, best.score):
                since = next(r[1] for r in inside if r[3])
                best = MisconductResult(
                    level,
                    max(score, reach_score) if level else score,
                    k,
                    weighted,
                    uses * n / max(exposure, 1e-9),
                    since,
                    span / 60.0,
                )
        return best
