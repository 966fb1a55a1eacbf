"""Three worker processes on the NATS server with PostgreSQL share six partitions; one is
killed (SIGKILL) mid-stream. Every partition is processed by one worker at a time (the
workers record each batch's start and end on the machine's monotonic clock), the survivors
take the dead worker's partitions over, and every count and bucket equals a single-process
run of the same input: nothing lost, nothing counted twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

from firewarden.listen.nats_queue import Topology

from .test_nats import (
    URL,
    _drop,
    leases,
    link_counts,
    mentions,
    pid_of,
    publish,
    series,
    setup_db,
    single_process,
    wait_for,
)

BRANDS = ("Alder", "Birch", "Cedar", "Dogwood", "Elm", "Fir")
PARTITIONS = 6
TTL = 2.0
PROBE = Path(__file__).with_name("lease_probe_worker.py")
pytestmark = pytest.mark.nats


@pytest.fixture
def topo() -> Iterator[Topology]:
    from conftest import require_server

    require_server("127.0.0.1", 4222, "NATS")
    import asyncio
    import uuid

    tag = uuid.uuid4().hex[:10]
    topo = Topology(stream=f"FWTEST_{tag}", prefix=f"fwtest.{tag}", partitions=PARTITIONS,
                    ack_wait=2.0)  # fmt: skip
    yield topo
    asyncio.run(_drop(topo))


def start(topo: Topology, db_url: str, record: Path, cwd: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "FIREWARDEN_DATABASE_URL": db_url}
    env.pop("FIREWARDEN_CONFIG", None)
    args = [str(record), URL, topo.stream, topo.prefix, str(topo.partitions),
            str(topo.ack_wait), str(TTL)]  # fmt: skip
    return subprocess.Popen([sys.executable, str(PROBE), *args], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # fmt: skip


def intervals(records: list[Path], killed: int, killed_at: float) -> dict[int, list[tuple]]:
    """partition -> [(start, end, pid)] of every batch; the killed worker's unfinished batch
    ends when it was killed."""
    out: dict[int, list[tuple]] = defaultdict(list)
    for path in records:
        began: dict[tuple[int, int], float] = {}
        for line in path.read_text().splitlines():
            kind, pid, k, at = line.split()
            key = (int(pid), int(k))
            if kind == "B":
                began[key] = float(at)
            else:
                out[key[1]].append((began.pop(key), float(at), key[0]))
        for (pid, k), t in began.items():
            assert pid == killed, f"worker {pid} left a batch of partition {k} unfinished"
            out[k].append((t, killed_at, pid))
    return out


def test_three_workers_one_killed_every_partition_has_one_worker_at_a_time(
    pg_db_url: str, tmp_path: Path, topo: Topology
) -> None:
    engine, records = setup_db(pg_db_url, BRANDS)
    assert sorted(topo.partition_of(r.id) for r in records) == list(range(PARTITIONS))
    batch, expected = mentions(6000, BRANDS, seed=11, seconds=2)
    half = len(batch) // 2
    files = [tmp_path / f"batches-{i}.txt" for i in range(3)]
    procs = [start(topo, pg_db_url, f, tmp_path) for f in files]
    try:

        def shared() -> bool:
            held = [pid_of(w) for w in leases(topo).holders.values()]
            return len(held) == PARTITIONS and all(held.count(p.pid) == 2 for p in procs)

        wait_for(shared, "three workers to hold two partitions each", procs)
        victim, survivors = procs[0], procs[1:]
        theirs = sorted(k for k, w in leases(topo).holders.items() if pid_of(w) == victim.pid)
        their_watches = [r for r in records if topo.partition_of(r.id) in theirs]

        publish(topo, records, batch[:half])
        wait_for(
            lambda: sum(link_counts(engine, their_watches).values()) >= 400,
            "the victim to count some mentions",
            procs,
        )
        victim.send_signal(signal.SIGKILL)
        killed_at = time.monotonic()
        victim.communicate()
        partial = link_counts(engine, their_watches)

        def taken_over() -> bool:
            snap = leases(topo)
            owners = {pid_of(w) for w in snap.holders.values()}
            return len(snap.holders) == PARTITIONS and owners == {p.pid for p in survivors}

        wait_for(taken_over, "the survivors to take the dead worker's partitions", survivors)
        publish(topo, records, batch[half:])
        logs = []
        for p in survivors:
            out, _ = p.communicate(timeout=300)
            logs.append(out.decode())
            assert p.returncode == 0, logs[-1]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.communicate()
    try:
        # Nothing lost, nothing counted twice: what one process counts, bucket by bucket.
        counts = link_counts(engine, records)
        assert counts == expected
        assert all(partial[r.name] < counts[r.name] for r in their_watches)
        ref_counts, ref_series = single_process(tmp_path, batch, BRANDS)
        assert counts == ref_counts
        assert series(engine, records) == ref_series
    finally:
        engine.dispose()
    # One worker at a time per partition: no two workers' batches of a partition overlap.
    spans = intervals(files, victim.pid, killed_at)
    assert sorted(spans) == list(range(PARTITIONS))
    for k, batches in spans.items():
        for i, (start_a, end_a, pid_a) in enumerate(batches):
            for start_b, end_b, pid_b in batches[i + 1 :]:
                assert pid_a == pid_b or end_a <= start_b or end_b <= start_a, (
                    f"partition {k}: workers {pid_a} and {pid_b} processed batches at the "
                    f"same time ({start_a:.3f}-{end_a:.3f} and {start_b:.3f}-{end_b:.3f})"
                )
    # The dead worker's partitions were served by a survivor after it died.
    for k in theirs:
        assert any(pid != victim.pid and t >= killed_at for t, _, pid in spans[k])
