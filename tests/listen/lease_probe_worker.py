"""A worker process for the pool tests: `firewarden listen work`'s worker, which also writes
one line when it starts and one when it ends processing a batch, naming the partition and
the time on the machine's monotonic clock (the same in every process), so a test can check
that no two workers ever processed one partition at the same time.

    python lease_probe_worker.py RECORD_FILE NATS_URL STREAM PREFIX PARTITIONS ACK_WAIT TTL

The database comes from FIREWARDEN_DATABASE_URL. Lines: ``B <pid> <partition> <time>`` and
``E <pid> <partition> <time>``.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import Sequence
from typing import Any, TextIO

from firewarden.listen import nats_worker
from firewarden.listen.nats_queue import Topology
from firewarden.listen.pipeline import Envelope, Pipeline, Stats
from firewarden.listen.watch_service import WatchRecord, all_enabled_watches
from firewarden.store.engine import make_engine, session_factory


def recording(out: TextIO, topo: Topology) -> Any:
    pid = os.getpid()

    def make(engine: Any, watches: Sequence[WatchRecord], **options: Any) -> Pipeline:
        pipeline = Pipeline(engine, watches, **options)
        parts = sorted({topo.partition_of(w.id) for w in watches})
        process = pipeline.process

        def recorded(batch: Sequence[Envelope]) -> Stats:
            for k in parts:
                out.write(f"B {pid} {k} {time.monotonic():.6f}\n")
            out.flush()
            try:
                return process(batch)
            finally:
                for k in parts:
                    out.write(f"E {pid} {k} {time.monotonic():.6f}\n")
                out.flush()

        pipeline.process = recorded  # type: ignore[method-assign]
        return pipeline

    return make


def main() -> None:
    record, url, stream, prefix, partitions, ack_wait, ttl = sys.argv[1:8]
    topo = Topology(stream=stream, prefix=prefix, partitions=int(partitions),
                    ack_wait=float(ack_wait))  # fmt: skip
    engine = make_engine(os.environ["FIREWARDEN_DATABASE_URL"])
    with session_factory(engine)() as s:
        records = all_enabled_watches(s)
    with open(record, "a", encoding="utf-8") as out:
        nats_worker.Pipeline = recording(out, topo)  # type: ignore[misc]
        stats = asyncio.run(
            nats_worker.work(url, engine, records, topo=topo, lease_ttl=float(ttl),
                             idle_exit=12.0, log=lambda line: print(line, file=sys.stderr))
        )  # fmt: skip
    engine.dispose()
    print(f"worker: {stats.counted} counted", file=sys.stderr)


if __name__ == "__main__":
    main()
