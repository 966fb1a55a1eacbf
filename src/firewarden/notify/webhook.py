"""Alerts to any system through a signed webhook (same signature scheme as publishing).

Body: ``{"type": "alert", "alert": {"title", "level", "summary", "explanation": [...],
"url", "watch", "time"}}`` with the ``X-Firewarden-Timestamp`` and ``X-Firewarden-Signature``
headers described in ``firewarden.publish.signing``. Any 2xx reply means delivered.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from firewarden.notify.base import AlertMessage, check_reply, post_json
from firewarden.publish import http, signing

CHANNEL = "webhook"


def webhook_payload(alert: AlertMessage) -> dict[str, Any]:
    """The JSON body for ``alert``."""
    return {
        "type": "alert",
        "alert": {
            "title": alert.title,
            "level": alert.level,
            "summary": alert.summary,
            "explanation": list(alert.explanation),
            "url": alert.url,
            "watch": alert.watch,
            "time": alert.time.isoformat(),
        },
    }


class WebhookNotifier:
    """POSTs signed alert JSON to one URL."""

    channel = CHANNEL

    def __init__(
        self,
        url: str,
        secret: str,
        *,
        timeout: float = 10.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._url = url
        self._secret = secret
        self._timeout = timeout
        self._clock = clock

    def send(self, alert: AlertMessage) -> None:
        """Deliver the alert; raises NotifyError when the receiver refuses or is unreachable."""
        body = http.encode_json(webhook_payload(alert))
        headers = signing.signed_headers(self._secret, int(self._clock()), body)
        reply = post_json(CHANNEL, self._url, body, headers, self._timeout)
        check_reply(
            CHANNEL, reply, {}, auth_hint="make the secret here match the receiver's secret"
        )
