"""The sensitive calendar: the built-in data, fixed, ranged and moveable dates, Feb 29, errors."""

from __future__ import annotations

import datetime as dt

import pytest

from firewarden.errors import ConfigError
from firewarden.world.calendar import (
    builtin_dates,
    falls_on,
    parse_calendar,
    parse_date_entry,
    rule_day,
)
from firewarden.world.moments import MOMENT_KINDS, SensitiveDate


def names_on(day: dt.date) -> set[str]:
    return {d.name for d in builtin_dates() if falls_on(d, day)}


def test_builtin_entries_are_complete() -> None:
    dates = builtin_dates()
    assert len(dates) >= 40
    for d in dates:
        assert d.kind in MOMENT_KINDS, d.name
        assert d.reference.startswith("https://"), d.name
        assert d.topics, d.name
        assert d.origin == "built-in"
    assert builtin_dates() is dates  # cached


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2024, 3, 11), "Great East Japan Earthquake and tsunami (2011)"),
        (dt.date(2023, 9, 11), "September 11 attacks (2001)"),
        (dt.date(2025, 8, 6), "Atomic bombing of Hiroshima (1945)"),
        (dt.date(2025, 8, 15), "End of World War II in Japan (1945)"),
        (dt.date(2025, 1, 27), "International Holocaust Remembrance Day"),
        (dt.date(2025, 3, 8), "International Women's Day"),
    ],
)
def test_fixed_dates(day: dt.date, expected: str) -> None:
    assert expected in names_on(day)


def test_japanese_names_and_folded_topics() -> None:
    march11 = next(d for d in builtin_dates() if d.month == 3 and d.day == 11)
    assert march11.name_ja == "東日本大震災"
    assert "津波" in march11.topics and "tsunami" in march11.topics
    assert all(t == t.casefold() for t in march11.topics)


def test_an_anniversary_starts_in_its_year() -> None:
    assert "Noto Peninsula earthquake (2024)" not in names_on(dt.date(2023, 1, 1))
    assert "Noto Peninsula earthquake (2024)" in names_on(dt.date(2025, 1, 1))


def test_moveable_days() -> None:
    assert rule_day("last monday of may", 2024) == dt.date(2024, 5, 27)
    assert rule_day("last monday of may", 2025) == dt.date(2025, 5, 26)
    assert rule_day("third monday of january", 2025) == dt.date(2025, 1, 20)
    assert rule_day("first sunday of 9", 2025) == dt.date(2025, 9, 7)
    assert "Memorial Day (US)" in names_on(dt.date(2024, 5, 27))
    assert "Memorial Day (US)" not in names_on(dt.date(2024, 5, 20))
    assert "Martin Luther King Jr. Day (US)" in names_on(dt.date(2026, 1, 19))


def test_month_ranges() -> None:
    assert "Pride Month" in names_on(dt.date(2025, 6, 1))
    assert "Pride Month" in names_on(dt.date(2025, 6, 30))
    assert "Pride Month" not in names_on(dt.date(2025, 7, 1))
    assert "Pride Month" not in names_on(dt.date(2025, 5, 31))


def test_february_29() -> None:
    # Black History Month is written 02-01 to 02-29: it covers Feb 28 in common years.
    assert "Black History Month (US)" in names_on(dt.date(2024, 2, 29))
    assert "Black History Month (US)" in names_on(dt.date(2023, 2, 28))
    leap = SensitiveDate(month=2, day=29, name="leap", kind="observance")
    assert falls_on(leap, dt.date(2024, 2, 29))
    assert not falls_on(leap, dt.date(2024, 2, 28))
    assert falls_on(leap, dt.date(2023, 2, 28))  # never skipped in common years


def test_range_over_the_new_year() -> None:
    entry = parse_date_entry(
        {"date": "12-20", "until": "01-05", "name": "Holiday freeze", "kind": "observance"},
        where="t",
    )
    assert falls_on(entry, dt.date(2025, 12, 31))
    assert falls_on(entry, dt.date(2026, 1, 5))
    assert not falls_on(entry, dt.date(2026, 1, 6))
    assert not falls_on(entry, dt.date(2025, 12, 19))


def test_one_year_entry() -> None:
    entry = parse_date_entry(
        {"date": "11-05", "year": 2024, "name": "US election", "kind": "political"}, where="t"
    )
    assert falls_on(entry, dt.date(2024, 11, 5))
    assert not falls_on(entry, dt.date(2025, 11, 5))


def test_company_entry_keeps_its_origin_and_folds_topics() -> None:
    (entry,) = parse_calendar(
        [{"date": "07-01", "name": "Plant accident", "kind": "anniversary", "topics": ["Plant"]}],
        where="acme.yaml",
        origin="acme",
    )
    assert entry.origin == "acme"
    assert entry.topics == ("plant",)


@pytest.mark.parametrize(
    ("item", "words"),
    [
        ({"date": "02-30", "name": "x", "kind": "observance"}, "not a month and day"),
        ({"date": "3/11", "name": "x", "kind": "observance"}, "not a month and day"),
        ({"rule": "every monday", "name": "x"}, "cannot read the rule"),
        ({"date": "03-11", "name": "x", "kind": "sad"}, "unknown kind"),
        ({"date": "03-11", "name": "x", "colour": "red"}, "unknown calendar field"),
        ({"name": "x", "kind": "observance"}, "needs a date"),
        ({"date": "03-11", "kind": "observance"}, "needs a name"),
        ("03-11", "must be a mapping"),
    ],
)
def test_bad_entries_say_what_is_wrong(item: object, words: str) -> None:
    with pytest.raises(ConfigError, match=words) as info:
        parse_date_entry(item, where="calendar entry 1")
    assert "calendar entry 1" in str(info.value)
