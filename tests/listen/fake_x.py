"""A local fake of the X API v2 endpoints the listener uses: recent search (since_id,
next_token paging, expansions in ``includes``) and the filtered stream with its rules
(newline-delimited JSON, ``\\r\\n`` keep-alives)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

from .fake_http import FakeHttp, Req, Resp

TOKEN = "x-bearer"
BRAND = {"id": "42", "username": "acme", "public_metrics": {"followers_count": 50_000}}


def tweet(n: int, text: str, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(1_880_000_000_000_000_000 + n),
        "text": text,
        "author_id": str(1000 + n),
        "created_at": f"2026-01-05T10:{n % 60:02d}:00.000Z",
        "lang": "en",
        "public_metrics": {"retweet_count": n, "reply_count": 1, "like_count": 2, "quote_count": 0},
        "edit_history_tweet_ids": [str(1_880_000_000_000_000_000 + n)],
    }
    data.update(extra)
    return data


def user(n: int) -> dict[str, Any]:
    return {"id": str(1000 + n), "username": f"user{n}", "name": f"User {n}",
            "public_metrics": {"followers_count": 10 * n}}  # fmt: skip


class FakeX:
    def __init__(self, tweets: list[dict[str, Any]], live: list[dict[str, Any]], page: int = 3):
        self.tweets = tweets
        self.live = live
        self.page = page
        self.rules: list[dict[str, str]] = []
        self.http = FakeHttp(self._handle)
        self.url = self.http.url

    def _includes(self, items: list[dict[str, Any]]) -> dict[str, Any]:
        users = {BRAND["id"]: BRAND}
        for t in items:
            n = int(t["author_id"]) - 1000
            users[t["author_id"]] = user(n)
        media = [{"media_key": "3_1", "type": "video"}, {"media_key": "3_2", "type": "photo"}]
        return {"users": list(users.values()), "media": media}

    def _handle(self, req: Req) -> Resp:
        if req.headers.get("authorization") != f"Bearer {TOKEN}":
            return Resp(401, {"title": "Unauthorized", "type": "about:blank", "status": 401,
                              "detail": "Unauthorized"})  # fmt: skip
        if req.path == "/2/tweets/search/recent":
            since = int(req.arg("since_id") or 0)
            hits = sorted(
                (t for t in self.tweets if int(t["id"]) > since), key=lambda t: -int(t["id"])
            )
            start = int(req.arg("next_token") or 0)
            size = min(int(req.arg("max_results") or 10), self.page)
            chunk = hits[start : start + size]
            meta: dict[str, Any] = {"result_count": len(chunk)}
            if chunk:
                meta |= {"newest_id": chunk[0]["id"], "oldest_id": chunk[-1]["id"]}
            if start + size < len(hits):
                meta["next_token"] = str(start + size)
            body: dict[str, Any] = {"meta": meta}
            if chunk:
                body |= {"data": chunk, "includes": self._includes(chunk)}
            return Resp(body=body)
        if req.path == "/2/tweets/search/stream/rules":
            if req.method == "GET":
                meta = {"sent": "2026-01-05T10:00:00.000Z", "result_count": len(self.rules)}
                return Resp(
                    body={"data": self.rules, "meta": meta} if self.rules else {"meta": meta}
                )
            body = json.loads(req.body)
            for rule in body.get("add", []):
                self.rules.append({"id": str(len(self.rules) + 1), **rule})
            ids = set((body.get("delete") or {}).get("ids", []))
            self.rules = [r for r in self.rules if r["id"] not in ids]
            return Resp(
                201, {"data": self.rules, "meta": {"sent": "now", "summary": {"created": 1}}}
            )
        if req.path == "/2/tweets/search/stream":
            return Resp(stream=self._stream())
        return Resp(404, {"title": "Not Found Error", "status": 404})

    def _stream(self) -> Iterator[bytes]:
        for t in self.live:
            rules = [{"id": r["id"], "tag": r.get("tag", "")} for r in self.rules]
            line = {"data": t, "includes": self._includes([t]), "matching_rules": rules}
            yield json.dumps(line).encode() + b"\r\n"
            # Keep-alives; enough of them to fill tweepy's 512-byte read at once.
            yield b"\r\n" * 256
        while not self.http.stopping.is_set():
            yield b"\r\n"
            time.sleep(0.2)

    def close(self) -> None:
        self.http.close()
