"""Mastodon source against a local fake: Status parsing, search catch-up, streaming, cursor."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from firewarden.listen.sources.base import watch_filter
from firewarden.listen.sources.mastodon import MastodonSource, parse_status
from firewarden.listen.watches import Watch

from .fake_mastodon import BRAND, FakeMastodon, status

WATCH = Watch(name="Acme", keywords=("Acme",), handles=("@acme",))


@pytest.fixture
def fake() -> Iterator[FakeMastodon]:
    searchable = [status(n, f"Acme delivery was late again {n}") for n in range(1, 6)]
    searchable.append(status(6, "nothing to see"))
    reply = status(
        8,
        '<span class="h-card"><a href="https://social.example/@acme">@<span>acme</span></a>'
        "</span> why?",
        in_reply_to_id="555",
        in_reply_to_account_id=BRAND["id"],
        mentions=[BRAND],
        media_attachments=[{"id": "1", "type": "video", "url": "https://x/v.mp4"}],
    )
    live = [status(7, "unrelated chatter"), reply, status(9, "I love Acme &amp; co")]
    server = FakeMastodon(searchable, live)
    yield server
    server.close()


def test_parse_status() -> None:
    m = parse_status(
        status(3, "Hi <b>Acme</b><br>bye", in_reply_to_account_id="900", mentions=[BRAND])
    )
    assert m is not None
    assert m.text == "Hi Acme\nbye" and m.reply_to_author == "acme"
    assert (m.followers, m.likes, m.reposts, m.replies) == (103, 3, 2, 1)
    assert m.author_handle == "u3@other.example" and m.created_at.minute == 3


def test_search_then_stream_with_cursor(fake: FakeMastodon) -> None:
    src = MastodonSource(fake.url, "token", query="Acme", keep=watch_filter([WATCH]))
    stream = src.stream(None)
    got = list(itertools.islice(stream, 7))
    src.close()
    texts = [m.text for m, _ in got]
    assert texts[:5] == [f"Acme delivery was late again {n}" for n in range(1, 6)]
    assert texts[5].endswith("why?") and got[5][0].reply_to_author == "acme"
    assert got[5][0].media == ("video",)
    assert texts[6] == "I love Acme & co"
    cursors = [c for _, c in got]
    assert cursors == sorted(cursors, key=int)
    # Catch-up after a restart asks only for what is newer than the cursor.
    again = list(MastodonSource(fake.url, "token", query="Acme", live=False).stream(cursors[2]))
    assert [m.text for m, _ in again] == [f"Acme delivery was late again {n}" for n in (4, 5)]
    assert any(
        r.path == "/api/v2/search" and r.arg("min_id") == cursors[2] for r in fake.http.requests
    )
    assert fake.http.requests[-1].headers["authorization"] == "Bearer token"
