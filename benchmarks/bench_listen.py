"""Sustained throughput and memory of the listening pipeline (parse, enrich, store, detect).

Replays simulated mentions (the detect simulator, one day at a time, a firestorm every fifth
day) through the whole pipeline on SQLite and prints mentions/s and the process's resident
memory at intervals. Texts get a few random words so the enrichment cache does not flatter
the figures (``--repeat-texts`` shows the effect of verbatim repeats).

    .venv/bin/python benchmarks/bench_listen.py                      # 1,000,000 mentions
    .venv/bin/python benchmarks/bench_listen.py --mentions 10000000  # 10M
    .venv/bin/python benchmarks/bench_listen.py --mentions 200000 --nats nats://127.0.0.1:4222 \
        --pg postgresql+psycopg://postgres@127.0.0.1:5432/test       # + NATS, 1 and 2 workers
    .venv/bin/python benchmarks/bench_listen.py --rebuild --mentions 400000  # start-up time
    .venv/bin/python benchmarks/bench_listen.py --rebuild --mentions 400000 \
        --checkpoint-min-seconds 10                                  # as an import writes them

``--rebuild`` stores the mentions for one watch, then times constructing a ``Pipeline`` on
that database (what every start and every handover of a watch does): by replaying the whole
stored history, and from the latest detector checkpoint plus what was stored after it.

The NATS mode publishes the stream, then starts the workers and prints the watch-mention pairs
counted per second once they share the partitions, and the CPU seconds of the publisher, each
worker and nats-server (the machine has two cores).

Speed is measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from nats.js.errors import NotFoundError
from sqlalchemy import Engine, func, select, text

from firewarden.detect.simulate import SimulationConfig, simulate
from firewarden.listen.checkpoint import CHECKPOINTS
from firewarden.listen.lease_table import LeaseTable, bucket_name
from firewarden.listen.mention import Mention
from firewarden.listen.nats_connection import connect
from firewarden.listen.nats_queue import Publisher, Topology, ensure_stream
from firewarden.listen.pipeline import Envelope, Pipeline
from firewarden.listen.simulated import demo_watch, to_mentions
from firewarden.listen.store import LINKS
from firewarden.listen.watch_service import WatchRecord, add_watch
from firewarden.listen.watches import Watch, WatchSet
from firewarden.store.engine import make_engine, session_factory
from firewarden.store.migrate import upgrade
from firewarden.text.normalize import fold

OTHER_WATCHES = (
    Watch(name="Zephyr Air", keywords=("Zephyr Air", "ゼファー航空"), handles=("@zephyrair",)),
    Watch(name="Globex", keywords=("Globex",), products=("GlowMax",)),
    Watch(name="Initech", keywords=("Initech", "イニテック")),
)


def rss_mb() -> float:
    """Resident memory of this process now (Linux /proc), in MB."""
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def days_of_mentions(rate: float, vary: bool) -> Iterator[list[Mention]]:
    """Consecutive simulated days (a firestorm every fifth day), as mentions."""
    start = dt.datetime(2026, 1, 5)
    day = 0
    while True:
        cfg = SimulationConfig(days=1, start=start + dt.timedelta(days=day), base_rate=rate,
                               storm=day % 5 == 4, onset_day=0, onset_hour=9.0)  # fmt: skip
        sim = simulate(cfg, seed=day)
        yield list(to_mentions(sim.mentions, seed=day, vary=vary))
        day += 1


def batches(n: int, batch: int, rate: float, vary: bool) -> Iterator[list[Envelope]]:
    """Batches of simulated mentions, day after day, until at least ``n`` were given."""
    done = 0
    for day in days_of_mentions(rate, vary):
        for i in range(0, len(day), batch):
            envs = [Envelope(m, "bench", "") for m in day[i : i + batch]]
            yield envs
            done += len(envs)
            if done >= n:
                return


def setup(url: str, watches: tuple[Watch, ...] = ()) -> tuple[Engine, list[WatchRecord]]:
    engine = make_engine(url)
    upgrade(engine)
    with session_factory(engine)() as s:
        records = [add_watch(s, w) for w in watches or (demo_watch(), *OTHER_WATCHES)]
        s.commit()
    return engine, records


def run_sqlite(n: int, batch: int, every: int, rate: float, vary: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        engine, records = setup(f"sqlite:///{Path(tmp) / 'bench.db'}")
        pipeline = Pipeline(engine, records)
        pipeline.enricher.warm(["warm up the models", "モデルを読み込む"])
        print(f"SQLite (WAL), batches of {batch}, {'varied' if vary else 'repeated'} texts")
        print(f"{'mentions':>12} {'interval/s':>12} {'sustained/s':>12} {'RSS MB':>8}")
        done, busy, mark, mark_busy = 0, 0.0, 0, 0.0
        alerts = 0
        for envs in batches(n, batch, rate, vary):
            t = time.perf_counter()
            stats = pipeline.process(envs)
            busy += time.perf_counter() - t
            alerts += len(stats.alerts)
            done += len(envs)
            if done - mark >= every:
                interval = (done - mark) / (busy - mark_busy)
                print(f"{done:>12,} {interval:>12,.0f} {done / busy:>12,.0f} {rss_mb():>8.0f}")
                mark, mark_busy = done, busy
        cache = pipeline.enricher
        print(
            f"total: {done:,} mentions in {busy:,.1f} s of pipeline time: "
            f"{done / busy:,.0f} mentions/s sustained; {alerts} alerts; "
            f"text cache hits {cache.hits:,} / misses {cache.misses:,}"
        )
        engine.dispose()


async def publish(
    url: str, topo: Topology, records: list[WatchRecord], mentions: list[Mention]
) -> None:
    nc = await connect(url)
    js = nc.jetstream()
    await ensure_stream(js, topo)
    pub = Publisher(js, topo, records)
    for i in range(0, len(mentions), 2000):
        await pub.publish([Envelope(m) for m in mentions[i : i + 2000]])
    await nc.close()


async def balanced(url: str, topo: Topology, workers: int, timeout: float = 120.0) -> None:
    """Wait until ``workers`` workers hold the partitions evenly."""
    nc = await connect(url)
    try:
        table = await LeaseTable.open(nc.jetstream(), topo.stream, 15.0)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            snap = await table.snapshot()
            if snap is not None and len(snap.holders) == topo.partitions:
                counts = [list(snap.holders.values()).count(w) for w in set(snap.holders.values())]
                if len(counts) == workers and max(counts) - min(counts) <= 1:
                    return
            await asyncio.sleep(0.2)
        raise SystemExit("the workers did not share the partitions in time")
    finally:
        await nc.close()


async def drop(url: str, topo: Topology) -> None:
    nc = await connect(url)
    for name in (topo.stream, f"KV_{bucket_name(topo.stream)}"):
        with contextlib.suppress(NotFoundError):
            await nc.jetstream().delete_stream(name)
    await nc.close()


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a process so far (Linux /proc), None if unreadable."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def nats_server_pid() -> int | None:
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and (entry / "comm").read_text().strip() == "nats-server":
                return int(entry.name)
        except OSError:
            continue
    return None


def counted(engine: Engine) -> int:
    """Watch-mention pairs stored."""
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(LINKS)).scalar_one())


def run_nats(n: int, rate: float, nats_url: str, pg_url: str) -> None:
    mentions: list[Mention] = []
    for day in days_of_mentions(rate, vary=True):
        mentions += day
        if len(mentions) >= n:
            break
    # Four brands (four watches, one per partition) share the stream: each watch's series has
    # one owner, so the work can only be shared across watches.
    brands = ("Acme", "Zephyr Air", "Globex", "Initech")
    mentions = [
        replace(m, text=m.text.replace("Acme", brands[i % 4])) for i, m in enumerate(mentions[:n])
    ]
    for workers in (1, 2):
        nats_run(workers, mentions, brands, nats_url, pg_url)


def nats_run(
    workers: int, mentions: list[Mention], brands: tuple[str, ...], nats_url: str, pg_url: str
) -> None:
    """Publish the mentions, let ``workers`` worker processes count them, print figures."""
    server = nats_server_pid()
    schema = f"fwbench_{uuid.uuid4().hex[:8]}"
    admin = make_engine(pg_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{pg_url}?options=-csearch_path%3D{schema}"
    engine, records = setup(url, tuple(Watch(name=b, keywords=(b,)) for b in brands))
    tag = uuid.uuid4().hex[:8]
    topo = Topology(stream=f"FWBENCH_{tag}", prefix=f"fwbench.{tag}", partitions=4)
    procs: list[subprocess.Popen[bytes]] = []
    try:
        # Watch-mention pairs to count.
        ws = WatchSet([r.watch for r in records])
        expected = sum(len(ws.match(m, fold(m.text).text, m.language)) for m in mentions)

        # The stream first (the publisher's own figures), then the workers drain it.
        server_before = cpu_seconds(server) if server else None
        started = time.perf_counter()
        cpu = time.process_time()
        asyncio.run(publish(nats_url, topo, records, mentions))
        publisher_cpu = time.process_time() - cpu
        published = time.perf_counter() - started

        env = {**os.environ, "FIREWARDEN_DATABASE_URL": url}
        args = ["listen", "work", "--queue", nats_url, "--stream", topo.stream,
                "--prefix", topo.prefix, "--partitions", str(topo.partitions),
                "--idle-exit", "5"]  # fmt: skip
        started = time.perf_counter()
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "firewarden", *args],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for _ in range(workers)
        ]

        # The rate is measured from the moment the workers share the partitions (until then
        # the first one to start holds them all) to the last pair counted.
        asyncio.run(balanced(nats_url, topo, workers))
        shared_at, shared_got = time.perf_counter(), counted(engine)
        while (got := counted(engine)) < expected and not all(p.poll() is not None for p in procs):
            time.sleep(0.2)
        done_at = time.perf_counter()
        server_cpu = (
            (cpu_seconds(server) or 0.0) - server_before if server and server_before else None
        )
        worker_cpu = []
        for p in procs:  # each worker's CPU: what reaping it adds to the children's usage
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            p.wait()
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            worker_cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        rate = (got - shared_got) / (done_at - shared_at)
        print(
            f"NATS + PostgreSQL, {workers} worker(s): {got:,} watch-mention pairs counted "
            f"{done_at - started:.1f} s after the workers started; {rate:,.0f} pairs/s once "
            f"they shared the partitions ({shared_at - started:.1f} s after start, "
            f"{shared_got:,} counted by then); publishing {len(mentions):,} mentions took "
            f"{published:.1f} s ({len(mentions) / published:,.0f} mentions/s)"
        )
        total = publisher_cpu + sum(worker_cpu) + (server_cpu or 0.0)
        parts = [f"publisher {publisher_cpu:.1f}"]
        parts += [f"worker {i + 1} {c:.1f}" for i, c in enumerate(worker_cpu)]
        if server_cpu is not None:
            parts.append(f"nats-server {server_cpu:.1f}")
        print(f"  CPU seconds: {', '.join(parts)}; total {total:.1f} "
              f"(workers and nats-server include the 5 s idle wait before exit; "
              f"PostgreSQL not included)")  # fmt: skip
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        asyncio.run(drop(nats_url, topo))
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def run_rebuild(n: int, batch: int, rate: float, vary: bool, every: float, spacing: float) -> None:
    """Store ``n`` mentions for one watch (a checkpoint every ``every`` minutes of buckets,
    0 for none, at most one every ``spacing`` seconds), then time rebuilding a pipeline on
    that database."""
    with tempfile.TemporaryDirectory() as tmp:
        engine, records = setup(f"sqlite:///{Path(tmp) / 'bench.db'}", (demo_watch(),))
        interval = dt.timedelta(minutes=every) if every > 0 else None
        pipeline = Pipeline(
            engine, records, checkpoint_every=interval, checkpoint_min_seconds=spacing
        )
        done, started, cpu = 0, time.perf_counter(), time.process_time()
        for envs in batches(n, batch, rate, vary):
            pipeline.process(envs)
            done += len(envs)
        print(
            f"stored {done:,} mentions for one watch ({done / rate / 24:.1f} days at "
            f"{rate:,.0f} an hour) in {time.perf_counter() - started:,.0f} s "
            f"({time.process_time() - cpu:,.0f} CPU s), "
            + (
                f"a checkpoint every {every:g} minutes of buckets, at most one per {spacing:g} s"
                if every
                else "no checkpoints"
            )
        )
        with engine.connect() as conn:
            row = conn.execute(select(func.length(CHECKPOINTS.c.state), CHECKPOINTS.c.next_start))
            found = row.first()
        if found is not None:
            size, behind = found
            print(f"  the latest checkpoint ({size / 1e6:.2f} MB) has seen the buckets before "
                  f"{behind:%Y-%m-%d %H:%M}")  # fmt: skip
        # What one checkpoint costs the running pipeline (serialise and upsert), over 20.
        pipeline.checkpoint_every = dt.timedelta(hours=1)
        state = pipeline.states[0]
        t = time.perf_counter()
        for _ in range(20):
            pipeline._checkpoint(state)
        print(f"  writing one checkpoint: {(time.perf_counter() - t) / 20 * 1000:.1f} ms")
        for label, options in REBUILDS:
            for _ in range(2):  # the second run has a warm page cache, as a restart would
                t = time.perf_counter()
                Pipeline(engine, records, **options)
                took = time.perf_counter() - t
            print(f"  Pipeline(engine, records), {label}: {took:.2f} s")
        engine.dispose()


#: The rebuilds ``--rebuild`` times: a label and the Pipeline options.
REBUILDS: list[tuple[str, dict[str, object]]] = [
    ("checkpoints off (replays the 30-day history)", {"checkpoint_every": None}),
    ("from the latest checkpoint (replays what came after it)", {}),
]


def main() -> None:
    parser = argparse.ArgumentParser(description="listening pipeline throughput and memory")
    parser.add_argument("--mentions", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--every", type=int, default=100_000, help="report interval (mentions)")
    parser.add_argument("--rate", type=float, default=600.0, help="simulated mentions per hour")
    parser.add_argument("--repeat-texts", action="store_true", help="no random words added")
    parser.add_argument("--nats", default="", help="also run on NATS (nats://host:port)")
    parser.add_argument("--pg", default="", help="PostgreSQL URL for the NATS run")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument(
        "--rebuild", action="store_true", help="time rebuilding a pipeline instead (SQLite)"
    )
    parser.add_argument(
        "--checkpoint-every",
        type=float,
        default=60.0,
        help="--rebuild: minutes of buckets between checkpoints while storing (0: none)",
    )
    parser.add_argument(
        "--checkpoint-min-seconds",
        type=float,
        default=0.0,
        help="--rebuild: wall-clock seconds between checkpoints while storing (0, as live, "
        "where an hour of buckets takes an hour; the Pipeline's default is 10)",
    )
    args = parser.parse_args()
    if args.rebuild:
        run_rebuild(
            args.mentions,
            args.batch,
            args.rate,
            not args.repeat_texts,
            args.checkpoint_every,
            args.checkpoint_min_seconds,
        )
        return
    if not args.skip_sqlite:
        run_sqlite(args.mentions, args.batch, args.every, args.rate, not args.repeat_texts)
    if args.nats:
        if not args.pg:
            raise SystemExit("--nats needs --pg (the workers store in PostgreSQL)")
        run_nats(args.mentions, args.rate, args.nats, args.pg)


if __name__ == "__main__":
    main()
