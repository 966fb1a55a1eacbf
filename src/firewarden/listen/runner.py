"""Running sources into a pipeline in one process (``firewarden listen run`` without NATS).

Each source runs in its own thread from its stored cursor and puts envelopes on an
:class:`~firewarden.listen.queue.InProcessQueue`; the calling thread takes batches, runs
them through the pipeline (which saves the cursors with the batch) and, for live streams,
closes buckets as the wall clock passes them. A source that cannot reach its platform for
now (:class:`~firewarden.listen.sources.base.SourceUnavailable`: network down, timeouts,
HTTP 5xx/429) is tried again with exponential backoff from its last cursor while the others
go on; one that fails otherwise (bad credentials, a feed that is not there) is reported and
stops; the others go on.

With a :class:`~firewarden.listen.reload.WatchReloader`, watch edits reach the running
pipeline between batches (:meth:`Pipeline.set_watches`). When the edit changes what the
sources filter on and ``build_sources`` is given, the sources are rebuilt for the new watches:
the old ones are closed, what they delivered is processed (which saves their cursors), and
the new ones resume from those stored cursors, so nothing is lost or counted twice.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Engine

from firewarden.errors import FirewardenError
from firewarden.listen.backoff import MAX_RETRY, Backoff
from firewarden.listen.pipeline import Envelope, Pipeline, Stats
from firewarden.listen.queue import InProcessQueue
from firewarden.listen.reload import WatchChanges, WatchReloader, filter_key
from firewarden.listen.sources.base import (
    ReportsContact,
    Source,
    SourceError,
    SourceUnavailable,
)
from firewarden.listen.store import load_cursor
from firewarden.listen.watches import Watch

log = logging.getLogger(__name__)

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
    #: The failure it is being retried for (None while it works).
    failing: SourceError | None = None


@dataclass(frozen=True, slots=True)
class SourceStatus:
    """A change in a source's health: it started failing (``error``, retried in
    ``retry_in`` seconds), failed differently, or is back (``error`` None)."""

    name: str
    error: SourceError | None
    retry_in: float = 0.0
    down_for: float = 0.0  # seconds since it started failing (on recovery)
    attempts: int = 0  # failed tries (on recovery)
    longest: float = MAX_RETRY  # the longest wait between two tries

    def line(self) -> str:
        """What the operator reads, in plain words."""
        if self.error is None:
            return (
                f"{self.name}: reachable again after {_duration(self.down_for)} "
                f"({self.attempts} failed {'try' if self.attempts == 1 else 'tries'}); "
                "reading resumes where it stopped"
            )
        hint = f"\n  hint: {self.error.hint}" if self.error.hint else ""
        return (
            f"{self.name}: {self.error.message}; trying again in {_duration(self.retry_in)}, "
            f"then less often while it lasts (at most every {_duration(self.longest)})"
            f"{hint}"
        )


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{max(seconds, 0.1):.0f} s" if seconds >= 1 else f"{seconds:.1f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def failure_line(name: str, error: BaseException) -> str:
    """A source that stopped, in plain words (for ``error:`` lines)."""
    if isinstance(error, SourceError):
        hint = f"\n  hint: {error.hint}" if error.hint else ""
        return f"{name}: {error.message}; this source is stopped{hint}"
    if isinstance(error, FirewardenError):
        return f"{name}: {error}"
    return (
        f"{name}: stopped on an unexpected error ({type(error).__name__}: {error}); "
        "this source is stopped. Restart the listener; if it happens again, report it"
    )


def start_sources(
    engine: Engine,
    sources: Sequence[Source],
    q: InProcessQueue,
    stop: threading.Event,
    *,
    on_status: Callable[[SourceStatus], None] | None = None,
    backoff: Callable[[], Backoff] = Backoff,
    clock: Callable[[], float] = time.monotonic,
) -> list[SourceThread]:
    """Start one thread per source, each from its stored cursor.

    A source failing with :class:`SourceUnavailable` (``transient``) is tried again after a
    wait from ``backoff()`` (one policy per source), from the last cursor it delivered; the
    others go on. ``on_status`` hears when it starts failing, fails differently, and is
    back; the retries in between are logged at debug level only. Any other error ends the
    source's thread (``SourceThread.error``)."""
    started: list[SourceThread] = []
    for src in sources:
        with engine.connect() as conn:
            cursor = load_cursor(conn, src.name)

        def pump(src: Source = src, cursor: str | None = cursor) -> None:
            st = next(s for s in started if s.source is src)
            policy = backoff()
            since = 0.0  # when it started failing (monotonic)

            def back() -> None:
                nonlocal since
                if st.failing is None:
                    return
                status = SourceStatus(
                    src.name, None, down_for=clock() - since, attempts=policy.failures
                )
                st.failing = None
                policy.reset()
                log.info("%s", status.line())
                if on_status is not None:
                    on_status(status)

            if isinstance(src, ReportsContact):
                src.on_contact = back
            position = cursor
            try:
                while not (stop.is_set() or st.retired.is_set()):
                    try:
                        for mention, position_ in src.stream(position):
                            if stop.is_set() or st.retired.is_set():
                                return
                            back()
                            q.put(Envelope(mention, src.name, position_))
                            position = position_
                        return
                    except SourceError as exc:
                        if stop.is_set() or st.retired.is_set():
                            return  # closed: a stream cut by the close is no failure
                        if not exc.transient:
                            raise
                        wait = policy.next()
                        if isinstance(exc, SourceUnavailable) and exc.retry_after:
                            wait = min(max(wait, exc.retry_after), policy.cap)
                        changed = st.failing is None or st.failing.message != exc.message
                        if st.failing is None:
                            since = clock()
                        st.failing = exc
                        log.debug("%s: %s (try %d)", src.name, exc, policy.failures, exc_info=exc)
                        if changed and on_status is not None:
                            on_status(
                                SourceStatus(src.name, exc, retry_in=wait, longest=policy.cap)
                            )
                        if _wait(wait, stop, st.retired):
                            return
            except BaseException as exc:  # reported by the runner, not lost in a thread
                st.error = exc
            finally:
                st.done.set()

        t = threading.Thread(target=pump, name=f"source {src.name}", daemon=True)
        started.append(SourceThread(src, t))
    for st in started:
        st.thread.start()
    return started


def _wait(seconds: float, stop: threading.Event, retired: threading.Event) -> bool:
    """Waits ``seconds`` unless stopped or retired first (then True)."""
    deadline = time.monotonic() + seconds
    while not (stop.is_set() or retired.is_set()):
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        stop.wait(min(left, 0.2))
    return True


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
    on_status: Callable[[SourceStatus], None] | None = None,
    backoff: Callable[[], Backoff] = Backoff,
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
    return start_sources(engine, new, q, stop, on_status=on_status, backoff=backoff)


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
    on_status: Callable[[SourceStatus], None] | None = None,
    backoff: Callable[[], Backoff] = Backoff,
) -> Stats:
    """Run until ``stop`` is set or every source has ended; returns the totals.

    ``live``: close buckets by the wall clock (for streams); otherwise only by the mentions'
    own times, and every bucket at the end (for imports). ``reloader``: look for watch edits
    between batches; ``build_sources``: how ``sources`` were made from the watches, to
    rebuild them when an edit changes what they filter on; ``on_reload`` hears what changed
    and which sources were restarted. ``on_status``: a source started failing for a while
    (it is retried with ``backoff``, see :func:`start_sources`) or is back.
    """
    stop = stop or threading.Event()
    q = InProcessQueue()
    threads = start_sources(engine, sources, q, stop, on_status=on_status, backoff=backoff)
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
                            engine,
                            threads,
                            new_sources,
                            q,
                            stop,
                            process,
                            batch_size=batch_size,
                            on_status=on_status,
                            backoff=backoff,
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
