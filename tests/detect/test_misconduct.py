"""Misconduct content: rare, so a few flagged mentions raise ``watch`` and reach escalates."""

from __future__ import annotations

from datetime import datetime, timedelta

from firewarden.detect.misconduct import MisconductRate
from firewarden.detect.series import Bucket
from firewarden.detect.types import AlertLevel
from firewarden.detect.watch import WatchDetector

START = datetime(2026, 1, 5)
STEP = timedelta(minutes=5)


def feed(flags: dict[int, tuple[int, float]], buckets: int = 4 * 288) -> list[AlertLevel]:
    det = MisconductRate()
    return [det.update(START + i * STEP, 2, *flags.get(i, (0, 0.0))).level for i in range(buckets)]


def test_one_flagged_mention_is_not_an_alert_two_are() -> None:
    assert max(feed({3 * 288: (1, 1.0)})) == AlertLevel.NONE
    levels = feed({3 * 288: (1, 1.0), 3 * 288 + 4: (1, 1.0)})
    assert levels[3 * 288 + 4] == AlertLevel.WATCH
    assert max(levels[: 3 * 288 + 4]) == AlertLevel.NONE


def test_reach_escalates() -> None:
    # Three flagged posts from large accounts (each worth many typical mentions).
    levels = feed({3 * 288: (1, 8.0), 3 * 288 + 1: (1, 8.0), 3 * 288 + 2: (1, 8.0)})
    assert max(levels) >= AlertLevel.WARNING


def test_usual_flags_are_not_news() -> None:
    # A watch where one mention in a hundred is flagged (say, a staffing agency's videos):
    # two in an hour is ordinary there.
    flags = {i: (1, 1.0) for i in range(0, 4 * 288, 50)}
    flags[3 * 288 + 10] = (1, 1.0)
    assert max(feed(flags)) == AlertLevel.NONE


def test_watch_detector_explains_misconduct() -> None:
    det = WatchDetector()
    explained = []
    for i in range(4 * 288):
        flagged = 1 if i in (3 * 288, 3 * 288 + 3) else 0
        d = det.update(Bucket(START + i * STEP, 2, 0, 0.0, 0, (), flagged, 1.0 * flagged))
        if d.alert and d.explanation is not None:
            explained.append(d.explanation)
    assert [e.series for e in explained] == ["misconduct"]
    text = explained[0].summary()
    assert text.startswith("2 mentions look like employee-misconduct content (video/image")
    assert explained[0].level == AlertLevel.WATCH
