"""Publishing to Bluesky through the atproto SDK (any AT Protocol PDS).

Signs in with an app password (``com.atproto.server.createSession``) and writes an
``app.bsky.feed.post`` record with ``com.atproto.repo.createRecord``. The record key is not
left to the server: it is a TID derived from the post's queue time and idempotency key, so
every retry names the same record and can never create a second one. ``status(post)`` is a
``com.atproto.repo.getRecord`` of that key. The platform post id is the record's ``at://`` URI.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from atproto import Client, models
from atproto_client import exceptions as atp
from atproto_client.utils import facet_detection

from firewarden.publish.base import OutgoingPost, PublishResult, PublishStatus, same_text
from firewarden.publish.errors import AuthExpired, RateLimited, Rejected, Unavailable

PLATFORM = "bluesky"
DEFAULT_BASE_URL = "https://bsky.social"
COLLECTION = "app.bsky.feed.post"
_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"  # base32-sortable, per the AT Protocol spec
_EXPIRED = frozenset({"ExpiredToken", "InvalidToken"})
_APP_PASSWORD_HINT = (
    "create a new app password in Bluesky (Settings > Privacy and security > App passwords) "
    "and update the account's credentials"
)
T = TypeVar("T")


def record_key(post: OutgoingPost) -> str:
    """The TID naming this post's record: queue time in microseconds + 10 bits of the key.

    Valid TID syntax (13 base32-sortable characters, first bit zero), stable across retries.
    """
    micros = int(post.queued_utc.timestamp() * 1_000_000) & ((1 << 53) - 1)
    clock_id = int.from_bytes(hashlib.sha256(post.idempotency_key.encode()).digest()[:2]) & 0x3FF
    value = (micros << 10) | clock_id
    return "".join(_TID_ALPHABET[(value >> shift) & 31] for shift in range(60, -1, -5))


def _rkey_of(uri: str) -> str:
    return uri.rstrip("/").rsplit("/", 1)[-1]


class BlueskyPublisher:
    """Posts as one Bluesky account (handle or DID + app password)."""

    platform = PLATFORM

    def __init__(
        self,
        *,
        identifier: str,
        app_password: str,
        base_url: str = DEFAULT_BASE_URL,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._identifier = identifier
        self._password = app_password
        self._base_url = base_url
        self._clock = clock
        self._client: Any = None
        self._signed_in = False
        self._did = ""
        self._handle = ""

    def publish(self, post: OutgoingPost) -> PublishResult:
        """Create the post record under its derived key; an existing record is returned."""
        if post.attachments:
            raise Rejected(
                "image upload to Bluesky is not supported yet",
                platform=PLATFORM,
                hint="post the text without attachments, or publish this one by hand",
            )
        rkey = record_key(post)
        created_at = datetime.fromtimestamp(self._clock(), UTC).isoformat().replace("+00:00", "Z")

        def create() -> Any:
            record = models.AppBskyFeedPost.Record(
                text=post.text,
                created_at=created_at,
                facets=facet_detection.detect_facets(post.text) or None,
            )
            data = models.ComAtprotoRepoCreateRecord.Data(
                repo=self._did, collection=COLLECTION, rkey=rkey, record=record
            )
            return self._client.com.atproto.repo.create_record(data)

        try:
            response = self._call(create)
        except (Rejected, Unavailable):
            # A lost reply or a conflict: the record may exist already under our key.
            earlier = self.status(post)
            if earlier is None:
                raise
            return PublishResult(PLATFORM, earlier.post_id, earlier.url, created=False)
        return PublishResult(PLATFORM, str(response.uri), self._url(rkey))

    def delete(self, platform_post_id: str) -> None:
        """Delete the post record (``com.atproto.repo.deleteRecord``); absent is not an error."""

        def remove() -> Any:
            data = models.ComAtprotoRepoDeleteRecord.Data(
                repo=self._did, collection=COLLECTION, rkey=_rkey_of(platform_post_id)
            )
            return self._client.com.atproto.repo.delete_record(data)

        self._call(remove)

    def status(self, ref: OutgoingPost | str) -> PublishStatus | None:
        """Fetch the record by its at:// URI, or by the key derived from the outgoing post."""
        rkey, found_by = (
            (record_key(ref), "key") if isinstance(ref, OutgoingPost) else (_rkey_of(ref), "id")
        )

        def fetch() -> Any:
            params = models.ComAtprotoRepoGetRecord.Params(
                repo=self._did, collection=COLLECTION, rkey=rkey
            )
            return self._client.com.atproto.repo.get_record(params)

        try:
            record = self._call(fetch)
        except Rejected as exc:
            if exc.reason.startswith("RecordNotFound"):
                return None
            raise
        text = str(getattr(record.value, "text", ""))
        if isinstance(ref, OutgoingPost) and not same_text(text, ref.text):
            raise Rejected(
                f"record {rkey} already holds a different post",
                platform=PLATFORM,
                hint="the idempotency key was reused for another text; use a new key",
            )
        return PublishStatus(PLATFORM, str(record.uri), self._url(rkey), text, found_by)

    def _url(self, rkey: str) -> str:
        return f"https://bsky.app/profile/{self._handle or self._did}/post/{rkey}"

    def close(self) -> None:
        """Release the HTTP connections (the publisher signs in again if used afterwards)."""
        if self._client is not None:
            self._client.request.close()
        self._client, self._signed_in = None, False

    def _login(self) -> None:
        if self._client is None:
            self._client = Client(base_url=self._base_url)

            def remember(_event: object, session: Any) -> None:
                self._did, self._handle = str(session.did), str(session.handle)

            self._client.on_session_change(remember)
        try:
            self._client.login(self._identifier, self._password, fetch_bsky_profile=False)
        except atp.UnauthorizedError as exc:
            raise AuthExpired(
                f"Bluesky refused the sign-in for {self._identifier} ({_error(exc)})",
                platform=PLATFORM,
                hint=_APP_PASSWORD_HINT,
            ) from None
        self._signed_in = True

    def _call(self, operation: Callable[[], T]) -> T:
        """Run ``operation`` signed in; sign in again once if the session token has expired."""
        for attempt in (1, 2):
            try:
                if not self._signed_in:
                    self._login()
                return operation()
            except (atp.UnauthorizedError, atp.BadRequestError) as exc:
                if _error_name(exc) in _EXPIRED and attempt == 1:
                    self._signed_in = False  # a fresh session, then one more try
                    continue
                raise self._mapped(exc) from None
            except atp.AtProtocolError as exc:
                raise self._mapped(exc) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _mapped(self, exc: Exception) -> Exception:
        if isinstance(exc, atp.RateLimitExceededError):
            reset = exc.reset_at
            retry_after = reset.timestamp() - self._clock() if reset else exc.retry_after
            return RateLimited(platform=PLATFORM, retry_after=retry_after)
        if isinstance(exc, atp.UnauthorizedError) or _error_name(exc) in _EXPIRED:
            return AuthExpired(
                f"Bluesky refused the session ({_error(exc)})",
                platform=PLATFORM,
                hint=_APP_PASSWORD_HINT,
            )
        if isinstance(exc, atp.BadRequestError):
            return Rejected(_error(exc), platform=PLATFORM)
        return Unavailable(
            f"Bluesky failed or cannot be reached ({_error(exc)})", platform=PLATFORM
        )


def _error_name(exc: Exception) -> str:
    content = getattr(getattr(exc, "response", None), "content", None)
    return str(getattr(content, "error", "") or "")


def _error(exc: Exception) -> str:
    content = getattr(getattr(exc, "response", None), "content", None)
    name, message = getattr(content, "error", None), getattr(content, "message", None)
    if name:
        return f"{name}: {message}" if message else str(name)
    return str(exc) or type(exc).__name__
