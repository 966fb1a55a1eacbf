"""The distributed mode: mentions on NATS JetStream, partitioned by watch, several workers.

* **Publisher** (``firewarden listen run --queue nats://…`` runs it beside the sources):
  matches each mention to the watches and publishes it once per partition that owns one of
  them, on ``<prefix>.p<k>``, with ``Nats-Msg-Id = platform:id:p<k>`` so JetStream drops a
  republished duplicate. Each message carries the watch revision it was matched with: a
  worker that receives a newer one reloads its watches before counting it, so a watch added
  while running never misses a mention the publisher routed to it. A source's cursor is
  saved only after JetStream has acknowledged everything before it: a restarted publisher
  re-sends at most what was in flight. A publish that is not acknowledged (NATS restarting,
  unreachable, JetStream not ready yet) is sent again every ``retry_wait`` seconds until it
  is, however long that takes; the message id makes a copy that did arrive harmless, and
  the store is idempotent besides.
* **Stream**: one durable (file-stored) stream over ``<prefix>.*``, ``partitions`` subjects.
  A watch belongs to partition ``watch_id % partitions``, so each watch's series has one
  owner.
* **Workers** (:mod:`firewarden.listen.nats_worker`): each holds leases on a fair share of
  the partitions (:mod:`firewarden.listen.leases`, :mod:`firewarden.listen.lease_table`),
  reads each held partition through its durable pull consumer (explicit acks) and runs the
  ordinary pipeline over that partition's watches. It acknowledges a batch after the
  pipeline has committed it (idempotent store): a worker killed mid-batch loses nothing (the
  messages are redelivered after ``ack_wait``, to whoever holds the partition then) and
  counts nothing twice (the redelivered mentions find their rows); its partitions are taken
  over by the others once its leases expire.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from firewarden.errors import ConfigError
from firewarden.listen.mention import Mention
from firewarden.listen.nats_connection import RECONNECT_WAIT
from firewarden.listen.pipeline import Envelope
from firewarden.listen.reload import WatchChanges, diff_watches
from firewarden.listen.watch_service import WatchRecord
from firewarden.listen.watches import WatchSet

DEFAULT_URL = "nats://127.0.0.1:4222"


@dataclass(frozen=True, slots=True)
class Topology:
    """Names and sizes shared by the publisher and the workers."""

    stream: str = "FIREWARDEN_MENTIONS"
    prefix: str = "firewarden.mentions"
    partitions: int = 16
    ack_wait: float = 30.0

    def subject(self, partition: int) -> str:
        return f"{self.prefix}.p{partition}"

    def durable(self, partition: int) -> str:
        return f"{self.stream.lower()}_p{partition}"

    def partition_of(self, watch_id: int) -> int:
        return watch_id % self.partitions


def encode(env: Envelope, revision: int = 0) -> bytes:
    """The message: the mention, its source and cursor, and the watch revision the publisher
    matched it with (``r``)."""
    body = {"m": env.mention.to_dict(), "s": env.source, "c": env.cursor, "r": revision}
    return json.dumps(body).encode()


@dataclass(frozen=True, slots=True)
class Message:
    """A decoded message: the envelope, and the watch revision it was matched with."""

    envelope: Envelope
    revision: int


def decode(data: bytes) -> Message:
    raw = json.loads(data)
    # The worker saves no source cursors: the publisher does, after JetStream's acks.
    return Message(Envelope(Mention.from_dict(raw["m"])), int(raw.get("r", 0)))


async def ensure_stream(js: Any, topo: Topology) -> None:
    """Create (or keep) the durable stream and one durable consumer per partition."""
    from nats.errors import NoRespondersError
    from nats.js.api import AckPolicy, ConsumerConfig, StreamConfig
    from nats.js.errors import NotFoundError, ServiceUnavailableError

    config = StreamConfig(
        name=topo.stream,
        subjects=[f"{topo.prefix}.*"],
        duplicate_window=300.0,
    )
    try:
        await js.stream_info(topo.stream)
    except NotFoundError:
        await js.add_stream(config)
    except (NoRespondersError, ServiceUnavailableError):
        raise ConfigError(
            "the NATS server does not run JetStream",
            hint="start it with JetStream enabled: nats-server -js",
        ) from None
    for k in range(topo.partitions):
        await js.add_consumer(
            topo.stream,
            ConsumerConfig(
                durable_name=topo.durable(k),
                filter_subject=topo.subject(k),
                ack_policy=AckPolicy.EXPLICIT,
                ack_wait=topo.ack_wait,
                max_ack_pending=20_000,
            ),
        )


class Publisher:
    """Publishes envelopes to the partitions of the watches they match."""

    def __init__(
        self,
        js: Any,
        topo: Topology,
        watches: Sequence[WatchRecord],
        revision: int = 0,
        *,
        log: Callable[[str], None] | None = None,
        retry_wait: float = RECONNECT_WAIT,
        stopping: Callable[[], bool] = lambda: False,
    ) -> None:
        from firewarden.listen.enrich import Enricher

        self.js = js
        self.log = log or (lambda _: None)
        self.retry_wait = retry_wait
        #: Asked between retries: True gives up (:class:`Abandoned`) instead of waiting on.
        self.stopping = stopping
        self.retried = 0  # messages sent again because their acknowledgement did not come
        self.topo = topo
        self.records: list[WatchRecord] = []
        self.watchset = WatchSet([])
        self.revision = 0
        self.set_watches(watches, revision)
        self.enricher = Enricher(limit=20_000)
        self.published = 0  # messages (a mention goes to each partition it matters to)
        self.matched = 0  # mentions that matched a watch

    def set_watches(self, watches: Sequence[WatchRecord], revision: int) -> WatchChanges:
        """Match with a new watch set (call between batches); ``revision`` is the watch
        revision it was read at, carried by every message so that a worker still on an older
        set reloads before it counts the message."""
        changes = diff_watches(self.records, watches)
        self.records = list(watches)
        self.watchset = WatchSet([w.watch for w in watches])
        self.revision = revision
        return changes

    def partitions(self, m: Mention) -> set[int]:
        facts = self.enricher.facts(m.text, m.language)
        hits = self.watchset.match(m, facts.folded.text, facts.language)
        return {self.topo.partition_of(self.records[h.watch].id) for h in hits}

    async def publish(self, batch: Sequence[Envelope]) -> dict[str, str]:
        """Publish a batch and wait for every acknowledgement (retrying those that do not
        come, see the module docstring); returns the cursors reached."""
        messages: list[tuple[str, bytes, str]] = []
        cursors: dict[str, str] = {}
        for env in batch:
            owners = self.partitions(env.mention)
            self.matched += bool(owners)
            data = encode(env, self.revision)
            for k in sorted(owners):
                messages.append((self.topo.subject(k), data, f"{env.mention.key}:p{k}"))
            if env.source and env.cursor:
                cursors[env.source] = env.cursor
        for i in range(0, len(messages), 500):
            await self._send(messages[i : i + 500])
        self.published += len(messages)
        return cursors

    async def _send(self, messages: Sequence[tuple[str, bytes, str]]) -> None:
        """Publish until JetStream has acknowledged every message."""
        todo = list(messages)
        failing_since: float | None = None
        while True:
            results = await asyncio.gather(
                *(self.js.publish(s, d, headers={"Nats-Msg-Id": i}) for s, d, i in todo),
                return_exceptions=True,
            )
            failed = [
                (m, r) for m, r in zip(todo, results, strict=True) if isinstance(r, BaseException)
            ]
            if not failed:
                if failing_since is not None:
                    self.log(
                        f"JetStream acknowledged the {len(messages)} messages held back "
                        f"after {time.time() - failing_since:.0f} s; publishing on"
                    )
                return
            for _, exc in failed:
                if not retryable(exc):
                    raise exc
            if failing_since is None:
                failing_since = time.time()
                self.log(
                    f"JetStream did not acknowledge {len(failed)} of {len(todo)} messages "
                    f"({type(failed[0][1]).__name__}); sending them again every "
                    f"{self.retry_wait:g} s until it does. Reading from the sources waits "
                    "meanwhile; nothing is lost or counted twice."
                )
            self.retried += len(failed)
            todo = [m for m, _ in failed]
            if self.stopping():
                raise Abandoned(len(todo))
            await asyncio.sleep(self.retry_wait)


class Abandoned(Exception):
    """The publisher was stopped while messages still waited for their acknowledgement:
    the batch's cursors are not saved, so its mentions are read again on the next start."""

    def __init__(self, unacknowledged: int) -> None:
        super().__init__(f"{unacknowledged} messages were not acknowledged")
        self.unacknowledged = unacknowledged


def retryable(exc: BaseException) -> bool:
    """True for the errors of a publish that an outage explains (no connection, no answer,
    JetStream not ready yet): sent again, it will be taken. False for the others (a closed
    connection, a message refused for what it is), which propagate."""
    import nats.errors
    from nats.js.errors import APIError, ServiceUnavailableError

    if isinstance(exc, nats.errors.ConnectionClosedError | nats.errors.MaxPayloadError):
        return False
    if isinstance(exc, ServiceUnavailableError):
        return True
    if isinstance(exc, APIError):  # the server answered and refused: retrying cannot help
        return False
    return isinstance(exc, nats.errors.Error | TimeoutError | OSError)
