"""The distributed mode on the NATS server (127.0.0.1:4222, JetStream) with PostgreSQL: worker
processes share the partitions through leases; one is killed mid-stream, the survivor takes
over its partitions; nothing is lost and nothing is counted twice."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from nats.js.errors import NotFoundError
from sqlalchemy import Engine, func, select

from conftest import require_server
from firewarden.listen.lease_table import LeaseTable, Snapshot, bucket_name
from firewarden.listen.mention import Mention
from firewarden.listen.nats_connection import connect
from firewarden.listen.nats_queue import Publisher, Topology, decode, ensure_stream
from firewarden.listen.nats_worker import Worker, work
from firewarden.listen.pipeline import Envelope, Pipeline, Stats
from firewarden.listen.store import BUCKETS, LINKS
from firewarden.listen.watch_service import WatchRecord, add_watch
from firewarden.listen.watches import Watch
from firewarden.store.engine import make_engine, session_factory
from firewarden.store.migrate import upgrade

URL = os.environ.get("FIREWARDEN_TEST_NATS_URL", "nats://127.0.0.1:4222")
BRANDS = ("Alder", "Birch", "Cedar", "Dogwood")
TTL = 2.0
pytestmark = pytest.mark.nats


def mentions(
    n: int, brands: Sequence[str] = BRANDS, seed: int = 7, seconds: int = 3
) -> tuple[list[Mention], dict[str, int]]:
    """``n`` mentions naming one or two of ``brands``, ``seconds`` apart; and how many
    mentions name each brand."""
    rng = random.Random(seed)
    start = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
    out, expected = [], dict.fromkeys(brands, 0)
    for i in range(n):
        named = rng.sample(brands, rng.choice((1, 1, 2)))
        for b in named:
            expected[b] += 1
        negative = rng.random() < 0.3
        text = f"{' and '.join(named)} {'is awful, I hate it' if negative else 'did it'} #{i}"
        out.append(
            Mention("x", str(i), text, start + dt.timedelta(seconds=seconds * i), followers=i % 500)
        )
    return out, expected


def setup_db(url: str, brands: Sequence[str] = BRANDS) -> tuple[Engine, list[WatchRecord]]:
    engine = make_engine(url)
    upgrade(engine)
    with session_factory(engine)() as s:
        records = [add_watch(s, Watch(name=b, keywords=(b,))) for b in brands]
        s.commit()
    return engine, records


def link_counts(engine: Engine, records: Sequence[WatchRecord]) -> dict[str, int]:
    with engine.connect() as conn:
        rows = dict(
            conn.execute(select(LINKS.c.watch_id, func.count()).group_by(LINKS.c.watch_id)).all()
        )
    return {r.name: rows.get(r.id, 0) for r in records}


def series(engine: Engine, records: Sequence[WatchRecord]) -> dict[tuple[str, str], tuple]:
    """Every stored bucket, by watch name and start."""
    names = {r.id: r.name for r in records}
    b = BUCKETS.c
    with engine.connect() as conn:
        rows = conn.execute(
            select(b.watch_id, b.start, b.volume, b.negative, b.reach_negative, b.replies_to_brand)
        ).all()
    return {
        (names[w], start.replace(tzinfo=None).isoformat()): (vol, neg, round(reach, 6), rep)
        for w, start, vol, neg, reach, rep in rows
    }


def single_process(
    tmp_path: Path, batch: list[Mention], brands: Sequence[str] = BRANDS
) -> tuple[dict[str, int], dict]:
    """The same input through one in-process pipeline (SQLite): the reference."""
    engine, records = setup_db(f"sqlite:///{tmp_path / 'reference.db'}", brands)
    pipeline = Pipeline(engine, records)
    for i in range(0, len(batch), 500):
        pipeline.process([Envelope(m) for m in batch[i : i + 500]])
    try:
        return link_counts(engine, records), series(engine, records)
    finally:
        engine.dispose()


def start_worker(
    topo: Topology, db_url: str, cwd: Path, ttl: float = TTL
) -> subprocess.Popen[bytes]:
    args = ["--queue", URL, "--stream", topo.stream, "--prefix", topo.prefix,
            "--partitions", str(topo.partitions), "--ack-wait", str(topo.ack_wait),
            "--lease-ttl", str(ttl), "--idle-exit", "12"]  # fmt: skip
    env = {**os.environ, "FIREWARDEN_DATABASE_URL": db_url}
    env.pop("FIREWARDEN_CONFIG", None)
    return subprocess.Popen(
        [sys.executable, "-m", "firewarden", "listen", "work", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


async def _publish(topo: Topology, records: list[WatchRecord], batch: list[Mention]) -> int:
    nc = await connect(URL)
    try:
        js = nc.jetstream()
        await ensure_stream(js, topo)
        publisher = Publisher(js, topo, records)
        envs = [Envelope(m, "test", m.id) for m in batch]
        for i in range(0, len(envs), 1000):
            await publisher.publish(envs[i : i + 1000])
        # Publishing the same mentions again (a publisher restarted before saving its
        # cursor) is dropped by JetStream's duplicate window.
        await publisher.publish(envs[:200])
        info = await js.stream_info(topo.stream)
        return int(info.state.messages)
    finally:
        await nc.close()


def publish(topo: Topology, records: list[WatchRecord], batch: list[Mention]) -> int:
    return asyncio.run(_publish(topo, records, batch))


def leases(topo: Topology, ttl: float = TTL) -> Snapshot:
    async def read() -> Snapshot:
        nc = await connect(URL)
        try:
            table = await LeaseTable.open(nc.jetstream(), topo.stream, ttl)
            while (snap := await table.snapshot()) is None:
                await asyncio.sleep(0.1)
            return snap
        finally:
            await nc.close()

    return asyncio.run(read())


async def _drop(topo: Topology) -> None:
    nc = await connect(URL)
    try:
        js = nc.jetstream()
        await js.delete_stream(topo.stream)
        with contextlib.suppress(NotFoundError):  # no worker ran
            await js.delete_key_value(bucket_name(topo.stream))
    finally:
        await nc.close()


@pytest.fixture
def topo() -> Iterator[Topology]:
    require_server("127.0.0.1", 4222, "NATS")
    tag = uuid.uuid4().hex[:10]
    topo = Topology(stream=f"FWTEST_{tag}", prefix=f"fwtest.{tag}", partitions=4, ack_wait=2.0)
    yield topo
    asyncio.run(_drop(topo))


def wait_for(condition: object, what: str, procs: Sequence[subprocess.Popen[bytes]]) -> None:
    deadline = time.monotonic() + 120
    while not condition():  # type: ignore[operator]
        for p in procs:
            if p.poll() is not None:
                out = p.stdout.read().decode() if p.stdout else ""
                pytest.fail(f"a worker exited while waiting for {what}:\n{out}")
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def pid_of(worker_id: str) -> int:
    return int(worker_id.rsplit("-", 2)[1])


def test_two_workers_one_killed_mid_stream_the_survivor_takes_over(
    pg_db_url: str, tmp_path: Path, topo: Topology
) -> None:
    engine, records = setup_db(pg_db_url)
    batch, expected = mentions(6000)
    half = len(batch) // 2
    procs = [start_worker(topo, pg_db_url, tmp_path) for _ in range(2)]
    try:
        # The two workers split the four partitions between them.
        def balanced() -> bool:
            snap = leases(topo)
            held = {p.pid: sorted(k for k, w in snap.holders.items() if pid_of(w) == p.pid)
                    for p in procs}  # fmt: skip
            return all(len(ks) == 2 for ks in held.values())

        wait_for(balanced, "the workers to share the partitions", procs)
        victim, survivor = procs
        theirs = sorted(k for k, w in leases(topo).holders.items() if pid_of(w) == victim.pid)
        their_watches = [r for r in records if topo.partition_of(r.id) in theirs]
        assert their_watches, "the test's watches must fall in both workers' partitions"

        publish(topo, records, batch[:half])
        wait_for(
            lambda: sum(link_counts(engine, their_watches).values()) >= 300,
            "the victim to count some mentions",
            procs,
        )
        victim.send_signal(signal.SIGKILL)  # mid-batch: stored but not acknowledged, maybe
        victim.communicate()
        partial = link_counts(engine, their_watches)
        # Once its leases expire, the survivor holds every partition ...
        wait_for(
            lambda: (
                {pid_of(w) for w in leases(topo).holders.values()} == {survivor.pid}
                and len(leases(topo).holders) == topo.partitions
            ),
            "the survivor to take the dead worker's partitions over",
            [survivor],
        )
        # ... and the rest of the stream, published after the death, is counted by it.
        stored = publish(topo, records, batch[half:])
        assert stored == sum(len({topo.partition_of(r.id) for r in records if r.name in m.text})
                             for m in batch)  # fmt: skip

        out, _ = survivor.communicate(timeout=300)
        log = out.decode()
        assert survivor.returncode == 0, log
        counts = link_counts(engine, records)
        assert counts == expected
        assert all(partial[r.name] < counts[r.name] for r in their_watches)
        # Exactly what one process counts from the same input, bucket by bucket.
        ref_counts, ref_series = single_process(tmp_path, batch)
        assert counts == ref_counts
        assert series(engine, records) == ref_series
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.communicate()
        engine.dispose()


def test_a_batch_redelivered_after_a_takeover_is_not_counted_twice(
    pg_db_url: str, topo: Topology
) -> None:
    """A worker dies after committing a batch, before acknowledging it: the next owner gets
    the batch again and counts none of it twice."""
    engine, records = setup_db(pg_db_url)
    batch, expected = mentions(800)
    stored = publish(topo, records, batch)
    k = topo.partition_of(records[0].id)
    mine = [r for r in records if topo.partition_of(r.id) == k]

    async def die_after_commit() -> int:
        nc = await connect(URL)
        try:
            js = nc.jetstream()
            sub = await js.pull_subscribe(topo.subject(k), durable=topo.durable(k),
                                          stream=topo.stream)  # fmt: skip
            msgs = await sub.fetch(200, timeout=5)
            Pipeline(engine, mine).process([decode(m.data).envelope for m in msgs])
            return len(msgs)  # ... and no acknowledgement: the process "dies" here
        finally:
            await nc.close()

    assert asyncio.run(die_after_commit()) == 200
    seen: list[int] = []

    def seen_batch(stats: Stats) -> None:
        seen.append(stats.received)

    asyncio.run(
        work(URL, engine, records, topo=topo, lease_ttl=TTL, idle_exit=6, on_batch=seen_batch)
    )

    async def left_over() -> tuple[int, int]:
        nc = await connect(URL)
        try:
            info = await nc.jetstream().consumer_info(topo.stream, topo.durable(k))
            return int(info.num_ack_pending or 0), int(info.num_pending or 0)
        finally:
            await nc.close()

    # The dead worker's 200 were delivered again and acknowledged by the new owner ...
    assert asyncio.run(left_over()) == (0, 0)
    assert sum(seen) >= stored
    # ... and counted once, in the links and in the series.
    assert link_counts(engine, records) == expected
    volumes: dict[str, int] = dict.fromkeys(BRANDS, 0)
    for (name, _), (volume, *_) in series(engine, records).items():
        volumes[name] += volume
    assert volumes == expected
    engine.dispose()


def test_a_worker_stopped_with_sigterm_hands_its_partitions_back_at_once(
    pg_db_url: str, tmp_path: Path, topo: Topology
) -> None:
    engine, _ = setup_db(pg_db_url)
    engine.dispose()
    # A long time-to-live: only a release can empty the table before the test ends.
    worker = start_worker(topo, pg_db_url, tmp_path, ttl=600)
    try:
        wait_for(
            lambda: len(leases(topo, 600).holders) == topo.partitions,
            "the worker to claim every partition",
            [worker],
        )
        worker.send_signal(signal.SIGTERM)
        out, _ = worker.communicate(timeout=120)
        assert worker.returncode == 0, out.decode()
        snap = leases(topo, 600)
        assert (snap.holders, snap.live) == ({}, frozenset())  # (the loads stay, for the next)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.communicate()


def test_a_running_worker_takes_a_new_watch_list(pg_db_url: str, topo: Topology) -> None:
    """set_watches: a watch added while the worker runs is counted from then on (every
    mention delivered after the change; one published for it earlier and still in flight
    then may count too, since it does name the watch)."""
    engine, records = setup_db(pg_db_url)
    batch, _ = mentions(400)
    first, later = batch[:200], batch[200:]
    with session_factory(engine)() as s:
        extra = add_watch(s, Watch(name="did", keywords=("did",)))  # the mentions not negative
        s.commit()
    # A third of the mentions name two watches: the first batch is done at this many pairs.
    first_pairs = sum(r.name in m.text for m in first for r in records)
    wanted = {m.id for m in later if "did" in m.text}
    deadline = time.monotonic() + 120

    def counted_for_extra() -> set[str]:
        with engine.connect() as conn:
            rows = conn.execute(select(LINKS.c.platform_id).where(LINKS.c.watch_id == extra.id))
            return {str(r[0]) for r in rows}

    async def scenario() -> tuple[dict[str, int], set[str]]:
        nc = await connect(URL)
        try:
            js = nc.jetstream()
            await ensure_stream(js, topo)
            table = await LeaseTable.open(js, topo.stream, TTL)
            worker = Worker(nc, table, engine, records, topo=topo)
            stop = asyncio.Event()
            running = asyncio.create_task(worker.run(stop))
            everything = [*records, extra]
            await Publisher(js, topo, everything).publish([Envelope(m) for m in first])
            while sum(link_counts(engine, records).values()) < first_pairs:
                assert time.monotonic() < deadline and not running.done(), running
                await asyncio.sleep(0.1)
            before = link_counts(engine, everything)
            worker.set_watches(everything)
            await Publisher(js, topo, everything).publish([Envelope(m) for m in later])
            while not wanted <= counted_for_extra():
                assert time.monotonic() < deadline and not running.done(), running
                await asyncio.sleep(0.1)
            stop.set()
            await running
            return before, counted_for_extra()
        finally:
            await nc.close()

    try:
        before, after = asyncio.run(scenario())
        assert before["did"] == 0  # published for it, but the worker did not know it yet
        assert wanted and wanted <= after
        assert all("did" in m.text for m in batch if m.id in after)
    finally:
        engine.dispose()


def test_a_watch_added_while_running_counts_what_the_publisher_routed_to_it(
    pg_db_url: str, topo: Topology
) -> None:
    """The watch revision travels with each message: a worker whose own reload is not due yet
    (an hour away here) reads the new watches before it processes a message matched with
    them, so nothing routed to a just-added watch is dropped."""
    from firewarden.listen.reload import WatchReloader
    from firewarden.listen.watch_service import watch_revision

    engine, _ = setup_db(pg_db_url)
    reloader = WatchReloader(engine, interval=3600)
    records = reloader.load()
    batch, expected = mentions(300)
    deadline = time.monotonic() + 120

    async def scenario() -> dict[str, int]:
        nc = await connect(URL)
        try:
            js = nc.jetstream()
            await ensure_stream(js, topo)
            table = await LeaseTable.open(js, topo.stream, TTL)
            worker = Worker(nc, table, engine, records, topo=topo, reloader=reloader)
            stop = asyncio.Event()
            running = asyncio.create_task(worker.run(stop))
            with session_factory(engine)() as s:
                add_watch(s, Watch(name="did", keywords=("did",)))
                s.commit()
                revision = watch_revision(s)
            everything = WatchReloader(engine).load()
            publisher = Publisher(js, topo, records, 0)
            publisher.set_watches(everything, revision)
            await publisher.publish([Envelope(m) for m in batch])
            wanted = {**expected, "did": sum("did" in m.text for m in batch)}
            # Wait for every watch (partitions are claimed one by one), not only "did".
            while any(
                link_counts(engine, everything).get(name, 0) < n for name, n in wanted.items()
            ):
                assert time.monotonic() < deadline and not running.done(), running
                await asyncio.sleep(0.1)
            stop.set()
            await running
            return link_counts(engine, everything)
        finally:
            await nc.close()

    try:
        counts = asyncio.run(scenario())
    finally:
        engine.dispose()
    assert reloader.revision is not None and reloader.revision >= 1
    assert counts["did"] == sum("did" in m.text for m in batch) > 0
    # The other watches were counted once each, as before the edit.
    assert {b: counts[b] for b in BRANDS} == expected
    engine.dispose()


def test_messages_carry_the_watch_revision_they_were_matched_with() -> None:
    from firewarden.listen.nats_queue import encode

    m = Mention("x", "1", "Alder did it", dt.datetime(2026, 1, 5, tzinfo=dt.UTC))
    decoded = decode(encode(Envelope(m, "file:a", "7"), revision=12))
    assert decoded.revision == 12
    assert decoded.envelope.mention.key == m.key
    assert decoded.envelope.cursor == ""  # workers save no source cursors
    legacy = json.dumps({"m": m.to_dict()}).encode()  # written before revisions existed
    assert decode(legacy).revision == 0
