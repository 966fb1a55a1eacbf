"""The distributed mode rides out a NATS server restart: a publisher process (`listen run
--queue … --workers 0`, reading a live fake Bluesky stream) and a worker process (`listen work`)
keep going while the test stops the NATS server mid-stream (SIGTERM, or SIGKILL) and starts
it again a few seconds later on the same port with the same store. Every mention is stored
once and every bucket holds what a single process counts from the same input.

The test runs its own nats-server (never the shared one on 4222): the binary is found on the
PATH (or FIREWARDEN_TEST_NATS_SERVER); without it the test is skipped with the reason (a
failure under CI=true).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from firewarden.listen.mention import Mention
from firewarden.listen.nats_connection import server_name
from firewarden.listen.sources.bluesky_jetstream import parse_event

from .fake_jetstream import FakeJetstream, post_event
from .test_nats import link_counts, mentions, series, setup_db, single_process

pytestmark = [pytest.mark.nats, pytest.mark.postgres]

TTL = 2.0  # the lease time-to-live: an outage of OUTAGE seconds outlives every lease
OUTAGE = 7.0  # longer than a publish's acknowledgement timeout (5 s): publishes fail


def nats_server_binary() -> str:
    name = os.environ.get("FIREWARDEN_TEST_NATS_SERVER", "nats-server")
    found = shutil.which(name)
    if found is None:
        message = f"{name} is not on the PATH (install it, or set FIREWARDEN_TEST_NATS_SERVER)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}; CI needs it")
        pytest.skip(message)
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class OwnNats:
    """A nats-server with JetStream on a port and store of its own, stopped and restarted
    by the test."""

    def __init__(self, binary: str, store: Path, log: Path) -> None:
        self.binary = binary
        self.store = store
        self.log = log
        self.port = free_port()
        self.url = f"nats://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        args = [self.binary, "-js", "-sd", str(self.store), "-a", "127.0.0.1",
                "-p", str(self.port)]  # fmt: skip
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while True:
            assert self.proc.poll() is None, self.log.read_text()
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                assert time.monotonic() < deadline, "nats-server did not start"
                time.sleep(0.1)

    def stop(self, how: signal.Signals) -> None:
        assert self.proc is not None
        self.proc.send_signal(how)
        self.proc.wait(30)
        self.proc = None


@pytest.fixture
def own_nats(tmp_path: Path) -> Iterator[OwnNats]:
    server = OwnNats(nats_server_binary(), tmp_path / "jetstream", tmp_path / "nats.log")
    server.start()
    try:
        yield server
    finally:
        if server.proc is not None:
            server.proc.kill()
            server.proc.wait(30)


class Proc:
    """A firewarden process whose output lines are collected as they come."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "firewarden", *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self._seen = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with self._seen:
                self.lines.append(line)
                self._seen.notify_all()

    def count(self, text: str) -> int:
        with self._seen:
            return sum(text in line for line in self.lines)

    def wait_for(self, text: str, times: int = 1) -> None:
        with self._seen:
            ok = self._seen.wait_for(
                lambda: sum(text in x for x in self.lines) >= times or self.proc.poll() is not None,
                120,
            )
        assert ok and self.count(text) >= times, f"no {text!r} in:\n{self.output}"

    @property
    def output(self) -> str:
        with self._seen:
            return "".join(self.lines)

    def stop(self) -> int:
        """SIGTERM, then the exit code."""
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(120)
        self._reader.join(10)
        return code

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(30)
        if self.proc.stdout is not None:
            self.proc.stdout.close()


def event_of(n: int, m: Mention) -> dict[str, Any]:
    """The n-th Bluesky post event, saying what mention ``m`` says when it says it."""
    event = post_event(n)
    record = event["commit"]["record"]
    record["text"] = m.text
    record["createdAt"] = m.created_at.isoformat().replace("+00:00", "Z")
    record.pop("reply", None)
    record.pop("embed", None)
    return event


def wait_until(condition: Any, what: str, procs: list[Proc]) -> None:
    deadline = time.monotonic() + 180
    while not condition():
        for p in procs:
            assert p.proc.poll() is None, f"a process exited while waiting for {what}:\n{p.output}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "sigkill"])
def test_a_nats_restart_mid_stream_loses_nothing_and_counts_nothing_twice(
    own_nats: OwnNats, pg_db_url: str, tmp_path: Path, how: signal.Signals
) -> None:
    engine, records = setup_db(pg_db_url)
    batch, expected = mentions(3000)
    events = [event_of(n, m) for n, m in enumerate(batch)]
    parsed = [parse_event(e) for e in events]
    reference_input = [m for m in parsed if m is not None]
    assert len(reference_input) == len(batch)
    thirds = [events[:1000], events[1000:2000], events[2000:]]

    source = FakeJetstream(0, live=True)
    config = tmp_path / "firewarden.toml"
    config.write_text(f'[listen.sources.bluesky]\nurl = "{source.url}"\n')
    env = {**os.environ, "FIREWARDEN_DATABASE_URL": pg_db_url, "PYTHONUNBUFFERED": "1"}
    env.pop("FIREWARDEN_CONFIG", None)
    topology = ["--queue", own_nats.url, "--partitions", "4", "--ack-wait", "2"]
    worker = Proc(["--config", str(config), "listen", "work", *topology,
                   "--lease-ttl", str(TTL)], env)  # fmt: skip
    publisher = Proc(["--config", str(config), "listen", "run", *topology, "--workers", "0"], env)
    procs = [worker, publisher]
    server = server_name(own_nats.url)
    try:
        publisher.wait_for("listening to bluesky:jetstream")
        publisher.wait_for("publishing to NATS at")
        worker.wait_for("claimed partition")
        source.append(*thirds[0])
        wait_until(
            lambda: sum(link_counts(engine, records).values()) >= 300,
            "the worker to count some mentions",
            procs,
        )

        # Mid-stream: NATS goes away, and the stream goes on meanwhile.
        claims_before = worker.count("claimed partition")
        own_nats.stop(how)
        source.append(*thirds[1])
        worker.wait_for(f"NATS at {server} unreachable since")
        publisher.wait_for(f"NATS at {server} unreachable since")
        # The worker stops using the leases it cannot renew ...
        worker.wait_for("its lease could not be renewed in time (NATS unreachable)")
        # ... and the publisher holds on to what it could not publish.
        publisher.wait_for("JetStream did not acknowledge")
        time.sleep(max(0.0, OUTAGE - 5.0))
        own_nats.start()

        worker.wait_for(f"NATS at {server} reachable again")
        publisher.wait_for(f"NATS at {server} reachable again")
        # After the outage the worker claims its partitions again.
        worker.wait_for("claimed partition", claims_before + 1)
        source.append(*thirds[2])
        wait_until(
            lambda: link_counts(engine, records) == expected,
            "every mention to be counted",
            procs,
        )
        publisher.wait_for("JetStream acknowledged the")
        assert publisher.stop() == 0, publisher.output
        assert worker.stop() == 0, worker.output
    finally:
        for p in procs:
            p.kill()
        source.close()

    # Each mention stored once (every watch counted it once) ...
    counts = link_counts(engine, records)
    assert counts == expected
    # ... and exactly what one process counts from the same input, bucket by bucket.
    ref_counts, ref_series = single_process(tmp_path, reference_input)
    assert counts == ref_counts
    assert series(engine, records) == ref_series
    engine.dispose()


def test_stopped_during_an_outage_the_processes_exit_cleanly(
    own_nats: OwnNats, pg_db_url: str, tmp_path: Path
) -> None:
    """SIGTERM while NATS is down: the worker leaves its leases to expire, the publisher
    gives up the publish it was retrying without saving its cursor; both exit with 0."""
    engine, _ = setup_db(pg_db_url)
    engine.dispose()
    batch, _ = mentions(600)
    source = FakeJetstream(0, live=True)
    config = tmp_path / "firewarden.toml"
    config.write_text(f'[listen.sources.bluesky]\nurl = "{source.url}"\n')
    env = {**os.environ, "FIREWARDEN_DATABASE_URL": pg_db_url, "PYTHONUNBUFFERED": "1"}
    env.pop("FIREWARDEN_CONFIG", None)
    topology = ["--queue", own_nats.url, "--partitions", "4", "--ack-wait", "2"]
    # A long time-to-live: the worker still holds its leases when it is stopped.
    worker = Proc(["--config", str(config), "listen", "work", *topology, "--lease-ttl", "60"], env)
    publisher = Proc(["--config", str(config), "listen", "run", *topology, "--workers", "0"], env)
    try:
        publisher.wait_for("listening to bluesky:jetstream")
        publisher.wait_for("publishing to NATS at")
        worker.wait_for("claimed partition", 4)
        own_nats.stop(signal.SIGKILL)
        source.append(*(event_of(n, m) for n, m in enumerate(batch)))
        publisher.wait_for("JetStream did not acknowledge")
        worker.wait_for("unreachable since")
        assert worker.stop() == 0, worker.output
        assert publisher.stop() == 0, publisher.output
    finally:
        for p in (worker, publisher):
            p.kill()
        source.close()
    assert "NATS unreachable: the leases were not released; they expire within 60 s" in (
        worker.output
    )
    assert "stopped while NATS was unreachable" in publisher.output
    assert "Traceback" not in worker.output + publisher.output


def test_the_outage_messages_say_where_since_when_and_what_to_do() -> None:
    from firewarden.listen.nats_connection import Outage, reachable_message

    now = [1_767_600_000.0]  # 2026-01-05 08:00:00 UTC
    lines: list[str] = []
    outage = Outage("nats://user:secret@nats.internal:4333", lines.append, wait=2,
                    report_every=30, clock=lambda: now[0])  # fmt: skip
    asyncio.run(outage.on_disconnected())  # before the first connection: not an outage
    assert lines == []
    outage.client = type("Connected", (), {"is_closed": False})()
    asyncio.run(outage.on_disconnected())
    now[0] += 10
    outage.failed_attempt()  # too soon for a reminder
    now[0] += 25
    outage.failed_attempt()
    now[0] += 5
    outage.disconnected()  # the same outage
    outage.reconnected()
    outage.reconnected()  # nothing more to say
    assert lines[0].startswith(
        "NATS at nats.internal:4333 unreachable since 2026-01-05 08:00:00 UTC, retrying every 2 s."
    )
    assert "check that nats-server is running" in lines[0]
    assert "(35 s)" in lines[1] and "since 2026-01-05 08:00:00 UTC" in lines[1]
    assert lines[2] == reachable_message("nats.internal:4333", 1_767_600_000.0, now[0])
    assert lines[2] == "NATS at nats.internal:4333 reachable again after 40 s; carrying on"
    assert len(lines) == 3 and outage.outages == 1
    assert all("secret" not in line for line in lines)
