"""A local fake Mastodon server: the statuses and accounts endpoints firewarden uses.

Honours ``Idempotency-Key`` like Mastodon (same key and token -> the same status, no new one),
takes form or JSON bodies as Mastodon does, and answers errors as {"error": "..."} with 401,
404, 422 (validation) and 429 with X-RateLimit-Limit/Remaining/Reset (ISO 8601) headers.
"""

from __future__ import annotations

import html
import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any
from urllib.parse import parse_qs

from firewarden.publish.local_server import Reply, Request

from .conftest import Fake

TOKEN = "mastodon-user-token"
ACCOUNT = {
    "id": "109302",
    "username": "acme",
    "acct": "acme",
    "display_name": "Acme",
    "locked": False,
    "bot": False,
    "created_at": "2022-11-01T00:00:00.000Z",
    "note": "",
    "url": "https://social.example/@acme",
    "avatar": "",
    "header": "",
    "followers_count": 10,
    "following_count": 1,
    "statuses_count": 0,
    "emojis": [],
    "fields": [],
}


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


@dataclass
class FakeMastodon(Fake):
    statuses: dict[str, dict[str, Any]] = field(default_factory=dict)
    by_key: dict[tuple[str, str], str] = field(default_factory=dict)
    revoked: bool = False
    fail_next: list[Reply] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(110000000000000000))

    def __call__(self, req: Request) -> Reply:
        if req.path in ("/api/v1/instance", "/api/v2/instance"):
            return Reply(
                200,
                {
                    "uri": "social.example",
                    "domain": "social.example",
                    "title": "Fake",
                    "version": "4.3.0",
                },
            )
        token = req.headers.get("authorization", "").removeprefix("Bearer ")
        if self.revoked or token != TOKEN:
            return Reply(401, {"error": "The access token is invalid"})
        if self.fail_next:
            return self.fail_next.pop(0)
        parts = req.path.strip("/").split("/")
        if req.method == "POST" and parts == ["api", "v1", "statuses"]:
            return self._post(req, token)
        if parts[:3] == ["api", "v1", "statuses"] and len(parts) == 4:
            status = self.statuses.get(parts[3])
            if status is None:
                return Reply(404, {"error": "Record not found"})
            if req.method == "DELETE":
                del self.statuses[parts[3]]
                return Reply(200, status | {"text": status["_source"]})
            return Reply(200, status)
        if req.method == "GET" and parts == ["api", "v1", "accounts", "verify_credentials"]:
            return Reply(200, ACCOUNT)
        if (
            req.method == "GET"
            and parts[:3] == ["api", "v1", "accounts"]
            and parts[4:] == ["statuses"]
        ):
            limit = int(req.query.get("limit", ["20"])[0])
            newest = sorted(self.statuses.values(), key=lambda s: s["created_at"], reverse=True)
            return Reply(200, newest[:limit])
        return Reply(404, {"error": "Record not found"})

    def _post(self, req: Request, token: str) -> Reply:
        if "json" in req.headers.get("content-type", ""):
            params = req.json() or {}
        else:
            params = {k: v[0] for k, v in parse_qs(req.body.decode()).items()}
        key = req.headers.get("idempotency-key")
        if key and (token, key) in self.by_key:
            return Reply(200, self.statuses[self.by_key[(token, key)]])
        text = params.get("status", "")
        if not text:
            return Reply(422, {"error": "Validation failed: Text can't be blank"})
        if len(text) > 500:
            return Reply(422, {"error": "Validation failed: Text character limit of 500 exceeded"})
        status_id = str(next(self._ids))
        now = datetime.now(UTC)
        paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n\n"))
        status = {
            "id": status_id,
            "created_at": _iso(now),
            "in_reply_to_id": None,
            "in_reply_to_account_id": None,
            "sensitive": False,
            "spoiler_text": "",
            "visibility": params.get("visibility", "public"),
            "language": "en",
            "uri": f"https://social.example/users/acme/statuses/{status_id}",
            "url": f"https://social.example/@acme/{status_id}",
            "replies_count": 0,
            "reblogs_count": 0,
            "favourites_count": 0,
            "edited_at": None,
            "content": paragraphs.replace("\n", "<br />"),
            "reblog": None,
            "application": None,
            "account": ACCOUNT,
            "media_attachments": [],
            "mentions": [],
            "tags": [],
            "emojis": [],
            "card": None,
            "poll": None,
            "_source": text,
        }
        self.statuses[status_id] = status
        if key:
            self.by_key[(token, key)] = status_id
        return Reply(200, status)


def rate_limited(seconds: int) -> Reply:
    """Mastodon's 429: the reset is an ISO 8601 time; Date lets clients correct clock skew."""
    now = datetime.now(UTC)
    return Reply(
        429,
        {"error": "Too many requests"},
        {
            "X-RateLimit-Limit": "300",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": _iso(now + timedelta(seconds=seconds)),
            "Date": format_datetime(now, usegmt=True),
        },
    )
