from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from firewarden.publish.errors import AuthExpired, RateLimited, Rejected, Unavailable
from firewarden.publish.local_server import Reply
from firewarden.publish.x import XPublisher

from .conftest import outgoing, serving
from .fake_x import KEYS, USER_TOKEN, FakeX, rate_limited

NOW = 1_700_000_000.0


@pytest.fixture
def fake() -> Iterator[FakeX]:
    with serving(FakeX()) as fake:
        yield fake


@pytest.fixture
def publisher() -> Iterator[Callable[..., XPublisher]]:
    made: list[XPublisher] = []

    def make(fake: FakeX, **kwargs: str) -> XPublisher:
        made.append(XPublisher(**(kwargs or KEYS), base_url=fake.url, clock=lambda: NOW))
        return made[-1]

    yield make
    for each in made:
        each.close()


def test_publish_sends_signed_v2_request_and_parses_id_and_url(
    fake: FakeX, publisher: Callable[..., XPublisher]
) -> None:
    result = publisher(fake).publish(outgoing())
    request = fake.requests[-1]
    assert (request.method, request.path) == ("POST", "/2/tweets")
    assert request.json() == {"text": "New store opens Friday! https://example.com/store"}
    assert request.headers["authorization"].startswith("OAuth ")
    assert 'oauth_signature_method="HMAC-SHA1"' in request.headers["authorization"]
    assert result.post_id in fake.tweets
    assert result.url == f"https://x.com/acme/status/{result.post_id}"
    assert result.created


def test_oauth2_user_token_is_sent_as_bearer(
    fake: FakeX, publisher: Callable[..., XPublisher]
) -> None:
    result = publisher(fake, user_access_token=USER_TOKEN).publish(outgoing())
    assert fake.requests[-1].headers["authorization"] == f"Bearer {USER_TOKEN}"
    assert result.post_id in fake.tweets


def test_wrong_secret_fails_the_signature_check_as_auth_error(
    fake: FakeX, publisher: Callable[..., XPublisher]
) -> None:
    with pytest.raises(AuthExpired, match="bad OAuth"):
        publisher(fake, **{**KEYS, "api_secret": "wrong"}).publish(outgoing())
    assert not fake.tweets


def test_expired_token_maps_to_auth_expired_with_a_hint(
    fake: FakeX, publisher: Callable[..., XPublisher]
) -> None:
    fake.expired = True
    with pytest.raises(AuthExpired) as info:
        publisher(fake).publish(outgoing())
    assert "renew" in str(info.value)


def test_rate_limit_carries_seconds_until_reset(
    fake: FakeX, publisher: Callable[..., XPublisher]
) -> None:
    fake.fail_next.append(rate_limited(int(NOW) + 90))
    with pytest.raises(RateLimited) as info:
        publisher(fake).publish(outgoing())
    assert info.value.retry_after == 90
    assert info.value.retryable


def test_validation_error_is_rejected_with_the_platform_reason(
    fake: FakeX, publisher: Callable[..., XPublisher]
) -> None:
    with pytest.raises(Rejected) as info:
        publisher(fake).publish(outgoing(text="x" * 281))
    assert "280" in info.value.reason


def test_server_error_is_unavailable_and_retryable(
    fake: FakeX, publisher: Callable[..., XPublisher]
) -> None:
    fake.fail_next.append(Reply(503, {"title": "Service Unavailable", "status": 503}))
    with pytest.raises(Unavailable) as info:
        publisher(fake).publish(outgoing())
    assert info.value.retryable


def test_unreachable_platform_is_unavailable() -> None:
    x = XPublisher(**KEYS, base_url="http://127.0.0.1:9", timeout=2)
    with pytest.raises(Unavailable):
        x.publish(outgoing())
    x.close()


def test_retry_finds_the_earlier_tweet_without_posting_again(
    fake: FakeX, publisher: Callable[..., XPublisher]
) -> None:
    x = publisher(fake)
    first = x.publish(outgoing())
    # The reply was lost; before retrying, the workflow asks for the status.
    found = x.status(outgoing())
    assert found is not None and found.post_id == first.post_id and found.found_by == "text"
    assert fake.count("POST") == 1


def test_status_matches_text_after_link_shortening(
    fake: FakeX, publisher: Callable[..., XPublisher]
) -> None:
    x = publisher(fake)
    first = x.publish(outgoing())
    fake.tweets[first.post_id].text = "New store opens Friday! https://t.co/AbC123"
    found = x.status(outgoing())
    assert found is not None and found.post_id == first.post_id


def test_status_ignores_other_texts_and_unknown_ids(
    fake: FakeX, publisher: Callable[..., XPublisher]
) -> None:
    x = publisher(fake)
    x.publish(outgoing(text="something else"))
    assert x.status(outgoing()) is None
    assert x.status("1234") is None


def test_duplicate_refused_by_x_resolves_to_the_earlier_tweet(
    fake: FakeX, publisher: Callable[..., XPublisher]
) -> None:
    x = publisher(fake)
    first = x.publish(outgoing())
    again = x.publish(outgoing())
    assert (again.post_id, again.created) == (first.post_id, False)
    assert len(fake.tweets) == 1


def test_status_by_id_and_delete(fake: FakeX, publisher: Callable[..., XPublisher]) -> None:
    x = publisher(fake)
    first = x.publish(outgoing())
    found = x.status(first.post_id)
    assert found is not None and found.found_by == "id" and found.url == first.url
    x.delete(first.post_id)
    request = fake.requests[-1]
    assert (request.method, request.path) == ("DELETE", f"/2/tweets/{first.post_id}")
    assert not fake.tweets
    x.delete(first.post_id)  # already gone: not an error
    assert x.status(first.post_id) is None


def test_attachments_are_refused_rather_than_dropped(
    fake: FakeX, publisher: Callable[..., XPublisher]
) -> None:
    from dataclasses import replace

    from firewarden.publish.base import Attachment

    post = replace(outgoing(), attachments=(Attachment("chart of Q3 sales"),))
    with pytest.raises(Rejected, match="media"):
        publisher(fake).publish(post)
    assert fake.count("POST") == 0
