"""The detector's plain data: alert levels, directions, explanations and decisions.

These cross into the mention pipeline, the API and the database, so they are frozen
dataclasses with ``to_dict`` forms. An :class:`Explanation` says what rose (or fell), by how
much over the expected level and since when; the pipeline attaches evidence (top terms,
most-reached posts, sample mentions) to the ``evidence`` slots later.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum, IntEnum
from typing import Any


class AlertLevel(IntEnum):
    """How serious an episode is; a new alert is raised only when an episode escalates."""

    NONE = 0
    WATCH = 1
    WARNING = 2
    CRISIS = 3

    @property
    def label(self) -> str:
        return "" if self is AlertLevel.NONE else self.name.lower()

    @classmethod
    def parse(cls, value: str) -> AlertLevel:
        try:
            return cls[value.strip().upper() or "NONE"]
        except KeyError:
            names = ", ".join(lv.name.lower() for lv in cls)
            raise ValueError(f"unknown alert level {value!r}; use one of: {names}") from None


class Direction(Enum):
    """Which departures from the expected level count: rises, drops, or both."""

    UP = "up"
    DOWN = "down"
    BOTH = "both"


@dataclass(frozen=True, slots=True)
class Evidence:
    """Material the pipeline attaches to an alert so a person can see what is going on."""

    top_terms: tuple[str, ...] = ()
    top_posts: tuple[str, ...] = ()  # ids or URLs of the most-reached posts
    sample_mentions: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "top_terms": list(self.top_terms),
            "top_posts": list(self.top_posts),
            "sample_mentions": list(self.sample_mentions),
        }


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why an alert was raised: which series moved, which way, how far, since when."""

    series: str
    direction: str  # "rise", "drop" or "pattern" (ordinary values in a new combination)
    observed: float
    expected: float
    since: datetime
    level: AlertLevel
    surprise: float  # -log10 of the tail probability of what was seen
    evidence: Evidence = field(default_factory=Evidence)
    #: For a rise summed over a window (the multi-window scan), the window's length;
    #: ``observed`` and ``expected`` are then sums over it.
    window_minutes: float | None = None
    #: Content signals: the terms that stood out, and a sentence saying what they show
    #: (which replaces the generic one in :meth:`summary`).
    terms: tuple[str, ...] = ()
    note: str = ""

    @property
    def ratio(self) -> float | None:
        """Observed over expected (None when the expected level is about zero)."""
        return self.observed / self.expected if abs(self.expected) > 1e-9 else None

    def summary(self) -> str:
        """One plain sentence for the PR team."""
        if self.note:
            return f"{self.note}; level {self.level.label}"
        ratio = self.ratio
        how = f" ({ratio:.1f}x)" if ratio is not None and self.direction == "rise" else ""
        what = "unusual pattern" if self.direction == "pattern" else self.direction
        if self.window_minutes:
            what += f" over the last {_duration(self.window_minutes)}"
        return (
            f"{self.series} {what}: {self.observed:g} against about "
            f"{self.expected:.3g} expected{how}, since {self.since.isoformat(sep=' ')}; "
            f"level {self.level.label}"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "series": self.series,
            "direction": self.direction,
            "observed": self.observed,
            "expected": self.expected,
            "ratio": self.ratio,
            "since": self.since.isoformat(),
            "level": self.level.label,
            "surprise": self.surprise,
            "window_minutes": self.window_minutes,
            "terms": list(self.terms),
            "note": self.note,
            "summary": self.summary(),
            "evidence": self.evidence.to_dict(),
        }


def _duration(minutes: float) -> str:
    """A length of time for people: "45 min", "3 h", "2.5 h", "1.5 days"."""
    if minutes < 90:
        return f"{minutes:.0f} min"
    if minutes < 36 * 60:
        hours = minutes / 60.0
        return f"{hours:.0f} h" if hours == int(hours) else f"{hours:.1f} h"
    return f"{minutes / 1440:.1f} days"


@dataclass(frozen=True, slots=True)
class Decision:
    """The detector's verdict on one point: the episode level, a score, and whether to alert.

    ``alert`` is true only at the first point of an episode and when it escalates; the
    ``explanation`` is set on those points.
    """

    timestamp: datetime
    level: AlertLevel
    score: float
    alert: bool
    explanation: Explanation | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "timestamp": self.timestamp.isoformat(),
            "level": self.level.label,
            "score": self.score,
            "alert": self.alert,
            "explanation": self.explanation.to_dict() if self.explanation else None,
        }
