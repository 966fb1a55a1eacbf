"""Detector checkpoints: a pipeline rebuilt from a watch's checkpoint plus what was stored after
it decides exactly as an uninterrupted one and as one rebuilt by replaying the whole history;
a corrupt, foreign or stale checkpoint falls back to that replay; the loader builds only the
detectors' own classes; a removed watch's checkpoint is gone with it."""

from __future__ import annotations

import datetime as dt
import logging
import os
import pickle
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select, update

from firewarden.detect.series import Bucket
from firewarden.detect.terms import ContentUse
from firewarden.detect.watch import WatchDetector
from firewarden.listen import checkpoint
from firewarden.listen.checkpoint import (
    CHECKPOINTS,
    CheckpointError,
    dumps,
    load_checkpoint,
    loads,
    save_checkpoint,
)
from firewarden.listen.mention import Mention
from firewarden.listen.pipeline import Envelope, Pipeline
from firewarden.listen.store import LINKS
from firewarden.listen.watch_service import WatchRecord, remove_watch, update_watch
from firewarden.store.engine import make_engine, session_factory
from firewarden.store.migrate import upgrade

from .test_pipeline_content import ONSET_DAY, add, misconduct_mentions, stored_alerts

#: A checkpoint every hour of buckets, however fast the test feeds them (live, an hour of
#: buckets takes an hour; the default spacing of 10 s only binds on imports and backlogs).
EVERY_HOUR: dict[str, Any] = {"checkpoint_min_seconds": 0.0}


def feed(pipe: Pipeline, ms: Sequence[Mention], start: int, batch: int = 25) -> None:
    for i in range(0, len(ms), batch):
        envs = [Envelope(m, "sim", str(start + i + k + 1)) for k, m in enumerate(ms[i : i + batch])]
        pipe.process(envs)


def latest(engine: Engine, watch_id: int) -> dt.datetime | None:
    with engine.connect() as conn:
        found = load_checkpoint(conn, watch_id)
    return None if found is None else found.next_start


def feed_until_checkpoint(
    engine: Engine, pipe: Pipeline, ms: Sequence[Mention], start: int, at_least: int
) -> int:
    """Feed ``ms[start:]`` in small batches from ``start`` until a checkpoint is written after
    index ``at_least``; returns the index of the first mention not fed (the cut)."""
    watch_id = pipe.states[0].record.id
    before = latest(engine, watch_id)
    i = start
    while i < len(ms):
        j = min(i + 5, len(ms))
        feed(pipe, ms[i:j], i, batch=5)
        i = j
        now = latest(engine, watch_id)
        if now != before and i > at_least:
            return i
        before = now
    raise AssertionError("no checkpoint was written")


def onset(ms: Sequence[Mention]) -> int:
    return next(
        i for i, m in enumerate(ms) if (m.created_at.day, m.created_at.hour) >= (5 + ONSET_DAY, 9)
    )


Seen = dict[WatchDetector, list[tuple[dt.datetime, Any, float]]]


@pytest.fixture
def seen(monkeypatch: pytest.MonkeyPatch) -> Seen:
    """Every detector's decisions (bucket start, level, score), per detector object."""
    log: Seen = {}
    update = WatchDetector.update

    def recording(self: WatchDetector, bucket: Bucket) -> Any:
        decision = update(self, bucket)
        log.setdefault(self, []).append((bucket.start, decision.level, decision.score))
        return decision

    monkeypatch.setattr(WatchDetector, "update", recording)
    return log


def same_decisions(seen: Seen, reference: WatchDetector, pipes: Sequence[Pipeline]) -> int:
    """Assert that the detectors of ``pipes`` decided every bucket as ``reference`` did (same
    level, same score but for the last bits: a bucket's content read back from the store
    comes in another order than tallied from the batches, so float sums may differ in their
    last bit); returns how many buckets were compared."""
    expected = {start: rest for start, *rest in seen[reference]}
    compared = 0
    for pipe in pipes:
        for start, level, score in seen.get(pipe.states[0].detector, []):
            assert expected[start] == [level, pytest.approx(score, rel=1e-9, abs=1e-12)], start
            compared += 1
    return compared


def uninterrupted(engine: Engine, ms: Sequence[Mention], name: str, **options: Any) -> list[Any]:
    rec = add(engine, name)
    pipe = Pipeline(engine, [rec], **options)
    feed(pipe, ms, 0)
    pipe.flush()
    return stored_alerts(engine, rec.id)


def test_rebuilt_from_checkpoints_alerts_as_uninterrupted_and_full_replay(
    engine: Engine, seen: Seen
) -> None:
    ms = misconduct_mentions()
    whole = Pipeline(engine, [add(engine, "Acme")], checkpoint_every=None)
    feed(whole, ms, 0)
    whole.flush()
    expected = stored_alerts(engine, whole.states[0].record.id)
    assert any("misconduct" in series or "terms" in series for *_, series in expected)
    # Writing checkpoints changes nothing in the decisions.
    assert uninterrupted(engine, ms, "Acme checkpointing", **EVERY_HOUR) == expected

    # Stops right after a checkpoint (before the storm and just after it began) and between
    # two (half an hour after one, in the middle of the storm). Each new pipeline starts from
    # the checkpoint the previous one wrote (a worker handing the watch over to another).
    rec = add(engine, "Acme restarted")
    pipes = [Pipeline(engine, [rec], **EVERY_HOUR)]
    cuts = [feed_until_checkpoint(engine, pipes[-1], ms, 0, onset(ms) - 600)]
    pipes.append(pipe := Pipeline(engine, [rec], **EVERY_HOUR))
    assert pipe.states[0].saved == latest(engine, rec.id) is not None
    cuts.append(feed_until_checkpoint(engine, pipe, ms, cuts[-1], onset(ms) + 1))
    pipes.append(pipe := Pipeline(engine, [rec], **EVERY_HOUR))
    assert pipe.states[0].saved == latest(engine, rec.id)
    middle = feed_until_checkpoint(engine, pipe, ms, cuts[-1], (onset(ms) + len(ms)) // 2)
    between = middle + 30 * 12  # the storm brings hundreds of mentions an hour
    feed(pipe, ms[middle:between], middle)
    cuts.append(between)
    saved = latest(engine, rec.id)
    assert saved is not None and saved < ms[between].created_at - dt.timedelta(minutes=10)
    pipes.append(pipe := Pipeline(engine, [rec], **EVERY_HOUR))
    assert pipe.states[0].saved == saved
    assert pipe.states[0].next_start is not None and pipe.states[0].next_start > saved
    feed(pipe, ms[between:], between)
    pipe.flush()
    assert stored_alerts(engine, rec.id) == expected
    # Not only the alerts: every bucket, replayed after a checkpoint or not, is decided
    # with the same score as in the uninterrupted run.
    assert (
        same_decisions(seen, whole.states[0].detector, pipes)
        > len(seen[whole.states[0].detector]) * 0.9
    )

    # The same stops with checkpoints off: each pipeline replays the stored history.
    rec = add(engine, "Acme replayed")
    a = 0
    pipes = []
    for b in [*cuts, len(ms)]:
        pipes.append(pipe := Pipeline(engine, [rec], checkpoint_every=None))
        assert pipe.states[0].saved is None
        feed(pipe, ms[a:b], a)
        a = b
    pipe.flush()
    assert stored_alerts(engine, rec.id) == expected
    assert same_decisions(seen, whole.states[0].detector, pipes) > len(ms) // 30
    with engine.connect() as conn:
        assert load_checkpoint(conn, rec.id) is None  # off means never written


def _tamper(engine: Engine, watch_id: int, how: str) -> None:
    values: dict[str, Any] = {
        "corrupt": {"state": b"\x78\x01not a checkpoint"},
        "truncated": {"state": None},
        "foreign version": {"version": "written-by-another-release"},
        "stale": {"next_start": dt.datetime(2025, 1, 1, tzinfo=dt.UTC)},
    }[how]
    if values.get("state", 1) is None:
        with engine.connect() as conn:
            found = load_checkpoint(conn, watch_id)
        assert found is not None
        values = {"state": found.state[: len(found.state) // 2]}
    with engine.begin() as conn:
        conn.execute(update(CHECKPOINTS).where(CHECKPOINTS.c.watch_id == watch_id).values(values))


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    """A migrated SQLite file only (the fallback is the same code on both backends; the
    foreign-version case runs on PostgreSQL too)."""
    eng = make_engine(f"sqlite:///{tmp_path / 'firewarden.db'}")
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.mark.parametrize("how", ["corrupt", "truncated", "stale"])
def test_an_unusable_checkpoint_falls_back_to_the_full_replay(
    sqlite_engine: Engine, how: str, caplog: pytest.LogCaptureFixture, seen: Seen
) -> None:
    fallback(sqlite_engine, how, caplog, seen)


def test_a_checkpoint_of_another_version_falls_back_to_the_full_replay(
    engine: Engine, caplog: pytest.LogCaptureFixture, seen: Seen
) -> None:
    fallback(engine, "foreign version", caplog, seen)


def fallback(engine: Engine, how: str, caplog: pytest.LogCaptureFixture, seen: Seen) -> None:
    ms = misconduct_mentions()
    whole = Pipeline(engine, [add(engine, "Acme")], **EVERY_HOUR)
    feed(whole, ms, 0)
    whole.flush()
    expected = stored_alerts(engine, whole.states[0].record.id)
    rec = add(engine, "Acme again")
    pipe = Pipeline(engine, [rec], **EVERY_HOUR)
    cut = feed_until_checkpoint(engine, pipe, ms, 0, onset(ms) + 1)
    _tamper(engine, rec.id, how)
    with caplog.at_level(logging.WARNING, logger="firewarden.listen.pipeline"):
        pipe = Pipeline(engine, [rec], **EVERY_HOUR)
    message = caplog.text
    assert "not using its detector checkpoint" in message, message
    assert "replaying the stored history instead" in message
    assert {
        "corrupt": "cannot be",
        "truncated": "cannot be",
        "foreign version": "another version of the detectors",
        "stale": "older than the history",
    }[how] in message
    # The replay wrote a fresh checkpoint at once (the next rebuild is a short one again).
    assert pipe.states[0].saved == pipe.states[0].next_start == latest(engine, rec.id)
    feed(pipe, ms[cut:], cut)
    pipe.flush()
    assert stored_alerts(engine, rec.id) == expected
    assert same_decisions(seen, whole.states[0].detector, [pipe]) > 100


class _Boom:
    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return (os.system, ("echo pwned > pwned.txt",))


@pytest.mark.parametrize(
    ("payload", "named"),
    [
        (_Boom(), "system"),  # a callable from another module
        (replace, "dataclasses.replace"),
        (Path("x"), "pathlib"),
        (checkpoint.dumps, "firewarden.listen.checkpoint.dumps"),  # firewarden, not a detector
        (pickle.loads, "loads"),
    ],
)
def test_the_loader_refuses_a_pickle_naming_another_class(
    payload: object, named: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    data = zlib.compress(pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL))
    with pytest.raises(CheckpointError, match="refusing to load") as exc:
        loads(data)
    assert named in str(exc.value)
    assert not (tmp_path / "pwned.txt").exists()


def test_the_loader_refuses_a_function_of_a_detector_module() -> None:
    from firewarden.detect import watch

    data = zlib.compress(pickle.dumps(watch._scan_count))
    with pytest.raises(CheckpointError, match=r"refusing to load firewarden\.detect\.watch"):
        loads(data)


def test_a_loaded_state_decides_as_the_original() -> None:
    """A detector that saw a storm with content round-trips through the restricted loader and
    then decides every later bucket as the original does."""
    det = WatchDetector()
    start = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)

    def bucket(i: int) -> Bucket:
        storm = 600 <= i < 640
        uses = tuple(
            ContentUse(f"a{(i * 7 + k) % 97}", frozenset({f"w{(i + k) % 40}", "gross"}), storm)
            for k in range(20 if storm else 3)
        )
        return Bucket(
            start + dt.timedelta(minutes=5 * i),
            volume=30 if storm else 3,
            negative=20 if storm else 1,
            reach_negative=40.0 if storm else 1.0,
            replies_to_brand=5 if storm else 0,
            content=uses,
            misconduct=1 if i == 610 else 0,
            reach_misconduct=2.0 if i == 610 else 0.0,
        )

    for i in range(620):
        det.update(bucket(i))
    copy = loads(dumps(det))
    assert copy is not det
    for i in range(620, 900):
        assert copy.update(bucket(i)) == det.update(bucket(i))
    assert loads(dumps(copy)) is not None


def test_a_removed_watch_takes_its_checkpoint_with_it(engine: Engine) -> None:
    ms = misconduct_mentions()[:1500]
    rec = add(engine, "Acme")
    pipe = Pipeline(engine, [rec], **EVERY_HOUR)
    feed(pipe, ms, 0)
    assert latest(engine, rec.id) is not None
    with session_factory(engine)() as s:
        remove_watch(s, rec.id)
        s.commit()
    with engine.connect() as conn:
        assert conn.execute(select(CHECKPOINTS.c.watch_id)).all() == []
    # A new watch (SQLite may give it the removed one's id) starts from nothing.
    new = add(engine, "Acme")
    pipe = Pipeline(engine, [new], **EVERY_HOUR)
    assert pipe.states[0].saved is None and pipe.states[0].next_start is None
    assert pipe.states[0].detector.explanations == ()


def _edited(engine: Engine, rec: WatchRecord) -> WatchRecord:
    """The watch with an exclusion that drops some of the stream's mentions."""
    watch = replace(rec.watch, exclude=("opens",))
    with session_factory(engine)() as s:
        new = update_watch(s, rec.id, watch)
        s.commit()
    return new


def counted(engine: Engine, watch_id: int) -> int:
    with engine.connect() as conn:
        return len(
            conn.execute(select(LINKS.c.platform_id).where(LINKS.c.watch_id == watch_id)).all()
        )


def test_an_edited_watch_keeps_its_checkpoint_as_it_keeps_its_state(
    engine: Engine, seen: Seen
) -> None:
    """``set_watches`` keeps an edited watch's detector (same id) and applies the new
    definition to what comes next; a rebuild after the edit does the same from the
    checkpoint written before it."""
    ms = misconduct_mentions()
    edit = onset(ms) - 900

    rec = add(engine, "Acme")
    pipe = Pipeline(engine, [rec], **EVERY_HOUR)
    feed(pipe, ms[:edit], 0)
    pipe.set_watches([_edited(engine, rec)])
    feed(pipe, ms[edit:], edit)
    pipe.flush()
    expected = stored_alerts(engine, rec.id)
    assert expected
    assert counted(engine, rec.id) < len(ms)  # the edit changed what the watch counts
    reference = pipe.states[0].detector

    rec = add(engine, "Acme restarted")
    pipe = Pipeline(engine, [rec], **EVERY_HOUR)
    feed(pipe, ms[:edit], 0)
    before = latest(engine, rec.id)
    edited = _edited(engine, rec)
    pipe.set_watches([edited])
    cut = edit + 5
    feed(pipe, ms[edit:cut], edit)
    assert latest(engine, rec.id) == before  # the checkpoint was written before the edit
    pipe = Pipeline(engine, [edited], **EVERY_HOUR)
    assert pipe.states[0].saved == before
    feed(pipe, ms[cut:], cut)
    pipe.flush()
    assert stored_alerts(engine, rec.id) == expected
    assert same_decisions(seen, reference, [pipe]) > 100


def test_an_older_checkpoint_does_not_replace_a_newer_one(engine: Engine) -> None:
    """A worker that lost the watch and finishes its batch must not overwrite the new
    owner's later checkpoint."""
    rec = add(engine, "Acme")
    t = dt.datetime(2026, 1, 5, 12, tzinfo=dt.UTC)
    with engine.begin() as conn:
        save_checkpoint(conn, rec.id, t, "v", b"new")
        save_checkpoint(conn, rec.id, t - dt.timedelta(hours=1), "v", b"old")
    with engine.connect() as conn:
        found = load_checkpoint(conn, rec.id)
    assert found is not None and (found.next_start, found.state) == (t, b"new")
    with engine.begin() as conn:
        save_checkpoint(conn, rec.id, t + dt.timedelta(hours=1), "v", b"newer")
    with engine.connect() as conn:
        found = load_checkpoint(conn, rec.id)
    assert found is not None and found.state == b"newer"


def test_checkpoints_are_spaced_in_wall_clock_time_on_an_import(engine: Engine) -> None:
    """A backlog closes hours of buckets a second; the pipeline then writes at most one
    checkpoint per ``checkpoint_min_seconds`` (here: never a second one in this test)."""
    ms = misconduct_mentions()[:2000]  # a day and more of buckets
    rec = add(engine, "Acme")
    pipe = Pipeline(engine, [rec], checkpoint_min_seconds=3600.0)
    feed(pipe, ms[:50], 0)
    first = latest(engine, rec.id)
    assert first is not None  # the first one is written at once
    feed(pipe, ms[50:], 50)
    assert latest(engine, rec.id) == first
    hourly = Pipeline(engine, [add(engine, "Acme hourly")], **EVERY_HOUR)
    feed(hourly, ms, 0)
    later = latest(engine, hourly.states[0].record.id)
    assert later is not None and later - first >= dt.timedelta(hours=20)


def test_a_checkpoint_that_cannot_be_written_does_not_stop_counting(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from sqlalchemy.exc import OperationalError

    import firewarden.listen.pipeline as pipeline_module

    ms = misconduct_mentions()
    expected = uninterrupted(engine, ms, "Acme", checkpoint_every=None)

    def locked(*args: object, **kwargs: object) -> None:
        raise OperationalError("UPDATE listen_checkpoints", {}, Exception("database is locked"))

    monkeypatch.setattr(pipeline_module, "save_checkpoint", locked)
    with caplog.at_level("WARNING", logger="firewarden.listen.pipeline"):
        assert uninterrupted(engine, ms, "Acme locked", **EVERY_HOUR) == expected
    assert "detector checkpoint not written" in caplog.text
    assert "database is locked" in caplog.text
