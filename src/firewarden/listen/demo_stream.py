"""A live simulated mention stream for the demonstration brand (``firewarden demo``).

:func:`start_demo_stream` makes sure the brand has a watch, fills in recent history (three
days of ordinary traffic, so the detector has a baseline and the dashboard has series), then
keeps mentions flowing in real time from the firestorm simulator, with a firestorm breaking
a few minutes in, so the dashboard and the alert pages come alive. It runs in a daemon thread;
``stop()`` ends it. Restarting it does not duplicate history: it continues after the newest
stored mention of the watch.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field

from sqlalchemy import Engine, func, select

from firewarden.detect.simulate import SimulationConfig, simulate
from firewarden.listen.alerts import Escalation
from firewarden.listen.pipeline import Envelope, Pipeline, Stats
from firewarden.listen.simulated import DEMO_BRAND, demo_watch, to_mentions
from firewarden.listen.store import LINKS
from firewarden.listen.watch_service import WatchRecord, add_watch, list_watches
from firewarden.store.engine import session_factory


@dataclass
class DemoStream:
    """A running demo stream: ``stop()`` ends it; ``stats`` grows as it goes."""

    watch: WatchRecord
    thread: threading.Thread
    stop_event: threading.Event
    stats: Stats = field(default_factory=Stats)
    error: BaseException | None = None
    #: Set once the recent history is stored (the dashboard has its series).
    history_done: threading.Event = field(default_factory=threading.Event)
    #: The watch had stored mentions already (an earlier demo run): the stream continues
    #: after them, and the earlier run's alerts are on the Watches page.
    resumed: bool = False

    def stop(self, timeout: float = 10.0) -> None:
        self.stop_event.set()
        self.thread.join(timeout)


def demo_watch_record(engine: Engine, brand: str, org_id: int | None) -> WatchRecord:
    """The brand's watch (created on first use)."""
    with session_factory(engine)() as s:
        for rec in list_watches(s, org_id=org_id):
            if rec.name == brand:
                return rec
        rec = add_watch(s, demo_watch(brand), org_id=org_id, origin="demo")
        s.commit()
        return rec


def start_demo_stream(
    engine: Engine,
    brand: str = DEMO_BRAND,
    *,
    org_id: int | None = None,
    rate_per_hour: float = 120.0,
    history_days: int = 3,
    storm_in_minutes: float = 8.0,
    base_url: str = "",
    escalation: Escalation | None = None,
    now: dt.datetime | None = None,
) -> DemoStream:
    """Start the demo stream in a background thread (see the module docstring).

    ``engine`` must be migrated (``firewarden db upgrade``). The firestorm's news burst
    arrives about ``storm_in_minutes`` after the start.
    """
    record = demo_watch_record(engine, brand, org_id)
    start = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    stop = threading.Event()
    handle = DemoStream(
        record, threading.Thread(), stop, resumed=_latest(engine, record) is not None
    )

    def run() -> None:
        try:
            _run(engine, record, start, handle, rate_per_hour, history_days, storm_in_minutes,
                 base_url, escalation)  # fmt: skip
        except BaseException as exc:  # kept for the caller; a demo must not kill the server
            handle.error = exc
            handle.history_done.set()

    handle.thread = threading.Thread(target=run, name=f"demo stream {brand}", daemon=True)
    handle.thread.start()
    return handle


def _latest(engine: Engine, record: WatchRecord) -> dt.datetime | None:
    """When the watch's newest stored mention was posted (None: nothing stored yet)."""
    with engine.connect() as conn:
        latest: dt.datetime | None = conn.execute(
            select(func.max(LINKS.c.created_at)).where(LINKS.c.watch_id == record.id)
        ).scalar()
    return latest


def _run(
    engine: Engine,
    record: WatchRecord,
    start: dt.datetime,
    handle: DemoStream,
    rate: float,
    history_days: int,
    storm_in: float,
    base_url: str,
    escalation: Escalation | None,
) -> None:
    onset_offset = dt.timedelta(days=history_days) - dt.timedelta(minutes=15)
    sim_start = (start - dt.timedelta(days=history_days)).replace(tzinfo=None)
    onset = sim_start + onset_offset
    news = (15 + storm_in) / 60.0
    cfg = SimulationConfig(
        days=history_days + 1,
        start=sim_start,
        base_rate=rate,
        onset_day=(onset - sim_start).days,
        onset_hour=(onset - sim_start).seconds / 3600.0,
        news_delay_hours=(news, news + 0.05),
        news_rate=rate * 15,
        brand=record.name,
    )
    seed = int(start.timestamp())
    mentions = list(to_mentions(simulate(cfg, seed=seed).mentions, brand=record.name, seed=seed))
    latest = _latest(engine, record)
    if latest is not None:
        mentions = [m for m in mentions if m.created_at > latest]
    pipeline = Pipeline(engine, [record], base_url=base_url, escalation=escalation)
    stop = handle.stop_event
    i = 0
    past = [m for m in mentions if m.created_at <= start]
    for j in range(0, len(past), 500):  # history at full speed
        if stop.is_set():
            return
        handle.stats.add(pipeline.process([Envelope(m) for m in past[j : j + 500]]))
    handle.history_done.set()
    i = len(past)
    while not stop.is_set() and i < len(mentions):
        now = dt.datetime.now(dt.UTC)
        due = []
        while i < len(mentions) and mentions[i].created_at <= now:
            due.append(Envelope(mentions[i]))
            i += 1
        if due:
            handle.stats.add(pipeline.process(due))
        handle.stats.alerts.extend(pipeline.tick(now))
        stop.wait(1.0)
