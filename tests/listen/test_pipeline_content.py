"""The content signals in the pipeline: misconduct content alerts with its evidence, and a
restarted pipeline (rebuilding term and misconduct state from the stored mentions) decides
exactly as an uninterrupted one."""

from __future__ import annotations

import itertools
from dataclasses import replace

from sqlalchemy import Engine, select

from firewarden.detect.series import Bucket
from firewarden.detect.simulate import SimulationConfig, simulate
from firewarden.detect.types import Decision
from firewarden.listen.content import load_content, with_content
from firewarden.listen.mention import Mention
from firewarden.listen.pipeline import DEFAULT_WIDTH, Pipeline
from firewarden.listen.simulated import demo_watch, to_mentions
from firewarden.listen.store import load_cursor
from firewarden.listen.tables import ListenAlert
from firewarden.listen.watch_service import WatchRecord, add_watch
from firewarden.store.engine import session_factory

from .test_pipeline import run

ONSET_DAY = 4


def misconduct_mentions() -> list[Mention]:
    sim = simulate(
        SimulationConfig(
            days=5, base_rate=30, onset_day=ONSET_DAY, onset_hour=9.0, kind="misconduct"
        ),
        seed=5,
    )
    return list(to_mentions(sim.mentions))


def add(engine: Engine, name: str) -> WatchRecord:
    with session_factory(engine)() as s:
        rec = add_watch(s, replace(demo_watch(), name=name))
        s.commit()
    return rec


def stored_alerts(engine: Engine, watch_id: int) -> list[tuple[object, str, str, list[str]]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                ListenAlert.bucket_start, ListenAlert.level, ListenAlert.summary, ListenAlert.data
            )
            .where(ListenAlert.watch_id == watch_id)
            .order_by(ListenAlert.bucket_start, ListenAlert.level)
        ).all()
    return [
        (start, level, summary, [e["series"] for e in data["explanations"]])
        for start, level, summary, data in rows
    ]


def test_misconduct_video_alerts_with_its_explanation(engine: Engine) -> None:
    rec = add(engine, "Acme")
    pipe = Pipeline(engine, [rec])
    stats = run(pipe, misconduct_mentions())
    stats.alerts.extend(pipe.flush())
    explained = [e for a in stats.alerts for e in a.explanations if e.series == "misconduct"]
    assert explained, [a.summary for a in stats.alerts]
    assert "look like employee-misconduct content (video/image + kitchen/part-timer words)" in (
        explained[0].summary()
    )
    assert explained[0].evidence.sample_mentions  # the pipeline attached the evidence


def test_restart_gives_the_same_decisions_as_an_uninterrupted_run(engine: Engine) -> None:
    ms = misconduct_mentions()
    whole = add(engine, "Acme")
    pipe = Pipeline(engine, [whole])
    run(pipe, ms)
    pipe.flush()
    expected = stored_alerts(engine, whole.id)
    assert any("misconduct" in series or "terms" in series for *_, series in expected)

    # The same stream for a second watch, with the worker stopping twice mid-stream; each
    # new worker rebuilds the detectors from the stored buckets and mentions.
    again = add(engine, "Acme again")
    # One stop just after the misconduct video appears (the content state before it must be
    # rebuilt for the alert to come), one in the middle of the storm.
    onset = next(
        i for i, m in enumerate(ms) if (m.created_at.day, m.created_at.hour) >= (5 + ONSET_DAY, 9)
    )
    cuts = [0, onset + 1, (onset + len(ms)) // 2, len(ms)]
    for a, b in itertools.pairwise(cuts):
        worker = Pipeline(engine, [again])
        run(worker, ms[a:b], start=a)
        if b == len(ms):
            worker.flush()
    with engine.connect() as conn:
        assert load_cursor(conn, "sim") == str(len(ms))
    assert stored_alerts(engine, again.id) == expected


def _content_key(b: Bucket) -> tuple[object, ...]:
    uses = sorted((u.author, tuple(sorted(u.terms)), u.negative) for u in b.content)
    return (b.start, tuple(uses), b.misconduct, round(b.reach_misconduct, 9))


def test_content_tallied_from_batches_equals_the_stored_mentions(engine: Engine) -> None:
    """The running pipeline tallies each bucket's content from the batches it stores; the
    detector must see exactly what the store holds for that bucket, redeliveries included
    (a mention delivered twice is counted once)."""
    rec = add(engine, "Acme")
    pipe = Pipeline(engine, [rec])
    state = pipe.states[0]
    seen: list[Bucket] = []
    update = state.detector.update

    def spy(bucket: Bucket) -> Decision:
        seen.append(bucket)
        return update(bucket)

    state.detector.update = spy  # type: ignore[method-assign]
    ms = misconduct_mentions()
    half = len(ms) // 2
    run(pipe, ms[:half])
    run(pipe, ms[half - 500 : half])  # at-least-once delivery: a redelivered stretch
    run(pipe, ms[half:])
    pipe.flush()
    assert sum(1 for b in seen if b.content) > 100
    assert any(b.misconduct for b in seen)
    with engine.connect() as conn:
        stored = load_content(
            conn, rec.id, seen[0].start, seen[-1].start + DEFAULT_WIDTH, DEFAULT_WIDTH, state.skip
        )
    expected = with_content([Bucket(b.start) for b in seen], stored)
    assert [_content_key(b) for b in seen] == [_content_key(b) for b in expected]
    assert len(state.tally) == 0  # nothing left over once every bucket is closed
