"""A local fake Jetstream: a WebSocket server on 127.0.0.1 speaking Jetstream's event JSON.

Honours ``wantedCollections`` and ``cursor`` (events with ``time_us >= cursor``); sends
identity events and like commits too, which a client must skip. After the last event it
closes the connection (``hold=False``) or keeps it open.
"""

from __future__ import annotations

import json
import threading
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.sync.server import Server, ServerConnection, serve

BRAND_DID = "did:plc:acmebrand"
T0 = 1_767_600_000_000_000  # 2026-01-05 08:00 UTC in microseconds


def post_event(n: int) -> dict[str, Any]:
    """The n-th event: every third post names Acme, every fifth replies to the brand."""
    did = f"did:plc:user{n % 37:04d}"
    record: dict[str, Any] = {
        "$type": "app.bsky.feed.post",
        "text": f"Acme latte number {n}" if n % 3 == 0 else f"just a post {n}",
        "createdAt": "2026-01-05T08:00:00.000Z",
        "langs": ["en"],
    }
    if n % 5 == 0:
        parent = f"at://{BRAND_DID}/app.bsky.feed.post/3brandpost"
        record["reply"] = {
            "root": {"uri": parent, "cid": "bafyroot"},
            "parent": {"uri": parent, "cid": "bafyparent"},
        }
    if n % 7 == 0:
        record["embed"] = {"$type": "app.bsky.embed.images", "images": []}
    return {
        "did": did,
        "time_us": T0 + n * 1_000_000,
        "kind": "commit",
        "commit": {
            "rev": f"rev{n}",
            "operation": "create",
            "collection": "app.bsky.feed.post",
            "rkey": f"3k{n:06d}",
            "record": record,
            "cid": f"bafy{n}",
        },
    }


def events(count: int) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for n in range(count):
        out.append(post_event(n))
        if n % 10 == 0:
            at = T0 + n * 1_000_000
            identity = {"did": "did:plc:x", "handle": "x.bsky.social", "seq": n}
            out.append(
                {"did": "did:plc:x", "time_us": at + 1, "kind": "identity", "identity": identity}
            )
            like = {"operation": "create", "collection": "app.bsky.feed.like", "rkey": f"l{n}"}
            out.append({"did": "did:plc:x", "time_us": at + 2, "kind": "commit", "commit": like})
    return out


def expected_matches(count: int) -> int:
    return sum(1 for n in range(count) if n % 3 == 0 or n % 5 == 0)


class FakeJetstream:
    def __init__(self, count: int, *, hold: bool = False) -> None:
        self.events = events(count)
        self.hold = hold
        self.requests: list[dict[str, list[str]]] = []
        self._stop = threading.Event()
        self.server: Server = serve(self._handle, "127.0.0.1", 0)
        port = self.server.socket.getsockname()[1]
        self.url = f"ws://127.0.0.1:{port}/subscribe"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def _handle(self, ws: ServerConnection) -> None:
        query = parse_qs(urlsplit(ws.request.path if ws.request else "").query)
        self.requests.append(query)
        wanted = set(query.get("wantedCollections", []))
        cursor = int(query.get("cursor", ["0"])[0])
        for event in self.events:
            if event["time_us"] < cursor:
                continue
            collection = (event.get("commit") or {}).get("collection")
            if wanted and collection is not None and collection not in wanted:
                continue
            ws.send(json.dumps(event))
        if self.hold:
            self._stop.wait(5)

    def close(self) -> None:
        self._stop.set()
        self.server.shutdown()
