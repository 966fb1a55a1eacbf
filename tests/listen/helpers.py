"""Shared pieces for the listening tests: a simulated stream and a recording notifier."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import Engine, func, select

from firewarden.detect.simulate import SimulationConfig, simulate
from firewarden.listen.mention import Mention
from firewarden.listen.pipeline import Pipeline
from firewarden.listen.simulated import demo_watch, to_mentions
from firewarden.listen.store import BUCKETS, LINKS, MENTIONS
from firewarden.listen.watch_service import WatchRecord, add_watch, all_enabled_watches
from firewarden.listen.watches import Watch
from firewarden.notify.base import AlertMessage
from firewarden.store.engine import session_factory


@cache
def storm_mentions() -> tuple[Mention, ...]:
    """Eight days of a brand's mentions with a firestorm on day 6."""
    sim = simulate(SimulationConfig(days=8, base_rate=30, onset_day=6, onset_hour=9.0), seed=5)
    return tuple(to_mentions(sim.mentions))


def demo_record(engine: Engine) -> WatchRecord:
    with session_factory(engine)() as s:
        rec = add_watch(s, demo_watch())
        s.commit()
    return rec


def totals(engine: Engine) -> tuple[int, int, int]:
    """(mentions stored, mention-watch rows, sum of bucket volumes)."""
    with engine.connect() as conn:
        return (
            conn.execute(select(func.count()).select_from(MENTIONS)).scalar_one(),
            conn.execute(select(func.count()).select_from(LINKS)).scalar_one(),
            conn.execute(select(func.coalesce(func.sum(BUCKETS.c.volume), 0))).scalar_one(),
        )


class Recorder:
    """A notifier that keeps what it was sent."""

    def __init__(self, channel: str = "slack") -> None:
        self.channel = channel
        self.sent: list[AlertMessage] = []

    def send(self, alert: AlertMessage) -> None:
        self.sent.append(alert)


def pipeline_for(engine: Engine, watch: Watch, **options: Any) -> Pipeline:
    """A pipeline over ``watch``, added to the database the first time."""
    with session_factory(engine)() as s:
        if not any(r.name == watch.name for r in all_enabled_watches(s)):
            add_watch(s, watch)
            s.commit()
        return Pipeline(engine, all_enabled_watches(s), **options)
