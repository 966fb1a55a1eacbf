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
    """A source cannot go on (bad credentials, a feed that is not there); says what to do.

    Not retried: a setting has to change first (see :class:`SourceUnavailable` for what
    trying again later can mend)."""

    #: Whether trying again later may work (the runner retries it with backoff).
    transient = False


class SourceUnavailable(SourceError):
    """The platform cannot be reached or is in trouble for now (network down, a timeout,
    HTTP 5xx or 429): the runner tries the source again later, resuming from its cursor."""

    transient = True

    def __init__(
        self, message: str, *, where: str = "", hint: str = "", retry_after: float | None = None
    ) -> None:
        super().__init__(message, where=where, hint=hint)
        #: Seconds the server asked to wait (``Retry-After``), if it said.
        self.retry_after = retry_after


#: HTTP statuses that may go away by themselves (the server is busy, restarting, or asks
#: to slow down); every 5xx is also taken as such.
TRANSIENT_STATUS = frozenset({408, 425, 429})

_PROBLEMS = (
    # (words found in the error's text, lower-cased; what to say)
    (("refused",), "connection refused"),
    (("timed out", "timeout"), "no answer in time (timed out)"),
    (("reset by peer", "connection reset", "connectionreset"), "the connection was cut"),
    (("remotedisconnected", "connection aborted", "closed connection"), "the connection was cut"),
    (
        (
            "name or service not known",
            "nodename nor servname",
            "getaddrinfo",
            "resolve",
            "no address associated",
            "temporary failure in name resolution",
        ),
        "the server's name was not found (DNS)",
    ),
    (("network is unreachable", "no route to host"), "the network is unreachable"),
    (("ssl", "certificate"), "the secure connection (TLS) failed"),
)


def network_problem(exc: BaseException) -> str:
    """A short plain description of a network error (``connection refused``...), from the
    error and the errors that caused it; the technical text stays out of it."""
    seen: list[str] = []
    e: BaseException | None = exc
    while e is not None and len(seen) < 10:
        seen.append(f"{type(e).__name__} {e}".lower())
        e = e.__cause__ or e.__context__
    text = " ".join(seen)
    for words, said in _PROBLEMS:
        if any(w in text for w in words):
            return said
    return "the connection failed"


def retry_after(value: str | None) -> float | None:
    """Seconds from an HTTP ``Retry-After`` header in seconds (None otherwise)."""
    try:
        seconds = float(value or "")
    except ValueError:
        return None
    return seconds if 0 <= seconds <= 86_400 else None


def is_transient_status(status: int) -> bool:
    return status >= 500 or status in TRANSIENT_STATUS


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


@runtime_checkable
class ReportsContact(Protocol):
    """A source that says each time it reached its platform (a fetch answered, a stream
    opened), so a failing source is known to be back before its next mention arrives.
    The runner sets ``on_contact``; the source calls it when it is not None."""

    on_contact: Callable[[], None] | None


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
