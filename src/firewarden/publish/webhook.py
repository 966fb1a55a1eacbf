"""Publishing through a generic signed webhook: for in-house tools, Zapier/n8n flows, etc.

Every call is one signed POST (see ``signing``) of a JSON object to the configured URL:

* ``{"type": "post.publish", "idempotency_key", "account", "text", "queued_at",
  "attachments": [{"description", "path", "media_type"}]}`` -> 201 ``{"id", "url"}``.
  The key is also sent as the ``Idempotency-Key`` header; a receiver must answer a repeated key
  with the post it already made, with status 200.
* ``{"type": "post.delete", "id"}`` -> 200/204 (404 counts as already deleted).
* ``{"type": "post.status", "id"}`` or ``{"type": "post.status", "idempotency_key"}`` ->
  200 ``{"id", "url", "text"}`` or 404.

Errors: 401/403 -> AuthExpired, 429 (``Retry-After``) -> RateLimited, other 4xx -> Rejected
(``{"error": "..."}`` is the reason), 5xx or no connection -> Unavailable.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from firewarden.publish import http, signing
from firewarden.publish.base import OutgoingPost, PublishResult, PublishStatus
from firewarden.publish.errors import AuthExpired, RateLimited, Rejected, Unavailable

PLATFORM = "webhook"


class WebhookPublisher:
    """Publishes by POSTing signed JSON to one URL."""

    platform = PLATFORM

    def __init__(
        self,
        url: str,
        secret: str,
        *,
        timeout: float = 15.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._url = url
        self._secret = secret
        self._timeout = timeout
        self._clock = clock

    def publish(self, post: OutgoingPost) -> PublishResult:
        """Send the post; a receiver honouring the key returns the earlier post on a retry."""
        payload = {
            "type": "post.publish",
            "idempotency_key": post.idempotency_key,
            "account": post.account,
            "text": post.text,
            "queued_at": post.queued_at.isoformat(),
            "attachments": [
                {"description": a.description, "path": a.path, "media_type": a.media_type}
                for a in post.attachments
            ],
        }
        reply = self._send(payload, {"Idempotency-Key": post.idempotency_key})
        data = self._data(reply)
        return PublishResult(PLATFORM, data["id"], data["url"], created=reply.status != 200)

    def delete(self, platform_post_id: str) -> None:
        """Ask the receiver to delete the post; an unknown id counts as already deleted."""
        reply = self._send({"type": "post.delete", "id": platform_post_id}, {})
        if reply.status != 404:
            self._check(reply)

    def status(self, ref: OutgoingPost | str) -> PublishStatus | None:
        """Ask the receiver whether it has the post, by id or by idempotency key."""
        if isinstance(ref, OutgoingPost):
            payload, found_by = (
                {"type": "post.status", "idempotency_key": ref.idempotency_key},
                "key",
            )
        else:
            payload, found_by = {"type": "post.status", "id": ref}, "id"
        reply = self._send(payload, {})
        if reply.status == 404:
            return None
        data = self._data(reply)
        return PublishStatus(PLATFORM, data["id"], data["url"], str(data.get("text", "")), found_by)

    def _send(self, payload: dict[str, Any], extra: dict[str, str]) -> http.HttpReply:
        body = http.encode_json(payload)
        headers = {**signing.signed_headers(self._secret, int(self._clock()), body), **extra}
        try:
            return http.post(self._url, body, headers, timeout=self._timeout)
        except OSError as exc:
            raise Unavailable(f"cannot reach the webhook: {exc}", platform=PLATFORM) from None

    def _check(self, reply: http.HttpReply) -> None:
        if 200 <= reply.status < 300:
            return
        body = reply.json()
        reason = body.get("error") if isinstance(body, dict) else None
        reason = str(reason or reply.text() or f"HTTP {reply.status}")
        if reply.status in (401, 403):
            raise AuthExpired(
                f"the webhook refused the signature ({reason})",
                platform=PLATFORM,
                hint="make the secret configured here match the receiver's, then retry",
            )
        if reply.status == 429:
            raise RateLimited(
                platform=PLATFORM, retry_after=http.retry_after_seconds(reply.headers)
            )
        if reply.status >= 500:
            raise Unavailable(f"the webhook failed with HTTP {reply.status}", platform=PLATFORM)
        raise Rejected(reason, platform=PLATFORM)

    def _data(self, reply: http.HttpReply) -> dict[str, str]:
        self._check(reply)
        body = reply.json()
        if not (isinstance(body, dict) and isinstance(body.get("id"), str)):
            raise Unavailable(
                f"the webhook replied without a post id: {reply.text()[:200]!r}",
                platform=PLATFORM,
                hint='the receiver must reply with JSON {"id": ..., "url": ...}',
            )
        return {key: str(value) for key, value in body.items() if value is not None} | {
            "url": str(body.get("url") or "")
        }
