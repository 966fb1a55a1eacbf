"""Publishing to Mastodon (and compatible servers) through Mastodon.py.

``POST /api/v1/statuses`` carries the post's idempotency key in the ``Idempotency-Key`` header:
the server answers a repeated key (for about an hour) with the status it already made, so a
plain retry is safe. After that window, ``status(post)`` lists the account's own recent
statuses (``GET /api/v1/accounts/:id/statuses``) for the same text since the post was queued.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

import requests
from mastodon import Mastodon
from mastodon import errors as mt

from firewarden.publish.base import OutgoingPost, PublishResult, PublishStatus, same_text
from firewarden.publish.errors import AuthExpired, RateLimited, Rejected, Unavailable

PLATFORM = "mastodon"
_SKEW = timedelta(minutes=10)
_TOKEN_HINT = (
    "create a new access token (Preferences > Development > New application, scopes "
    "read:accounts read:statuses write:statuses) and update the account's credentials"
)
_BREAK = re.compile(r"<br\s*/?>|</p>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


def html_to_text(content: str) -> str:
    """The plain text of a status's HTML ``content`` (entities are left to ``same_text``)."""
    return _TAG.sub("", _BREAK.sub("\n", content)).strip()


class MastodonPublisher:
    """Posts as one Mastodon account with a user access token."""

    platform = PLATFORM

    def __init__(
        self,
        *,
        access_token: str,
        api_base_url: str,
        timeout: float = 30.0,
    ) -> None:
        self._session = requests.Session()
        # No version check: it costs a request per start and every feature used here is old.
        self._api = Mastodon(
            access_token=access_token,
            api_base_url=api_base_url,
            version_check_mode="none",
            ratelimit_method="throw",
            request_timeout=timeout,
            session=self._session,
        )
        self._me: Any = None

    def close(self) -> None:
        """Release the HTTP connections."""
        self._session.close()

    def publish(self, post: OutgoingPost) -> PublishResult:
        """Post the status with the idempotency key; a repeated key returns the same status."""
        if post.attachments:
            raise Rejected(
                "media upload to Mastodon is not supported yet",
                platform=PLATFORM,
                hint="post the text without attachments, or publish this one by hand",
            )
        with self._errors():
            status = self._api.status_post(post.text, idempotency_key=post.idempotency_key)
        return PublishResult(PLATFORM, str(status["id"]), str(status["url"] or status["uri"]))

    def delete(self, platform_post_id: str) -> None:
        """Delete the status; a status that is already gone is not an error."""
        with self._errors():
            try:
                self._api.status_delete(platform_post_id)
            except mt.MastodonNotFoundError:
                return

    def status(self, ref: OutgoingPost | str) -> PublishStatus | None:
        """Fetch a status by id, or find the outgoing post among the account's recent ones."""
        with self._errors():
            if isinstance(ref, str):
                try:
                    found = self._api.status(ref)
                except mt.MastodonNotFoundError:
                    return None
                return _status(found, "id")
            if self._me is None:
                self._me = self._api.account_verify_credentials()
            recent = self._api.account_statuses(self._me["id"], limit=40, exclude_reblogs=True)
        since = ref.queued_utc - _SKEW
        for found in recent or ():
            created = found["created_at"]
            if isinstance(created, datetime) and created < since:
                break  # newest first: nothing older can be ours
            if same_text(html_to_text(str(found["content"])), ref.text):
                return _status(found, "text")
        return None

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Map Mastodon.py's exceptions to firewarden's typed errors."""
        try:
            yield
        except mt.MastodonRatelimitError:
            reset = self._api.ratelimit_reset
            # Mastodon.py stores the reset on the local clock (corrected by the server's Date).
            retry_after = None if reset is None else float(reset) - time.time()
            raise RateLimited(platform=PLATFORM, retry_after=retry_after) from None
        except mt.MastodonUnauthorizedError as exc:
            raise AuthExpired(
                f"Mastodon refused the access token ({_reason(exc)})",
                platform=PLATFORM,
                hint=_TOKEN_HINT,
            ) from None
        except (mt.MastodonServerError, mt.MastodonNetworkError) as exc:
            raise Unavailable(
                f"Mastodon failed or cannot be reached ({_reason(exc)})", platform=PLATFORM
            ) from None
        except mt.MastodonAPIError as exc:
            if _code(exc) == 403:
                raise AuthExpired(
                    f"Mastodon does not allow this ({_reason(exc)})",
                    platform=PLATFORM,
                    hint=_TOKEN_HINT,
                ) from None
            raise Rejected(_reason(exc), platform=PLATFORM) from None


def _status(found: Any, found_by: str) -> PublishStatus:
    text = html_to_text(str(found["content"]))
    return PublishStatus(
        PLATFORM, str(found["id"]), str(found["url"] or found["uri"]), text, found_by
    )


def _code(exc: Exception) -> int | None:
    # Mastodon.py raises (message, status code, reason, server error text).
    return exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], int) else None


def _reason(exc: Exception) -> str:
    if len(exc.args) >= 4 and exc.args[3]:
        return str(exc.args[3])
    return " ".join(str(a) for a in exc.args) or type(exc).__name__
