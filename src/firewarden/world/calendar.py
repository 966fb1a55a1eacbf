"""The calendar of sensitive dates: its entry format, when an entry falls, the built-in data.

An entry is fixed (``date: "MM-DD"``), a range (``date`` plus ``until: "MM-DD"``) or moveable
(``rule: "last monday of may"``). The same format is used by the built-in data file and by
company packs' ``calendar:`` key; see ``docs/calendar.md``.
"""

from __future__ import annotations

import calendar as _cal
import datetime as dt
import re
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

import yaml

from firewarden.errors import ConfigError
from firewarden.text.normalize import fold_pattern
from firewarden.world.moments import MOMENT_KINDS, SensitiveDate

_MONTHS = {name.lower(): i for i, name in enumerate(_cal.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(_cal.month_abbr) if name})
_WEEKDAYS = {name.lower(): i for i, name in enumerate(_cal.day_name)}
_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3,
             "fourth": 4, "4th": 4, "fifth": 5, "5th": 5, "last": -1}  # fmt: skip
_RULE = re.compile(r"^\s*(\w+)\s+(\w+)\s+(?:of|in)\s+(\w+)\s*$", re.I)
_MM_DD = re.compile(r"^\s*(\d{1,2})-(\d{1,2})\s*$")
_KNOWN_KEYS = frozenset(
    {"date", "until", "rule", "year", "name", "name_ja", "kind", "region", "since",
     "topics", "reference", "implies"}
)  # fmt: skip


def parse_month_day(value: object, *, where: str) -> tuple[int, int]:
    """Read ``"MM-DD"`` (02-29 allowed); raise a ConfigError that says how to write it."""
    m = _MM_DD.match(value) if isinstance(value, str) else None
    if m is not None:
        month, day = int(m.group(1)), int(m.group(2))
        if 1 <= month <= 12 and 1 <= day <= _cal.monthrange(2024, month)[1]:
            return month, day
    raise ConfigError(
        f"{value!r} is not a month and day",
        where=where,
        hint='write it in quotes as "MM-DD", e.g. "03-11"',
    )


def parse_rule(value: object, *, where: str) -> tuple[int, int, int]:
    """Read a moveable rule ("last monday of may") as (month, weekday, ordinal)."""
    m = _RULE.match(value) if isinstance(value, str) else None
    if m is not None:
        ordinal = _ORDINALS.get(m.group(1).lower())
        weekday = _WEEKDAYS.get(m.group(2).lower().rstrip("s"))
        month_word = m.group(3).lower()
        month = int(month_word) if month_word.isdigit() else _MONTHS.get(month_word)
        if ordinal is not None and weekday is not None and month and 1 <= month <= 12:
            return month, weekday, ordinal
    raise ConfigError(
        f"cannot read the rule {value!r}",
        where=where,
        hint='write "<first|second|third|fourth|last> <weekday> of <month>", '
        'e.g. "last monday of may"',
    )


@cache
def rule_day(rule: str, year: int) -> dt.date:
    """The date a moveable rule falls on in ``year``."""
    month, weekday, ordinal = parse_rule(rule, where="rule")
    days = [
        d
        for d in _cal.Calendar().itermonthdates(year, month)
        if d.month == month and d.weekday() == weekday
    ]
    return days[-1] if ordinal == -1 else days[min(ordinal, len(days)) - 1]


def falls_on(entry: SensitiveDate, day: dt.date) -> bool:
    """Whether a calendar entry is active on ``day`` (its year limits included)."""
    if entry.year and entry.year != day.year:
        return False
    if entry.since and day.year < entry.since:
        return False
    if entry.rule:
        return rule_day(entry.rule, day.year) == day
    start = _clamp(day.year, entry.month, entry.day)
    if not entry.end_month:
        return start == (day.month, day.day)
    end = _clamp(day.year, entry.end_month, entry.end_day)
    here = (day.month, day.day)
    if start <= end:
        return start <= here <= end
    return here >= start or here <= end  # a range over the new year


def _clamp(year: int, month: int, day: int) -> tuple[int, int]:
    # A 02-29 entry is kept on 02-28 in other years, so a yearly remembrance is never skipped.
    return month, min(day, _cal.monthrange(year, month)[1])


def parse_date_entry(item: object, *, where: str, origin: str = "built-in") -> SensitiveDate:
    """Build a SensitiveDate from one calendar mapping (built-in data or a company pack)."""
    if not isinstance(item, Mapping):
        raise ConfigError(
            "a calendar entry must be a mapping with date, name and kind", where=where
        )
    unknown = sorted(set(item) - _KNOWN_KEYS)
    if unknown:
        raise ConfigError(
            f"unknown calendar field(s): {', '.join(map(str, unknown))}",
            where=where,
            hint=f"known fields: {', '.join(sorted(_KNOWN_KEYS))}",
        )
    name = _text(item.get("name"), where=f"{where}.name")
    if not name:
        raise ConfigError("a calendar entry needs a name", where=where)
    kind = _text(item.get("kind"), where=f"{where}.kind") or "observance"
    if kind not in MOMENT_KINDS:
        raise ConfigError(
            f"unknown kind {kind!r}",
            where=f"{where}.kind",
            hint=f"use one of: {', '.join(MOMENT_KINDS)}",
        )
    month = day = end_month = end_day = 0
    rule = ""
    if "rule" in item:
        rule = str(item["rule"]).strip().lower()
        month = parse_rule(rule, where=f"{where}.rule")[0]
    elif "date" in item:
        month, day = parse_month_day(item["date"], where=f"{where}.date")
        if "until" in item:
            end_month, end_day = parse_month_day(item["until"], where=f"{where}.until")
    else:
        raise ConfigError(
            "a calendar entry needs a date", where=where, hint='add date: "MM-DD" or rule: "..."'
        )
    return SensitiveDate(
        month=month,
        day=day,
        name=name,
        kind=kind,
        region=_text(item.get("region"), where=f"{where}.region") or "world",
        since=_int(item.get("since"), where=f"{where}.since"),
        year=_int(item.get("year"), where=f"{where}.year"),
        topics=tuple(fold_pattern(t) for t in _texts(item.get("topics"), where=f"{where}.topics")),
        reference=_text(item.get("reference"), where=f"{where}.reference"),
        origin=origin,
        name_ja=_text(item.get("name_ja"), where=f"{where}.name_ja"),
        end_month=end_month,
        end_day=end_day,
        rule=rule,
        implies=_texts(item.get("implies"), where=f"{where}.implies"),
    )


def parse_calendar(data: object, *, where: str, origin: str) -> tuple[SensitiveDate, ...]:
    """Parse a list of calendar entries (or a mapping with a ``calendar`` list)."""
    if isinstance(data, Mapping):
        data = data.get("calendar")
    if not isinstance(data, list):
        raise ConfigError("expected a list of calendar entries", where=where)
    return tuple(
        parse_date_entry(item, where=f"{where} entry {i}", origin=origin)
        for i, item in enumerate(data, start=1)
    )


@cache
def builtin_dates() -> tuple[SensitiveDate, ...]:
    """The built-in sensitive dates (``world/data/calendar.yaml``), loaded once."""
    text = resources.files("firewarden.world").joinpath("data/calendar.yaml").read_text("utf-8")
    return parse_calendar(yaml.safe_load(text), where="calendar.yaml", origin="built-in")


def _text(value: Any, *, where: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str | int):
        raise ConfigError("must be text", where=where)
    return str(value).strip()


def _texts(value: Any, *, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str | int):
        value = [value]
    if not isinstance(value, list):
        raise ConfigError("must be a list of text", where=where)
    return tuple(_text(v, where=where) for v in value if str(v).strip())


def _int(value: Any, *, where: str) -> int:
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError("must be a year as a whole number", where=where)
    return value
