"""Which sensitive moments are active for a draft: events given with it, and the calendar."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from firewarden.checks.context import Context
from firewarden.world.moments import Moment, SensitiveDate

_KIND_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("disaster", re.compile(
        r"hurricane|typhoon|earthquake|tsunami|flood|wildfire|bushfire|tornado|cyclone|storm|"
        r"landslide|eruption|drought|heat ?wave|blizzard|famine|outbreak|pandemic|epidemic|"
        r"landfall|evacuat|grounded|crash|derail|explosion|collapse|blackout|shortage|"
        r"地震|津波|台風|豪雨|洪水|噴火|災害|土砂|停電|被災|避難|感染|不足|高騰", re.I)),
    ("tragedy", re.compile(
        r"shooting|massacre|attack|terror|bomb|killed|death|dead|died|murder|assault|abuse|"
        r"victim|funeral|mourning|suicide|crash|事件|事故|殺|死|犠牲|追悼|暴行", re.I)),
    ("conflict", re.compile(r"war\b|invasion|protest|riot|uprising|coup|戦争|侵攻|デモ|暴動", re.I)),
    ("anniversary", re.compile(r"anniversary|memorial|remembrance|周年|慰霊|記念日", re.I)),
    ("political", re.compile(
        r"election|vote|referendum|party|parliament|congress|president|prime minister|policy|"
        r"union|strike|debate|選挙|政党|国会|首相|政府|党|政策", re.I)),
)


def classify_event(text: str) -> str:
    """The kind of an event described in free text (the first matching kind, else political)."""
    for kind, pattern in _KIND_CUES:
        if pattern.search(text):
            return kind
    return "company"


def moments_on(day: dt.date, dates: Iterable[SensitiveDate]) -> tuple[Moment, ...]:
    """Calendar entries that fall on ``day``."""
    out = []
    for d in dates:
        if d.month == day.month and d.day == day.day and (not d.year or d.year == day.year):
            if d.since and day.year < d.since:
                continue
            out.append(Moment(d.name, d.kind, "calendar", d.topics, d.reference))
    return tuple(out)


def active_moments(context: Context, dates: Iterable[SensitiveDate]) -> tuple[Moment, ...]:
    """Moments active for a draft: its context's events first, then the calendar on its date."""
    found = [Moment(e, classify_event(e), "context") for e in context.events if e.strip()]
    if context.date is not None:
        found.extend(moments_on(context.date, dates))
    return tuple(found)
