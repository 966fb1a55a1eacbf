"""A local fake PDS serving the AT Protocol XRPC calls firewarden uses, in the documented shapes.

createSession / refreshSession (JWT access and refresh tokens), createRecord / getRecord /
deleteRecord for app.bsky.feed.post, and XRPC errors: {"error", "message"} bodies with 400
ExpiredToken / InvalidRequest / RecordNotFound, 401 AuthenticationRequired, 429 with
ratelimit-* headers, 5xx.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any

from firewarden.publish.local_server import Reply, Request

from .conftest import Fake

DID = "did:plc:ewvi7nxzyoun6zhxrhs64oiz"
HANDLE = "acme.bsky.social"
PASSWORD = "abcd-efgh-ijkl-mnop"
COLLECTION = "app.bsky.feed.post"
TID = re.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$")


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def error(status: int, name: str, message: str, headers: dict[str, str] | None = None) -> Reply:
    """An XRPC error reply."""
    return Reply(status, {"error": name, "message": message}, headers or {})


@dataclass
class FakePds(Fake):
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    valid_tokens: set[str] = field(default_factory=set)
    refresh_tokens: set[str] = field(default_factory=set)
    fail_next: list[Reply] = field(default_factory=list)
    _n: itertools.count[int] = field(default_factory=itertools.count)

    def expire_sessions(self) -> None:
        """The PDS forgets every access token (as after their 2 h lifetime)."""
        self.valid_tokens.clear()

    def _jwt(self, scope: str) -> str:
        now = int(time.time())
        payload = {
            "scope": scope,
            "sub": DID,
            "iat": now,
            "exp": now + 7200,
            "aud": "did:web:fake.pds",
            "jti": str(next(self._n)),
        }
        return f"{_b64({'typ': 'at+jwt', 'alg': 'ES256K'})}.{_b64(payload)}.c2lnbmF0dXJl"

    def _session(self) -> Reply:
        access, refresh = self._jwt("com.atproto.appPass"), self._jwt("com.atproto.refresh")
        self.valid_tokens.add(access)
        self.refresh_tokens.add(refresh)
        return Reply(
            200,
            {
                "accessJwt": access,
                "refreshJwt": refresh,
                "handle": HANDLE,
                "did": DID,
                "active": True,
            },
        )

    def __call__(self, req: Request) -> Reply:
        method = req.path.removeprefix("/xrpc/")
        bearer = req.headers.get("authorization", "").removeprefix("Bearer ")
        if method == "com.atproto.server.createSession":
            body = req.json() or {}
            if body.get("identifier") not in (HANDLE, DID) or body.get("password") != PASSWORD:
                return error(401, "AuthenticationRequired", "Invalid identifier or password")
            return self._session()
        if method == "com.atproto.server.refreshSession":
            if bearer not in self.refresh_tokens:
                return error(400, "ExpiredToken", "Token has expired")
            self.refresh_tokens.discard(bearer)
            return self._session()
        if not bearer:
            return error(401, "AuthenticationRequired", "Authentication Required")
        if bearer not in self.valid_tokens:
            return error(400, "ExpiredToken", "Token has expired")
        if self.fail_next:
            return self.fail_next.pop(0)
        if method == "com.atproto.repo.createRecord" and req.method == "POST":
            return self._create(req.json() or {})
        if method == "com.atproto.repo.getRecord" and req.method == "GET":
            q = {k: v[0] for k, v in req.query.items()}
            uri = f"at://{DID}/{q.get('collection')}/{q.get('rkey')}"
            if q.get("repo") not in (DID, HANDLE) or uri not in self.records:
                return error(400, "RecordNotFound", f"Could not locate record: {uri}")
            return Reply(200, {"uri": uri, "cid": self._cid(uri), "value": self.records[uri]})
        if method == "com.atproto.repo.deleteRecord" and req.method == "POST":
            body = req.json() or {}
            self.records.pop(f"at://{DID}/{body.get('collection')}/{body.get('rkey')}", None)
            return Reply(200, {"commit": {"cid": self._cid("commit"), "rev": "3l3qo2vuowo2b"}})
        return error(501, "MethodNotImplemented", f"Method Not Implemented: {method}")

    def _cid(self, seed: str) -> str:
        digest = base64.b32encode(hashlib.sha256(seed.encode()).digest()).decode().lower()
        return "bafyrei" + digest.rstrip("=")[:52]

    def _create(self, body: dict[str, Any]) -> Reply:
        record, rkey = body.get("record") or {}, body.get("rkey")
        if body.get("repo") not in (DID, HANDLE) or body.get("collection") != COLLECTION:
            return error(400, "InvalidRequest", "Invalid repo or collection")
        if record.get("$type") != COLLECTION or "createdAt" not in record:
            return error(
                400,
                "InvalidRequest",
                "Invalid app.bsky.feed.post record: missing $type or createdAt",
            )
        text = record.get("text")
        if not isinstance(text, str) or len(text) > 300:
            return error(
                400,
                "InvalidRequest",
                "Invalid app.bsky.feed.post record: "
                "Record/text must not be longer than 300 graphemes",
            )
        if rkey is not None and not TID.match(rkey):
            return error(400, "InvalidRequest", f"Invalid record key for a tid collection: {rkey}")
        rkey = rkey or f"3l{next(self._n):011d}"
        uri = f"at://{DID}/{COLLECTION}/{rkey}"
        if uri in self.records:
            return error(400, "InvalidRequest", f"Record already exists: {uri}")
        self.records[uri] = record
        return Reply(
            200,
            {
                "uri": uri,
                "cid": self._cid(uri),
                "commit": {"cid": self._cid("commit"), "rev": "3l3qo2vuowo2b"},
                "validationStatus": "valid",
            },
        )


def rate_limited(reset_at: int) -> Reply:
    """The PDS's 429 with its ratelimit-* headers."""
    return error(
        429,
        "RateLimitExceeded",
        "Rate Limit Exceeded",
        {
            "ratelimit-limit": "5000",
            "ratelimit-remaining": "0",
            "ratelimit-reset": str(reset_at),
            "ratelimit-policy": "5000;w=3600",
        },
    )
