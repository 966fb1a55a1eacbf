"""X source against a local fake of API v2: recent search paging, expansions, stream rules,
the filtered stream, and the cursor."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from firewarden.listen.sources.base import SourceError
from firewarden.listen.sources.x import XSource, parse_tweet, query_for
from firewarden.listen.watches import Watch

from .fake_x import BRAND, TOKEN, FakeX, tweet

QUERY = '("Acme" OR @acme OR to:acme) -is:retweet'


@pytest.fixture
def fake() -> Iterator[FakeX]:
    recent = [tweet(n, f"Acme order {n} never arrived") for n in range(1, 8)]
    reply = tweet(
        9,
        "@acme this is awful",
        in_reply_to_user_id=BRAND["id"],
        referenced_tweets=[{"type": "replied_to", "id": "1880000000000000001"}],
        attachments={"media_keys": ["3_1"]},
    )
    server = FakeX(recent, [tweet(8, "Acme live one"), reply])
    yield server
    server.close()


def test_query_for_watches() -> None:
    w = Watch(name="Acme", keywords=("Acme",), handles=("@acme",))
    assert query_for([w]) == QUERY


def test_parse_tweet_uses_includes() -> None:
    t = tweet(2, "hi", in_reply_to_user_id="42", attachments={"media_keys": ["3_2"]})
    author = {"id": "1002", "username": "user2", "public_metrics": {"followers_count": 20}}
    media = [{"media_key": "3_2", "type": "photo"}]
    m = parse_tweet(t, {"users": [BRAND, author], "media": media})
    assert m.url == f"https://x.com/user2/status/{t['id']}"
    assert (m.author_handle, m.followers, m.reply_to_author, m.media) == (
        "user2",
        20,
        "acme",
        ("image",),
    )
    assert m.reposts == 2 and m.likes == 2


def test_search_pages_then_stream(fake: FakeX) -> None:
    src = XSource(TOKEN, QUERY, base_url=fake.url)
    got = list(itertools.islice(src.stream(None), 9))
    src.close()
    ids = [m.id for m, _ in got]
    assert [m.text for m, _ in got[:7]] == [f"Acme order {n} never arrived" for n in range(1, 8)]
    assert ids[:7] == sorted(ids[:7], key=int)
    assert got[8][0].reply_to_author == "acme" and got[8][0].media == ("video",)
    assert fake.rules == [{"id": "1", "value": QUERY, "tag": "firewarden"}]
    searches = [r for r in fake.http.requests if r.path == "/2/tweets/search/recent"]
    assert len(searches) == 3  # 7 tweets, 3 per page
    assert "public_metrics" in searches[0].arg("user.fields")
    # A restart catches up from the cursor only.
    cursor = got[4][1]
    again = [m.id for m, _ in XSource(TOKEN, QUERY, base_url=fake.url, live=False).stream(cursor)]
    assert again == ids[5:7]


def test_bad_token_says_what_to_do(fake: FakeX) -> None:
    with pytest.raises(SourceError, match="bearer token"):
        list(XSource("wrong", QUERY, base_url=fake.url, live=False).stream(None))
