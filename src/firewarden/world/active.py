"""Which sensitive moments are active for a draft: events given with it, and the calendar.

Events are free text in English or Japanese ("Hurricane Sandy making landfall", 「能登半島地震」);
their kind is read from cue words in order of specificity, and their topics (what a post
would say if it referred to them) from the text itself (:mod:`firewarden.world.topics`).
Calendar entries are active on their day (or range, or moveable day); a disaster in progress
is an event, not a date.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from firewarden.checks.context import Context
from firewarden.text.normalize import fold_pattern
from firewarden.world.calendar import falls_on
from firewarden.world.moments import Moment, SensitiveDate
from firewarden.world.topics import event_topics, expand_topics


def _cues(en: str, ja: str) -> re.Pattern[str]:
    # English cues start at a word boundary (so "war" is not "award"); Japanese ones anywhere.
    return re.compile(rf"\b(?:{en})|{ja}", re.I)


_DISASTER = _cues(
    r"hurricane|typhoon|earthquake|quake|tsunami|flood|wildfire|bushfire|forest fire|tornado|"
    r"cyclone|storm\b|landslide|mudslide|eruption|volcan|drought|heat ?wave|blizzard|famine|"
    r"outbreak|pandemic|epidemic|landfall|evacuat|plane crash|train crash|derail|explosion|"
    r"collapse|blackout|power outage|shortage|nuclear accident|meltdown|avalanche|"
    r"panic buying|boil[- ]water|sinking|capsiz|shipwreck",
    r"地震|津波|台風|豪雨|大雨|洪水|噴火|災害|土砂|停電|被災|避難|感染拡大|不足|高騰|震災|猛暑|大雪|墜落|脱線|崩落|爆発|"
    r"品薄|品切れ|買い占め|買い溜め|断水|沈没|遭難|新型コロナ",
)
_TRAGEDY = _cues(
    r"shooting|shooter|gunman|massacre|attack|terror|bomb|killed|kills|killing|death|dead\b|died|"
    r"murder|assault|abuse|victim|funeral|mourning|suicide|stabbing|hostage|kidnap|rape|"
    r"crash|fatal|tragedy|tragic|police violence|lynch|missing|search for|rescue|trapped|"
    r"manhunt",
    r"事件|事故|殺|死|犠牲|暴行|虐待|テロ|銃撃|刺傷|放火|遺族|訃報|逝去|行方不明|捜索|救助",
)
_CONFLICT = _cues(
    r"war\b|wars\b|invasion|invade|protest|riot|uprising|coup|airstrike|missile|bombard|"
    r"occupation|ceasefire|military|troops|genocide|unrest|clashes",
    r"戦争|侵攻|デモ|暴動|空爆|ミサイル|紛争|軍事|クーデター|抗議",
)
_ANNIVERSARY = _cues(
    r"anniversary|memorial|remembrance|commemorat|years (?:since|after|ago|on from)",
    r"周年|周忌|慰霊|追悼|記念日|の日|から\s*\d+\s*年|\d+\s*年目",
)
_CRISIS = _cues(
    r"grounded|grounds? (?:its|the|all)|strike\b|strikes\b|walkout|union|lockout|layoffs?|"
    r"recall|data breach|breach|leak|hack(?:ed)?|outage|boycott|lawsuit|scandal|bankrupt|"
    r"backlash|fined|investigation|apolog",
    r"不祥事|リコール|情報漏洩|漏えい|障害|ストライキ|炎上|謝罪|欠航|運休|倒産|解雇|不正|改ざん|リストラ",
)
_POLITICAL = _cues(
    r"election|vote|voting|referendum|political party|parliament|congress|senate|president|"
    r"prime minister|policy|legislat|bill\b|campaign trail|debate|government|cabinet|party\b",
    r"選挙|投票|政党|国会|首相|総理|政府|政策|内閣|法案|党|議員|政権",
)
_OBSERVANCE = _cues(
    r"\bday\b|month|week of|awareness|pride|festival|holiday|celebrat|mother's|father's",
    r"の日|デー|月間|週間|記念|祭|母の日|父の日",
)


def classify_event(text: str) -> str:
    """The kind of an event described in free text, in English or Japanese.

    A tragedy's anniversary is ``anniversary`` (a company's anniversary is not: it needs a
    grave cue too); a company's own trouble is ``crisis``; an event with no cue is ``company``.
    """
    grave = _DISASTER.search(text) or _TRAGEDY.search(text) or _CONFLICT.search(text)
    if _ANNIVERSARY.search(text) and (grave or re.search("慰霊|追悼|周忌", text)):
        return "anniversary"
    for kind, pattern in (
        ("disaster", _DISASTER),
        ("tragedy", _TRAGEDY),
        ("conflict", _CONFLICT),
        ("crisis", _CRISIS),
        ("political", _POLITICAL),
        ("observance", _OBSERVANCE),
    ):
        if pattern.search(text):
            return kind
    return "company"


_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]


def date_forms(entry: SensitiveDate) -> tuple[str, tuple[str, ...]]:
    """(the day as one number, folded ways of writing the day).

    Only for a fixed-day anniversary: "8/6", "8月6日", "august 6", "aug 6", "6 august"
    (and "3.11" where it cannot be read as a decimal) and "86" as the number. Observances and
    ranges have none.
    """
    if entry.kind != "anniversary" or entry.rule or entry.end_month or not entry.day:
        return "", ()
    m, d = entry.month, entry.day
    name = _MONTHS[m - 1]
    forms = [f"{m}/{d}", f"{m}月{d}日", f"{name} {d}", f"{name[:3]} {d}", f"{d} {name}"]
    if d >= 10 or m >= 10:
        forms.append(f"{m}.{d}")  # "3.11", "12.7"; not "8.6", which reads as a number
    return f"{m}{d}", tuple(fold_pattern(f) for f in forms)


def moments_on(day: dt.date, dates: Iterable[SensitiveDate]) -> tuple[Moment, ...]:
    """Calendar entries that fall on ``day``."""
    return tuple(_calendar_moment(d) for d in dates if falls_on(d, day))


def _calendar_moment(d: SensitiveDate) -> Moment:
    number, forms = date_forms(d)
    return Moment(
        name=d.name,
        kind=d.kind,
        source="calendar",
        topics=expand_topics(d.topics),
        reference=d.reference,
        name_ja=d.name_ja,
        region=d.region,
        implies=d.implies,
        origin=d.origin,
        date_forms=forms,
        date_number=number,
        year=d.since if forms else 0,
    )


def event_moment(text: str, source: str = "context") -> Moment:
    """A moment for an event described in free text."""
    return Moment(
        name=text.strip(), kind=classify_event(text), source=source, topics=event_topics(text)
    )


def active_moments(context: Context, dates: Iterable[SensitiveDate]) -> tuple[Moment, ...]:
    """Moments active for a draft: its context's events first, then the calendar on its date."""
    found = [event_moment(e) for e in context.events if e.strip()]
    if context.date is not None:
        found.extend(moments_on(context.date, dates))
    return tuple(found)
