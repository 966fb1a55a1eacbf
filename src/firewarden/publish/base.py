"""What every publishing adapter takes and returns, and the protocol they all follow.

A retry must never post twice. The workflow therefore asks ``status(post)`` before sending a
post again; each adapter answers it the strongest way its platform allows (see
docs/publishing.md): a deterministic record key (Bluesky), the server-side ``Idempotency-Key``
(Mastodon, the generic webhook) or a search of the account's recent posts for the same text
posted since the post was queued (X).
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol, runtime_checkable


@dataclass(frozen=True, slots=True)
class Attachment:
    """A media attachment: the alt text is required, so every image is described."""

    description: str
    path: str = ""
    media_type: str = ""


@dataclass(frozen=True, slots=True)
class OutgoingPost:
    """An approved post ready to be sent.

    ``idempotency_key`` and ``queued_at`` are chosen once, when the post is queued, and must be
    the same on every retry: adapters derive their duplicate protection from them.
    ``queued_at`` is timezone-aware, or naive in UTC (as some databases return it).
    """

    text: str
    idempotency_key: str
    account: str
    queued_at: datetime
    attachments: tuple[Attachment, ...] = field(default_factory=tuple)

    @property
    def queued_utc(self) -> datetime:
        """``queued_at`` as an aware UTC time (a naive value is taken to be UTC)."""
        if self.queued_at.tzinfo is None:
            return self.queued_at.replace(tzinfo=UTC)
        return self.queued_at.astimezone(UTC)

    @property
    def handle(self) -> str:
        """The account handle without a leading ``@``."""
        return self.account.lstrip("@")


@dataclass(frozen=True, slots=True)
class PublishResult:
    """Where a post went. ``created`` is False when an earlier attempt had already posted it."""

    platform: str
    post_id: str
    url: str
    created: bool = True


@dataclass(frozen=True, slots=True)
class PublishStatus:
    """A post found on the platform; ``found_by`` says how ("id", "key" or "text")."""

    platform: str
    post_id: str
    url: str
    text: str
    found_by: str


@runtime_checkable
class Publisher(Protocol):
    """A platform adapter. Errors are the typed errors of ``firewarden.publish.errors``."""

    platform: str

    def publish(self, post: OutgoingPost) -> PublishResult:
        """Send the post; returns the earlier post instead when one exists for the same key."""
        ...

    def delete(self, platform_post_id: str) -> None:
        """Delete a post; deleting a post that is already gone is not an error."""
        ...

    def status(self, ref: OutgoingPost | str) -> PublishStatus | None:
        """Find a post by its platform id (str) or by the outgoing post; None when absent."""
        ...


_URL = re.compile(r"https?://\S+")
_SPACE = re.compile(r"\s+")


def comparable_text(text: str) -> str:
    """Text reduced to what survives a platform's rewriting: entities, links, spacing.

    Platforms unescape or escape HTML entities, shorten links (X's t.co) and trim spaces, so a
    search for an earlier attempt compares these reduced forms rather than the raw strings.
    """
    text = unicodedata.normalize("NFC", html.unescape(text))
    text = _URL.sub("<link>", text)
    return _SPACE.sub(" ", text).strip()


def same_text(published: str, intended: str) -> bool:
    """True when a published post's text is the intended text after platform rewriting."""
    return comparable_text(published) == comparable_text(intended)
