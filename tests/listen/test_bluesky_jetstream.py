"""Bluesky Jetstream source against a local fake: parsing, filtering, cursor, restart."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from firewarden.listen.pipeline import Stats
from firewarden.listen.runner import run
from firewarden.listen.sources.base import Source, watch_filter
from firewarden.listen.sources.bluesky_jetstream import REWIND_US, JetstreamSource, parse_event
from firewarden.listen.watches import Watch

from .fake_jetstream import BRAND_DID, FakeJetstream, expected_matches, post_event
from .helpers import pipeline_for, totals

WATCH = Watch(name="Acme", keywords=("Acme",), handles=(BRAND_DID,))


@pytest.fixture
def fake() -> Iterator[FakeJetstream]:
    server = FakeJetstream(120)
    yield server
    server.close()


def test_parse_event() -> None:
    m = parse_event(post_event(35))
    assert m is not None
    assert m.platform == "bluesky" and m.id.startswith("at://did:plc:user")
    assert m.url.startswith("https://bsky.app/profile/did:plc:user") and m.url.endswith("/3k000035")
    assert m.reply_to_author == BRAND_DID and m.media == ("image",) and m.language == "en"
    assert parse_event({"kind": "identity", "did": "x"}) is None


def test_a_post_dated_in_the_future_takes_the_time_jetstream_received_it() -> None:
    """``createdAt`` is set by the poster's app: a post dated 2031 would have the watch's
    detector judge every bucket up to 2031 at once (about 10 s per year) and then judge none of
    the real mentions, whose buckets it has passed."""
    import datetime as dt

    event = post_event(3)
    received = dt.datetime.fromtimestamp(event["time_us"] / 1e6, dt.UTC)
    event["commit"]["record"]["createdAt"] = "2031-01-05T08:00:00.000Z"
    m = parse_event(event)
    assert m is not None and m.created_at == received
    # A clock a little ahead is kept, and so is a post dated earlier (as Bluesky keeps it).
    for created in (received + dt.timedelta(minutes=2), dt.datetime(2025, 3, 1, tzinfo=dt.UTC)):
        event["commit"]["record"]["createdAt"] = created.isoformat()
        m = parse_event(event)
        assert m is not None and m.created_at == created


def test_stream_filters_and_resumes_from_cursor(fake: FakeJetstream) -> None:
    src = JetstreamSource(fake.url, keep=watch_filter([WATCH]), reconnect=False)
    assert isinstance(src, Source)
    got = list(src.stream(None))
    assert len(got) == expected_matches(120)
    assert fake.requests[0]["wantedCollections"] == ["app.bsky.feed.post"]
    # Resuming from a cursor asks Jetstream for a few seconds before it (gapless playback).
    _, cursor = got[10]
    again = list(JetstreamSource(fake.url, reconnect=False).stream(cursor))
    assert fake.requests[1]["cursor"] == [str(int(cursor) - REWIND_US)]
    assert int(again[0][1]) <= int(cursor)


def test_killed_mid_stream_then_restarted_loses_and_doubles_nothing(engine: Engine) -> None:
    server = FakeJetstream(600)
    try:
        stop = threading.Event()
        seen = Stats()

        def kill_after_two(stats: Stats) -> None:
            seen.add(stats)
            if seen.matched >= 60:
                stop.set()  # the worker dies: what is queued and not stored is lost

        first = run(
            engine,
            pipeline_for(engine, WATCH),
            [JetstreamSource(server.url, keep=watch_filter([WATCH]), reconnect=False)],
            stop=stop,
            live=False,
            batch_size=25,
            on_batch=kill_after_two,
        )
        assert 0 < first.counted < expected_matches(600)
        second = run(
            engine,
            pipeline_for(engine, WATCH),
            [JetstreamSource(server.url, keep=watch_filter([WATCH]), reconnect=False)],
            live=False,
        )
        assert "cursor" in server.requests[-1]  # resumed, not started over
        assert first.counted + second.counted == expected_matches(600)
        n = expected_matches(600)
        assert totals(engine) == (n, n, n)
    finally:
        server.close()
