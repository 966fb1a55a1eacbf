"""Sensitive moments: a disaster in progress, a tragedy's anniversary, an observance.

Plain data shared by the calendar, the events list and the detectors that judge timing.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Kinds of moment, from most to least grave. ``crisis`` is trouble of a company's own making
#: or at a company (a fleet grounded, a strike, a recall, a data breach); ``company`` is any
#: other event the caller named that the check cannot place.
MOMENT_KINDS = (
    "disaster",
    "tragedy",
    "conflict",
    "anniversary",
    "crisis",
    "political",
    "observance",
    "company",
)

#: Kinds during which promotions, jokes and hashtag campaigns are high risk.
GRAVE_KINDS = frozenset({"disaster", "tragedy", "conflict", "anniversary", "crisis"})


@dataclass(frozen=True, slots=True)
class SensitiveDate:
    """A calendar entry: ``month``/``day`` every year (``year`` set: that year only).

    Optional extensions (all default to "not used", so older entries stay valid):
    ``end_month``/``end_day`` make the entry a range (Pride Month: 06-01 to 06-30; a range may
    wrap over the new year); ``rule`` makes it moveable ("last monday of may"; then ``month``
    is the rule's month and ``day`` is 0). ``implies`` names intents posts carry on that day
    whatever their words (April Fools' Day: ``humour``).
    """

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
    name_ja: str = ""
    end_month: int = 0
    end_day: int = 0
    rule: str = ""
    implies: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Moment:
    """A sensitive moment active when the draft is posted."""

    name: str
    kind: str
    source: str  # "context", "events file", "calendar"
    #: Folded words and phrases whose mention in a draft refers to the moment.
    topics: tuple[str, ...] = ()
    reference: str = ""
    name_ja: str = ""
    region: str = ""
    #: Intents every post carries during this moment (see :class:`SensitiveDate`).
    implies: tuple[str, ...] = ()
    #: For calendar moments: the pack the entry came from ("built-in" or a company pack).
    origin: str = ""
    #: For a calendar anniversary: folded ways of writing the day itself ("8月6日", "9/11",
    #: "december 7"). A promotion that makes the date a themed day ties itself to the
    #: anniversary even when the event is not named (「8月6日はハムの日」).
    date_forms: tuple[str, ...] = ()
    #: For a calendar anniversary: the day written as one number ("311", "911", "117"). As a
    #: price or a discount it is a pun on the date (「311円セール」 on 3/11).
    date_number: str = ""
    #: For a calendar anniversary: the year of the event ("on this day in 1941").
    year: int = 0

    @property
    def grave(self) -> bool:
        return self.kind in GRAVE_KINDS

    def label(self, language: str = "en") -> str:
        """The moment's name for a message, with its Japanese name for Japanese drafts."""
        if language == "ja" and self.name_ja:
            return f"{self.name_ja} ({self.name})"
        return self.name
