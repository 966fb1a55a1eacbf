"""Lease shares by load on a live pool: N worker processes, two busy watches on one worker.

Starts N (``--workers``, 2 by default) `firewarden listen work` processes over 2N partitions
(2N watches, one per partition, 2 s leases), waits until they hold two partitions each, then
publishes a steady stream in which nine mentions in ten name the two watches of the *same*
worker. Prints, every few seconds, who holds which partition and the loads the workers
published, then how long the busy partitions took to be split, how many lease moves happened
after that (hysteresis: there should be none while the traffic stays the same) and each
worker's share of the published load at the end.

    .venv/bin/python benchmarks/bench_lease_balance.py --nats nats://127.0.0.1:4222 \
        --pg postgresql+psycopg://postgres@127.0.0.1:5432/test --seconds 60 --rate 200 \
        --workers 3

It uses a stream and a PostgreSQL schema of its own and removes them at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid

from nats.js.errors import NotFoundError
from sqlalchemy import text

from firewarden.listen.lease_table import LeaseTable, Snapshot, bucket_name
from firewarden.listen.mention import Mention
from firewarden.listen.nats_connection import close, connect
from firewarden.listen.nats_queue import Publisher, Topology, ensure_stream
from firewarden.listen.pipeline import Envelope
from firewarden.listen.watch_service import WatchRecord, add_watch
from firewarden.listen.watches import Watch
from firewarden.store.engine import make_engine, session_factory
from firewarden.store.migrate import upgrade

NAMES = ("Alder", "Birch", "Cedar", "Dogwood", "Elm", "Fir", "Ginkgo", "Hazel", "Ivy",
         "Juniper", "Kapok", "Larch", "Maple", "Nutmeg", "Oak", "Pine")  # fmt: skip
TTL = 2.0


async def snapshot(url: str, topo: Topology) -> Snapshot:
    nc = await connect(url)
    try:
        table = await LeaseTable.open(nc.jetstream(), topo.stream, TTL)
        while (snap := await table.snapshot()) is None:
            await asyncio.sleep(0.1)
        return snap
    finally:
        await close(nc)


def pid_of(worker_id: str) -> int:
    return int(worker_id.rsplit("-", 2)[1])


async def pump(url: str, topo: Topology, records: list[WatchRecord], busy: list[str], rate: float,
               seconds: float) -> int:  # fmt: skip
    brands = [r.name for r in records]
    nc = await connect(url)
    try:
        js = nc.jetstream()
        await ensure_stream(js, topo)
        publisher = Publisher(js, topo, records)
        start = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
        i, began = 0, time.monotonic()
        while time.monotonic() - began < seconds:
            batch = []
            for _ in range(max(1, int(rate / 4))):
                name = busy[i % 2] if i % 10 else brands[i // 10 % len(brands)]
                when = start + dt.timedelta(seconds=i)
                batch.append(Envelope(Mention("x", str(i), f"{name} did it #{i}", when)))
                i += 1
            await publisher.publish(batch)
            await asyncio.sleep(0.25)
        return i
    finally:
        await close(nc)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--nats", default="nats://127.0.0.1:4222")
    ap.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--rate", type=float, default=200.0, help="mentions per second")
    ap.add_argument("--workers", type=int, default=2, help="worker processes (2 to 8)")
    args = ap.parse_args()
    if not 2 <= args.workers <= len(NAMES) // 2:
        ap.error(f"--workers must be between 2 and {len(NAMES) // 2}")
    n = args.workers
    brands = NAMES[: 2 * n]

    tag = uuid.uuid4().hex[:8]
    topo = Topology(stream=f"FWBAL_{tag}", prefix=f"fwbal.{tag}", partitions=2 * n,
                    ack_wait=2.0)  # fmt: skip
    schema = f"fwbal_{tag}"
    admin = make_engine(args.pg)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    db_url = f"{args.pg}?options=-csearch_path%3D{schema}"
    engine = make_engine(db_url)
    upgrade(engine)
    with session_factory(engine)() as s:
        records = [add_watch(s, Watch(name=b, keywords=(b,))) for b in brands]
        s.commit()
    partition = {r.name: topo.partition_of(r.id) for r in records}
    env = {**os.environ, "FIREWARDEN_DATABASE_URL": db_url}
    env.pop("FIREWARDEN_CONFIG", None)
    work = [sys.executable, "-m", "firewarden", "listen", "work", "--queue", args.nats,
            "--stream", topo.stream, "--prefix", topo.prefix, "--partitions", str(2 * n),
            "--ack-wait", "2", "--lease-ttl", str(TTL)]  # fmt: skip
    procs: list[subprocess.Popen[bytes]] = []
    try:
        with tempfile.TemporaryDirectory() as cwd:
            procs = [subprocess.Popen(work, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL) for _ in range(n)]  # fmt: skip
            while True:
                held = {
                    k: pid_of(w) for k, w in asyncio.run(snapshot(args.nats, topo)).holders.items()
                }
                per = [list(held.values()).count(p.pid) for p in procs]
                if len(held) == 2 * n and per == [2] * n:
                    break
                time.sleep(0.2)
            first = min(held.values())
            busy = [n for n, k in partition.items() if held[k] == first]
            busy_parts = sorted(partition[b] for b in busy)
            print(f"start: {dict(sorted(held.items()))}; busy watches {busy} "
                  f"(partitions {busy_parts}), both on worker {first}; {n} workers")  # fmt: skip
            result: dict[str, int] = {}

            def publish() -> None:
                job = pump(args.nats, topo, records, busy, args.rate, args.seconds)
                result["n"] = asyncio.run(job)

            publisher = threading.Thread(target=publish)
            began = time.monotonic()
            publisher.start()
            split_at: float | None = None
            moves_after = 0
            owner_seen = dict(held)
            next_print = 0.0
            while publisher.is_alive():
                time.sleep(0.5)
                snap = asyncio.run(snapshot(args.nats, topo))
                now = {k: pid_of(w) for k, w in snap.holders.items()}
                at = time.monotonic() - began
                owners = {now.get(partition[b]) for b in busy}
                if split_at is None and len(owners) == 2 and None not in owners:
                    split_at = at
                elif split_at is not None:
                    # A lease absent from one reading (being rewritten as it was read) is
                    # not a move; a move is a partition under another worker than before.
                    for k, pid in now.items():
                        moves_after += k in owner_seen and owner_seen[k] != pid
                owner_seen.update(now)
                if at >= next_print:
                    next_print += 5
                    loads = {k: round(v, 1) for k, v in sorted(snap.loads.items())}
                    print(f"{at:5.1f} s holders {dict(sorted(now.items()))} loads/s {loads}")
            publisher.join()
            print(f"published {result.get('n', 0)} mentions in {args.seconds:g} s")
            split = "never" if split_at is None else f"after {split_at:.1f} s"
            print(f"busy partitions on different workers: {split}; partitions that moved "
                  f"after that: {moves_after}")  # fmt: skip
            share = {p.pid: 0.0 for p in procs}
            for k, pid in now.items():
                share[pid] = share.get(pid, 0.0) + snap.loads.get(k, 0.0)
            total = sum(share.values()) or 1.0
            parts = [f"{pid}: {v:.1f} ({100 * v / total:.0f} %)" for pid, v in share.items()]
            print("load per worker at the end (messages/s, share): " + ", ".join(parts))
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            with contextlib.suppress(subprocess.TimeoutExpired):
                p.wait(30)
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()

        async def drop() -> None:
            nc = await connect(args.nats)
            try:
                js = nc.jetstream()
                with contextlib.suppress(NotFoundError):
                    await js.delete_stream(topo.stream)
                with contextlib.suppress(NotFoundError):
                    await js.delete_key_value(bucket_name(topo.stream))
            finally:
                await close(nc)

        asyncio.run(drop())


if __name__ == "__main__":
    main()
