"""A local fake Jetstream: a WebSocket server on 127.0.0.1 speaking Jetstream's event JSON.

Honours ``wantedCollections`` and ``cursor`` (events with ``time_us >= cursor``); sends
identity events and like commits too, which a client must skip. After the last event it
closes the connection (``hold=False``) or keeps it open; with ``live=True`` it keeps it open
and sends the events :meth:`FakeJetstream.append` adds, as they come.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import threading
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.exceptions import ConnectionClosed
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


def text_event(n: int, text: str) -> dict[str, Any]:
    """The n-th post event with ``text`` (no reply, no image), written now (a live stream)."""
    event = post_event(n)
    record = event["commit"]["record"]
    record["text"] = text
    record["createdAt"] = dt.datetime.now(dt.UTC).isoformat().replace("+00:00", "Z")
    record.pop("reply", None)
    record.pop("embed", None)
    return event


def expected_matches(count: int) -> int:
    return sum(1 for n in range(count) if n % 3 == 0 or n % 5 == 0)


class FakeJetstream:
    def __init__(self, count: int, *, hold: bool = False, live: bool = False) -> None:
        self.events = events(count)
        self.hold = hold
        self.live = live
        self.requests: list[dict[str, list[str]]] = []
        self._stop = threading.Event()
        self._added = threading.Condition()
        self.server: Server = serve(self._handle, "127.0.0.1", 0)
        port = self.server.socket.getsockname()[1]
        self.url = f"ws://127.0.0.1:{port}/subscribe"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def _handle(self, ws: ServerConnection) -> None:
        with contextlib.suppress(ConnectionClosed):  # the client went away: nothing to do
            self._serve(ws)

    def _serve(self, ws: ServerConnection) -> None:
        query = parse_qs(urlsplit(ws.request.path if ws.request else "").query)
        self.requests.append(query)
        wanted = set(query.get("wantedCollections", []))
        cursor = int(query.get("cursor", ["0"])[0])
        sent = 0
        while True:
            with self._added:
                pending, sent = self.events[sent:], len(self.events)
            for event in pending:
                if event["time_us"] < cursor:
                    continue
                collection = (event.get("commit") or {}).get("collection")
                if wanted and collection is not None and collection not in wanted:
                    continue
                ws.send(json.dumps(event))
            if not self.live:
                break
            with self._added:
                self._added.wait_for(
                    lambda n=sent: len(self.events) > n or self._stop.is_set(), 0.5
                )
            if self._stop.is_set():
                return
        if self.hold:
            self._stop.wait(5)

    def append(self, *new: dict[str, Any]) -> None:
        """More events, sent to the open connections (``live=True``) and later ones."""
        with self._added:
            self.events.extend(new)
            self._added.notify_all()

    def close(self) -> None:
        self._stop.set()
        with self._added:
            self._added.notify_all()
        self.server.shutdown()
