"""The Source protocol: a resumable stream of mentions.

``stream(cursor)`` yields ``(mention, cursor)`` pairs, oldest first, where the cursor is an
opaque text that, handed back to ``stream`` after a restart, continues just after that
mention (or a little before: delivery is at least once and storage is idempotent). The
pipeline saves the cursor in the same transaction as the mentions before it, so a restart
loses nothing. A source that ends (a file, one search page run) simply stops yielding; a live
source runs until ``close()`` is called from another thread or the consumer stops iterating.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol, runtime_checkable

from firewarden.errors import FirewardenError
from firewarden.listen.mention import Mention


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
