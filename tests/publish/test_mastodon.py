from __future__ import annotations

from collections.abc import Callable, Iterator
from urllib.parse import parse_qs

import pytest

from firewarden.publish.errors import AuthExpired, RateLimited, Rejected, Unavailable
from firewarden.publish.local_server import Reply
from firewarden.publish.mastodon import MastodonPublisher, html_to_text

from .conftest import outgoing, serving
from .fake_mastodon import TOKEN, FakeMastodon, rate_limited

Make = Callable[..., MastodonPublisher]


@pytest.fixture
def fake() -> Iterator[FakeMastodon]:
    with serving(FakeMastodon()) as fake:
        yield fake


@pytest.fixture
def publisher() -> Iterator[Make]:
    made: list[MastodonPublisher] = []

    def make(fake: FakeMastodon, token: str = TOKEN) -> MastodonPublisher:
        made.append(MastodonPublisher(access_token=token, api_base_url=fake.url, timeout=5))
        return made[-1]

    yield make
    for each in made:
        each.close()


def test_publish_sends_status_with_bearer_token_and_idempotency_key(
    fake: FakeMastodon, publisher: Make
) -> None:
    result = publisher(fake).publish(outgoing())
    request = fake.requests[-1]
    assert (request.method, request.path) == ("POST", "/api/v1/statuses")
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["idempotency-key"] == "k-1"
    assert parse_qs(request.body.decode())["status"] == [outgoing().text]
    assert result.post_id in fake.statuses
    assert result.url == f"https://social.example/@acme/{result.post_id}"


def test_repeated_key_returns_the_same_status(fake: FakeMastodon, publisher: Make) -> None:
    mastodon = publisher(fake)
    first, again = mastodon.publish(outgoing()), mastodon.publish(outgoing())
    assert first.post_id == again.post_id
    assert len(fake.statuses) == 1


def test_status_finds_the_earlier_post_by_text_without_posting(
    fake: FakeMastodon, publisher: Make
) -> None:
    mastodon = publisher(fake)
    first = mastodon.publish(outgoing(text="Line one\n\nTom & Jerry <3 https://example.com/x"))
    found = mastodon.status(outgoing(text="Line one\n\nTom & Jerry <3 https://example.com/x"))
    assert found is not None and (found.post_id, found.found_by) == (first.post_id, "text")
    assert mastodon.status(outgoing(text="not posted")) is None
    assert fake.count("POST") == 1


def test_html_content_becomes_plain_text() -> None:
    text = html_to_text('<p>Hi <a href="https://x.y"><span>x.y</span></a><br />there</p>')
    assert text == "Hi x.y\nthere"


def test_revoked_token_is_auth_expired_with_how_to_renew(
    fake: FakeMastodon, publisher: Make
) -> None:
    fake.revoked = True
    with pytest.raises(AuthExpired) as info:
        publisher(fake).publish(outgoing())
    assert "access token is invalid" in str(info.value)
    assert "write:statuses" in str(info.value)


def test_validation_error_is_rejected_with_the_server_reason(
    fake: FakeMastodon, publisher: Make
) -> None:
    with pytest.raises(Rejected) as info:
        publisher(fake).publish(outgoing(text="a" * 501))
    assert info.value.reason == "Validation failed: Text character limit of 500 exceeded"


def test_rate_limit_reads_x_ratelimit_reset(fake: FakeMastodon, publisher: Make) -> None:
    fake.fail_next.append(rate_limited(60))
    with pytest.raises(RateLimited) as info:
        publisher(fake).publish(outgoing())
    assert info.value.retry_after is not None and 50 < info.value.retry_after <= 61


def test_server_error_is_unavailable(fake: FakeMastodon, publisher: Make) -> None:
    fake.fail_next.append(Reply(503, {"error": "Service Unavailable"}))
    with pytest.raises(Unavailable):
        publisher(fake).publish(outgoing())


def test_status_by_id_delete_and_delete_again(fake: FakeMastodon, publisher: Make) -> None:
    mastodon = publisher(fake)
    first = mastodon.publish(outgoing())
    found = mastodon.status(first.post_id)
    assert found is not None and found.text == outgoing().text
    mastodon.delete(first.post_id)
    assert (fake.requests[-1].method, fake.requests[-1].path) == (
        "DELETE",
        f"/api/v1/statuses/{first.post_id}",
    )
    assert mastodon.status(first.post_id) is None
    mastodon.delete(first.post_id)  # already gone: not an error


def test_status_ignores_identical_text_posted_before_the_queue_time(
    fake: FakeMastodon, publisher: Make
) -> None:
    mastodon = publisher(fake)
    old = mastodon.publish(outgoing(key="old"))
    fake.statuses[old.post_id]["created_at"] = "2024-12-31T08:00:00.000Z"  # before queued_at
    assert mastodon.status(outgoing()) is None
