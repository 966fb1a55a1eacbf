"""The coarse scale: the detector's own model watching the means of blocks of points.

A small lasting shift (about 1.5 scales) or spikes that come more often are invisible point
by point but clear once the noise is averaged: the mean of a block of 16 points has a quarter
of the noise. :class:`CoarseScale` accumulates each block and feeds its mean to a second
detector (built by the caller with :func:`coarse_config`), which decides only when a block
completes, so nothing ever looks ahead.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from firewarden.detect.types import Decision, Explanation

if TYPE_CHECKING:
    from firewarden.detect.detector import DetectorConfig


class BlockDetector(Protocol):
    """What the coarse scale needs of the detector that judges block means."""

    def update(self, ts: datetime, x: float, trials: int | None = None) -> Decision: ...


def coarse_config(cfg: DetectorConfig) -> DetectorConfig:
    """The coarse detector's parameters: the same model on block means (which are not
    counts), without novel patterns or the rarity gate (its tail would need hundreds of
    blocks to learn); gaps and episode lengths are converted from points to blocks."""
    k = cfg.coarse
    return replace(
        cfg,
        coarse=0,
        counts=False,
        context=False,
        rarity=False,
        cooldown=max(cfg.cooldown // k, 1),
        rare_gap=max(cfg.rare_gap // k, 1),
        end_quiet=max(cfg.end_quiet // k, 4),
        relearn_after=max(cfg.relearn_after // k, 8),
    )


class CoarseScale:
    """Block means of ``block`` points, judged by ``detector`` when each block completes."""

    __slots__ = ("_block", "_detector", "_len", "_sum")

    def __init__(self, detector: BlockDetector, block: int) -> None:
        self._detector = detector
        self._block = block
        self._sum = 0.0
        self._len = 0

    def update(self, ts: datetime, x: float) -> Explanation | None:
        """Take the next point; the coarse detector's explanation when the block it
        completes alerts (its observed and expected values are block means)."""
        self._sum += x
        self._len += 1
        if self._len < self._block:
            return None
        mean = self._sum / self._len
        self._sum = 0.0
        self._len = 0
        decision = self._detector.update(ts, mean)
        return decision.explanation if decision.alert else None
