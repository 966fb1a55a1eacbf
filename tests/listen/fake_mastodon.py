"""A local fake Mastodon: instance info, /api/v2/search (statuses, min_id) and the streaming
API (server-sent events ``event: update`` with a Status as JSON, heartbeats as comments)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

from .fake_http import FakeHttp, Req, Resp

BRAND = {"id": "900", "username": "acme", "acct": "acme", "url": "https://social.example/@acme"}


def status(n: int, text: str, **extra: Any) -> dict[str, Any]:
    """A Status as Mastodon serialises it (the fields firewarden reads, and some it does not)."""
    data: dict[str, Any] = {
        "id": str(110_000_000_000_000_000 + n),
        "created_at": f"2026-01-05T10:{n % 60:02d}:00.000Z",
        "in_reply_to_id": None,
        "in_reply_to_account_id": None,
        "sensitive": False,
        "spoiler_text": "",
        "visibility": "public",
        "language": "en",
        "uri": f"https://social.example/users/u{n}/statuses/{n}",
        "url": f"https://social.example/@u{n}/{n}",
        "replies_count": 1,
        "reblogs_count": 2,
        "favourites_count": 3,
        "content": f"<p>{text}</p>",
        "reblog": None,
        "account": {
            "id": str(n),
            "username": f"u{n}",
            "acct": f"u{n}@other.example",
            "display_name": f"User {n}",
            "followers_count": 100 + n,
            "url": f"https://other.example/@u{n}",
        },
        "media_attachments": [],
        "mentions": [],
        "tags": [],
        "emojis": [],
    }
    data.update(extra)
    return data


class FakeMastodon:
    def __init__(self, searchable: list[dict[str, Any]], live: list[dict[str, Any]]) -> None:
        self.searchable = searchable
        self.live = live
        self.http = FakeHttp(self._handle)
        self.url = self.http.url

    def _handle(self, req: Req) -> Resp:
        if req.path.rstrip("/") in ("/api/v1/instance", "/api/v2/instance"):
            feeds = {"local": "public", "remote": "public"}
            ws = self.url.replace("http", "ws")
            return Resp(
                body={
                    "uri": "social.example",
                    "domain": "social.example",
                    "title": "Fake",
                    "version": "4.3.0",
                    "api_versions": {"mastodon": 2},
                    "urls": {"streaming_api": ws},
                    "configuration": {
                        "urls": {"streaming": ws},
                        "timelines_access": {"live_feeds": feeds, "hashtag_feeds": feeds},
                    },
                }
            )
        if req.path == "/api/v2/search":
            q = req.arg("q").lower()
            min_id = int(req.arg("min_id") or 0)
            hits = [
                s for s in self.searchable if q in s["content"].lower() and int(s["id"]) > min_id
            ]
            # Mastodon returns the page just above min_id, newest first.
            page = sorted(hits, key=lambda s: int(s["id"]))[: int(req.arg("limit") or 20)]
            return Resp(body={"accounts": [], "statuses": page[::-1], "hashtags": []})
        if req.path in ("/api/v1/streaming/public", "/api/v1/streaming/hashtag"):
            return Resp(content_type="text/event-stream", stream=self._events())
        return Resp(404, {"error": "Record not found"})

    def _events(self) -> Iterator[bytes]:
        yield b":)\n"
        for s in self.live:
            yield f"event: update\ndata: {json.dumps(s)}\n\n".encode()
            yield b"event: delete\ndata: 1\n\n"
        while not self.http.stopping.is_set():
            yield b":thump\n"
            time.sleep(0.2)

    def close(self) -> None:
        self.http.close()
