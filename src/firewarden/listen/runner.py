"""Running sources into a pipeline in one process (``firewarden listen run`` without NATS).

Each source runs in its own thread from its stored cursor and puts envelopes on an
:class:`~firewarden.listen.queue.InProcessQueue`; the calling thread takes batches, runs
them through the pipeline (which saves the cursors with the batch) and, for live streams,
closes buckets as the wall clock passes them. A source that fails is reported and stops; the
others go on.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Engine

from firewarden.errors import FirewardenError
from firewarden.listen.pipeline import Envelope, Pipeline, Stats
from firewarden.listen.queue import InProcessQueue
from firewarden.listen.sources.base import Source
from firewarden.listen.store import load_cursor


@dataclass(slots=True)
class SourceThread:
    source: Source
    thread: threading.Thread
    error: BaseException | None = None
    done: threading.Event = field(default_factory=threading.Event)


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
                    if stop.is_set():
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
) -> Stats:
    """Run until ``stop`` is set or every source has ended; returns the totals.

    ``live``: close buckets by the wall clock (for streams); otherwise only by the mentions'
    own times, and every bucket at the end (for imports).
    """
    stop = stop or threading.Event()
    q = InProcessQueue()
    threads = start_sources(engine, sources, q, stop)
    total = Stats()
    reported: set[int] = set()
    try:
        while not stop.is_set():
            batch = q.batch(batch_size)
            if batch:
                stats = pipeline.process(batch)
                total.add(stats)
                if on_batch is not None:
                    on_batch(stats)
            if live:
                total.alerts.extend(pipeline.tick(dt.datetime.now(dt.UTC)))
            for i, st in enumerate(threads):
                if st.error is not None and i not in reported:
                    reported.add(i)
                    if on_error is not None:
                        on_error(st.source.name, st.error)
                    elif isinstance(st.error, FirewardenError):
                        raise st.error
                    else:
                        raise RuntimeError(f"source {st.source.name} failed") from st.error
            if not batch and all(st.done.is_set() for st in threads) and len(q) == 0:
                break
    finally:
        stop.set()
        for st in threads:
            st.source.close()
    if not live:
        total.alerts.extend(pipeline.flush())
    return total
