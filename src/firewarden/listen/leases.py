"""Who should own which partition: the lease policy of the NATS workers (pure).

Workers hold one lease per partition they process (see :mod:`firewarden.listen.lease_table`
for where leases live). Every round each worker looks at the leases and at the live workers
(those with a fresh heartbeat) and asks :func:`plan` what to do:

* its **fair share** (:func:`fair_share`) is ``partitions // live`` or one more: the live
  workers, sorted by id, take the ``partitions % live`` larger shares first, so every worker
  computes the same shares from the same view and nobody is left without work (a plain
  ``ceil(partitions / live)`` would let two workers hold all of 4 partitions while a third
  waits for ever);
* above its share it releases the partitions it holds beyond the share (the highest first), so
  a joining worker finds free ones;
* below its share it claims free partitions, up to its share, starting from a place that
  depends on its id so that workers starting together do not all race for partition 0.

A dead worker's leases stay until they expire; then they are free and the survivors, whose
share grew when the dead worker's heartbeat expired, claim them. Claiming is atomic (a create
that fails when the lease exists), so two workers never hold the same partition.

:class:`LeaseTiming` turns the lease time-to-live into the intervals that make this safe: a
worker renews well before expiry, and stops using a lease it could not renew *before* the
lease can expire, leaving a guard for the batch it is processing.
"""

from __future__ import annotations

import zlib
from collections.abc import Collection, Mapping
from dataclasses import dataclass

#: Seconds a lease lives without renewal (``listen work --lease-ttl``).
DEFAULT_LEASE_TTL = 15.0


@dataclass(frozen=True, slots=True)
class Plan:
    """What a worker does this round."""

    claim: tuple[int, ...] = ()
    release: tuple[int, ...] = ()


def fair_share(partitions: int, live: Collection[str], me: str) -> int:
    """How many partitions ``me`` should hold when ``live`` (plus ``me``) are working."""
    if partitions < 1:
        raise ValueError(f"partitions must be at least 1, not {partitions}")
    workers = sorted({*live, me})
    base, extra = divmod(partitions, len(workers))
    return base + (workers.index(me) < extra)


def plan(
    partitions: int,
    me: str,
    mine: Collection[int],
    holders: Mapping[int, str],
    live: Collection[str],
) -> Plan:
    """The partitions ``me`` should claim and release.

    ``mine``: the partitions ``me`` holds and means to keep (not the ones it is already
    releasing); ``holders``: partition -> worker id for every lease that exists now;
    ``live``: ids of the workers with a fresh heartbeat (``me`` counts even if absent).
    """
    share = fair_share(partitions, live, me)
    held = sorted(mine)
    if len(held) > share:
        return Plan(release=tuple(held[share:]))
    want = share - len(held)
    if want == 0:
        return Plan()
    start = zlib.crc32(me.encode()) % partitions
    order = [(start + i) % partitions for i in range(partitions)]
    free = [k for k in order if k not in holders and k not in mine]
    return Plan(claim=tuple(free[:want]))


@dataclass(frozen=True, slots=True)
class LeaseTiming:
    """Intervals derived from the lease time-to-live ``ttl`` (seconds).

    * ``renew_every`` (ttl / 5): a round of heartbeat, renewals and rebalancing.
    * ``usable_for`` (2/3 ttl): a lease renewed (or claimed) by a request sent at ``t`` is used
      (pulled from, processed) only until ``t + usable_for``. The server stores the renewal
      at or after ``t`` and expires it ``ttl`` later, so a worker that cannot renew stops at
      least ``ttl / 3`` (the guard for a batch in progress) before anyone else can claim the
      partition. Only the worker's own clock is involved: no clocks are compared.
    * ``takeover``: the bound on how long a dead worker's partitions wait: its leases and its
      heartbeat expire at most ``ttl`` after its last round, and a survivor, which sees that
      in its next round, claims them then (a round may be late by one more interval).
    """

    ttl: float

    def __post_init__(self) -> None:
        if not self.ttl > 0:
            raise ValueError(f"the lease time-to-live must be positive, not {self.ttl}")

    @property
    def renew_every(self) -> float:
        return self.ttl / 5

    @property
    def usable_for(self) -> float:
        return self.ttl * 2 / 3

    @property
    def takeover(self) -> float:
        return self.ttl + 2 * self.renew_every
