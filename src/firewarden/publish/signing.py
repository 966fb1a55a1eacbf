"""Signatures for firewarden's outgoing webhooks (publishing and alerts).

Algorithm (documented in docs/publishing.md and docs/alerts.md so any receiver can check it):

* ``X-Firewarden-Timestamp``: the send time in whole Unix seconds.
* ``X-Firewarden-Signature``: ``v1=`` followed by the lowercase hex HMAC-SHA256, keyed with
  the shared secret (UTF-8), of the bytes ``<timestamp>.<raw request body>``.

A receiver recomputes the HMAC over the body exactly as received, compares in constant time
and refuses timestamps older than a few minutes, so a captured request cannot be replayed.
"""

from __future__ import annotations

import hashlib
import hmac

TIMESTAMP_HEADER = "X-Firewarden-Timestamp"
SIGNATURE_HEADER = "X-Firewarden-Signature"
_VERSION = "v1="


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header value for ``body`` sent at ``timestamp``."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256)
    return _VERSION + digest.hexdigest()


def signed_headers(secret: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The two headers to send with ``body``."""
    return {TIMESTAMP_HEADER: str(timestamp), SIGNATURE_HEADER: sign(secret, timestamp, body)}


def verify(
    secret: str, timestamp: str, signature: str, body: bytes, *, now: float, tolerance: float = 300
) -> bool:
    """True when ``signature`` is valid for ``body`` and ``timestamp`` is within ``tolerance`` s.

    For receivers written in Python; other languages follow the algorithm in the module text.
    """
    try:
        sent_at = int(timestamp)
    except ValueError:
        return False
    if abs(now - sent_at) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, sent_at, body), signature.strip())
