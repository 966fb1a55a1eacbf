"""The lease policy with pools of three to five workers (pure): random load patterns converge
to a split balanced within the stated margin, wobbling loads move nothing, and a worker that
leaves or joins moves only what it must."""

from __future__ import annotations

import random
from collections.abc import Mapping

import pytest

from firewarden.listen.leases import (
    HYSTERESIS,
    LOAD_TOLERANCE,
    plan,
    weights,
)

PARTITIONS = 16
POOLS = (3, 4, 5)
Move = tuple[int, str, str]


def pool(n: int) -> list[str]:
    return [f"host-{100 + i}-w{i}" for i in range(n)]


class Pool:
    """Workers playing rounds one after the other on a shared lease table, each as
    ``Worker.round`` does: it remembers which partitions it saw free in its last round (a
    claim is a create: it must find the lease free)."""

    def __init__(self, workers: list[str], holders: dict[int, str] | None = None) -> None:
        self.workers = list(workers)
        self.holders: dict[int, str] = dict(holders or {})
        self.seen_free: dict[str, set[int]] = {}
        self.released: dict[int, str] = {}

    def set_workers(self, workers: list[str]) -> None:
        self.workers = list(workers)
        # A dead worker's leases expire (they vanish from the table).
        self.holders = {k: w for k, w in self.holders.items() if w in workers}

    def play(self, loads: Mapping[int, float] | None, rounds: int = 1) -> list[Move]:
        """Everybody plays ``rounds`` rounds; returns the moves, as (partition, released
        by, claimed by), "" for a partition that was free."""
        moves: list[Move] = []
        for _ in range(rounds):
            for me in self.workers:
                mine = {k for k, w in self.holders.items() if w == me}
                free = set(range(PARTITIONS)) - set(self.holders)
                overdue = free & self.seen_free.get(me, set())
                todo = plan(PARTITIONS, me, mine, self.holders, self.workers, loads, overdue)
                for k in todo.release:
                    assert self.holders[k] == me
                    del self.holders[k]
                    self.released[k] = me
                for k in todo.claim:
                    assert k not in self.holders
                    self.holders[k] = me
                    moves.append((k, self.released.pop(k, ""), me))
                self.seen_free[me] = set(range(PARTITIONS)) - set(self.holders)
        return moves

    def settle(self, loads: Mapping[int, float] | None, limit: int = 8) -> tuple[int, list[Move]]:
        """Rounds until one changes nothing; returns how many rounds changed something,
        and every move made."""
        moves: list[Move] = []
        for n in range(limit):
            before = dict(self.holders)
            moves += self.play(loads)
            if self.holders == before and len(self.holders) == PARTITIONS:
                return n, moves
        raise AssertionError(f"no convergence in {limit} rounds: {self.holders}")


def random_loads(rng: random.Random) -> dict[int, float]:
    """Messages per second per partition: mostly quiet, some busy, now and then one watch
    far busier than the rest."""
    pattern = rng.choice(("mixed", "skewed", "flat", "one-hot"))
    if pattern == "mixed":
        return {k: float(rng.choice((0, 1, 5, 20, 80))) for k in range(PARTITIONS)}
    if pattern == "skewed":
        return {k: rng.lognormvariate(1.0, 1.5) for k in range(PARTITIONS)}
    if pattern == "flat":
        return {k: rng.uniform(8.0, 12.0) for k in range(PARTITIONS)}
    hot = rng.randrange(PARTITIONS)
    return {k: 400.0 if k == hot else rng.uniform(0.0, 3.0) for k in range(PARTITIONS)}


def worker_loads(holders: Mapping[int, str], weight: list[float], workers: list[str]) -> dict:
    out = dict.fromkeys(workers, 0.0)
    for k, w in holders.items():
        out[w] += weight[k]
    return out


def assert_balanced(
    holders: Mapping[int, str], loads: Mapping[int, float] | None, workers: list[str]
) -> None:
    """The stated margin (leases.py): no partition could move from any worker to a less
    loaded one with the two loads differing by more than its weight, plus HYSTERESIS mean
    partition weights, plus (measured loads) LOAD_TOLERANCE of the two workers' mean load."""
    weight = weights(PARTITIONS, loads or {})
    measured = len(set(weight)) > 1
    tolerance = LOAD_TOLERANCE if measured else 0.0
    margin = HYSTERESIS * sum(weight) / PARTITIONS
    load = worker_loads(holders, weight, workers)
    for k, a in holders.items():
        for b in workers:
            gap = load[a] - load[b]
            need = margin + tolerance * (load[a] + load[b]) / 2
            assert gap <= weight[k] + need + 1e-9, (
                f"partition {k} ({weight[k]:.2f}) should move from {a} ({load[a]:.2f}) "
                f"to {b} ({load[b]:.2f})"
            )


@pytest.mark.parametrize("workers", POOLS)
def test_without_loads_the_counts_end_at_most_one_apart(workers: int) -> None:
    ids = pool(workers)
    p = Pool(ids)
    rounds, _ = p.settle(None)
    assert rounds <= 2
    counts = sorted(list(p.holders.values()).count(w) for w in ids)
    assert counts[-1] - counts[0] <= 1 and sum(counts) == PARTITIONS


@pytest.mark.parametrize("workers", POOLS)
@pytest.mark.parametrize("seed", range(12))
def test_random_loads_converge_to_a_split_balanced_within_the_margin(
    workers: int, seed: int
) -> None:
    rng = random.Random(1000 * workers + seed)
    loads = random_loads(rng)
    ids = pool(workers)
    p = Pool(ids)
    p.settle(loads)
    assert_balanced(p.holders, loads, ids)
    # From another start: one worker holding everything, the others just started.
    p = Pool(ids, dict.fromkeys(range(PARTITIONS), ids[0]))
    rounds, _ = p.settle(loads)
    assert rounds <= 6
    assert_balanced(p.holders, loads, ids)


def test_a_lone_busy_watch_does_not_keep_the_others_from_balancing() -> None:
    """The worker with the busiest watch cannot give it away; a worker joining must still
    get a part of the rest (with moves only from the most loaded worker, it got nothing)."""
    ids = pool(3)
    loads = dict.fromkeys(range(PARTITIONS), 1.0) | {5: 400.0}
    p = Pool(ids, {k: (ids[0] if k == 5 else ids[1]) for k in range(PARTITIONS)})
    p.settle(loads)
    assert [k for k, w in p.holders.items() if w == ids[0]] == [5]
    assert sum(1 for w in p.holders.values() if w == ids[2]) >= 4
    assert_balanced(p.holders, loads, ids)


@pytest.mark.parametrize("workers", POOLS)
@pytest.mark.parametrize("seed", range(12))
def test_loads_wobbling_by_20_percent_move_nothing(workers: int, seed: int) -> None:
    rng = random.Random(2000 * workers + seed)
    base = random_loads(rng)
    ids = pool(workers)
    p = Pool(ids)
    p.settle(base)
    settled = dict(p.holders)
    moves = []
    for _ in range(50):
        wobbly = {k: v * rng.uniform(0.8, 1.2) for k, v in base.items()}
        moves += p.play(wobbly)
    assert moves == [] and p.holders == settled


def even_or_uneven(rng: random.Random, seed: int) -> tuple[dict[int, float] | None, bool]:
    """Loads for the join and leave tests, and whether partitions weigh (nearly) the same:
    by count (no loads), flat loads, or a random uneven pattern."""
    if seed % 3 == 0:
        return None, True
    if seed % 3 == 1:
        return {k: rng.uniform(8.0, 12.0) for k in range(PARTITIONS)}, True
    while True:
        loads = random_loads(rng)
        if max(loads.values()) > 2 * min(loads.values()) + 1:
            return loads, False


def moved_once(moves: list[Move]) -> bool:
    partitions = [k for k, before, _ in moves if before]
    return len(partitions) == len(set(partitions))


@pytest.mark.parametrize("workers", POOLS)
@pytest.mark.parametrize("seed", range(12))
def test_a_joining_worker_takes_partitions_without_reshuffling_the_others(
    workers: int, seed: int
) -> None:
    """When partitions weigh about the same, a newcomer gets its share at once, every partition
    that moves goes to it and no more move than it ends with; with uneven loads a partition
    may also move between old workers, when the newcomer took a heavy one from a worker that
    is then the least loaded, but none moves twice."""
    rng = random.Random(3000 * workers + seed)
    loads, even = even_or_uneven(rng, seed)
    ids = pool(workers)
    p = Pool(ids)
    p.settle(loads)
    joiner = "host-999-new"
    p.set_workers([*ids, joiner])
    rounds, moves = p.settle(loads)
    assert rounds <= 3
    theirs = sum(1 for w in p.holders.values() if w == joiner)
    if even:
        assert theirs > 0
        assert {to for _, _, to in moves} == {joiner} and len(moves) == theirs
    assert moved_once(moves)
    # (With uneven loads a newcomer may get nothing: when one watch carries nearly all the
    # traffic, the quiet partitions are already shared within the margin.)
    assert_balanced(p.holders, loads, [*ids, joiner])


@pytest.mark.parametrize("workers", POOLS)
@pytest.mark.parametrize("seed", range(12))
def test_a_worker_that_dies_hands_its_partitions_on_and_little_else(
    workers: int, seed: int
) -> None:
    """When a worker dies (its leases expire), its partitions go to the survivors. When
    partitions weigh about the same the survivors keep everything they held; with uneven
    loads a survivor that received a heavy partition may have to pass some of its own on
    (the margin says so), but none moves twice."""
    rng = random.Random(4000 * workers + seed)
    loads, even = even_or_uneven(rng, seed)
    ids = pool(workers)
    p = Pool(ids)
    p.settle(loads)
    dead = ids[seed % workers]
    survivors = [w for w in ids if w != dead]
    kept = {k: w for k, w in p.holders.items() if w != dead}
    p.set_workers(survivors)
    rounds, moves = p.settle(loads)
    assert rounds <= 3
    if even:
        assert all(p.holders[k] == w for k, w in kept.items()), "a survivor's partition moved"
        assert all(before == "" for _, before, _ in moves)
    assert moved_once(moves)
    assert_balanced(p.holders, loads, survivors)


def test_the_target_is_the_same_whoever_computes_it() -> None:
    """Every worker computes the same target from the same view, whatever the order of the
    view's entries (sums of floats depend on it): each acts on its own part."""
    rng = random.Random(5)
    ids = pool(5)
    for _ in range(200):
        loads = random_loads(rng)
        holders = {k: rng.choice(ids) for k in range(PARTITIONS) if rng.random() < 0.7}
        parts = []
        for me in ids:
            order = list(holders.items())
            rng.shuffle(order)
            shuffled = list(loads.items())
            rng.shuffle(shuffled)
            mine = [k for k, w in holders.items() if w == me]
            parts.append(set(plan(PARTITIONS, me, mine, dict(order), ids, dict(shuffled)).target))
        assert set().union(*parts) == set(range(PARTITIONS))  # every partition ...
        assert sum(len(p) for p in parts) == PARTITIONS  # ... named once


def test_a_partition_left_free_is_claimed_whatever_the_views() -> None:
    """Views that differ (loads read at different moments) can make each worker name
    another for a free partition; one still free a round later is claimed all the same."""
    ids = pool(3)
    holders = {k: ids[k % 2] for k in range(1, PARTITIONS)}  # partition 0 free
    mine = [k for k, w in holders.items() if w == ids[0]]
    loads = dict.fromkeys(range(PARTITIONS), 1.0)
    # By ids[0]'s view partition 0 goes to ids[2], who has nothing ...
    assert 0 not in plan(PARTITIONS, ids[0], mine, holders, ids, loads).claim
    # ... but once it has been free for a round, ids[0] claims it.
    assert 0 in plan(PARTITIONS, ids[0], mine, holders, ids, loads, overdue={0}).claim
    # Not when somebody holds it by now.
    taken = holders | {0: ids[2]}
    assert plan(PARTITIONS, ids[0], mine, taken, ids, loads, overdue={0}).claim == ()
