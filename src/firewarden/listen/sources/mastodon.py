"""Mastodon: full-text search to catch up, then the streaming API, through Mastodon.py.

On start (and after a restart) ``/api/v2/search?type=statuses&q=...&min_id=<cursor>`` fills
the gap since the cursor (full-text search of public posts needs Mastodon 4.2+ with search
enabled, and a token); then the streaming API (server-sent events: ``event: update`` with a
Status as JSON) delivers new posts live: the public timeline filtered by ``keep`` (the watches'
keywords and handles), or hashtags when given. The cursor is the newest status id seen
(Mastodon ids grow with time). Status HTML is reduced to text; ``in_reply_to_account_id`` is
turned into the replied-to account's handle through the status's mention list.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from firewarden.listen.mention import Mention, parse_time
from firewarden.listen.sources.base import (
    Bridge,
    Keep,
    SourceError,
    SourceUnavailable,
    network_problem,
)

_BREAK = re.compile(r"<br\s*/?>|</p>\s*<p[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


def html_text(content: str) -> str:
    """Status HTML as plain text (paragraphs and line breaks become newlines)."""
    return html.unescape(_TAG.sub("", _BREAK.sub("\n", content))).strip()


def _get(obj: Any, key: str, default: Any = None) -> Any:
    if isinstance(obj, dict):
        return obj.get(key, default)
    return getattr(obj, key, default)


def parse_status(status: Any) -> Mention | None:
    """A mention from a Mastodon Status (a dict, or Mastodon.py's attribute dict)."""
    if status is None:
        return None
    reblog = _get(status, "reblog")
    account = _get(status, "account") or {}
    created = _get(status, "created_at")
    ident = str(_get(status, "id") or "")
    if not ident:
        return None
    reply_account = str(_get(status, "in_reply_to_account_id") or "")
    reply_author = reply_account
    for m in _get(status, "mentions") or []:
        if str(_get(m, "id")) == reply_account:
            reply_author = str(_get(m, "acct") or reply_account)
    quote = _get(status, "quote") or {}
    quoted = _get(quote, "quoted_status") if quote else None
    media = tuple(
        "video" if _get(a, "type") in ("video", "gifv") else "image"
        for a in _get(status, "media_attachments") or []
        if _get(a, "type") in ("image", "video", "gifv")
    )
    source = reblog if reblog else status
    return Mention(
        platform="mastodon",
        id=ident,
        text=html_text(str(_get(source, "content") or "")),
        created_at=created
        if isinstance(created, dt.datetime) and created.tzinfo
        else parse_time(created),
        url=str(_get(status, "url") or _get(status, "uri") or ""),
        author_id=str(_get(account, "id") or ""),
        author_handle=str(_get(account, "acct") or ""),
        followers=int(_get(account, "followers_count") or 0),
        language=str(_get(status, "language") or ""),
        reply_to=str(_get(status, "in_reply_to_id") or ""),
        reply_to_author=reply_author,
        quote_of=str(_get(quoted, "id") or "") if quoted else "",
        quote_of_author=str(_get(_get(quoted, "account") or {}, "acct") or "") if quoted else "",
        repost_of=str(_get(reblog, "id") or "") if reblog else "",
        likes=int(_get(status, "favourites_count") or 0),
        reposts=int(_get(status, "reblogs_count") or 0),
        replies=int(_get(status, "replies_count") or 0),
        media=media,
    )


def _failure(exc: Exception, what: str, where: str, hint: str) -> SourceError:
    """A Mastodon.py error as a source error: network trouble, 5xx and rate limits are
    retried later; the rest (a refused token, a wrong address) needs a setting changed."""
    from mastodon import (
        MastodonNetworkError,
        MastodonNotFoundError,
        MastodonRatelimitError,
        MastodonServerError,
        MastodonUnauthorizedError,
    )

    if isinstance(exc, MastodonNetworkError):
        return SourceUnavailable(
            f"{what}: cannot reach the server: {network_problem(exc)}", where=where
        )
    if isinstance(exc, MastodonServerError):
        return SourceUnavailable(f"{what}: the server is in trouble", where=where)
    if isinstance(exc, MastodonRatelimitError):
        return SourceUnavailable(f"{what}: the server asks to slow down", where=where)
    if isinstance(exc, MastodonUnauthorizedError):
        return SourceError(
            f"{what}: the server refused the access token",
            where=where,
            hint="check [listen.sources.mastodon] access_token (create one under "
            "Preferences > Development on the server)",
        )
    if isinstance(exc, MastodonNotFoundError):
        return SourceError(
            f"{what}: the server has no such page",
            where=where,
            hint="check [listen.sources.mastodon] url (the server's address, like "
            "https://mastodon.social)",
        )
    return SourceError(f"{what}: {exc}", where=where, hint=hint)


def _newer(a: str | None, b: str) -> bool:
    if not a:
        return True
    try:
        return int(b) > int(a)
    except ValueError:
        return b > a


class MastodonSource:
    """Statuses from one Mastodon server: search since the cursor, then live streaming."""

    def __init__(
        self,
        base_url: str,
        access_token: str = "",
        *,
        query: str = "",
        hashtags: Sequence[str] = (),
        keep: Keep | None = None,
        live: bool = True,
        timeout: float = 30.0,
        name: str = "",
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.access_token = access_token
        self.query = query
        self.hashtags = tuple(h.lstrip("#") for h in hashtags)
        self.keep = keep
        self.live = live
        self.timeout = timeout
        self.name = name or f"mastodon:{self.base_url.split('://')[-1]}"
        self._bridge: Bridge | None = None
        self._handles: list[Any] = []
        #: Called when a search answers or the stream opens (see ``ReportsContact``).
        self.on_contact: Callable[[], None] | None = None

    def _client(self) -> Any:
        from mastodon import Mastodon

        return Mastodon(
            api_base_url=self.base_url,
            access_token=self.access_token or None,
            version_check_mode="none",
            request_timeout=self.timeout,
        )

    def close(self) -> None:
        self._close_handles()
        if self._bridge is not None:
            self._bridge.close()

    def _close_handles(self) -> None:
        for h in list(self._handles):
            with contextlib.suppress(Exception):
                h.close()

    def _contact(self) -> None:
        if self.on_contact is not None:
            self.on_contact()

    def _kept(self, m: Mention | None) -> bool:
        return m is not None and (self.keep is None or self.keep(m))

    def search(self, api: Any, cursor: str | None) -> list[Mention]:
        """Statuses matching the query newer than ``cursor``, oldest first."""
        from mastodon import MastodonError

        found: dict[str, Mention] = {}
        min_id = cursor
        for _ in range(20):  # at most 20 pages per catch-up
            try:
                result = api.search_v2(self.query, result_type="statuses", min_id=min_id, limit=40)
            except MastodonError as exc:
                raise _failure(
                    exc,
                    "Mastodon search failed",
                    self.base_url,
                    "check the access token; full-text search needs Mastodon 4.2+",
                ) from None
            self._contact()
            page = [m for m in map(parse_status, _get(result, "statuses") or []) if m is not None]
            page = [m for m in page if _newer(min_id, m.id)]
            if not page:
                break
            for m in page:
                found[m.id] = m
            min_id = max((m.id for m in page), key=lambda i: (len(i), i))
        ordered = sorted(found.values(), key=lambda m: (len(m.id), m.id))
        return [m for m in ordered if self._kept(m)]

    def stream(self, cursor: str | None) -> Iterator[tuple[Mention, str]]:
        from mastodon import MastodonError, StreamListener

        api = self._client()
        newest = cursor
        if self.query:
            for m in self.search(api, cursor):
                newest = m.id
                yield m, newest
        if not self.live:
            return
        bridge = self._bridge = Bridge()

        class _Listener(StreamListener):
            def on_update(self, status: Any) -> None:
                bridge.put(status)

            def on_abort(self, err: Exception) -> None:
                # Reconnected by the runner (with a search for what was missed meanwhile).
                bridge.fail(
                    SourceUnavailable(
                        f"the Mastodon stream was cut: {network_problem(err)}", where=base
                    )
                )

        base = self.base_url
        self._handles = []
        try:
            if self.hashtags:
                for tag in self.hashtags:
                    self._handles.append(
                        api.stream_hashtag(tag, _Listener(), run_async=True, reconnect_async=True)
                    )
            else:
                self._handles.append(
                    api.stream_public(_Listener(), run_async=True, reconnect_async=True)
                )
        except MastodonError as exc:
            self._close_handles()
            raise _failure(
                exc,
                "cannot open the Mastodon stream",
                self.base_url,
                "check the server URL and the access token",
            ) from None
        self._contact()
        try:
            for status in bridge:
                live = parse_status(status)
                if live is not None and self._kept(live):
                    if _newer(newest, live.id):
                        newest = live.id
                    yield live, newest or live.id
        finally:
            self._close_handles()  # no reconnecting behind the runner's back
