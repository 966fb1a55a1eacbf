"""RSS 2.0 and Atom feeds (news sites, blogs, review sites), through feedparser.

Each entry becomes a mention: ``id`` (guid/id, else link), title and summary as text (HTML
reduced to text), ``published``/``updated`` as the time, the link as URL, the author as
handle. The feed is fetched with ``If-None-Match``/``If-Modified-Since`` and polled every
``interval`` seconds when live (an entry dated after the fetch takes the fetch time). The
cursor is the newest entry time seen; a restart yields
entries at or after it again (storage drops the repeats), never older ones.

A feed that cannot be reached or whose site answers HTTP 5xx/429 raises
:class:`SourceUnavailable` (the runner tries it again later); one that is not there
(401/403/404/410) or is not a feed raises :class:`SourceError`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

from firewarden.listen.mention import FUTURE_TOLERANCE, Mention, parse_time
from firewarden.listen.sources.base import (
    Keep,
    SourceError,
    SourceUnavailable,
    is_transient_status,
    network_problem,
    retry_after,
)
from firewarden.listen.sources.mastodon import html_text


def _time(entry: Any) -> dt.datetime | None:
    for key in ("published_parsed", "updated_parsed"):
        value = entry.get(key)
        if value:
            return dt.datetime.fromtimestamp(calendar.timegm(value), dt.UTC)
    return None


def parse_entry(entry: Any, feed_url: str) -> Mention | None:
    """A mention from one feedparser entry (None without a time or an id)."""
    when = _time(entry)
    ident = str(entry.get("id") or entry.get("link") or "")
    if when is None or not ident:
        return None
    title = html_text(str(entry.get("title") or ""))
    summary = html_text(str(entry.get("summary") or ""))
    text = f"{title}\n{summary}".strip() if summary and summary != title else title
    media = tuple(
        "video" if str(e.get("type", "")).startswith("video") else "image"
        for e in entry.get("enclosures") or []
        if str(e.get("type", "")).startswith(("image", "video"))
    )
    return Mention(
        platform="rss",
        id=ident[:300],
        text=text,
        created_at=when,
        url=str(entry.get("link") or ""),
        author_id=feed_url[:300],
        author_handle=str(entry.get("author") or ""),
        language=str(entry.get("language") or "")[:2],
        media=media,
    )


class RssSource:
    """Entries of one feed that ``keep`` accepts, oldest first."""

    def __init__(
        self,
        url: str,
        *,
        keep: Keep | None = None,
        live: bool = True,
        interval: float = 300.0,
        timeout: float = 30.0,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        self.url = url
        self.keep = keep
        self.live = live
        self.interval = interval
        self.timeout = timeout
        self.name = f"rss:{url}"[:200]
        self._closed = threading.Event()
        self._etag: str | None = None
        self._modified: str | None = None
        self._clock = clock
        #: Called after each answered fetch (see ``ReportsContact``).
        self.on_contact: Callable[[], None] | None = None

    def close(self) -> None:
        self._closed.set()

    def _contact(self) -> None:
        if self.on_contact is not None:
            self.on_contact()

    def fetch(self) -> list[Mention]:
        """The feed's entries now (empty when unchanged since the last fetch)."""
        import feedparser  # type: ignore[import-untyped]
        import requests

        headers = {"User-Agent": "firewarden (listening)"}
        if self._etag:
            headers["If-None-Match"] = self._etag
        if self._modified:
            headers["If-Modified-Since"] = self._modified
        try:
            reply = requests.get(self.url, headers=headers, timeout=self.timeout)
        except requests.RequestException as exc:
            raise SourceUnavailable(
                f"cannot reach the feed: {network_problem(exc)}", where=self.url
            ) from exc
        status = reply.status_code
        if status == 304:
            self._contact()
            return []
        if is_transient_status(status):
            busy = "asks to slow down" if status == 429 else "has a problem"
            raise SourceUnavailable(
                f"the feed's site {busy} (HTTP {status})",
                where=self.url,
                retry_after=retry_after(reply.headers.get("Retry-After")),
            )
        if status in (401, 403):
            raise SourceError(
                f"the feed refuses access (HTTP {status})",
                where=self.url,
                hint="the site needs a login or blocks this server: open the address in a "
                "browser, and remove it from [listen.sources.rss] feeds or ask the site",
            )
        if status in (404, 410):
            raise SourceError(
                f"there is no feed at this address (HTTP {status})",
                where=self.url,
                hint="open the address in a browser and correct it in "
                "[listen.sources.rss] feeds (the site may have moved its feed)",
            )
        if status >= 400:
            raise SourceError(
                f"the feed answered HTTP {status}",
                where=self.url,
                hint="check the feed URL in [listen.sources.rss] feeds",
            )
        parsed = feedparser.parse(reply.content)
        if not parsed.entries and (parsed.bozo or not parsed.get("version")):
            raise SourceError(
                "this address is not an RSS or Atom feed",
                where=self.url,
                hint="open it in a browser: a feed shows as XML (<rss> or <feed>); the site's "
                "feed address is often linked as RSS; correct [listen.sources.rss] feeds",
            ) from parsed.get("bozo_exception")
        self._etag = reply.headers.get("ETag")
        self._modified = reply.headers.get("Last-Modified")
        self._contact()
        found = [m for m in (parse_entry(e, self.url) for e in parsed.entries) if m is not None]
        # An entry dated after the fetch (a feed that writes local time as GMT, a scheduled
        # post) would carry the cursor ahead, so the next real entries would be skipped, and
        # have the watch judge every bucket up to that date at once: it takes the fetch time.
        now = self._clock()
        found = [
            replace(m, created_at=now) if m.created_at > now + FUTURE_TOLERANCE else m
            for m in found
        ]
        return sorted(found, key=lambda m: m.created_at)

    def stream(self, cursor: str | None) -> Iterator[tuple[Mention, str]]:
        since = parse_time(cursor) if cursor else None
        while not self._closed.is_set():
            for m in self.fetch():
                if since is not None and m.created_at < since:
                    continue
                since = m.created_at
                if self.keep is None or self.keep(m):
                    yield m, since.isoformat()
            if not self.live or self._closed.wait(self.interval):
                return
