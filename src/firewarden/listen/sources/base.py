"""The Source protocol: a resumable stream of mentions.

``stream(cursor)`` yields ``(mention, cursor)`` pairs, oldest first, where the cursor is an
opaque text that, handed back to ``stream`` after a restart, continues just after that
mention (or a little before: delivery is at least once and storage is idempotent). The
pipeline saves the cursor in the same transaction as the mentions before it, so a restart
loses nothing. A source that ends (a file, one search page run) simply stops yielding; a live
source runs until ``close()`` is called from another thread or the consumer stops iterating.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol, runtime_checkable

from firewarden.errors import FirewardenError
from firewarden.listen.mention import Mention
from firewarden.listen.watches import Watch, WatchSet


class SourceError(FirewardenError):
    """A source cannot go on (bad credentials, a platform error); says what to do."""


@runtime_checkable
class Source(Protocol):
    """A resumable stream of mentions from one place."""

    #: Unique and stable: the key of the source's stored cursor ("bluesky:jetstream", ...).
    name: str

    def stream(self, cursor: str | None) -> Iterator[tuple[Mention, str]]:
        """Mentions after ``cursor`` (None: the source's default start), each with the cursor
        that resumes after it."""
        ...

    def close(self) -> None:
        """Stop a live stream (safe to call from another thread)."""
        ...


Keep = Callable[[Mention], bool]


def watch_filter(watches: Sequence[Watch]) -> Keep:
    """Keep the mentions that match one of ``watches`` (for sources that see everything,
    like a firehose or a public timeline: only candidates go on to the pipeline)."""
    from firewarden.text.language import detect_language
    from firewarden.text.normalize import fold

    ws = WatchSet(watches)

    def keep(m: Mention) -> bool:
        return bool(ws.match(m, fold(m.text).text, m.language or detect_language(m.text)))

    return keep


class Bridge:
    """Turns a callback-driven client (running in its own thread) into an iterator."""

    _END = object()

    def __init__(self) -> None:
        self._q: queue.Queue[Any] = queue.Queue(maxsize=10_000)
        self.closed = threading.Event()

    def put(self, item: Any) -> None:
        """Called from the client's thread; blocks when the consumer is behind."""
        while not self.closed.is_set():
            try:
                self._q.put(item, timeout=0.2)
                return
            except queue.Full:
                continue

    def fail(self, exc: BaseException) -> None:
        self.put(exc)

    def end(self) -> None:
        self.put(self._END)

    def close(self) -> None:
        self.closed.set()
        with contextlib.suppress(queue.Full):
            self._q.put_nowait(self._END)

    def __iter__(self) -> Iterator[Any]:
        while True:
            item = self._q.get()
            if item is self._END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
