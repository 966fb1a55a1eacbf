"""The distributed mode on the NATS server (127.0.0.1:4222, JetStream) with PostgreSQL:
two worker processes share the partitions; one is killed mid-stream and restarted; nothing
is lost and nothing is counted twice."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import random
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from conftest import require_server
from firewarden.listen.mention import Mention
from firewarden.listen.nats_queue import Publisher, Topology, connect, ensure_stream
from firewarden.listen.pipeline import Envelope
from firewarden.listen.store import BUCKETS, LINKS
from firewarden.listen.watch_service import WatchRecord, add_watch
from firewarden.listen.watches import Watch
from firewarden.store.engine import make_engine, session_factory
from firewarden.store.migrate import upgrade

URL = os.environ.get("FIREWARDEN_TEST_NATS_URL", "nats://127.0.0.1:4222")
BRANDS = ("Alder", "Birch", "Cedar", "Dogwood")
pytestmark = pytest.mark.nats


def mentions(n: int) -> tuple[list[Mention], dict[str, int]]:
    rng = random.Random(7)
    start = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
    out, expected = [], dict.fromkeys(BRANDS, 0)
    for i in range(n):
        named = rng.sample(BRANDS, rng.choice((1, 1, 2)))
        for b in named:
            expected[b] += 1
        text = f"{' and '.join(named)} did it again #{i}"
        out.append(
            Mention("x", str(i), text, start + dt.timedelta(seconds=3 * i), followers=i % 500)
        )
    return out, expected


def link_counts(engine: Engine, records: list[WatchRecord]) -> dict[str, int]:
    with engine.connect() as conn:
        rows = dict(
            conn.execute(select(LINKS.c.watch_id, func.count()).group_by(LINKS.c.watch_id)).all()
        )
    return {r.name: rows.get(r.id, 0) for r in records}


def worker(i: int, topo: Topology, db_url: str, cwd: Path) -> subprocess.Popen[bytes]:
    args = ["--queue", URL, "--worker", str(i), "--workers", "2", "--stream", topo.stream,
            "--prefix", topo.prefix, "--partitions", str(topo.partitions),
            "--ack-wait", str(topo.ack_wait), "--idle-exit", "6"]  # fmt: skip
    env = {**os.environ, "FIREWARDEN_DATABASE_URL": db_url}
    env.pop("FIREWARDEN_CONFIG", None)
    return subprocess.Popen(
        [sys.executable, "-m", "firewarden", "listen", "work", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


async def publish(topo: Topology, records: list[WatchRecord], batch: list[Mention]) -> int:
    nc = await connect(URL)
    try:
        js = nc.jetstream()
        await ensure_stream(js, topo)
        publisher = Publisher(js, topo, records)
        envs = [Envelope(m, "test", str(i)) for i, m in enumerate(batch)]
        for i in range(0, len(envs), 1000):
            await publisher.publish(envs[i : i + 1000])
        # Publishing the same mentions again (a publisher restarted before saving its
        # cursor) is dropped by JetStream's duplicate window.
        await publisher.publish(envs[:500])
        info = await js.stream_info(topo.stream)
        return int(info.state.messages)
    finally:
        await nc.close()


async def drop(topo: Topology) -> None:
    nc = await connect(URL)
    try:
        await nc.jetstream().delete_stream(topo.stream)
    finally:
        await nc.close()


def test_two_workers_one_killed_mid_stream(pg_db_url: str, tmp_path: Path) -> None:
    require_server("127.0.0.1", 4222, "NATS")
    engine = make_engine(pg_db_url)
    upgrade(engine)
    with session_factory(engine)() as s:
        records = [add_watch(s, Watch(name=b, keywords=(b,))) for b in BRANDS]
        s.commit()
    tag = uuid.uuid4().hex[:10]
    topo = Topology(stream=f"FWTEST_{tag}", prefix=f"fwtest.{tag}", partitions=4, ack_wait=2.0)
    batch, expected = mentions(6000)
    try:
        stored = asyncio.run(publish(topo, records, batch))
        assert stored == sum(len({r.id % 4 for r in records if r.name in m.text}) for m in batch)
        w0, w1 = worker(0, topo, pg_db_url, tmp_path), worker(1, topo, pg_db_url, tmp_path)
        owned1 = [r for r in records if topo.partition_of(r.id) in topo.owned(1, 2)]
        deadline = time.monotonic() + 120
        while sum(link_counts(engine, owned1).values()) < 300:
            assert time.monotonic() < deadline and w1.poll() is None, "worker 1 made no progress"
            time.sleep(0.05)
        w1.kill()  # mid-stream: its current batch may be stored but not acknowledged
        w1.communicate()
        partial = sum(link_counts(engine, owned1).values())
        assert partial < sum(expected[r.name] for r in owned1)
        w1 = worker(1, topo, pg_db_url, tmp_path)
        for w in (w0, w1):
            out, _ = w.communicate(timeout=180)
            assert w.returncode == 0, out.decode()
        assert link_counts(engine, records) == expected
        with engine.connect() as conn:
            volumes = dict(
                conn.execute(
                    select(BUCKETS.c.watch_id, func.sum(BUCKETS.c.volume)).group_by(
                        BUCKETS.c.watch_id
                    )
                ).all()
            )
        assert {r.name: volumes[r.id] for r in records} == expected
    finally:
        asyncio.run(drop(topo))
        engine.dispose()
