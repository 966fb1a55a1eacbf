"""Watch edits reach a running listener: the revision counter, the reloader, the pipeline's
swap of its watch set, and a running runner picking up a new watch without a restart."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from conftest import require_server
from firewarden.listen.mention import Mention
from firewarden.listen.pipeline import Envelope, Pipeline, Stats
from firewarden.listen.reload import (
    FileWatchSync,
    WatchChanges,
    WatchReloader,
    diff_watches,
    filter_key,
)
from firewarden.listen.runner import run
from firewarden.listen.simulated import demo_watch
from firewarden.listen.sources.base import Source, watch_filter
from firewarden.listen.sources.bluesky_jetstream import JetstreamSource
from firewarden.listen.store import BUCKETS, LINKS
from firewarden.listen.watch_service import (
    WatchRecord,
    add_watch,
    all_enabled_watches,
    remove_watch,
    sync_file_watches,
    update_watch,
    watch_revision,
)
from firewarden.listen.watches import Watch
from firewarden.store.engine import make_engine, session_factory

from .fake_jetstream import FakeJetstream, text_event
from .helpers import storm_mentions

NATS_URL = os.environ.get("FIREWARDEN_TEST_NATS_URL", "nats://127.0.0.1:4222")

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
ACME = Watch("Acme", keywords=("Acme",))
GLOBEX = Watch("Globex", keywords=("Globex",))
INITECH = Watch("Initech", keywords=("Initech",))


def mention(n: int, text: str, minute: int) -> Mention:
    return Mention(
        platform="test", id=f"m{n}", text=text, created_at=T0 + dt.timedelta(minutes=minute)
    )


def envelopes(ms: Sequence[Mention]) -> list[Envelope]:
    return [Envelope(m, "test", m.id) for m in ms]


def counts(engine: Engine) -> dict[int, int]:
    """Counted mentions per watch id, from the link rows and (checked equal) the buckets."""
    with engine.connect() as conn:
        links = dict(
            conn.execute(select(LINKS.c.watch_id, func.count()).group_by(LINKS.c.watch_id)).all()
        )
        buckets = dict(
            conn.execute(
                select(BUCKETS.c.watch_id, func.sum(BUCKETS.c.volume)).group_by(BUCKETS.c.watch_id)
            ).all()
        )
    assert {k: int(v) for k, v in buckets.items()} == links
    return {int(k): int(v) for k, v in links.items()}


def add(engine: Engine, watch: Watch) -> WatchRecord:
    with session_factory(engine)() as s:
        rec = add_watch(s, watch)
        s.commit()
    return rec


def enabled(engine: Engine) -> list[WatchRecord]:
    with session_factory(engine)() as s:
        return all_enabled_watches(s)


# -- the revision --------------------------------------------------------------------------


def test_every_watch_change_bumps_the_revision_in_its_transaction(engine: Engine) -> None:
    sessions = session_factory(engine)

    def revision() -> int:
        with engine.connect() as conn:
            return watch_revision(conn)

    start = revision()
    with sessions() as s:
        rec = add_watch(s, ACME)
        s.rollback()  # a change that is not committed is not seen either
    assert revision() == start
    with sessions() as s:
        rec = add_watch(s, ACME)
        s.commit()
    assert revision() == start + 1
    edits = [
        (Watch("Acme", keywords=("Acme", "AcmeCo")), None),
        (ACME, False),  # paused
        (ACME, True),  # resumed
    ]
    for n, (watch, on) in enumerate(edits, 2):
        with sessions() as s:
            update_watch(s, rec.id, watch, enabled=on)
            s.commit()
        assert revision() == start + n
    with sessions() as s:
        remove_watch(s, "Acme")
        s.commit()
    assert revision() == start + 5
    # Synchronising the file's watches bumps it only when something changed.
    with sessions() as s:
        sync_file_watches(s, [GLOBEX])
        s.commit()
    after_sync = revision()
    assert after_sync == start + 6
    with sessions() as s:
        sync_file_watches(s, [GLOBEX])
        s.commit()
    assert revision() == after_sync


def test_the_reloader_looks_once_per_interval_and_only_reloads_on_a_change(
    engine: Engine,
) -> None:
    add(engine, ACME)
    now = [0.0]
    reloader = WatchReloader(engine, interval=5.0, clock=lambda: now[0])
    assert [r.name for r in reloader.load()] == ["Acme"]
    now[0] = 6.0
    assert reloader.poll() is None  # nothing changed
    add(engine, GLOBEX)
    now[0] = 8.0
    assert reloader.poll() is None  # changed, but the interval has not passed since 6.0
    now[0] = 11.5
    assert [r.name for r in reloader.poll() or []] == ["Acme", "Globex"]
    now[0] = 20.0
    assert reloader.poll() is None  # seen already


# -- what changed (pure) -------------------------------------------------------------------


def record(ident: int, watch: Watch) -> WatchRecord:
    return WatchRecord(ident, None, watch, "cli", True, T0, T0)


def test_diff_and_summary_name_what_changed() -> None:
    old = [record(1, ACME), record(2, INITECH), record(3, GLOBEX)]
    new = [record(1, Watch("Acme", keywords=("Acme", "AcmeCo"))), record(3, GLOBEX)]
    new.append(record(4, Watch("Hooli", keywords=("Hooli",))))
    changes = diff_watches(old, new)
    assert changes == WatchChanges(added=("Hooli",), changed=("Acme",), removed=("Initech",))
    assert changes.summary() == (
        "watches reloaded: +1 added (Hooli), 1 changed (Acme), -1 removed (Initech)"
    )
    assert not diff_watches(old, old)
    # Renaming is a change of the watch, but not of what sources filter on.
    renamed = [record(1, Watch("Acme Inc", keywords=("Acme",)))]
    assert diff_watches(old[:1], renamed).changed == ("Acme Inc",)
    assert filter_key([ACME]) == filter_key([renamed[0].watch])
    assert filter_key([ACME]) != filter_key([new[0].watch])


# -- the pipeline's swap -------------------------------------------------------------------


def test_swap_keeps_counting_adds_and_stops_watches(engine: Engine) -> None:
    acme, initech = add(engine, ACME), add(engine, INITECH)
    pipe = Pipeline(engine, [acme, initech])
    before = [
        mention(1, "Acme is fine", 0),
        mention(2, "Acme again", 1),
        mention(3, "Globex news", 2),
        mention(4, "Initech report", 3),
        mention(5, "AcmeCo opens a shop", 4),
    ]
    pipe.process(envelopes(before))
    assert counts(engine) == {acme.id: 2, initech.id: 1}
    acme_state = pipe.states[0]

    # Edits: Globex added, Acme given a new spelling, Initech paused.
    globex = add(engine, GLOBEX)
    with session_factory(engine)() as s:
        update_watch(s, acme.id, Watch("Acme", keywords=("Acme", "AcmeCo")))
        update_watch(s, initech.id, INITECH, enabled=False)
        s.commit()
    changes = pipe.set_watches(enabled(engine))
    assert changes == WatchChanges(added=("Globex",), changed=("Acme",), removed=("Initech",))
    # The edited watch keeps its series position and detector; it is not started over.
    assert pipe.states[0] is acme_state and acme_state.next_start is not None

    after = [
        mention(6, "Acme later", 7),
        mention(7, "AcmeCo is great", 8),
        mention(8, "Globex again", 9),
        mention(9, "Globex and Initech", 10),
        mention(10, "Initech only", 11),
    ]
    stats = pipe.process(envelopes(after))
    assert stats.matched == 4  # "Initech only" matches no enabled watch now
    assert counts(engine) == {acme.id: 4, initech.id: 1, globex.id: 2}
    # Redelivered mentions count nothing twice, for the old or the new watches.
    assert pipe.process(envelopes(after)).counted == 0


def test_resumed_watch_starts_from_its_stored_buckets_like_at_start(engine: Engine) -> None:
    acme, globex = add(engine, ACME), add(engine, GLOBEX)
    pipe = Pipeline(engine, [acme, globex])
    pipe.process(envelopes([mention(n, f"Globex {n}", 6 * n) for n in range(1, 8)]))
    with session_factory(engine)() as s:
        update_watch(s, globex.id, GLOBEX, enabled=False)
        s.commit()
    pipe.set_watches(enabled(engine))
    assert [st.record.name for st in pipe.states] == ["Acme"]
    with session_factory(engine)() as s:
        update_watch(s, globex.id, GLOBEX, enabled=True)
        s.commit()
    assert pipe.set_watches(enabled(engine)).added == ("Globex",)
    fresh = Pipeline(engine, enabled(engine))
    resumed = {st.record.name: st.next_start for st in pipe.states}
    assert resumed == {st.record.name: st.next_start for st in fresh.states}
    assert resumed["Globex"] == T0 + dt.timedelta(minutes=40)  # the last stored bucket


def test_an_edit_midstream_keeps_the_detector_state(engine: Engine) -> None:
    """Two pipelines count the same storm for two identical watches; one watch is edited
    an hour before the storm (a spelling that never occurs) and swapped in: its alerts, with
    the baselines they were judged against, are exactly those of the pipeline never edited."""
    base = demo_watch()
    control = Pipeline(engine, [add(engine, base)])
    edited = add(engine, replace(base, name="Twin"))
    pipe = Pipeline(engine, [edited])
    ms = storm_mentions()
    # The storm begins on day 6 at 09:00: a detector started over at 08:00 would have no
    # baseline left to judge it by.
    start = ms[0].created_at.replace(hour=0, minute=0, second=0, microsecond=0)
    cut = next(i for i, m in enumerate(ms) if m.created_at >= start + dt.timedelta(days=5, hours=8))
    got, expected = Stats(), Stats()
    for i in range(0, len(ms), 500):
        if i <= cut < i + 500:
            with session_factory(engine)() as s:
                twin = replace(base, name="Twin", keywords=(*base.keywords, "Zzyzx"))
                update_watch(s, edited.id, twin)
                s.commit()
            assert pipe.set_watches([r for r in enabled(engine) if r.id == edited.id])
        batch = [Envelope(m) for m in ms[i : i + 500]]
        got.add(pipe.process(batch))
        expected.add(control.process(batch))
    got.alerts.extend(pipe.flush())
    expected.alerts.extend(control.flush())

    def alerts(stats: Stats) -> list[tuple[object, ...]]:
        """Each alert with what the detector expected (its learned baseline) per series."""
        return [
            (a.bucket_start, a.level, [(e.series, e.expected, e.since) for e in a.explanations])
            for a in stats.alerts
        ]

    assert any(level in ("warning", "crisis") for _, level, _ in alerts(expected))
    assert alerts(got) == alerts(expected)
    assert got.counted == expected.counted == len(ms)


# -- a running listener --------------------------------------------------------------------


def test_a_running_listener_picks_up_a_new_watch_without_restart(engine: Engine) -> None:
    """Bluesky Jetstream (local fake, live) filtered by the watches: a watch added through
    the service reaches the running runner, which rebuilds the source with the new filter;
    it resumes from its stored cursor, so nothing is lost or counted twice."""
    acme = add(engine, ACME)
    server = FakeJetstream(0, live=True)
    # Mentions n are n seconds apart; Globex at n=4 is not kept (no watch for it yet) and
    # lies further back than the 3 s a resuming Jetstream source rewinds.
    server.append(*(text_event(n, f"Acme post {n}") for n in (1, 2, 3)))
    server.append(text_event(4, "Globex before the watch existed"))
    server.append(*(text_event(n, f"Acme post {n}") for n in (10, 11, 12)))

    def sources_for(watches: Sequence[Watch]) -> list[Source]:
        return [JetstreamSource(server.url, keep=watch_filter(watches), reconnect=False)]

    reloader = WatchReloader(engine, interval=0.05)
    pipe = Pipeline(engine, reloader.load())
    stop = threading.Event()
    counted = [0]
    progressed = threading.Condition()
    reloads: list[tuple[WatchChanges, Sequence[str]]] = []
    reloaded = threading.Event()

    def on_batch(stats: Stats) -> None:
        with progressed:
            counted[0] += stats.counted
            progressed.notify_all()

    def on_reload(changes: WatchChanges, restarted: Sequence[str]) -> None:
        reloads.append((changes, restarted))
        reloaded.set()

    def wait_for_counted(n: int) -> None:
        with progressed:
            assert progressed.wait_for(lambda: counted[0] >= n, 60), counted[0]

    result: list[Stats] = []
    runner = threading.Thread(
        target=lambda: result.append(
            run(
                engine,
                pipe,
                sources_for([ACME]),
                stop=stop,
                batch_size=50,
                on_batch=on_batch,
                reloader=reloader,
                build_sources=sources_for,
                on_reload=on_reload,
            )
        ),
        daemon=True,
    )
    runner.start()
    try:
        wait_for_counted(6)
        globex = add(engine, GLOBEX)
        assert reloaded.wait(60)
        server.append(*(text_event(n, f"Globex post {n}") for n in (20, 21, 22)))
        server.append(text_event(23, "Acme and Globex together"))
        wait_for_counted(6 + 3 + 2)
    finally:
        stop.set()
        runner.join(30)
        server.close()
    assert not runner.is_alive() and result
    assert reloads == [(WatchChanges(added=("Globex",)), ["bluesky:jetstream"])]
    assert "cursor" in server.requests[-1]  # resumed where the first connection stopped
    assert len(server.requests) == 2
    assert counts(engine) == {acme.id: 7, globex.id: 4}
    assert result[0].counted == 11


def test_edits_that_do_not_change_the_filters_keep_the_sources(engine: Engine) -> None:
    acme = add(engine, ACME)
    server = FakeJetstream(0, live=True)
    server.append(*(text_event(n, f"Acme post {n}") for n in (1, 2)))
    built: list[Sequence[Watch]] = []

    def sources_for(watches: Sequence[Watch]) -> list[Source]:
        built.append(watches)
        return [JetstreamSource(server.url, keep=watch_filter(watches), reconnect=False)]

    reloader = WatchReloader(engine, interval=0.05)
    pipe = Pipeline(engine, reloader.load())
    stop = threading.Event()
    reloads: list[tuple[WatchChanges, Sequence[str]]] = []

    def rename_once_counting(stats: Stats) -> None:
        if stats.counted and not reloads:
            with session_factory(engine)() as s:
                update_watch(s, acme.id, Watch("Acme Inc", keywords=("Acme",)))  # the name only
                s.commit()

    def on_reload(changes: WatchChanges, restarted: Sequence[str]) -> None:
        reloads.append((changes, restarted))
        stop.set()

    try:
        run(
            engine,
            pipe,
            sources_for([ACME]),
            stop=stop,
            on_batch=rename_once_counting,
            reloader=reloader,
            build_sources=sources_for,
            on_reload=on_reload,
        )
    finally:
        server.close()
    assert reloads == [(WatchChanges(changed=("Acme Inc",)), [])]
    assert len(built) == 1 and len(server.requests) == 1
    assert [st.record.name for st in pipe.states] == ["Acme Inc"]


@pytest.mark.parametrize("seconds", [0, -1, "5", True, 7200])
def test_reload_seconds_must_be_sensible(seconds: object) -> None:
    from firewarden.config import Config
    from firewarden.errors import ConfigError
    from firewarden.listen.settings import reload_seconds

    config = Config(sections={"listen": {"reload_seconds": seconds}})
    with pytest.raises(ConfigError, match="reload_seconds"):
        reload_seconds(config)
    assert reload_seconds(Config(sections={})) == 5.0


# -- the company's file --------------------------------------------------------------------


def write(path: Path, text: str, stamp: int) -> None:
    """Write ``text`` with a distinct modification time (file systems' clocks are coarse)."""
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(stamp * 10**9, stamp * 10**9))


def test_file_edits_are_synchronised_when_the_file_changes(engine: Engine, tmp_path: Path) -> None:
    from firewarden.config import load_config
    from firewarden.errors import FirewardenError

    toml = tmp_path / "firewarden.toml"
    yaml_file = tmp_path / "watches.yaml"
    write(toml, '[listen]\nwatches = [{ name = "Acme", keywords = ["Acme"] }]\n', 1000)
    config = load_config(toml)
    with session_factory(engine)() as s:
        sync_file_watches(s, [ACME])
        s.commit()
    errors: list[FirewardenError] = []
    sync = FileWatchSync(engine, config, on_error=errors.append)
    assert sync() is False  # nothing changed

    write(toml, '[listen]\nwatches = [{ name = "Acme", keywords = ["Acme", "AcmeCo"] }]\n', 1001)
    assert sync() is True
    assert [r.watch.keywords for r in enabled(engine)] == [("Acme", "AcmeCo")]

    # A bad save is reported and changes nothing; the next good save is taken.
    write(toml, '[listen]\nwatches = [{ name = "Acme" }]\n', 1002)
    assert sync() is False
    assert "has nothing to listen for" in str(errors[-1])
    assert [r.watch.keywords for r in enabled(engine)] == [("Acme", "AcmeCo")]

    # The watches moved to a YAML file: edits of that file are seen too.
    write(yaml_file, "- name: Globex\n  keywords: [Globex]\n", 1003)
    write(toml, '[listen]\nwatches = "watches.yaml"\n', 1004)
    assert sync() is True
    assert [r.name for r in enabled(engine)] == ["Globex"]  # Acme left the file: paused
    write(
        yaml_file,
        "- name: Globex\n  keywords: [Globex]\n- name: Hooli\n  keywords: [Hooli]\n",
        1005,
    )
    assert sync() is True
    assert [r.name for r in enabled(engine)] == ["Globex", "Hooli"]
    assert len(errors) == 1


@pytest.mark.parametrize("mode", ["in-process", "nats"])
def test_listen_run_takes_watch_edits_while_running(
    tmp_path: Path, mode: str, request: pytest.FixtureRequest
) -> None:
    """The command itself: `firewarden listen run` against a live (fake) Jetstream; a watch
    added with `firewarden watch add` while it runs, and a keyword added in the company's
    file, are counted from then on. In the distributed mode (NATS, a worker process,
    PostgreSQL) the publisher rebuilds its matching and sources, and the worker its
    pipelines, without a restart."""
    database = f"sqlite:///{tmp_path / 'fw.db'}"
    extra: list[str] = []
    stream = f"FWRELOAD_{uuid.uuid4().hex[:8].upper()}"
    if mode == "nats":
        require_server("127.0.0.1", 4222, "NATS")
        database = request.getfixturevalue("pg_db_url")
        extra = ["--queue", NATS_URL, "--stream", stream, "--prefix", stream.lower() + ".m"]
    server = FakeJetstream(0, live=True)
    server.append(*(text_event(n, f"Acme post {n}") for n in (1, 2)))
    config = tmp_path / "firewarden.toml"
    write(
        config,
        "[listen]\nreload_seconds = 0.2\n"
        'watches = [{ name = "Acme", keywords = ["Acme"] }]\n'
        f'[listen.sources.bluesky]\nurl = "{server.url}"\n',
        1000,
    )
    env = {
        **os.environ,
        "FIREWARDEN_DATABASE_URL": database,
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("FIREWARDEN_CONFIG", None)
    fw = [sys.executable, "-m", "firewarden", "--config", str(config)]
    subprocess.run([*fw, "db", "upgrade"], env=env, check=True, capture_output=True)
    proc = subprocess.Popen(
        [*fw, "listen", "run", *extra],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    seen = threading.Condition()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            with seen:
                lines.append(line)
                seen.notify_all()

    def wait_for(text: str) -> None:
        with seen:
            assert seen.wait_for(lambda: any(text in x for x in lines), 60), lines

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        wait_for("listening to bluesky:jetstream for Acme")
        subprocess.run(
            [*fw, "watch", "add", "Globex", "--keyword", "Globex"],
            env=env,
            check=True,
            capture_output=True,
        )
        wait_for("watches reloaded: +1 added (Globex)")
        server.append(*(text_event(n, f"Globex post {n}") for n in (10, 11, 12)))
        # An edit of the company's file is taken too: a new spelling for Acme.
        write(
            config,
            "[listen]\nreload_seconds = 0.2\n"
            'watches = [{ name = "Acme", keywords = ["Acme", "AcmeCo"] }]\n'
            f'[listen.sources.bluesky]\nurl = "{server.url}"\n',
            1001,
        )
        wait_for("watches reloaded: +0 added, 1 changed (Acme)")
        server.append(text_event(20, "AcmeCo post"))
        engine = make_engine(env["FIREWARDEN_DATABASE_URL"])
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and sum(counts(engine).values()) < 6:
                time.sleep(0.2)
            by_name = {r.id: r.name for r in enabled(engine)}
            got = {by_name[k]: v for k, v in counts(engine).items()}
        finally:
            engine.dispose()
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
        reader.join(10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(30)
        if proc.stdout is not None:
            proc.stdout.close()
        server.close()
        if mode == "nats":
            _drop_stream(stream)
    assert got == {"Acme": 3, "Globex": 3}, lines
    assert any("restarted bluesky:jetstream with the new terms" in x for x in lines), lines
    if mode == "nats":  # a worker process counted them (it may have started after the edit)
        assert any("claimed partition" in x for x in lines), lines
    assert proc.returncode == 0, lines


def _drop_stream(stream: str) -> None:
    import contextlib

    from firewarden.listen.lease_table import bucket_name
    from firewarden.listen.nats_connection import connect

    async def drop() -> None:
        nc = await connect(NATS_URL)
        try:
            js = nc.jetstream()
            with contextlib.suppress(Exception):
                await js.delete_stream(stream)
            with contextlib.suppress(Exception):
                await js.delete_key_value(bucket_name(stream))
        finally:
            await nc.close()

    asyncio.run(drop())


class Endless:
    """A live test source: mention n (cursor n) after the cursor, one after another, until
    closed."""

    def __init__(self) -> None:
        self.name = "endless"
        self.closed = threading.Event()

    def stream(self, cursor: str | None) -> Iterator[tuple[Mention, str]]:
        n = int(cursor or 0)
        while not self.closed.is_set():
            n += 1
            yield mention(n, f"Acme {n}", 0), str(n)

    def close(self) -> None:
        self.closed.set()


def test_replacing_a_source_blocked_on_a_full_queue_loses_nothing(engine: Engine) -> None:
    from firewarden.listen.queue import InProcessQueue
    from firewarden.listen.runner import replace_sources, start_sources
    from firewarden.listen.store import load_cursor

    pipe = Pipeline(engine, [add(engine, ACME)])
    q = InProcessQueue(maxsize=5)  # the old source soon blocks on it
    stop = threading.Event()
    old = start_sources(engine, [Endless()], q, stop)
    drained: list[int] = []

    def drain(batch: list[Envelope]) -> None:
        drained.extend(int(e.cursor) for e in batch)
        pipe.process(batch)

    new = replace_sources(engine, old, [Endless()], q, stop, drain, batch_size=3, timeout=60)
    try:
        assert not old[0].thread.is_alive()
        assert drained == list(range(1, len(drained) + 1))  # every one the old source gave
        with engine.connect() as conn:
            assert load_cursor(conn, "endless") == str(len(drained))
        first = q.batch(1, 30)
        assert [e.cursor for e in first] == [str(len(drained) + 1)]  # resumed just after it
    finally:
        stop.set()
        new[0].source.close()
        while q.batch(100, 0.0):
            pass
        new[0].thread.join(30)
