from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import timedelta

import pytest

from firewarden.publish.bluesky import BlueskyPublisher, record_key
from firewarden.publish.errors import AuthExpired, RateLimited, Rejected, Unavailable
from firewarden.publish.local_server import Reply

from .conftest import outgoing, serving
from .fake_bluesky import COLLECTION, DID, HANDLE, PASSWORD, TID, FakePds, rate_limited

NOW = 1_700_000_000.0


@pytest.fixture
def fake() -> Iterator[FakePds]:
    with serving(FakePds()) as fake:
        yield fake


@pytest.fixture
def publisher() -> Iterator[Callable[..., BlueskyPublisher]]:
    made: list[BlueskyPublisher] = []

    def make(fake: FakePds, password: str = PASSWORD) -> BlueskyPublisher:
        made.append(
            BlueskyPublisher(
                identifier=HANDLE, app_password=password, base_url=fake.url, clock=lambda: NOW
            )
        )
        return made[-1]

    yield make
    for each in made:
        each.close()


def test_record_key_is_a_valid_tid_stable_per_post_and_distinct_per_key() -> None:
    post = outgoing()
    assert TID.match(record_key(post))
    assert record_key(post) == record_key(outgoing())
    assert record_key(post) != record_key(outgoing(key="k-2"))
    later = replace(post, queued_at=post.queued_at + timedelta(seconds=1))
    assert record_key(later) > record_key(post)  # TIDs sort by time


def test_publish_signs_in_and_creates_a_post_record(
    fake: FakePds, publisher: Callable[..., BlueskyPublisher]
) -> None:
    result = publisher(fake).publish(outgoing())
    login, create = fake.requests[0], fake.requests[-1]
    assert login.path == "/xrpc/com.atproto.server.createSession"
    assert login.json() == {"identifier": HANDLE, "password": PASSWORD}
    assert create.path == "/xrpc/com.atproto.repo.createRecord"
    assert create.headers["authorization"].startswith("Bearer ")
    body = create.json()
    assert (body["repo"], body["collection"], body["rkey"]) == (
        DID,
        COLLECTION,
        record_key(outgoing()),
    )
    record = body["record"]
    assert record["$type"] == COLLECTION
    assert record["text"] == outgoing().text
    assert record["createdAt"].startswith("2023-11-14T22:13:20")
    link = record["facets"][0]  # the link is made clickable with a byte-range facet
    assert link["features"][0]["uri"] == "https://example.com/store"
    assert result.post_id == f"at://{DID}/{COLLECTION}/{record_key(outgoing())}"
    assert result.url == f"https://bsky.app/profile/{HANDLE}/post/{record_key(outgoing())}"


def test_retry_never_creates_a_second_record(
    fake: FakePds, publisher: Callable[..., BlueskyPublisher]
) -> None:
    bsky = publisher(fake)
    first = bsky.publish(outgoing())
    found = bsky.status(outgoing())
    assert found is not None and (found.post_id, found.found_by) == (first.post_id, "key")
    again = bsky.publish(outgoing())  # even a blind retry names the same record
    assert (again.post_id, again.created) == (first.post_id, False)
    assert len(fake.records) == 1


def test_status_is_none_before_publishing(
    fake: FakePds, publisher: Callable[..., BlueskyPublisher]
) -> None:
    assert publisher(fake).status(outgoing()) is None


def test_reused_key_with_other_text_is_refused(
    fake: FakePds, publisher: Callable[..., BlueskyPublisher]
) -> None:
    bsky = publisher(fake)
    bsky.publish(outgoing())
    with pytest.raises(Rejected, match="different post"):
        bsky.publish(outgoing(text="another text entirely"))


def test_expired_session_signs_in_again_transparently(
    fake: FakePds, publisher: Callable[..., BlueskyPublisher]
) -> None:
    bsky = publisher(fake)
    bsky.publish(outgoing())
    fake.expire_sessions()
    result = bsky.publish(outgoing(key="k-2", text="second post"))
    assert result.created
    assert fake.count("POST", "createSession") == 2


def test_wrong_app_password_is_auth_expired_with_where_to_renew(
    fake: FakePds, publisher: Callable[..., BlueskyPublisher]
) -> None:
    with pytest.raises(AuthExpired) as info:
        publisher(fake, password="wrong").publish(outgoing())
    assert "App passwords" in str(info.value)
    assert not fake.records


def test_rate_limit_uses_ratelimit_reset(
    fake: FakePds, publisher: Callable[..., BlueskyPublisher]
) -> None:
    bsky = publisher(fake)
    bsky.status(outgoing())  # signed in
    fake.fail_next.append(rate_limited(int(NOW) + 120))
    with pytest.raises(RateLimited) as info:
        bsky.publish(outgoing())
    assert info.value.retry_after == 120


def test_too_long_text_is_rejected_with_the_pds_reason(
    fake: FakePds, publisher: Callable[..., BlueskyPublisher]
) -> None:
    with pytest.raises(Rejected, match="300 graphemes"):
        publisher(fake).publish(outgoing(text="a" * 301))


def test_server_error_is_unavailable(
    fake: FakePds, publisher: Callable[..., BlueskyPublisher]
) -> None:
    bsky = publisher(fake)
    bsky.status(outgoing())
    fake.fail_next.extend([Reply(500, {"error": "InternalServerError", "message": "boom"})] * 2)
    with pytest.raises(Unavailable):
        bsky.publish(outgoing())


def test_delete_and_status_by_uri(
    fake: FakePds, publisher: Callable[..., BlueskyPublisher]
) -> None:
    bsky = publisher(fake)
    first = bsky.publish(outgoing())
    found = bsky.status(first.post_id)
    assert found is not None and found.found_by == "id" and found.text == outgoing().text
    bsky.delete(first.post_id)
    assert fake.requests[-1].json() == {
        "repo": DID,
        "collection": COLLECTION,
        "rkey": record_key(outgoing()),
    }
    assert bsky.status(first.post_id) is None
    bsky.delete(first.post_id)  # already gone: not an error
