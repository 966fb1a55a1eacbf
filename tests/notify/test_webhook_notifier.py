from __future__ import annotations

import hashlib
import hmac

import pytest

from firewarden.notify.base import AlertMessage, NotifyError
from firewarden.notify.webhook import WebhookNotifier
from firewarden.publish.local_server import LocalHttpServer, Reply, Request

SECRET = "alert-secret"
NOW = 1_736_501_400


def receiver(req: Request) -> Reply:
    """Checks the signature exactly as docs/alerts.md tells a receiver to."""
    timestamp = req.headers["x-firewarden-timestamp"]
    mac = hmac.new(SECRET.encode(), timestamp.encode() + b"." + req.body, hashlib.sha256)
    if not hmac.compare_digest("v1=" + mac.hexdigest(), req.headers["x-firewarden-signature"]):
        return Reply(401, "signature mismatch")
    return Reply(204)


def test_signed_alert_is_accepted_and_carries_every_field(crisis: AlertMessage) -> None:
    with LocalHttpServer(receiver) as server:
        WebhookNotifier(server.url, SECRET, clock=lambda: NOW).send(crisis)
        (request,) = server.requests
    assert request.headers["x-firewarden-timestamp"] == str(NOW)
    body = request.json()
    assert body["type"] == "alert"
    assert body["alert"] == {
        "title": crisis.title,
        "level": "crisis",
        "summary": crisis.summary,
        "explanation": list(crisis.explanation),
        "url": crisis.url,
        "watch": "brand: Acme",
        "time": "2025-01-10T18:30:00+09:00",
    }


def test_wrong_secret_says_to_align_secrets(crisis: AlertMessage) -> None:
    with LocalHttpServer(receiver) as server, pytest.raises(NotifyError) as info:
        WebhookNotifier(server.url, "other").send(crisis)
    assert not info.value.retryable
    assert "secret" in str(info.value)


def test_an_address_urllib_cannot_send_to_is_a_notify_error(crisis: AlertMessage) -> None:
    """Not a traceback that stops the listener: a failure recorded on the alert."""
    notifier = WebhookNotifier("https://exa mple.test/hook", SECRET, clock=lambda: NOW)
    with pytest.raises(NotifyError) as caught:
        notifier.send(crisis)
    assert not caught.value.retryable
