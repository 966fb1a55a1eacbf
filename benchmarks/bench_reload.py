"""What watching for watch edits costs a running listener, and how fast an edit lands.

Prints, on SQLite (and PostgreSQL with ``--pg URL``):

* the cost of one look at the revision (what the runner does every ``reload_seconds``);
* the time from committing a new watch to the pipeline counting for it, through a running
  runner with ``reload_seconds = 1`` over a live in-process source (an upper bound of about
  1 s plus the batch in hand is expected: the poll interval dominates);
* the time of ``Pipeline.set_watches`` for a set of ``--watches`` watches with one added.

    .venv/bin/python benchmarks/bench_reload.py
    .venv/bin/python benchmarks/bench_reload.py --pg postgresql+psycopg://postgres@127.0.0.1:5432/test

Speed is measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlalchemy import Engine, text

from firewarden.listen.mention import Mention
from firewarden.listen.pipeline import Pipeline, Stats
from firewarden.listen.reload import WatchChanges, WatchReloader
from firewarden.listen.runner import run
from firewarden.listen.watch_service import add_watch, watch_revision
from firewarden.listen.watches import Watch
from firewarden.store.engine import make_engine, session_factory
from firewarden.store.migrate import upgrade


class Ticker:
    """A live source: one mention naming ``Globex`` or ``Acme`` every 10 ms until closed."""

    name = "ticker"

    def __init__(self) -> None:
        self.closed = threading.Event()

    def stream(self, cursor: str | None) -> Iterator[tuple[Mention, str]]:
        n = int(cursor or 0)
        while not self.closed.wait(0.01):
            n += 1
            brand = "Globex" if n % 2 else "Acme"
            now = dt.datetime.now(dt.UTC)
            yield Mention(platform="bench", id=str(n), text=f"{brand} {n}", created_at=now), str(n)

    def close(self) -> None:
        self.closed.set()


def add(engine: Engine, watch: Watch) -> None:
    with session_factory(engine)() as s:
        add_watch(s, watch)
        s.commit()


def look_cost(engine: Engine, rounds: int = 2000) -> float:
    """Median milliseconds of one revision read on a pooled connection."""
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        with engine.connect() as conn:
            watch_revision(conn)
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def edit_latency(engine: Engine, rounds: int) -> list[float]:
    """Seconds from committing a new watch to the first mention counted for it."""
    add(engine, Watch("Acme", keywords=("Acme",)))
    reloader = WatchReloader(engine, interval=1.0)
    pipe = Pipeline(engine, reloader.load())
    stop = threading.Event()
    counted_for: dict[str, float] = {}
    names = {r.id: r.name for r in pipe.records}

    def on_reload(changes: WatchChanges, restarted: object) -> None:
        names.update({r.id: r.name for r in pipe.records})

    def on_batch(stats: Stats) -> None:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT DISTINCT watch_id FROM listen_mention_watches"))
            for (wid,) in rows:
                counted_for.setdefault(names.get(wid, "?"), time.perf_counter())

    runner = threading.Thread(
        target=run,
        args=(engine, pipe, [Ticker()]),
        kwargs={"stop": stop, "on_batch": on_batch, "reloader": reloader, "on_reload": on_reload},
        daemon=True,
    )
    runner.start()
    out = []
    pauses = random.Random(1)
    try:
        for i in range(rounds):
            time.sleep(pauses.uniform(0.05, 1.0))  # land anywhere in the poll interval
            name = f"Globex {i}"
            started = time.perf_counter()
            add(engine, Watch(name, keywords=("Globex",)))
            while name not in counted_for:
                time.sleep(0.005)
            out.append(counted_for[name] - started)
    finally:
        stop.set()
        runner.join(30)
    return out


def swap_cost(engine: Engine, watches: int) -> float:
    for i in range(watches):
        add(engine, Watch(f"Brand {i}", keywords=(f"Brand{i}", f"ブランド{i}")))
    reloader = WatchReloader(engine)
    pipe = Pipeline(engine, reloader.load())
    add(engine, Watch("One more", keywords=("OneMore",)))
    records = reloader.load()
    t = time.perf_counter()
    pipe.set_watches(records)
    return (time.perf_counter() - t) * 1000


def measure(label: str, make: Callable[[], Engine], rounds: int, watches: int) -> None:
    engine = make()
    print(f"{label}: one look at the revision {look_cost(engine):.3f} ms (median)")
    engine.dispose()
    engine = make()
    lat = edit_latency(engine, rounds)
    print(
        f"{label}: edit to counting, reload_seconds=1: median {statistics.median(lat):.2f} s, "
        f"max {max(lat):.2f} s over {len(lat)} edits"
    )
    engine.dispose()
    engine = make()
    print(
        f"{label}: set_watches with {watches} watches, one added: "
        f"{swap_cost(engine, watches):.1f} ms"
    )
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pg", default="", help="also on this PostgreSQL URL (a temporary schema)")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--watches", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        counter = iter(range(100))

        def sqlite() -> Engine:
            engine = make_engine(f"sqlite:///{Path(tmp) / f'bench{next(counter)}.db'}")
            upgrade(engine)
            return engine

        measure("SQLite", sqlite, args.rounds, args.watches)
    if args.pg:
        from sqlalchemy.engine import make_url

        schemas: list[str] = []

        def pg() -> Engine:
            schema = f"fwbench_{uuid.uuid4().hex[:10]}"
            schemas.append(schema)
            with make_engine(args.pg).begin() as conn:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            url = make_url(args.pg).update_query_dict({"options": f"-csearch_path={schema}"})
            engine = make_engine(url.render_as_string(hide_password=False))
            upgrade(engine)
            return engine

        try:
            measure("PostgreSQL", pg, args.rounds, args.watches)
        finally:
            admin = make_engine(args.pg)
            with admin.begin() as conn:
                for schema in schemas:
                    conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            admin.dispose()


if __name__ == "__main__":
    main()
