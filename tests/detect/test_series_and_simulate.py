from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from firewarden.detect.evaluate import evaluate
from firewarden.detect.series import Bucket, MentionSignal, bucketize
from firewarden.detect.simulate import SimulationConfig, simulate
from firewarden.detect.watch import WatchDetector

T0 = datetime(2026, 1, 5)


def test_bucketize_fills_empty_buckets_and_counts_each_series() -> None:
    mentions = [
        MentionSignal(T0 + timedelta(minutes=1), negative=True, followers=100_000),
        MentionSignal(T0 + timedelta(minutes=2), reply_to_brand=True),
        MentionSignal(T0 + timedelta(minutes=16)),
    ]
    buckets = list(bucketize(mentions, timedelta(minutes=5), until=T0 + timedelta(minutes=30)))
    assert [b.start.minute for b in buckets] == [0, 5, 10, 15, 20, 25]
    assert [b.volume for b in buckets] == [2, 0, 0, 1, 0, 0]
    assert buckets[0].negative == 1 and buckets[0].reach_negative > 2.0
    assert buckets[0].reply_share == 0.5
    with pytest.raises(ValueError):
        list(bucketize([mentions[2], mentions[0]]))


def test_simulation_is_seeded_and_records_the_onset() -> None:
    cfg = SimulationConfig(days=4, onset_day=3, onset_hour=12.0)
    a, b = simulate(cfg, seed=3), simulate(cfg, seed=3)
    assert a.mentions == b.mentions
    assert a.onset == T0 + timedelta(days=3, hours=12)
    storm = [m for m in a.mentions if m.storm]
    assert storm and min(m.timestamp for m in storm) >= a.onset
    assert sum(1 for m in storm if m.sentiment == "negative") > len(storm) / 2
    assert {m.lang for m in a.mentions} == {"en", "ja"}
    assert all(x.timestamp <= y.timestamp for x, y in zip(a.mentions, a.mentions[1:], strict=False))


def test_watch_detector_alerts_after_onset_and_explains() -> None:
    result = evaluate(runs=3, sim=SimulationConfig(days=6))
    assert result.detected == 3
    assert result.median_delay is not None
    det = WatchDetector()
    d = det.update(Bucket(T0, volume=0))
    assert not d.alert and d.explanation is None


def test_an_alert_the_ordinary_traffic_raises_anyway_is_no_detection() -> None:
    # A hair-trigger detector alerts on ordinary traffic all the time; an alert right after
    # the onset is then mostly chance. The same stream without the storm's mentions says
    # which alerts would have come anyway: those are not the storm's detection.
    from dataclasses import replace

    from firewarden.detect.detector import WATCH_CONFIG
    from firewarden.detect.evaluate import NO_CONTENT, run_once

    jumpy = replace(
        WATCH_CONFIG, watch=1.5, warning=2.0, crisis=2.5, warning_ratio=1.0, crisis_ratio=1.0,
        cooldown=1, end_quiet=1,
    )  # fmt: skip
    sim = SimulationConfig(days=3, news_delay_hours=(6.0, 6.0))
    runs = [run_once(seed, sim, config=jumpy, scan=None, content=NO_CONTENT) for seed in range(4)]
    assert all(r.false_alarms > 5 for r in runs)  # it really is jumpy
    assert sum(r.coincident for r in runs) > 0
    # The storm still gets detected, later than those chance alerts.
    assert all(r.delay_minutes is not None for r in runs)
    # Without a storm there is no onset, so every alert is a false alarm.
    calm = run_once(0, replace(sim, storm=False), config=jumpy, scan=None, content=NO_CONTENT)
    assert calm.delay_minutes is None and calm.coincident == 0
    assert calm.false_alarms >= runs[0].false_alarms


def test_negative_flags_can_come_from_the_pipelines_models() -> None:
    from firewarden.detect.evaluate import negative_reader

    mentions = simulate(SimulationConfig(days=3), seed=1).mentions
    label, model = negative_reader("label"), negative_reader("model")
    assert all(label(m) == (m.sentiment == "negative") for m in mentions)
    by_model = [model(m) for m in mentions]
    # The models read the texts: they find most storm mentions negative, and disagree with
    # the simulator's labels somewhere (the point of measuring with them).
    storm = [flag for m, flag in zip(mentions, by_model, strict=True) if m.storm]
    assert storm and sum(storm) > len(storm) / 2
    assert any(flag != label(m) for m, flag in zip(mentions, by_model, strict=True))
    with pytest.raises(ValueError, match="label, model"):
        negative_reader("oracle")
    result = evaluate(runs=2, sim=SimulationConfig(days=6), negative="model")
    assert result.detected == 2
