"""Who should own which partition: the lease policy of the NATS workers (pure).

Workers hold one lease per partition they process (see :mod:`firewarden.listen.lease_table`
for where leases live). Every round each worker looks at the leases, at the live workers
(those with a fresh heartbeat) and at the recent load of every partition (messages per
second, measured by its holder and kept in the lease table), and asks :func:`plan` what to
do. Every worker computes the same target (:func:`assignment`) from the same view and acts
on its own part of it: it releases what the target gives to others and claims the free
partitions the target gives to it.

* **Weights.** A partition weighs ``IDLE_WEIGHT`` plus its load in units of the mean load
  per partition (:func:`weights`): a partition with the average traffic weighs 1.1, a quiet
  one 0.1, a watch ten times busier than the average 10.1. Without any load known (a new
  stream, a quiet hour) every partition weighs the same and the policy balances counts.
  A partition whose load nobody has reported weighs as an average one.
* **Target.** It starts from the leases as they are (partitions stay where they are: no
  churn for its own sake); the free partitions go, heaviest first, to the least loaded
  workers; then, while some worker (the most loaded first) has a partition whose move to
  the least loaded one lowers the larger of the two loads, the best such partition moves
  (preferring one that leaves the giver above the receiver), but only when the two loads
  differ by more than the partition's weight plus ``HYSTERESIS`` times the mean weight per
  partition, plus, when the weights come from measured loads, ``LOAD_TOLERANCE`` (25 %) of
  the two workers' mean load. That margin is the hysteresis: a move leaves the two loads
  closer than the margin, so moving back would need the loads to change by more than that
  first (measured loads wobbling by 20 % move nothing; they are smoothed besides, with a
  half-life of ``LOAD_HALF_LIFE`` seconds). With equal weights the counts end at most one
  apart, as the plain count share did; two busy partitions on one worker are split once
  another worker carries less by more than one of them plus the margin. Looking past the
  most loaded worker matters from three workers on: one holding a single watch too busy to
  move must not keep the others from sharing the rest. The computation does not depend on
  the order of its inputs (sorted, exact sums), so workers with the same view reach the
  same target to the last bit.
* Claims start from a place that depends on the worker's id, so that workers starting
  together do not all race for partition 0; each partition is claimed by the worker the
  target names, or, once it has been free for a whole round, by any worker that sees it
  (``overdue``): views read at different moments can differ, and with a near tie each
  worker may name another, so that nobody claims it.

A dead worker's leases stay until they expire (their partitions are neither free nor
anybody's in the target meanwhile); then they are free and the survivors, whose loads are
now the whole, claim them. Claiming is atomic (a create that fails when the lease exists),
so two workers never hold the same partition, whatever their views.

:class:`LeaseTiming` turns the lease time-to-live into the intervals that make this safe: a
worker renews well before expiry, and stops using a lease it could not renew *before* the
lease can expire, leaving a guard for the batch it is processing.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

#: Seconds a lease lives without renewal (``listen work --lease-ttl``).
DEFAULT_LEASE_TTL = 15.0
#: What a partition without traffic weighs, against 1.0 for the mean load per partition.
IDLE_WEIGHT = 0.1
#: The margin a move must beat, in mean partition weights (see the module docstring).
HYSTERESIS = 0.5
#: The part of the two workers' mean load a move must beat besides, when loads are known:
#: measured loads that wobble by up to 20 % move nothing (25 > 20, with a little to spare).
LOAD_TOLERANCE = 0.25
#: Seconds after which a change of a partition's rate counts for half (the smoothing).
LOAD_HALF_LIFE = 30.0


@dataclass(frozen=True, slots=True)
class Plan:
    """What a worker does this round; ``target``: the partitions it should hold (all
    computed workers agree on; it holds them once it has claimed the free ones)."""

    claim: tuple[int, ...] = ()
    release: tuple[int, ...] = ()
    target: tuple[int, ...] = field(default=(), compare=False)


def fair_share(partitions: int, live: Collection[str], me: str) -> int:
    """How many partitions ``me`` holds, by count alone, when ``live`` (plus ``me``) are
    working and every partition weighs the same: ``partitions // live`` or one more (the
    workers sorted by id take the larger shares first)."""
    if partitions < 1:
        raise ValueError(f"partitions must be at least 1, not {partitions}")
    workers = sorted({*live, me})
    base, extra = divmod(partitions, len(workers))
    return base + (workers.index(me) < extra)


def weights(partitions: int, loads: Mapping[int, float]) -> list[float]:
    """Each partition's weight from the loads known (see the module docstring)."""
    if partitions < 1:
        raise ValueError(f"partitions must be at least 1, not {partitions}")
    known = {k: v for k, v in loads.items() if 0 <= k < partitions and math.isfinite(v) and v >= 0}
    total = math.fsum(known.values())  # exact: the same whatever the order of ``loads``
    if total <= 0:
        return [1.0] * partitions
    unit = total / len(known)
    return [IDLE_WEIGHT + known.get(k, unit) / unit for k in range(partitions)]


def assignment(
    partitions: int,
    owners: Mapping[int, str],
    live: Collection[str],
    weight: list[float],
    unavailable: Collection[int] = (),
    tolerance: float = 0.0,
) -> dict[int, str]:
    """The target owner of each partition: ``owners`` (partition -> live worker) kept,
    the free partitions placed, then the moves that balance the loads (module docstring).
    ``unavailable``: partitions nobody may take yet (leases of dead workers, or being
    given up); the others not in ``owners`` are free. ``tolerance``: the part of the two
    workers' mean load a move must beat besides (for measured, hence noisy, weights)."""
    workers = sorted(set(live))
    # Every worker must reach the same target from the same view, to the last bit: nothing
    # here may depend on the order of ``owners`` (sums of floats do), hence sorted and fsum.
    target = {k: owners[k] for k in sorted(owners) if owners[k] in live and 0 <= k < partitions}
    load = {w: math.fsum(weight[k] for k, o in target.items() if o == w) for w in workers}
    count = {w: sum(1 for o in target.values() if o == w) for w in workers}
    blocked = set(unavailable)
    free = [k for k in range(partitions) if k not in target and k not in blocked]
    for k in sorted(free, key=lambda k: (-weight[k], k)):
        w = min(workers, key=lambda w: (load[w], count[w], w))
        target[k] = w
        load[w] += weight[k]
        count[w] += 1
    margin = HYSTERESIS * sum(weight) / partitions
    # Every move narrows a gap larger than the weight moved, so the sum of the squared loads
    # falls with each one: this ends; the bound is only a guard.
    for _ in range(4 * partitions * len(workers)):
        # The least loaded worker is the best receiver for any giver (the margin a move must
        # beat grows with the receiver's load); the givers are tried most loaded first, so a
        # worker whose only partition is too heavy to move does not stop the others.
        low = min(workers, key=lambda w: (load[w], w))
        move: tuple[int, str] | None = None
        for high in sorted(workers, key=lambda w: (-load[w], w)):
            gap = load[high] - load[low]
            if gap <= 0:
                break
            need = margin + tolerance * (load[high] + load[low]) / 2
            movable = [k for k, w in target.items() if w == high and gap > weight[k] + need]
            if movable:
                # The move that leaves the larger of the two loads lowest, preferring one
                # that keeps the giver above the receiver: a receiver pushed above its giver
                # makes the giver the least loaded, and the others then give to it (a
                # newcomer's arrival would move partitions between the old workers).
                best = min(movable, key=lambda k: (weight[k] > gap / 2,
                                                   max(load[high] - weight[k],
                                                       load[low] + weight[k]), -k))  # fmt: skip
                move = (best, high)
                break
        if move is None:
            break
        k, high = move
        target[k] = low
        load[high] -= weight[k]
        load[low] += weight[k]
    return target


def plan(
    partitions: int,
    me: str,
    mine: Collection[int],
    holders: Mapping[int, str],
    live: Collection[str],
    loads: Mapping[int, float] | None = None,
    overdue: Collection[int] = (),
) -> Plan:
    """The partitions ``me`` should claim and release.

    ``mine``: the partitions ``me`` holds and means to keep (not the ones it is already
    releasing); ``holders``: partition -> worker id for every lease that exists now;
    ``live``: ids of the workers with a fresh heartbeat (``me`` counts even if absent);
    ``loads``: partition -> recent messages per second, where known; ``overdue``: the
    partitions ``me`` already saw free a round ago. Those are claimed whoever the target
    names: workers whose views differ (loads read at different moments, a near tie) can
    each name another for a free partition, and a partition nobody claims is not served.
    The claim is atomic, so one worker gets it; the moves put it right afterwards.
    """
    if partitions < 1:
        raise ValueError(f"partitions must be at least 1, not {partitions}")
    workers = {*live, me}
    owners = {k: w for k, w in holders.items() if w != me and w in workers}
    owners.update(dict.fromkeys(mine, me))
    # Leases of dead workers wait for their expiry; my own leases that I am not using
    # (being released, or dropped unrenewed) are not mine to plan with.
    unavailable = {k for k in holders if k not in owners}
    weight = weights(partitions, loads or {})
    measured = len(set(weight)) > 1  # loads known: the weights are measurements, with noise
    tolerance = LOAD_TOLERANCE if measured else 0.0
    target = assignment(partitions, owners, workers, weight, unavailable, tolerance)
    wanted = {k for k, w in target.items() if w == me}
    start = zlib.crc32(me.encode()) % partitions
    order = [(start + i) % partitions for i in range(partitions)]
    late = set(overdue)
    claim = tuple(
        k for k in order if (k in wanted or k in late) and k not in holders and k not in mine
    )
    release = tuple(sorted(k for k in mine if k not in wanted))
    return Plan(claim=claim, release=release, target=tuple(sorted(wanted)))


def smoothed_rate(
    previous: float, count: int, seconds: float, half_life: float = LOAD_HALF_LIFE
) -> float:
    """A partition's messages per second: ``count`` messages over the last ``seconds``
    blended into ``previous`` so that older rates count for half after ``half_life``."""
    if seconds <= 0:
        return previous
    keep = math.pow(0.5, seconds / half_life)
    return previous * keep + (count / seconds) * (1 - keep)


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
