"""A NATS worker: holds leases on partitions and runs one pipeline per partition it holds.

Each worker has a unique id (host, process, random) and runs rounds every ``ttl / 5``
seconds (:class:`~firewarden.listen.leases.LeaseTiming`): it writes its heartbeat, renews
its leases, publishes the recent load of each partition it holds (messages per second,
smoothed), reads the lease table and follows :func:`~firewarden.listen.leases.plan`:
releases what the shared target gives to others, claims the free partitions it gives to
it (shares by load, with hysteresis; by count while no load is known). A partition
it could not renew is used only until ``2/3 ttl`` after the last successful renewal was
sent, so it stops pulling before anyone else can claim it. Before its first heartbeat it
checks the lease protocol in the live workers' heartbeats and refuses to join a pool that
speaks another (:data:`~firewarden.listen.lease_table.PROTOCOL`); a worker of another
protocol that joins later is reported once.

**One pipeline per held partition.** Claiming a partition builds a
:class:`~firewarden.listen.pipeline.Pipeline` over that partition's watches, which restores
the detectors from the stored buckets exactly as a restarted single-process listener does;
releasing (or losing) the partition drops it. The detector state of a watch therefore lives
exactly as long as the lease on its partition, and no worker ever runs a detector for a
watch it does not own.

**Watch edits.** With a :class:`~firewarden.listen.reload.WatchReloader` the worker looks
for edits every round; each held partition then swaps its pipeline's watch set before its
next batch (:meth:`Pipeline.set_watches`: an edited watch keeps its detector state). A
message carries the watch revision the publisher matched it with; a newer one makes the
worker reload before it processes the batch, so a watch added while running misses nothing
the publisher routed to it.

**Delivery.** Each held partition has a loop that pulls a batch from the partition's durable
consumer, processes it (in a thread, one pipeline at a time) and acknowledges it after the
commit. The store is idempotent per platform id and watch, so a batch redelivered to the next
owner (the previous one died after committing, before acknowledging) is not counted twice.
When it claims a partition whose lease expired (its owner died) and whose consumer still has
unacknowledged messages (the dead owner's batch in flight), the worker waits ``ack_wait``
before its first pull, so that those messages come back first and the detectors see the
buckets in order. A worker releasing a partition hands its unprocessed messages back at once
(``nak``), so a released partition is served without waiting.

**NATS outages.** The connection reconnects for ever and reports the outage in plain words
(:mod:`firewarden.listen.nats_connection`). While it is down the worker runs no lease
rounds (nothing could be renewed) and keeps processing the batch in hand; each partition
stops at its ``usable_until`` like any lease it cannot renew, so nobody else could have
claimed it meanwhile. Acknowledgements that do not reach the server are harmless: the
messages come back after ``ack_wait`` and find their rows stored. Once NATS is back the
rounds resume: leases that survived are renewed, expired ones are claimed again (the
partition's pipeline is rebuilt from the stored buckets, as on any claim), and the pull
subscriptions are made anew.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from firewarden.errors import ConfigError
from firewarden.listen.enrich import Enricher
from firewarden.listen.lease_table import PROTOCOL, Claim, LeaseTable, Snapshot, new_worker_id
from firewarden.listen.leases import DEFAULT_LEASE_TTL, LeaseTiming, plan, smoothed_rate
from firewarden.listen.nats_connection import close, connect, is_down
from firewarden.listen.nats_queue import Topology, decode, ensure_stream
from firewarden.listen.pipeline import Pipeline, Stats
from firewarden.listen.reload import WatchReloader, diff_watches
from firewarden.listen.watch_service import WatchRecord


@dataclass(slots=True)
class _Held:
    """A partition this worker holds."""

    number: int
    revision: int
    usable_until: float  # event-loop time
    handed_over: bool = False  # released by its previous holder, not expired
    watches: tuple[WatchRecord, ...] = ()
    pipeline: Pipeline | None = None
    task: asyncio.Task[None] | None = None
    stopping: bool = False
    failed: bool = False  # its loop ended on a NATS error (not a bug): released, claimed again
    received: int = 0  # messages since the last measurement
    rate: float = 0.0  # recent messages per second (smoothed): the partition's load
    measured: float = 0.0  # event-loop time of the last measurement
    done: asyncio.Event = field(default_factory=asyncio.Event)


class Worker:
    """One worker of the distributed mode (see the module docstring)."""

    def __init__(
        self,
        nc: Any,
        table: LeaseTable,
        engine: Engine,
        watches: Sequence[WatchRecord],
        *,
        topo: Topology,
        worker_id: str | None = None,
        batch: int = 500,
        pipeline_options: dict[str, Any] | None = None,
        on_batch: Callable[[Stats], None] | None = None,
        log: Callable[[str], None] | None = None,
        reloader: WatchReloader | None = None,
    ) -> None:
        self.nc = nc
        self.js = nc.jetstream()
        self.table = table
        self.engine = engine
        self.topo = topo
        self.id = worker_id or new_worker_id()
        self.timing = LeaseTiming(table.ttl)
        self.batch = batch
        self.options = {"enricher": Enricher(), **(pipeline_options or {})}
        self.on_batch = on_batch
        self.log = log or (lambda _: None)
        self.records = list(watches)
        #: Looks for watch edits each round; ``None``: the watch list changes only through
        #: :meth:`set_watches`.
        self.reloader = reloader
        self.held: dict[int, _Held] = {}
        self.total = Stats()
        self._busy = asyncio.Lock()  # one pipeline works at a time (they share the enricher)
        self._loop = asyncio.get_running_loop()
        self.last_work = self._loop.time()
        self._joined = False  # the pool's protocols checked, the first heartbeat written
        self._warned: set[str] = set()  # peers of another protocol already reported
        self._seen_free: set[int] = set()  # partitions free in the last round's snapshot

    # -- watches -------------------------------------------------------------------------

    def watches_of(self, partition: int) -> tuple[WatchRecord, ...]:
        return tuple(w for w in self.records if self.topo.partition_of(w.id) == partition)

    def set_watches(self, watches: Sequence[WatchRecord]) -> None:
        """Use a new watch list: held partitions swap their pipelines' watches before their
        next batch when their watches changed (an edited watch keeps its detector state)."""
        changes = diff_watches(self.records, watches)
        self.records = list(watches)
        if changes:
            self.log(changes.summary())

    async def reload(self, *, at_least: int | None = None) -> None:
        """Look for watch edits (at most once per the reloader's interval); with
        ``at_least``, reload now unless the watches read are already that recent."""
        if self.reloader is None:
            return
        reloader = self.reloader
        if at_least is not None:
            if reloader.revision is not None and reloader.revision >= at_least:
                return
            records: list[WatchRecord] | None = await asyncio.to_thread(reloader.load)
        else:
            records = await asyncio.to_thread(reloader.poll)
        if records is not None:
            self.set_watches(records)

    async def _pipeline(self, h: _Held) -> Pipeline:
        """The partition's pipeline: built from the store when missing, its watch set
        swapped when the partition's watches changed. Called with ``_busy`` held."""
        mine = self.watches_of(h.number)
        if h.pipeline is None:
            h.pipeline = await asyncio.to_thread(Pipeline, self.engine, mine, **self.options)
        elif mine != h.watches:
            await asyncio.to_thread(h.pipeline.set_watches, mine)
        h.watches = mine
        return h.pipeline

    # -- one partition -------------------------------------------------------------------

    def usable(self, h: _Held) -> bool:
        return not h.stopping and self._loop.time() < h.usable_until

    async def _serve(self, h: _Held) -> None:
        """Pull, process and acknowledge one partition until told to stop."""
        import nats.errors
        from nats.errors import TimeoutError as NatsTimeout

        k = h.number
        sub = None
        try:
            try:
                sub = await self.js.pull_subscribe(
                    self.topo.subject(k), durable=self.topo.durable(k), stream=self.topo.stream
                )
                pending = 0 if h.handed_over else (await sub.consumer_info()).num_ack_pending
            except (nats.errors.Error, TimeoutError) as exc:
                if self.nc.is_closed:
                    raise
                # NATS went away just after the claim: give the partition up; the next
                # round claims it again (or its lease expires first).
                self.log(f"partition {k}: could not subscribe ({exc!r}); giving it up for now")
                h.failed = True
                return
            async with self._busy:
                await self._pipeline(h)
            if pending:
                # A dead owner's batch is in flight: let it come back first. (A worker that
                # releases a partition hands its unprocessed messages back at once.)
                self.log(f"partition {k}: waiting {self.topo.ack_wait:g} s for redeliveries")
                until = self._loop.time() + self.topo.ack_wait
                while self.usable(h) and self._loop.time() < until:
                    self.last_work = self._loop.time()  # waiting for work is not idle
                    await asyncio.sleep(0.2)
            while self.usable(h):
                try:
                    # The outer bound guards against a pull the server never answers.
                    msgs = await asyncio.wait_for(sub.fetch(self.batch, timeout=1.0), 10.0)
                except (TimeoutError, NatsTimeout):
                    continue
                except nats.errors.Error:
                    if self.nc.is_closed:
                        raise
                    await asyncio.sleep(0.5)  # reconnecting: the lease deadline still holds
                    continue
                if not msgs:
                    continue
                async with self._busy:
                    if not self.usable(h):
                        # Released or lost meanwhile: hand the batch back at once.
                        await asyncio.gather(*(m.nak() for m in msgs))
                        break
                    decoded = [decode(m.data) for m in msgs]
                    # Matched by the publisher with newer watches than this worker's: read
                    # them first, so that a watch just added counts this batch too.
                    await self.reload(at_least=max(d.revision for d in decoded))
                    pipeline = await self._pipeline(h)
                    envs = [d.envelope for d in decoded]
                    stats = await asyncio.to_thread(pipeline.process, envs)
                # Acknowledge only after the batch is committed.
                try:
                    await asyncio.gather(*(m.ack() for m in msgs))
                except nats.errors.Error as exc:
                    # Redelivered later and found stored: nothing is counted twice.
                    self.log(f"partition {k}: acknowledgement failed ({exc!r})")
                self.total.add(stats)
                h.received += len(msgs)
                self.last_work = self._loop.time()
                if self.on_batch is not None:
                    self.on_batch(stats)
        finally:
            h.done.set()
            if sub is not None and not self.nc.is_closed:
                with contextlib.suppress(nats.errors.Error, TimeoutError):
                    await sub.unsubscribe()

    def _start(self, k: int, claim: Claim, usable_until: float, rate: float = 0.0) -> None:
        h = _Held(k, claim.revision, usable_until, claim.handed_over)
        h.rate, h.measured = rate, self._loop.time()  # the load as its last holder saw it
        h.task = asyncio.create_task(self._serve(h))
        self.held[k] = h
        self.log(f"claimed partition {k}")

    def _drop(self, h: _Held, why: str) -> None:
        """Stop using a partition without touching its lease (lost, or about to expire)."""
        h.stopping = True
        self.held.pop(h.number, None)
        self.log(f"stopped partition {h.number}: {why}")

    async def _release(self, h: _Held) -> None:
        """Finish the partition's batch in progress, then give the lease up."""
        import nats.errors

        h.stopping = True
        await h.done.wait()
        self.held.pop(h.number, None)
        try:
            if await self.table.release(h.number, h.revision):
                self.log(f"released partition {h.number}")
        except (nats.errors.Error, TimeoutError) as exc:
            # Not released: the lease expires by itself within its time-to-live.
            self.log(f"partition {h.number}: could not release its lease ({exc!r}); it "
                     f"expires within {self.table.ttl:g} s")  # fmt: skip

    # -- rounds --------------------------------------------------------------------------

    def _check_protocols(self, snap: Snapshot) -> None:
        """Refuse to join a pool whose live workers speak another lease protocol; once
        joined, report a worker of another protocol that joins (once per worker)."""
        others = {w: p for w, p in snap.protocols.items() if w != self.id and p != PROTOCOL}
        if not others:
            return
        names = ", ".join(f"{w} ({_protocol(p)})" for w, p in sorted(others.items()))
        if not self._joined:
            raise ConfigError(
                f"worker {self.id} speaks lease protocol {PROTOCOL} but the pool of stream "
                f"{self.topo.stream} has workers that speak another: {names}",
                hint="workers of two firewarden versions can disagree about who should hold "
                "which partition and keep moving partitions; stop those workers (or upgrade "
                "them to this version) and start this one again. Upgrade every worker of a "
                "stream together.",
            )
        for w in sorted(set(others) - self._warned):
            self._warned.add(w)
            self.log(f"warning: worker {w} joined the pool speaking {_protocol(others[w])}; "
                     f"this one speaks lease protocol {PROTOCOL}. Stop that worker and upgrade "
                     "it: the two can keep moving partitions between them (no mention is lost "
                     "or counted twice meanwhile)")  # fmt: skip

    async def round(self) -> None:
        """Heartbeat, renew, rebalance (after checking the pool's protocols, the first time)."""
        if not self._joined:
            first = await self.table.snapshot()
            if first is None:
                return
            self._check_protocols(first)
            self._joined = True
        await self.table.heartbeat(self.id)
        for h in list(self.held.values()):
            sent = self._loop.time()
            revision = await self.table.renew(h.number, self.id, h.revision)
            if revision is None:
                self._drop(h, "its lease was lost")
            else:
                h.revision, h.usable_until = revision, sent + self.timing.usable_for
        now = self._loop.time()
        for h in self.held.values():
            h.rate = smoothed_rate(h.rate, h.received, now - h.measured)
            h.received, h.measured = 0, now
        await self.table.report_loads({h.number: h.rate for h in self.held.values()})
        snap = await self.table.snapshot()
        if snap is None:
            return
        self._check_protocols(snap)
        # The loads as published (everybody plans with the same numbers); this worker's own
        # where the table has none yet.
        loads = {**{h.number: h.rate for h in self.held.values()}, **snap.loads}
        free = set(range(self.topo.partitions)) - set(snap.holders)
        overdue, self._seen_free = free & self._seen_free, free
        todo = plan(self.topo.partitions, self.id, self.held.keys(), snap.holders, snap.live,
                    loads, overdue)  # fmt: skip
        for k in todo.release:
            await self._release(self.held[k])
        for k in todo.claim:
            sent = self._loop.time()
            claim = await self.table.claim(k, self.id)
            if claim is not None:
                self._start(k, claim, sent + self.timing.usable_for, loads.get(k, 0.0))
        if set(self.held) != set(todo.target):
            # Still waiting for partitions (or giving some up): not idle, whatever it pulled.
            self.last_work = self._loop.time()

    def _expire(self) -> None:
        """Stop the partitions whose leases could not be renewed in time."""
        why = "its lease could not be renewed in time"
        if is_down(self.nc):
            why += " (NATS unreachable); it is claimed again once NATS is back"
        for h in list(self.held.values()):
            if not self.usable(h) and not h.stopping:
                self._drop(h, why)

    async def run(self, stop: asyncio.Event | None = None, idle_exit: float | None = None) -> Stats:
        """Work until ``stop`` is set (or, with ``idle_exit``, until it has held its share
        and processed nothing for that many seconds); then release everything. Returns the
        totals."""
        import nats.errors

        stop = stop or asyncio.Event()
        try:
            while not stop.is_set():
                began = self._loop.time()
                if is_down(self.nc):
                    # Nothing can be renewed or claimed: the outage is reported by the
                    # connection; the held partitions stop at their deadlines (below).
                    self.last_work = began  # waiting for NATS is not being idle
                else:
                    try:
                        await self.round()
                    except (nats.errors.Error, TimeoutError) as exc:
                        if self.nc.is_closed:
                            raise ConfigError(
                                f"lost the connection to NATS ({exc})",
                                hint="check that nats-server is running, then start the "
                                "worker again; its partitions are taken over by the others "
                                "meanwhile",
                            ) from None
                        self.log(f"lease round failed ({exc!r}), retrying in "
                                 f"{self.timing.renew_every:g} s")  # fmt: skip
                await self.reload()
                self._expire()
                for h in list(self.held.values()):
                    if h.done.is_set() and not h.stopping:  # its loop ended on an error
                        assert h.task is not None
                        h.task.result()  # a bug or a database error: raise it
                        if h.failed:  # a NATS error: hand the partition back
                            await self._release(h)
                if idle_exit is not None and self._loop.time() - self.last_work > idle_exit:
                    break
                wait = self.timing.renew_every - (self._loop.time() - began)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), max(wait, 0.0))
        finally:
            await self._shutdown(flush=idle_exit is not None)
        return self.total

    async def _shutdown(self, flush: bool) -> None:
        held = list(self.held.values())
        for h in held:
            h.stopping = True
        tasks = [h.task for h in held if h.task is not None]
        await asyncio.gather(*tasks, return_exceptions=True)
        if flush:  # the end of an import: close the buckets that hold mentions
            async with self._busy:
                for h in held:
                    if h.pipeline is not None:
                        self.total.alerts.extend(await asyncio.to_thread(h.pipeline.flush))
        if self.nc.is_closed or is_down(self.nc):
            if held:
                self.log(f"NATS unreachable: the leases were not released; they expire "
                         f"within {self.table.ttl:g} s")  # fmt: skip
            return
        import nats.errors

        try:
            for h in held:
                self.held.pop(h.number, None)
                await self.table.release(h.number, h.revision)
            await self.table.leave(self.id)
        except (nats.errors.Error, TimeoutError) as exc:
            self.log(f"could not release the leases ({exc!r}); they expire within "
                     f"{self.table.ttl:g} s")  # fmt: skip


def _protocol(p: int) -> str:
    return f"lease protocol {p}" if p else "no lease protocol (a firewarden from before them)"


async def work(
    url: str,
    engine: Engine,
    watches: Sequence[WatchRecord],
    *,
    topo: Topology | None = None,
    lease_ttl: float = DEFAULT_LEASE_TTL,
    worker_id: str | None = None,
    batch: int = 500,
    stop: asyncio.Event | None = None,
    idle_exit: float | None = None,
    on_batch: Callable[[Stats], None] | None = None,
    pipeline_options: dict[str, Any] | None = None,
    log: Callable[[str], None] | None = None,
    reloader: WatchReloader | None = None,
) -> Stats:
    """Connect, then run one :class:`Worker` (see :meth:`Worker.run`)."""
    topo = topo or Topology()
    nc = await connect(url, log)
    try:
        js = nc.jetstream()
        await ensure_stream(js, topo)
        table = await LeaseTable.open(js, topo.stream, lease_ttl)
        worker = Worker(nc, table, engine, watches, topo=topo, worker_id=worker_id, batch=batch,
                        pipeline_options=pipeline_options, on_batch=on_batch, log=log,
                        reloader=reloader)  # fmt: skip
        if log is not None:
            note = "" if table.ttl == lease_ttl else " (the lease bucket's, it wins)"
            log(f"worker {worker.id}: lease time-to-live {table.ttl:g} s{note}")
        return await worker.run(stop, idle_exit)
    finally:
        await close(nc)
