"""A minimal JSON-over-HTTP sender for webhooks (stdlib only), shared with the notifiers.

It never raises for an HTTP status: callers map statuses to their own typed errors. Network
failures (refused connection, DNS, timeout) raise ``OSError`` for the caller to map.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message
from typing import Any


@dataclass(frozen=True, slots=True)
class HttpReply:
    """Status, headers (lowercase names) and body of a reply."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The body parsed as JSON, or None when it is not JSON."""
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def text(self) -> str:
        """The body as text (invalid UTF-8 replaced), trimmed."""
        return self.body.decode("utf-8", "replace").strip()


def encode_json(payload: Any) -> bytes:
    """Compact UTF-8 JSON: the exact bytes that are sent and signed."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _headers(message: Message) -> dict[str, str]:
    return {name.lower(): value for name, value in message.items()}


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float) -> HttpReply:
    """POST ``body`` as JSON to ``url``; returns the reply whatever its status."""
    if not url.lower().startswith(("https://", "http://")):
        raise ValueError(f"not an http(s) URL: {url!r}")
    request = urllib.request.Request(url, data=body, method="POST")
    request.add_header("Content-Type", "application/json; charset=utf-8")
    request.add_header("User-Agent", "firewarden")
    for name, value in headers.items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return HttpReply(response.status, _headers(response.headers), response.read())
    except urllib.error.HTTPError as exc:
        with exc:
            return HttpReply(exc.code, _headers(exc.headers), exc.read())


def retry_after_seconds(headers: dict[str, str]) -> float | None:
    """The ``Retry-After`` header in seconds, when it is a number."""
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None
