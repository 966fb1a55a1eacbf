"""RSS 2.0 and Atom against a local feed server: entries, filtering, cursor, errors."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from firewarden.listen.sources.base import SourceError, watch_filter
from firewarden.listen.sources.rss import RssSource
from firewarden.listen.watches import Watch

from .fake_http import FakeHttp, Req, Resp

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>News</title><link>https://news.example/</link>
<item><title>Acme recalls latte cups</title><link>https://news.example/a1</link>
<guid>https://news.example/a1</guid><pubDate>Mon, 05 Jan 2026 10:00:00 GMT</pubDate>
<description>&lt;p&gt;Acme said &lt;b&gt;sorry&lt;/b&gt;.&lt;/p&gt;</description>
<enclosure url="https://news.example/a1.jpg" type="image/jpeg" length="1"/></item>
<item><title>Weather</title><link>https://news.example/a2</link><guid>a2</guid>
<pubDate>Mon, 05 Jan 2026 11:00:00 GMT</pubDate></item>
<item><title>アクメ、謝罪</title><link>https://news.example/a3</link><guid>a3</guid>
<pubDate>Mon, 05 Jan 2026 12:00:00 GMT</pubDate></item>
</channel></rss>""".encode()

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Blog</title><id>urn:blog</id>
<updated>2026-01-05T12:00:00Z</updated>
<entry><title>Why I left Acme</title><id>urn:e1</id><link href="https://blog.example/e1"/>
<updated>2026-01-05T12:00:00Z</updated><author><name>Kim</name></author>
<summary>Long story.</summary></entry></feed>"""

WATCH = Watch(name="Acme", keywords=("Acme", "アクメ"))


@pytest.fixture
def server() -> Iterator[FakeHttp]:
    def handle(req: Req) -> Resp:
        if req.path == "/rss":
            if req.headers.get("if-none-match") == '"v1"':
                return Resp(304, b"")
            return Resp(body=RSS, content_type="application/rss+xml", headers={"ETag": '"v1"'})
        if req.path == "/atom":
            return Resp(body=ATOM, content_type="application/atom+xml")
        if req.path == "/html":
            return Resp(body=b"<html>not a feed", content_type="text/html")
        return Resp(404, b"")

    fake = FakeHttp(handle)
    yield fake
    fake.close()


def test_rss_entries_filtered_with_cursor(server: FakeHttp) -> None:
    src = RssSource(f"{server.url}/rss", keep=watch_filter([WATCH]), live=False)
    got = list(src.stream(None))
    assert [m.text for m, _ in got] == ["Acme recalls latte cups\nAcme said sorry.", "アクメ、謝罪"]
    first = got[0][0]
    assert first.platform == "rss" and first.id == "https://news.example/a1"
    assert first.media == ("image",) and first.url == "https://news.example/a1"
    assert src.fetch() == []  # unchanged: the server said 304 to the ETag
    again = list(RssSource(f"{server.url}/rss", live=False).stream(got[0][1]))
    assert [m.id for m, _ in again] == ["https://news.example/a1", "a2", "a3"]
    later = list(RssSource(f"{server.url}/rss", live=False).stream("2026-01-05T11:30:00+00:00"))
    assert [m.id for m, _ in later] == ["a3"]


def test_atom(server: FakeHttp) -> None:
    ((m, cursor),) = RssSource(f"{server.url}/atom", live=False).stream(None)
    assert m.text == "Why I left Acme\nLong story." and m.author_handle == "Kim"
    assert cursor == "2026-01-05T12:00:00+00:00"


@pytest.mark.parametrize(
    ("path", "message"), [("/html", "not an RSS or Atom feed"), ("/gone", "HTTP 404")]
)
def test_errors(server: FakeHttp, path: str, message: str) -> None:
    with pytest.raises(SourceError, match=message):
        list(RssSource(f"{server.url}{path}", live=False).stream(None))


def test_an_entry_dated_in_the_future_does_not_skip_the_next_ones() -> None:
    """A feed that writes Japan's time as GMT dates its newest entry hours ahead; that entry
    took the cursor with it and the real entries after it were skipped until then."""
    import datetime as dt

    item = (
        "<item><title>Acme {n}</title><link>https://news.example/{n}</link>"
        "<guid>{n}</guid><pubDate>{date} GMT</pubDate></item>"
    )
    items = [item.format(n="ahead", date="Mon, 05 Jan 2026 19:00:00")]  # 9 hours ahead

    def handle(req: Req) -> Resp:
        body = f'<rss version="2.0"><channel><title>N</title>{"".join(items)}</channel></rss>'
        return Resp(body=body.encode(), content_type="application/rss+xml")

    fake = FakeHttp(handle)
    now = [dt.datetime(2026, 1, 5, 10, 0, tzinfo=dt.UTC)]
    try:
        src = RssSource(f"{fake.url}/rss", live=False, clock=lambda: now[0])
        (first, cursor), = src.stream(None)  # fmt: skip
        assert first.created_at == now[0]  # the fetch time, not 19:00
        items.append(item.format(n="next", date="Mon, 05 Jan 2026 10:04:00"))
        now[0] = dt.datetime(2026, 1, 5, 10, 5, tzinfo=dt.UTC)
        again = RssSource(f"{fake.url}/rss", live=False, clock=lambda: now[0])
        assert "https://news.example/next" in [m.url for m, _ in again.stream(cursor)]
    finally:
        fake.close()
