"""The pure parts behind the watch pages: the window, regrouping buckets, the sentences."""

from __future__ import annotations

import datetime as dt

import pytest

from firewarden.detect.series import Bucket
from firewarden.errors import InputError
from firewarden.web.watch_queries import Window, regroup, resolve_window
from firewarden.web.watch_views import chart_summary, what_rose

T0 = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
MIN = dt.timedelta(minutes=1)


def test_window_follows_the_latest_data_then_the_clock() -> None:
    w = resolve_window(latest=T0, now=T0 + 600 * MIN, hours=2)
    assert (w.start, w.end, w.width_name) == (T0 - 120 * MIN, T0, "5m")
    assert resolve_window(latest=None, now=T0, hours=2).end == T0


@pytest.mark.parametrize(("hours", "name"), [(6, "5m"), (24, "5m"), (72, "15m"), (168, "1h")])
def test_automatic_bucket_keeps_charts_readable(hours: int, name: str) -> None:
    assert resolve_window(latest=T0, now=T0, hours=hours).width_name == name


def test_window_start_is_aligned_to_the_bucket() -> None:
    w = resolve_window(latest=None, now=T0, start=T0 - 97 * MIN, end=T0, bucket="15m")
    assert w.start == T0 - 105 * MIN


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"bucket": "7m"}, "unknown bucket width"),
        ({"start": T0, "end": T0 - MIN}, "not before its end"),
        # In words, not Python's "30 days, 0:00:00".
        (
            {"hours": 24 * 30, "bucket": "5m"},
            r"^30\.0 days in buckets of 5m would be 8,640 points; a chart holds at most 600",
        ),
    ],
)
def test_impossible_windows_say_why(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=message) as err:
        resolve_window(latest=T0, now=T0, **kwargs)  # type: ignore[arg-type]
    assert err.value.hint


def test_regroup_sums_into_wider_buckets_and_fills_quiet_ones() -> None:
    window = Window(T0, T0 + 60 * MIN, dt.timedelta(minutes=15))
    stored = [
        Bucket(T0 - 5 * MIN, volume=99),  # before the window: left out
        Bucket(T0, volume=3, negative=1, reach_negative=1.5, replies_to_brand=1),
        Bucket(T0 + 5 * MIN, volume=1),
        Bucket(T0 + 45 * MIN, volume=2, negative=2),
    ]
    points = regroup(stored, window)
    assert [p.start for p in points] == [T0 + k * 15 * MIN for k in range(4)]
    assert [p.volume for p in points] == [4, 0, 0, 2]
    assert points[0].to_dict()["reply_share"] == 0.25
    assert points[1].to_dict() == {
        "start": (T0 + 15 * MIN).isoformat(),
        "volume": 0,
        "negative": 0,
        "reach_negative": 0.0,
        "reply_share": 0.0,
    }


def test_what_rose_in_words() -> None:
    since = T0.isoformat()
    rise = {"series": "negative", "direction": "rise", "observed": 48, "expected": 6,
            "ratio": 8.0, "since": since}  # fmt: skip
    assert what_rose(rise) == (
        "Negative mentions rose to 48, 8.0× the expected 6, since 2026-03-01 12:00 UTC"
    )
    from_nothing = {**rise, "expected": 0.0, "ratio": None}
    assert "rose to 48 against about 0 expected" in what_rose(from_nothing)
    drop = {**rise, "series": "volume", "direction": "drop", "observed": 1, "ratio": 0.2}
    assert what_rose(drop).startswith("Mentions fell to 1 against about 6 expected")
    estimate = {**rise, "series": "volume", "observed": 30, "expected": 4.758, "ratio": 6.3}
    assert "Mentions rose to 30, 6.3× the expected 4.8," in what_rose(estimate)
    assert "the expected 1,235," in what_rose({**estimate, "expected": 1234.6})
    terms = {**rise, "series": "terms", "note": "emerging negative terms: «boycott» by 4"}
    assert what_rose(terms) == "Emerging negative terms: «boycott» by 4"


def test_chart_summary_names_totals_peak_and_alerts() -> None:
    chart = {
        "from": T0.isoformat(),
        "to": (T0 + 10 * MIN).isoformat(),
        "bucket_label": "5 minutes",
        "points": [
            {"start": T0.isoformat(), "volume": 2, "negative": 0},
            {"start": (T0 + 5 * MIN).isoformat(), "volume": 9, "negative": 7},
        ],
        "alerts": [{"level": "warning", "time": (T0 + 5 * MIN).isoformat()}],
    }
    assert chart_summary(chart) == (
        "From 2026-03-01 12:00 UTC to 2026-03-01 12:10 UTC: 11 mentions, 7 negative. "
        "Busiest 5 minutes: 2026-03-01 12:05 UTC, 9 mentions. "
        "1 alert: warning at 2026-03-01 12:05 UTC."
    )
    quiet = {**chart, "points": [], "alerts": []}
    assert chart_summary(quiet).endswith("0 mentions; nothing was counted. No alerts.")


def test_the_reasons_that_set_the_level_come_first() -> None:
    from firewarden.web.watch_views import _gravest_first

    reasons = [{"series": "a", "level": "watch"}, {"series": "b", "level": "crisis"},
               {"series": "c", "level": "warning"}, {"series": "d", "level": "crisis"}]  # fmt: skip
    assert [e["series"] for e in _gravest_first(reasons)] == ["b", "d", "c", "a"]
