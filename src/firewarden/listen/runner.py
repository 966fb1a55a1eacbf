"""Running sources into a pipeline in one process (``firewarden listen run`` without NATS).

Each source runs in its own thread from its stored cursor and puts envelopes on an
:class:`~firewarden.listen.queue.InProcessQueue`; the calling thread takes batches, runs
them through the pipeline (which saves the cursors with the batch) and, for live streams,
closes buckets as the wall clock passes them. A source that fails is reported and stops; the
others go on.

With a :class:`~firewarden.listen.reload.WatchReloader`, watch edits reach the running
pipeline between batches (:meth:`Pipeline.set_watches`). When the edit changes what the
sources filter on and ``build_sources`` is given, the sources are rebuilt for the new watches:
the old ones are closed, what they delivered is processed (which saves their cursors), and
the new ones resume from those stored cursors, so nothing is lost or counted twice.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Engine

from firewarden.errors import FirewardenError
from firewarden.listen.pipeline import Envelope, Pipeline, Stats
from firewarden.listen.queue import InProcessQueue
from firewarden.listen.reload import WatchChanges, WatchReloader, filter_key
from firewarden.listen.sources.base import Source
from firewarden.listen.store import load_cursor
from firewarden.listen.watches import Watch

#: Seconds to wait for a replaced source's thread to end.
SOURCE_STOP_TIMEOUT = 10.0


@dataclass(slots=True)
class SourceThread:
    source: Source
    thread: threading.Thread
    error: BaseException | None = None
    done: threading.Event = field(default_factory=threading.Event)
    #: Set when this source is being replaced: it puts nothing more on the queue.
    retired: threading.Event = field(default_factory=threading.Event)
    reported: bool = False  # its error has been reported


def start_sources(
    engine: Engine, sources: Sequence[Source], q: InProcessQueue, stop: threading.Event
) -> list[SourceThread]:
    """Start one thread per source, each from its stored cursor."""
    started: list[SourceThread] = []
    for src in sources:
        with engine.connect() as conn:
            cursor = load_cursor(conn, src.name)

        def pump(src: Source = src, cursor: str | None = cursor) -> None:
            st = next(s for s in started if s.source is src)
            try:
                for mention, position in src.stream(cursor):
                    if stop.is_set() or st.retired.is_set():
                        break
                    q.put(Envelope(mention, src.name, position))
            except BaseException as exc:  # reported by the runner, not lost in a thread
                st.error = exc
            finally:
                st.done.set()

        t = threading.Thread(target=pump, name=f"source {src.name}", daemon=True)
        started.append(SourceThread(src, t))
    for st in started:
        st.thread.start()
    return started


def replace_sources(
    engine: Engine,
    old: Sequence[SourceThread],
    new: Sequence[Source],
    q: InProcessQueue,
    stop: threading.Event,
    drain: Callable[[list[Envelope]], None],
    *,
    batch_size: int = 500,
    timeout: float = SOURCE_STOP_TIMEOUT,
) -> list[SourceThread]:
    """Close the ``old`` sources, hand everything they delivered to ``drain`` (which must store
    their cursors), then start the ``new`` ones from the stored cursors.

    The queue is drained while the old threads end, so one blocked on a full queue is freed.
    A thread still running after ``timeout`` seconds puts nothing more on the queue."""
    for st in old:
        st.retired.set()
        st.source.close()
    deadline = time.monotonic() + timeout
    while any(st.thread.is_alive() for st in old) and time.monotonic() < deadline:
        if batch := q.batch(batch_size, 0.05):
            drain(batch)
    while batch := q.batch(batch_size, 0.0):
        drain(batch)
    return start_sources(engine, new, q, stop)


def run(
    engine: Engine,
    pipeline: Pipeline,
    sources: Sequence[Source],
    *,
    stop: threading.Event | None = None,
    live: bool = True,
    batch_size: int = 500,
    on_batch: Callable[[Stats], None] | None = None,
    on_error: Callable[[str, BaseException], None] | None = None,
    reloader: WatchReloader | None = None,
    build_sources: Callable[[Sequence[Watch]], Sequence[Source]] | None = None,
    on_reload: Callable[[WatchChanges, Sequence[str]], None] | None = None,
) -> Stats:
    """Run until ``stop`` is set or every source has ended; returns the totals.

    ``live``: close buckets by the wall clock (for streams); otherwise only by the mentions'
    own times, and every bucket at the end (for imports). ``reloader``: look for watch edits
    between batches; ``build_sources``: how ``sources`` were made from the watches, to
    rebuild them when an edit changes what they filter on; ``on_reload`` hears what changed
    and which sources were restarted.
    """
    stop = stop or threading.Event()
    q = InProcessQueue()
    threads = start_sources(engine, sources, q, stop)
    total = Stats()
    key = filter_key([r.watch for r in pipeline.records])

    def process(batch: Sequence[Envelope]) -> None:
        stats = pipeline.process(batch)
        total.add(stats)
        if on_batch is not None:
            on_batch(stats)

    def report(name: str, error: BaseException) -> None:
        if on_error is not None:
            on_error(name, error)
        elif isinstance(error, FirewardenError):
            raise error
        else:
            raise RuntimeError(f"source {name} failed") from error

    try:
        while not stop.is_set():
            batch = q.batch(batch_size)
            if batch:
                process(batch)
            if live:
                total.alerts.extend(pipeline.tick(dt.datetime.now(dt.UTC)))
            records = reloader.poll() if reloader is not None else None
            if records is not None:
                changes = pipeline.set_watches(records)
                watches = [r.watch for r in records]
                restarted: list[str] = []
                if build_sources is not None and watches and filter_key(watches) != key:
                    try:
                        new_sources = build_sources(watches)
                    except FirewardenError as exc:
                        report("sources", exc)  # the old sources go on
                    else:
                        threads = replace_sources(
                            engine, threads, new_sources, q, stop, process, batch_size=batch_size
                        )
                        key = filter_key(watches)
                        restarted = [src.name for src in new_sources]
                if on_reload is not None and (changes or restarted):
                    on_reload(changes, restarted)
            for st in threads:
                if st.error is not None and not st.reported:
                    st.reported = True
                    # What the source delivered before it failed is stored (with its cursor)
                    # first, so a stopped import has kept every line before the bad one.
                    while rest := q.batch(batch_size, 0.0):
                        process(rest)
                    report(st.source.name, st.error)
            if not batch and all(st.done.is_set() for st in threads) and len(q) == 0:
                break
    finally:
        stop.set()
        for st in threads:
            st.source.close()
    if not live:
        total.alerts.extend(pipeline.flush())
    return total
