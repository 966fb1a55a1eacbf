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
  Its value names the lease protocol the worker speaks (``{"protocol": 3}``, :data:`PROTOCOL`);
  workers from before protocol versions wrote an empty value (protocol 0 here).
* ``load.p<k>`` = the recent messages per second of partition ``k`` (a decimal number),
  written every round by its holder; it outlives a release (until the time-to-live), so the
  next holder and everybody's plan know what the partition weighs
  (:func:`firewarden.listen.leases.weights`). Workers that predate it ignore it.

Expiry is the stream's ``max_age``: the server removes entries older than the time-to-live
(leaving no delete marker, as the bucket is created without a marker time-to-live), so a dead
worker's leases and heartbeat disappear by themselves.

The bucket's own time-to-live wins over the one a worker was started with, so every worker of
a stream uses the same timing; delete the bucket (``nats kv rm``) to change it.

**Reading the table** (:meth:`LeaseTable.snapshot`) lists the keys present with one stream
information request (``subjects_filter``: the server answers from one state of the stream),
then reads each key's current entry. A key rewritten after the listing is read with its new
value; one deleted or expired after the listing is left out (a delete marker or no entry: the
key-value "not found"). So every key that exists throughout the read is in the view, each
with a value at least as recent as the listing; a key created after the listing waits for the
next round. (A key-value watcher, used before, marks "all current values delivered" by the
consumer's pending count, which can reach zero too early while keys are being rewritten: a
rewritten lease could be missing from the view.)
"""

from __future__ import annotations

import asyncio
import contextlib
import json
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
#: The lease protocol this code speaks, written in every heartbeat. 0: none given (workers
#: from before versions: count shares, then load shares with ``load.pK``); 3: these rules.
#: Workers of different protocols can disagree about the target and keep moving partitions
#: (never unsafely), so a worker refuses to join a pool that speaks another one.
PROTOCOL = 3


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
    """The leases (partition -> worker id), the live workers, the partitions' loads
    (partition -> messages per second, where reported) and the lease protocol of every live
    worker (0: none given), as the table was at one moment."""

    holders: dict[int, str]
    live: frozenset[str]
    loads: dict[int, float] = field(default_factory=dict)
    protocols: dict[str, int] = field(default_factory=dict, compare=False)


def heartbeat_value(protocol: int = PROTOCOL) -> bytes:
    return json.dumps({"protocol": protocol}).encode()


def protocol_of(value: bytes) -> int:
    """The protocol a heartbeat names; 0 for an empty or unreadable one (an older worker)."""
    try:
        data = json.loads(value)
    except ValueError:
        return 0
    proto = data.get("protocol") if isinstance(data, dict) else None
    return proto if isinstance(proto, int) and not isinstance(proto, bool) else 0


def parse(entries: Mapping[str, bytes]) -> Snapshot:
    """The snapshot of the table's current entries (key -> value; deleted keys absent)."""
    holders: dict[int, str] = {}
    protocols: dict[str, int] = {}
    loads: dict[int, float] = {}
    for key, value in entries.items():
        if key.startswith(LEASE) and key[len(LEASE) :].isdigit():
            holders[int(key[len(LEASE) :])] = value.decode()
        elif key.startswith(WORKER):
            protocols[key[len(WORKER) :]] = protocol_of(value)
        elif key.startswith(LOAD) and key[len(LOAD) :].isdigit():
            with contextlib.suppress(ValueError):
                loads[int(key[len(LOAD) :])] = float(value.decode())
    return Snapshot(holders, frozenset(protocols), loads, protocols)


class LeaseTable:
    """Leases of one stream's partitions. Methods return ``None``/``False`` when a compare and
    set fails (somebody else holds the lease, or it expired); other errors propagate."""

    def __init__(self, kv: Any, ttl: float, *, js: Any, bucket: str) -> None:
        self.kv = kv
        self.ttl = ttl
        self.js = js  # reads the bucket's stream (snapshot)
        self.stream = f"KV_{bucket}"  # the key-value conventions of JetStream
        self.prefix = f"$KV.{bucket}."

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
        return cls(kv, float(status.ttl or ttl), js=js, bucket=bucket)

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
        await self.kv.put(f"{WORKER}{worker}", heartbeat_value())

    async def report_loads(self, loads: Mapping[int, float]) -> None:
        """Publish the recent load of the partitions this worker holds."""
        for k, rate in loads.items():
            await self.kv.put(f"{LOAD}{k}", f"{rate:.4g}".encode())

    async def leave(self, worker: str) -> None:
        """Remove the heartbeat (a worker stopping cleanly): the others rebalance at once."""
        await self.kv.delete(f"{WORKER}{worker}")

    async def snapshot(self) -> Snapshot | None:
        """The table as it is now: every lease, heartbeat and load present (deleted and
        expired keys absent), complete even while keys are rewritten or deleted during the
        read (module docstring). None when the server did not answer within a round's
        interval: the caller tries again next round."""
        try:
            return await asyncio.wait_for(self._read(), max(self.ttl / 5, 1.0))
        except TimeoutError:
            return None

    async def _read(self) -> Snapshot:
        from nats.js.errors import KeyNotFoundError

        info = await self.js.stream_info(self.stream, subjects_filter=f"{self.prefix}>")
        keys = sorted(s[len(self.prefix) :] for s in (info.state.subjects or {}))

        async def value(key: str) -> bytes | None:
            try:
                entry = await self.kv.get(key)
            except KeyNotFoundError:  # deleted (a delete marker) or expired since the listing
                return None
            return bytes(entry.value or b"")

        values = await asyncio.gather(*(value(k) for k in keys))
        return parse({k: v for k, v in zip(keys, values, strict=True) if v is not None})
