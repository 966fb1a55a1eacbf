"""Sensitive moments: a disaster in progress, a tragedy's anniversary, an observance.

Plain data shared by the calendar, the events list and the detectors that judge timing.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Kinds of moment, from most to least grave.
MOMENT_KINDS = ("disaster", "tragedy", "conflict", "anniversary", "political", "observance", "company")

#: Kinds during which promotions, jokes and hashtag campaigns are high risk.
GRAVE_KINDS = frozenset({"disaster", "tragedy", "conflict", "anniversary"})


@dataclass(frozen=True, slots=True)
class SensitiveDate:
    """A calendar entry: ``month``/``day`` every year (``year`` set: that year only)."""

    month: int
    day: int
    name: str
    kind: str
    region: str = "world"
    since: int = 0
    year: int = 0
    #: Topic words whose mention on that day is especially sensitive ("tsunami", "9/11").
    topics: tuple[str, ...] = ()
    reference: str = ""
    origin: str = "built-in"


@dataclass(frozen=True, slots=True)
class Moment:
    """A sensitive moment active when the draft is posted."""

    name: str
    kind: str
    source: str  # "context", "events file", "calendar"
    topics: tuple[str, ...] = ()
    reference: str = ""

    @property
    def grave(self) -> bool:
        return self.kind in GRAVE_KINDS
