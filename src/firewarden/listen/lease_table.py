"""Partition leases and worker heartbeats in a JetStream key-value bucket (the NATS adapter).

One bucket per stream (``<stream>_LEASES``) whose time-to-live is the lease time-to-live:
JetStream removes a key that was not written for that long. It holds

* ``lease.p<k>`` = the id of the worker that owns partition ``k``. Claimed with a create
  (an update expecting no entry; a key whose last entry is a delete marker, a released lease,
  is free too and is claimed with an update expecting that marker),
  renewed with ``update(..., last=revision)`` (compare and set: fails when anybody else
  wrote it, or when it expired: the expired entry is gone, so the subject's last revision no
  longer matches), released with ``delete(last=revision)`` (a compare and set too: the server
  answers "wrong last sequence", error code 10071, when the lease is no longer ours).
* ``worker.<id>`` = a heartbeat, written every round; the live workers are the keys present.
* ``load.p<k>`` = the recent messages per second of partition ``k`` (a decimal number),
  written every round by its holder; it outlives a release (until the time-to-live), so the
  next holder and everybody's plan know what the partition weighs
  (:func:`firewarden.listen.leases.weights`). Workers that predate it ignore it.

Expiry is the stream's ``max_age``: the server removes entries older than the time-to-live
(leaving no delete marker, as the bucket is created without a marker time-to-live), so a dead
worker's leases and heartbeat disappear by themselves.

The bucket's own time-to-live wins over the one a worker was started with, so every worker of
a stream uses the same timing; delete the bucket (``nats kv rm``) to change it.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

LEASE = "lease.p"
WORKER = "worker."
LOAD = "load.p"


def bucket_name(stream: str) -> str:
    """The lease bucket of a stream."""
    return f"{stream}_LEASES"


def new_worker_id() -> str:
    """``<host>-<pid>-<random>``: unique, and it tells an operator where the process runs."""
    host = re.sub(r"[^A-Za-z0-9_-]+", "_", socket.gethostname())[:40] or "host"
    return f"{host}-{os.getpid()}-{secrets.token_hex(3)}"


@dataclass(frozen=True, slots=True)
class Claim:
    """A lease just claimed: its revision, and whether the previous holder released it
    (``handed_over``) rather than letting it expire (or there was none)."""

    revision: int
    handed_over: bool


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The leases (partition -> worker id), the live workers and the partitions' loads
    (partition -> messages per second, where reported), as read in one pass."""

    holders: dict[int, str]
    live: frozenset[str]
    loads: dict[int, float] = field(default_factory=dict)


class LeaseTable:
    """Leases of one stream's partitions. Methods return ``None``/``False`` when a compare and
    set fails (somebody else holds the lease, or it expired); other errors propagate."""

    def __init__(self, kv: Any, ttl: float) -> None:
        self.kv = kv
        self.ttl = ttl

    @classmethod
    async def open(cls, js: Any, stream: str, ttl: float) -> LeaseTable:
        """The stream's lease bucket, created with ``ttl`` if it does not exist yet."""
        from nats.js.errors import BucketNotFoundError

        bucket = bucket_name(stream)
        try:
            kv = await js.key_value(bucket)
        except BucketNotFoundError:
            kv = await js.create_key_value(bucket=bucket, ttl=ttl, history=1)
        status = await kv.status()
        return cls(kv, float(status.ttl or ttl))

    async def claim(self, partition: int, worker: str) -> Claim | None:
        """Take a free lease, or None when somebody holds it (or it changed meanwhile)."""
        from nats.js.errors import KeyNotFoundError, KeyWrongLastSequenceError

        key, value = f"{LEASE}{partition}", worker.encode()
        try:  # no entry at all: never held, or expired
            return Claim(int(await self.kv.update(key, value, last=0)), handed_over=False)
        except KeyWrongLastSequenceError:
            pass
        try:
            await self.kv.get(key)
            return None  # a live lease
        except KeyNotFoundError as exc:
            if exc.entry is None:  # it expired in between: free, the next round claims it
                return None
            marker = int(exc.entry.revision)  # released: its last entry is a delete marker
        try:
            return Claim(int(await self.kv.update(key, value, last=marker)), handed_over=True)
        except KeyWrongLastSequenceError:
            return None

    async def renew(self, partition: int, worker: str, revision: int) -> int | None:
        """Rewrite a lease still at ``revision``; the new revision, or None if it was lost."""
        from nats.js.errors import KeyWrongLastSequenceError

        try:
            return int(await self.kv.update(f"{LEASE}{partition}", worker.encode(), last=revision))
        except KeyWrongLastSequenceError:
            return None

    async def release(self, partition: int, revision: int) -> bool:
        """Give a lease up, if it is still at ``revision``."""
        from nats.js.errors import BadRequestError

        try:
            await self.kv.delete(f"{LEASE}{partition}", last=revision)
        except BadRequestError as exc:
            if exc.err_code in (10071, 10164):  # wrong last sequence: not ours any more
                return False
            raise
        return True

    async def heartbeat(self, worker: str) -> None:
        await self.kv.put(f"{WORKER}{worker}", b"")

    async def report_loads(self, loads: Mapping[int, float]) -> None:
        """Publish the recent load of the partitions this worker holds."""
        for k, rate in loads.items():
            await self.kv.put(f"{LOAD}{k}", f"{rate:.4g}".encode())

    async def leave(self, worker: str) -> None:
        """Remove the heartbeat (a worker stopping cleanly): the others rebalance at once."""
        await self.kv.delete(f"{WORKER}{worker}")

    async def snapshot(self) -> Snapshot | None:
        """Every lease and heartbeat present now (deleted and expired keys are absent), or
        None when the listing did not complete in time (an entry expiring while it is read
        can leave the watcher without its end marker): the caller tries again next round."""
        from nats.errors import TimeoutError as NatsTimeout

        holders: dict[int, str] = {}
        live: set[str] = set()
        loads: dict[int, float] = {}
        # A watcher on an empty bucket, or one that has delivered every entry, yields None.
        # Its (ephemeral) consumer is removed by the server once the watcher has stopped for
        # ``inactive_threshold`` (five minutes by default: a round's consumers would pile up).
        watcher = await self.kv.watchall(inactive_threshold=max(self.ttl, 5.0))
        try:
            while True:
                try:
                    entry = await watcher.updates(timeout=max(self.ttl / 5, 1.0))
                except NatsTimeout:
                    return None
                if entry is None:
                    break
                if entry.operation is not None:  # a delete or purge marker
                    continue
                if entry.key.startswith(LEASE) and entry.key[len(LEASE) :].isdigit():
                    holders[int(entry.key[len(LEASE) :])] = bytes(entry.value).decode()
                elif entry.key.startswith(WORKER):
                    live.add(entry.key[len(WORKER) :])
                elif entry.key.startswith(LOAD) and entry.key[len(LOAD) :].isdigit():
                    with contextlib.suppress(ValueError):
                        loads[int(entry.key[len(LOAD) :])] = float(bytes(entry.value).decode())
        finally:
            await watcher.stop()
        return Snapshot(holders, frozenset(live), loads)
