from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from firewarden.detect.detector import WATCH_CONFIG, SeriesDetector
from firewarden.detect.evaluate import evaluate
from firewarden.detect.scan import CountScan, ScanConfig
from firewarden.detect.series import Bucket, MentionSignal, bucketize
from firewarden.detect.simulate import SimMention, SimulationConfig, poisson, rhythm, simulate
from firewarden.detect.types import AlertLevel
from firewarden.detect.watch import WatchDetector

T0 = datetime(2026, 1, 5)  # a Monday
WIDTH = timedelta(minutes=5)


def rhythmic_counts(
    days: float, mean: float, seed: int, excess: tuple[int, float] | None = None
) -> list[tuple[datetime, int]]:
    """Poisson counts per 5-minute bucket following the daily/weekly rhythm; ``excess``
    (from bucket, factor) multiplies the rate from that bucket on."""
    rng = random.Random(seed)
    out = []
    for i in range(int(days * 288)):
        ts = T0 + i * WIDTH
        lam = mean * rhythm(ts + WIDTH / 2)
        if excess is not None and i >= excess[0]:
            lam *= excess[1]
        out.append((ts, poisson(rng, lam)))
    return out


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_sustained_double_rate_is_flagged_before_any_single_bucket_is_extreme(seed: int) -> None:
    onset = 9 * 288 + 10 * 12  # day 9 (a Wednesday), 10:00: every weekday seen once
    counts = rhythmic_counts(10, 1.0, seed=seed, excess=(onset, 2.0))
    scan = CountScan()
    per_bucket = SeriesDetector(WATCH_CONFIG, name="negative")
    scan_start = bucket_alert = None
    for i, (ts, x) in enumerate(counts):
        result = scan.update(ts, x)
        decision = per_bucket.update(ts, x)
        if i < onset:
            assert not result.started, f"scan alerted in ordinary traffic at {ts}"
            continue
        if result.started and scan_start is None:
            scan_start = i
        if decision.alert and bucket_alert is None:
            bucket_alert = i
    assert scan_start is not None, "a doubled rate over hours must be flagged"
    assert scan_start - onset <= 48, "flagged within four hours"
    assert bucket_alert is None or scan_start < bucket_alert


def test_ordinary_rhythmic_traffic_over_weeks_gives_few_scan_alerts() -> None:
    # Four weeks of ordinary mentions (daily and weekly rhythm), no firestorm.
    sim = simulate(SimulationConfig(days=28, storm=False), seed=11)
    signals = (
        MentionSignal(m.timestamp, m.sentiment == "negative", m.followers, m.reply_to_brand)
        for m in sim.mentions
    )
    negative, replies = CountScan(), CountScan()
    episodes = 0
    for b in bucketize(signals, WIDTH, until=sim.end):
        episodes += negative.update(b.start, b.negative).started
        episodes += replies.update(b.start, b.replies_to_brand).started
    assert episodes <= 1


def test_overdispersed_counts_teach_the_scan_to_be_cautious() -> None:
    # Negative-binomial counts (gamma-mixed Poisson, one shared level per hour): bursty
    # hours are ordinary here, and the scan learns it instead of crying wolf.
    rng = random.Random(2)
    scan = CountScan()
    started = 0
    level = 1.0
    for i in range(21 * 288):
        ts = T0 + i * WIDTH
        if i % 12 == 0:
            level = rng.gammavariate(2.0, 0.5)
        started += scan.update(ts, poisson(rng, 2.0 * rhythm(ts) * level)).started
    assert started <= 2


def test_the_scan_is_online_a_prefix_gets_the_same_decisions() -> None:
    counts = rhythmic_counts(4, 0.5, seed=9, excess=(3 * 288 + 100, 3.0))
    cut = 3 * 288 + 150
    full, prefix = CountScan(), CountScan()
    whole = [full.update(ts, x) for ts, x in counts]
    part = [prefix.update(ts, x) for ts, x in counts[:cut]]
    assert whole[:cut] == part
    # A different future does not change the past.
    other = CountScan()
    changed = counts[:cut] + [(ts, x + 5) for ts, x in counts[cut:]]
    assert [other.update(ts, x) for ts, x in changed][:cut] == part


def test_watch_detector_explains_a_scan_alert_with_its_window() -> None:
    onset = 9 * 288 + 12 * 12  # day 9 (a Wednesday), noon
    negatives = rhythmic_counts(10, 0.4, seed=4, excess=(onset, 3.0))
    ordinary = rhythmic_counts(10, 2.0, seed=8)
    det = WatchDetector()
    alerts = []
    for (ts, neg), (_, other) in zip(negatives, ordinary, strict=True):
        d = det.update(Bucket(ts, volume=neg + other, negative=neg, reach_negative=1.5 * neg))
        if d.alert and ts >= T0 + onset * WIDTH:
            alerts.append(d)
    assert alerts, "the tripled negative rate must alert"
    first = alerts[0]
    assert first.level is AlertLevel.WATCH
    e = first.explanation
    assert e is not None and e.series == "negative" and e.direction == "rise"
    assert e.window_minutes is not None and e.window_minutes >= 5
    assert e.observed > 2 * e.expected
    # The window ends at the alerting bucket and begins at ``since``.
    assert e.since == first.timestamp - timedelta(minutes=e.window_minutes) + WIDTH
    assert "over the last" in e.summary() and "expected" in e.summary()
    assert e.to_dict()["window_minutes"] == e.window_minutes
    assert det.explanations[0] == replace(e, level=det.explanations[0].level)


def test_without_the_scan_the_watch_detector_is_the_per_bucket_one() -> None:
    counts = rhythmic_counts(3, 0.5, seed=1, excess=(2 * 288, 3.0))
    with_scan, without = WatchDetector(), WatchDetector(scan=None)
    assert without.scans == {}
    for ts, x in counts:
        b = Bucket(ts, volume=x + 2, negative=x, reach_negative=float(x))
        a, c = with_scan.update(b), without.update(b)
        assert a.level >= c.level


def test_bad_input_is_refused_with_a_clear_error() -> None:
    scan = CountScan()
    scan.update(T0, 1)
    scan.update(T0 + WIDTH, 1)
    with pytest.raises(ValueError, match="not after the previous"):
        scan.update(T0 + WIDTH, 1)
    with pytest.raises(ValueError, match="non-negative"):
        scan.update(T0 + 2 * WIDTH, -1)
    with pytest.raises(ValueError, match="non-negative"):
        scan.update(T0 + 2 * WIDTH, float("nan"))
    with pytest.raises(ValueError, match="windows"):
        ScanConfig(windows=(0, 4))
    with pytest.raises(ValueError, match="threshold"):
        ScanConfig(threshold=0.0)


def test_evaluate_takes_a_seed_range_and_can_leave_the_scan_out() -> None:
    sim = SimulationConfig(days=4)
    a = evaluate(runs=2, sim=sim, first_seed=7)
    b = evaluate(runs=1, sim=sim, first_seed=8)
    assert [r.seed for r in a.runs] == [7, 8]
    assert a.runs[1] == b.runs[0]
    plain = evaluate(runs=1, sim=sim, first_seed=8, scan=None)
    assert plain.runs[0].seed == 8


def test_simmering_firestorm_adds_storm_mentions_before_the_news() -> None:
    base = SimulationConfig(days=3, onset_day=2, onset_hour=9.0, news_delay_hours=(6.0, 6.0))
    quiet = simulate(base, seed=3)
    simmer = simulate(replace(base, simmer_rate=4.0), seed=3)
    assert quiet.onset is not None and simmer.onset == quiet.onset
    news = quiet.onset + timedelta(hours=6)

    def before_news(mentions: list[SimMention]) -> int:
        return sum(1 for m in mentions if m.storm and m.timestamp < news)

    # About four independent discoveries an hour for six hours, each with its cascade.
    assert before_news(simmer.mentions) >= before_news(quiet.mentions) + 10
    # The default (no simmer) is unchanged: the same seed gives the same stream.
    assert simulate(base, seed=3).mentions == quiet.mentions


def test_a_share_of_a_few_mentions_is_judged_by_its_binomial_tail() -> None:
    # Replies are about 7 % of mentions; a bucket where 3 of 3 mentions are replies
    # happens every few days in ordinary traffic and must not alert on its own.
    det = SeriesDetector(replace(WATCH_CONFIG, counts=False), name="reply_share")
    rng = random.Random(4)
    for i in range(600):
        n = poisson(rng, 3.0)
        det.update(T0 + i * WIDTH, sum(rng.random() < 0.07 for _ in range(n)) / n if n else 0, n)
    calm = det.update(T0 + 600 * WIDTH, 1.0, trials=3)
    assert not calm.alert and calm.score < WATCH_CONFIG.watch
    storm = det.update(T0 + 601 * WIDTH, 1.0, trials=20)
    assert storm.alert


def test_a_sparse_series_with_silent_days_is_handled() -> None:
    # A few mentions a day, and whole days without any: the profile and the weekday
    # factors stay usable (no division by zero, no alarm from the first mention after).
    rng = random.Random(6)
    scan = CountScan()
    started = 0
    for i in range(21 * 288):
        ts = T0 + i * WIDTH
        silent = (i // 288) % 5 == 2
        started += scan.update(ts, 0 if silent else poisson(rng, 0.01 * rhythm(ts))).started
    assert started <= 1


def test_an_alert_gives_one_reason_per_series_the_one_that_set_its_level() -> None:
    # Negatives at four times their rate: the per-bucket detector and the scan's windows
    # both see them; each alert says so once, with the reason that set its level.
    onset = 9 * 288 + 12 * 12
    negatives = rhythmic_counts(10, 2.0, seed=4, excess=(onset, 4.0))
    ordinary = rhythmic_counts(10, 8.0, seed=9)
    det = WatchDetector()
    seen = []
    for (ts, neg), (_, other) in zip(negatives, ordinary, strict=True):
        d = det.update(Bucket(ts, volume=neg + other, negative=neg, reach_negative=neg))
        if d.alert and ts >= T0 + onset * WIDTH:
            seen.append((d.level, det.explanations))
    assert seen
    assert any(e.series == "negative" for _, reasons in seen for e in reasons)
    for level, reasons in seen:
        series = [e.series for e in reasons]
        assert len(series) == len(set(series))
        assert max(e.level for e in reasons) == level
