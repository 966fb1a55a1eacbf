"""Active moments: events classified by kind (EN/JA), their topics, and the calendar."""

from __future__ import annotations

import datetime as dt

import pytest

from firewarden.checks.context import Context
from firewarden.world.active import (
    active_moments,
    classify_event,
    date_forms,
    event_moment,
    moments_on,
)
from firewarden.world.calendar import builtin_dates, parse_date_entry
from firewarden.world.topics import event_topics, topic_spans


@pytest.mark.parametrize(
    ("event", "kind"),
    [
        ("Hurricane Sandy making landfall on the US east coast", "disaster"),
        ("Typhoon Hagibis approaching Tokyo", "disaster"),
        ("rice shortage and record rice prices in Japan", "disaster"),
        ("能登半島地震", "disaster"),
        ("新型コロナでトイレットペーパーが品薄", "disaster"),
        ("bottled water shortage after a boil-water notice", "disaster"),
        ("search for the missing Titan submersible", "tragedy"),
        ("山岳遭難で行方不明者の捜索続く", "disaster"),
        ("九州北部で記録的な豪雨", "disaster"),
        ("mass shooting at a school in Texas", "tragedy"),
        ("video of footballer Ray Rice assaulting his fiancee widely reported", "tragedy"),
        ("京都のスタジオで放火事件", "tragedy"),
        ("mass political protests in Cairo, Egypt", "conflict"),
        ("missile strike on Kyiv", "conflict"),
        ("ウクライナへの侵攻が続く", "conflict"),
        ("anniversary of the 11 September 2001 attacks", "anniversary"),
        ("東日本大震災から13年", "anniversary"),
        ("10 years since the Christchurch attack", "anniversary"),
        ("Qantas grounded its whole fleet", "crisis"),
        ("Qantas union talks broke down the day before", "crisis"),
        ("自社の顧客情報漏洩が発覚", "crisis"),
        ("debate over a government cash handout proposed by the Komeito party", "political"),
        ("衆議院選挙の投票日", "political"),
        ("Father's Day campaign", "observance"),
        ("母の日", "observance"),
        ("our 50th anniversary", "company"),
        ("award show tonight", "company"),
    ],
)
def test_classify_event(event: str, kind: str) -> None:
    assert classify_event(event) == kind


@pytest.mark.parametrize(
    ("event", "present", "absent"),
    [
        ("Hurricane Sandy making landfall on the US east coast", {"sandy", "hurricane"},
         {"us", "east", "coast", "making"}),
        ("mass political protests in Cairo, Egypt", {"cairo", "protests"}, {"mass", "political"}),
        ("Black Lives Matter protests", {"black lives matter"}, {"black", "matter"}),
        ("video of footballer Ray Rice assaulting his fiancee", {"ray rice", "rice"}, {"お米"}),
        ("rice shortage and record rice prices in Japan", {"rice", "お米", "らいす"}, {"record"}),
        ("令和6年能登半島地震", {"能登", "能登半島", "地震", "earthquake"}, {"令和"}),
    ],
)  # fmt: skip
def test_event_topics(event: str, present: set[str], absent: set[str]) -> None:
    topics = set(event_topics(event))
    assert present <= topics
    assert not absent & topics


def test_topic_spans_match_whole_words_and_hashtags() -> None:
    topics = event_moment("Hurricane Sandy making landfall").topics
    assert topic_spans("all impacted by #sandy, stay safe", topics) == [(17, 22)]
    assert topic_spans("sandyford shopping centre", topics) == []


def test_active_moments_from_events_and_calendar() -> None:
    ctx = Context(at=dt.datetime(2024, 3, 11, 9, 0), events=("能登半島地震の復旧が続く", " "))
    moments = active_moments(ctx, builtin_dates())
    assert [(m.kind, m.source) for m in moments] == [
        ("disaster", "context"),
        ("anniversary", "calendar"),
    ]
    assert moments[1].name_ja == "東日本大震災"
    assert moments[1].label("ja").startswith("東日本大震災")
    assert all(m.grave for m in moments)


def test_no_date_no_calendar() -> None:
    assert active_moments(Context(), builtin_dates()) == ()
    assert active_moments(Context(at=dt.datetime(2025, 7, 2)), builtin_dates()) == ()


def test_observances_are_not_grave() -> None:
    (iwd,) = active_moments(Context(at=dt.datetime(2025, 3, 8)), builtin_dates())
    assert iwd.kind == "observance" and not iwd.grave


def test_scarce_goods_are_topics() -> None:
    assert {"bottled water", "water"} <= set(event_topics("bottled water shortage in Jackson"))
    assert {"egg", "eggs"} <= set(event_topics("egg shortage and record egg prices"))
    assert "といれっとぺーぱー" in event_topics("トイレットペーパーが品薄")


def test_anniversary_date_forms() -> None:
    entry = parse_date_entry(
        {"date": "12-07", "name": "Pearl Harbor", "kind": "anniversary", "since": 1941},
        where="test",
    )
    number, forms = date_forms(entry)
    assert number == "127"
    assert {"12/7", "12月7日", "december 7", "dec 7", "12.7"} <= set(forms)
    observance = parse_date_entry({"date": "03-08", "name": "IWD", "kind": "observance"}, where="t")
    assert date_forms(observance) == ("", ())
    (moment,) = moments_on(dt.date(2024, 12, 7), [entry])
    assert moment.year == 1941 and moment.date_number == "127"
