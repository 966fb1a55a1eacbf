"""The lease policy of the NATS workers (pure), and the lease table on the NATS server."""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import Collection

import pytest

from conftest import require_server
from firewarden.listen.lease_table import LeaseTable, Snapshot, bucket_name
from firewarden.listen.leases import LeaseTiming, Plan, fair_share, plan, weights

URL = os.environ.get("FIREWARDEN_TEST_NATS_URL", "nats://127.0.0.1:4222")


# -- the policy --------------------------------------------------------------------------


@pytest.mark.parametrize(("partitions", "workers"), [(16, 1), (16, 2), (16, 3), (4, 3), (5, 7)])
def test_fair_shares_cover_every_partition_and_differ_by_one_at_most(
    partitions: int, workers: int
) -> None:
    ids = [f"w{i}" for i in range(workers)]
    shares = [fair_share(partitions, ids, me) for me in ids]
    assert sum(shares) == partitions
    assert max(shares) - min(shares) <= 1


def test_a_worker_absent_from_the_live_list_counts_itself() -> None:
    assert fair_share(16, ["a"], "b") == fair_share(16, ["a", "b"], "b") == 8
    with pytest.raises(ValueError, match="partitions"):
        fair_share(0, ["a"], "a")


def test_a_worker_above_its_share_releases_its_highest_partitions() -> None:
    holders = dict.fromkeys(range(8), "a")
    assert plan(8, "a", range(8), holders, live={"a", "b"}) == Plan(release=(4, 5, 6, 7))


def test_a_worker_claims_only_free_partitions_up_to_its_share() -> None:
    holders = {0: "a", 1: "a", 2: "c", 5: "c"}
    got = plan(8, "b", (), holders, live={"a", "b", "c"})
    assert not set(got.claim) & set(holders)
    assert len(got.claim) == fair_share(8, {"a", "b", "c"}, "b")
    assert got.release == ()


def test_workers_starting_together_start_claiming_at_different_partitions() -> None:
    firsts = {plan(16, f"host-{pid}-x", (), {}, live=()).claim[0] for pid in range(100, 110)}
    assert len(firsts) > 1


def simulate(
    partitions: int,
    workers: list[str],
    holders: dict[int, str],
    rounds: int,
    loads: dict[int, float] | None = None,
) -> int:
    """Everybody plays ``rounds`` rounds, one after the other, on a shared lease table;
    returns how many leases were released or claimed."""
    changes = 0
    for _ in range(rounds):
        for me in workers:
            mine = {k for k, w in holders.items() if w == me}
            todo = plan(partitions, me, mine, holders, live=workers, loads=loads)
            for k in todo.release:
                del holders[k]
            for k in todo.claim:
                assert k not in holders  # a claim is a create: it fails on a held lease
                holders[k] = me
            changes += len(todo.release) + len(todo.claim)
    return changes


def held_by(holders: dict[int, str], workers: Collection[str]) -> list[int]:
    return sorted(sum(1 for w in holders.values() if w == me) for me in workers)


def test_workers_converge_to_a_balanced_split_a_joiner_gets_work_and_survivors_take_over() -> None:
    holders: dict[int, str] = {}
    simulate(16, ["a"], holders, rounds=1)
    assert held_by(holders, ["a"]) == [16]
    # Two newcomers: the first holder gives up its surplus, the newcomers claim it.
    simulate(16, ["a", "b", "c"], holders, rounds=3)
    assert len(holders) == 16
    assert held_by(holders, ["a", "b", "c"]) == [5, 5, 6]
    # "b" dies: its leases expire (they vanish from the table); the survivors share them.
    holders = {k: w for k, w in holders.items() if w != "b"}
    simulate(16, ["a", "c"], holders, rounds=2)
    assert len(holders) == 16
    assert held_by(holders, ["a", "c"]) == [8, 8]


def load_of(holders: dict[int, str], loads: dict[int, float], me: str) -> float:
    return sum(loads.get(k, 0.0) for k, w in holders.items() if w == me)


def test_weights_count_traffic_against_the_mean_and_fall_back_to_counts() -> None:
    assert weights(4, {}) == [1.0] * 4  # nothing known: every partition alike
    assert weights(4, {0: 0.0, 1: 0.0}) == [1.0] * 4  # no traffic anywhere: alike too
    w = weights(4, {0: 30.0, 1: 10.0, 2: 0.0, 3: float("nan")})
    # The mean of the known loads (40 / 3) is the unit; nobody's (3) weighs the mean.
    assert w == pytest.approx([0.1 + 2.25, 0.1 + 0.75, 0.1, 1.1])


def test_two_busy_partitions_on_one_worker_are_split() -> None:
    loads = dict.fromkeys(range(16), 1.0) | {0: 100.0, 1: 100.0}
    holders = {k: ("a" if k < 8 else "b") for k in range(16)}  # a has both busy ones
    simulate(16, ["a", "b"], holders, rounds=3, loads=loads)
    assert len(holders) == 16
    assert holders[0] != holders[1]
    a, b = load_of(holders, loads, "a"), load_of(holders, loads, "b")
    assert abs(a - b) <= 3.0  # a quiet partition's load or so
    # By count alone (no loads) the same table would have stayed as it was.
    before = {k: ("a" if k < 8 else "b") for k in range(16)}
    assert simulate(16, ["a", "b"], before, rounds=3) == 0


def test_a_very_busy_watch_keeps_its_worker_to_itself() -> None:
    loads = dict.fromkeys(range(16), 1.0) | {5: 400.0}
    holders: dict[int, str] = {}
    simulate(16, ["a", "b", "c"], holders, rounds=4, loads=loads)
    assert len(holders) == 16
    busy = holders[5]
    assert [k for k, w in holders.items() if w == busy] == [5]
    others = sorted(sum(1 for w in holders.values() if w == me) for me in "abc" if me != busy)
    assert others == [7, 8]


@pytest.mark.parametrize("seed", range(20))
def test_the_leases_do_not_flap_while_the_loads_wobble(seed: int) -> None:
    import random

    rng = random.Random(seed)
    base = {k: float(rng.choice((0, 1, 5, 20, 80))) for k in range(16)}
    holders: dict[int, str] = {}
    simulate(16, ["a", "b", "c"], holders, rounds=4, loads=base)
    settled = dict(holders)
    # Balanced to within the busiest partition ...
    parts = sorted(load_of(holders, base, me) for me in "abc")
    assert len(holders) == 16 and parts[-1] - parts[0] <= max(base.values())
    # ... and nothing moves while every load wobbles by up to 20 % each round.
    moves = 0
    for _ in range(50):
        wobbly = {k: v * rng.uniform(0.8, 1.2) for k, v in base.items()}
        moves += simulate(16, ["a", "b", "c"], holders, rounds=1, loads=wobbly)
    assert moves == 0 and holders == settled


def test_the_load_is_smoothed_with_a_half_life() -> None:
    from firewarden.listen.leases import smoothed_rate

    assert smoothed_rate(0.0, 300, 30.0, half_life=30.0) == pytest.approx(5.0)  # half of 10/s
    assert smoothed_rate(10.0, 0, 30.0, half_life=30.0) == pytest.approx(5.0)
    assert 4.0 < smoothed_rate(4.0, 80, 10.0) < 8.0
    assert smoothed_rate(7.0, 5, 0.0) == 7.0  # no time passed: nothing to learn


def test_a_worker_joining_a_loaded_pool_gets_a_fair_part_of_the_load() -> None:
    loads = {k: float(10 + 10 * (k % 4)) for k in range(16)}  # 10, 20, 30, 40, ...
    holders: dict[int, str] = {}
    simulate(16, ["a", "b"], holders, rounds=3, loads=loads)
    simulate(16, ["a", "b", "c"], holders, rounds=6, loads=loads)
    assert len(holders) == 16
    parts = sorted(load_of(holders, loads, me) for me in "abc")
    total = sum(loads.values())
    assert parts[-1] - parts[0] <= max(loads.values())
    assert parts[0] >= total / 3 - max(loads.values())


def test_the_timing_renews_early_and_stops_before_the_lease_can_expire() -> None:
    t = LeaseTiming(15.0)
    # Several renewals can fail before the worker stops; it stops with a guard to spare.
    assert t.usable_for >= 3 * t.renew_every
    assert t.ttl - t.usable_for >= t.renew_every
    assert t.takeover > t.ttl
    with pytest.raises(ValueError, match="positive"):
        LeaseTiming(0)


# -- the lease table on the server ---------------------------------------------------------


async def _table_semantics(ttl: float) -> None:
    from firewarden.listen.nats_connection import connect

    nc = await connect(URL)
    js = nc.jetstream()
    stream = f"FWTEST_{uuid.uuid4().hex[:10]}"
    try:
        table = await LeaseTable.open(js, stream, ttl)
        assert await table.snapshot() == Snapshot({}, frozenset())  # an empty bucket
        claimed = await table.claim(3, "a")
        assert claimed is not None and not claimed.handed_over
        first = claimed.revision
        assert await table.claim(3, "b") is None  # held
        renewed = await table.renew(3, "a", first)
        assert renewed is not None
        assert await table.renew(3, "b", first) is None  # a stale revision
        assert await table.release(3, first) is False  # a stale revision releases nothing
        await table.heartbeat("a")
        snap = await table.snapshot()
        assert snap is not None and snap.holders == {3: "a"} and snap.live == {"a"}
        await table.report_loads({3: 12.5})
        assert await table.release(3, renewed) is True
        snap = await table.snapshot()  # the load outlives the release, for the next holder
        assert snap is not None and snap.holders == {} and snap.loads == {3: 12.5}
        handed = await table.claim(3, "b")  # a released lease is free at once
        assert handed is not None and handed.handed_over
        again = handed.revision
        snap = await table.snapshot()
        assert snap is not None and snap.holders == {3: "b"}
        # Nobody renews: the lease and the heartbeat expire, and the lease is free again.
        deadline = time.monotonic() + 30 * ttl
        while (snap := await table.snapshot()) is None or snap.holders or snap.live:
            assert time.monotonic() < deadline, "the lease never expired"
            await asyncio.sleep(0.2)
        assert await table.renew(3, "b", again) is None  # an expired lease cannot be renewed
        expired = await table.claim(3, "c")
        assert expired is not None and not expired.handed_over
    finally:
        await js.delete_key_value(bucket_name(stream))
        await nc.close()


@pytest.mark.nats
def test_lease_table_claims_renews_releases_and_expires() -> None:
    require_server("127.0.0.1", 4222, "NATS")
    asyncio.run(_table_semantics(ttl=1.0))
