"""Bluesky through Jetstream: the network's posts as JSON over a WebSocket.

Connects to ``<url>?wantedCollections=app.bsky.feed.post[&cursor=<time_us>]`` and reads
``kind: commit`` events with ``commit.operation: create``: ``did``, ``time_us``,
``commit.rkey``, ``commit.record`` (``text``, ``createdAt``, ``langs``, ``reply.parent.uri``,
``embed``: images, video, or a quoted record). Jetstream carries every post on the network,
so only those the ``keep`` filter accepts (the watches' keywords and handles) go on. The cursor
is ``time_us``; on resume it is rewound a few seconds (Jetstream's advice for gapless playback;
storage drops the repeats). Jetstream has no follower counts: they stay 0 unless a mention
is enriched elsewhere.

A dropped stream is reconnected at once (then backing off up to 30 s); a Jetstream that
cannot be reached, or answers HTTP 5xx/429, raises :class:`SourceUnavailable` and the runner
tries again later from the cursor.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlencode

from firewarden.listen.mention import FUTURE_TOLERANCE, Mention, parse_time
from firewarden.listen.sources.base import (
    Keep,
    SourceError,
    SourceUnavailable,
    is_transient_status,
    network_problem,
)

DEFAULT_URL = "wss://jetstream2.us-east.bsky.network/subscribe"
POST = "app.bsky.feed.post"
#: Microseconds the cursor is rewound on resume.
REWIND_US = 3_000_000


def _did_of(uri: str) -> str:
    # at://did:plc:xyz/app.bsky.feed.post/3k... -> did:plc:xyz
    return uri[5:].split("/", 1)[0] if uri.startswith("at://") else ""


def _media_and_quote(embed: Any) -> tuple[tuple[str, ...], str]:
    if not isinstance(embed, dict):
        return (), ""
    kind = str(embed.get("$type", ""))
    if kind == "app.bsky.embed.images":
        return ("image",), ""
    if kind == "app.bsky.embed.video":
        return ("video",), ""
    if kind == "app.bsky.embed.record":
        return (), str((embed.get("record") or {}).get("uri", ""))
    if kind == "app.bsky.embed.recordWithMedia":
        media, _ = _media_and_quote(embed.get("media"))
        inner = (embed.get("record") or {}).get("record") or {}
        return media, str(inner.get("uri", ""))
    return (), ""


def parse_event(event: dict[str, Any]) -> Mention | None:
    """A mention from one Jetstream event (None for anything but a new post)."""
    if event.get("kind") != "commit":
        return None
    commit = event.get("commit") or {}
    if commit.get("operation") != "create" or commit.get("collection") != POST:
        return None
    record = commit.get("record") or {}
    did = str(event.get("did", ""))
    rkey = str(commit.get("rkey", ""))
    text = record.get("text")
    if not did or not rkey or not isinstance(text, str):
        return None
    parent = str(((record.get("reply") or {}).get("parent") or {}).get("uri", ""))
    media, quoted = _media_and_quote(record.get("embed"))
    langs = record.get("langs") or []
    received = dt.datetime.fromtimestamp(int(event.get("time_us", 0)) / 1e6, dt.UTC)
    try:
        created = parse_time(record.get("createdAt"))
    except Exception:
        created = received
    if event.get("time_us") and created > received + FUTURE_TOLERANCE:
        # ``createdAt`` is what the poster's app says; a post dated in the future would have
        # the watch's detector judge every bucket up to that date at once and then ignore the
        # real mentions, which land in buckets already judged. Bluesky itself sorts such
        # posts by when it received them.
        created = received
    return Mention(
        platform="bluesky",
        id=f"at://{did}/{POST}/{rkey}",
        text=text,
        created_at=created,
        url=f"https://bsky.app/profile/{did}/post/{rkey}",
        author_id=did,
        author_handle=did,
        language=str(langs[0]).split("-")[0].lower() if langs else "",
        reply_to=parent,
        reply_to_author=_did_of(parent),
        quote_of=quoted,
        quote_of_author=_did_of(quoted),
        media=media,
    )


class JetstreamSource:
    """Bluesky posts from Jetstream that ``keep`` accepts (all posts when ``keep`` is None)."""

    def __init__(
        self,
        url: str = DEFAULT_URL,
        *,
        keep: Keep | None = None,
        reconnect: bool = True,
        name: str = "bluesky:jetstream",
    ) -> None:
        self.url = url
        self.keep = keep
        self.reconnect = reconnect
        self.name = name
        self._closed = False
        self._ws: Any = None
        #: Called after each connection (see ``ReportsContact``).
        self.on_contact: Callable[[], None] | None = None

    def close(self) -> None:
        self._closed = True
        ws = self._ws
        if ws is not None:
            ws.close()

    def _url(self, cursor: int | None) -> str:
        params: list[tuple[str, str]] = [("wantedCollections", POST)]
        if cursor is not None:
            params.append(("cursor", str(max(cursor - REWIND_US, 0))))
        return f"{self.url}?{urlencode(params)}"

    def stream(self, cursor: str | None) -> Iterator[tuple[Mention, str]]:
        from websockets.exceptions import (
            ConnectionClosed,
            InvalidHandshake,
            InvalidStatus,
            InvalidURI,
        )
        from websockets.sync.client import connect

        position = int(cursor) if cursor and cursor.isdigit() else None
        failures = 0
        while not self._closed:
            try:
                ws = connect(self._url(position), open_timeout=10, max_size=2**22)
            except InvalidStatus as exc:
                status = exc.response.status_code
                if self._closed:
                    return
                if is_transient_status(status):
                    raise SourceUnavailable(
                        f"Jetstream is in trouble (HTTP {status})", where=self.url
                    ) from exc
                raise SourceError(
                    f"Jetstream refused the connection (HTTP {status})",
                    where=self.url,
                    hint="check [listen.sources.bluesky] url (wss://…/subscribe)",
                ) from exc
            except (InvalidURI, InvalidHandshake) as exc:
                raise SourceError(
                    f"cannot connect to Jetstream: {exc}",
                    where=self.url,
                    hint="check [listen.sources.bluesky] url (wss://…/subscribe)",
                ) from None
            except (OSError, TimeoutError) as exc:
                if self._closed:
                    return
                # Not reachable: the runner tries again later (and says so).
                raise SourceUnavailable(
                    f"cannot reach Jetstream: {network_problem(exc)}", where=self.url
                ) from exc
            try:
                with ws:
                    self._ws = ws
                    failures = 0
                    if self.on_contact is not None:
                        self.on_contact()
                    for raw in ws:
                        event = json.loads(raw)
                        time_us = event.get("time_us")
                        if isinstance(time_us, int):
                            position = time_us
                        m = parse_event(event)
                        if m is not None and (self.keep is None or self.keep(m)):
                            yield m, str(position)
            except (ConnectionClosed, OSError, json.JSONDecodeError):
                if self._closed:
                    return
                failures += 1  # a dropped stream: connect again at once, then backing off
            finally:
                self._ws = None
            if not self.reconnect or self._closed:
                return
            time.sleep(min(30.0, 0.5 * 2**failures))  # back off, then resume from the cursor
