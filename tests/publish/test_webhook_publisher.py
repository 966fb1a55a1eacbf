from __future__ import annotations

import hashlib
import hmac
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from firewarden.publish import signing
from firewarden.publish.errors import AuthExpired, RateLimited, Rejected, Unavailable
from firewarden.publish.local_server import Reply, Request
from firewarden.publish.webhook import WebhookPublisher

from .conftest import Fake, outgoing, serving

SECRET = "whsec-test"
NOW = 1_700_000_000


def documented_signature_ok(req: Request, secret: str) -> bool:
    """A receiver's check, written from the documented algorithm only."""
    timestamp = req.headers["x-firewarden-timestamp"]
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + req.body, hashlib.sha256)
    return hmac.compare_digest("v1=" + expected.hexdigest(), req.headers["x-firewarden-signature"])


@dataclass
class Receiver(Fake):
    posts: dict[str, dict[str, Any]] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)
    fail_next: list[Reply] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def __call__(self, req: Request) -> Reply:
        if not documented_signature_ok(req, SECRET):
            return Reply(401, {"error": "bad signature"})
        if self.fail_next:
            return self.fail_next.pop(0)
        body = req.json()
        if body["type"] == "post.publish":
            if body["idempotency_key"] in self.keys:
                return Reply(200, self.posts[self.keys[body["idempotency_key"]]])
            if len(body["text"]) > 100:
                return Reply(422, {"error": "text is longer than 100 characters"})
            post_id = f"p{next(self._ids)}"
            self.posts[post_id] = {
                "id": post_id,
                "url": f"https://intra.example/{post_id}",
                "text": body["text"],
            }
            self.keys[body["idempotency_key"]] = post_id
            return Reply(201, self.posts[post_id])
        if body["type"] == "post.delete":
            return Reply(204) if self.posts.pop(body["id"], None) else Reply(404)
        post_id = body.get("id") or self.keys.get(body.get("idempotency_key", ""), "")
        return Reply(200, self.posts[post_id]) if post_id in self.posts else Reply(404)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with serving(Receiver()) as receiver:
        yield receiver


def publisher(receiver: Receiver, secret: str = SECRET) -> WebhookPublisher:
    return WebhookPublisher(receiver.url, secret, clock=lambda: NOW)


def test_publish_sends_signed_json_and_parses_the_reply(receiver: Receiver) -> None:
    result = publisher(receiver).publish(outgoing())
    request = receiver.requests[-1]
    assert request.headers["x-firewarden-timestamp"] == str(NOW)
    assert request.headers["idempotency-key"] == "k-1"
    assert request.json()["text"] == outgoing().text
    assert request.json()["queued_at"] == "2025-01-01T09:00:00+00:00"
    assert (result.post_id, result.url, result.created) == ("p1", "https://intra.example/p1", True)


def test_retry_is_answered_with_the_earlier_post(receiver: Receiver) -> None:
    hook = publisher(receiver)
    first = hook.publish(outgoing())
    found = hook.status(outgoing())
    assert found is not None and (found.post_id, found.found_by) == (first.post_id, "key")
    again = hook.publish(outgoing())
    assert (again.post_id, again.created) == (first.post_id, False)
    assert len(receiver.posts) == 1


def test_signature_verifies_and_rejects_tampering() -> None:
    body = b'{"type":"post.publish"}'
    header = signing.sign(SECRET, NOW, body)
    assert signing.verify(SECRET, str(NOW), header, body, now=NOW + 10)
    assert not signing.verify(SECRET, str(NOW), header, body + b" ", now=NOW)
    assert not signing.verify("other", str(NOW), header, body, now=NOW)
    assert not signing.verify(SECRET, str(NOW), header, body, now=NOW + 301)  # replayed later
    assert not signing.verify(SECRET, "soon", header, body, now=NOW)


def test_wrong_secret_is_auth_expired(receiver: Receiver) -> None:
    with pytest.raises(AuthExpired, match="secret"):
        publisher(receiver, "wrong").publish(outgoing())


def test_errors_map_to_typed_errors(receiver: Receiver) -> None:
    hook = publisher(receiver)
    with pytest.raises(Rejected, match="longer than 100"):
        hook.publish(outgoing(text="a" * 101))
    receiver.fail_next.append(Reply(429, {"error": "slow down"}, {"Retry-After": "30"}))
    with pytest.raises(RateLimited) as info:
        hook.publish(outgoing())
    assert info.value.retry_after == 30
    receiver.fail_next.append(Reply(502, "bad gateway"))
    with pytest.raises(Unavailable):
        hook.publish(outgoing())
    with pytest.raises(Unavailable, match="cannot reach"):
        WebhookPublisher("http://127.0.0.1:9/hook", SECRET, timeout=2).publish(outgoing())


def test_delete_and_status_by_id(receiver: Receiver) -> None:
    hook = publisher(receiver)
    first = hook.publish(outgoing())
    assert hook.status(first.post_id) is not None
    hook.delete(first.post_id)
    assert hook.status(first.post_id) is None
    hook.delete(first.post_id)  # 404: already gone
