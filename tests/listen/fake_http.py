"""A local HTTP server for the platform fakes that can also stream (server-sent events,
newline-delimited JSON): a handler returns a full reply or an iterator of chunks."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True, slots=True)
class Req:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def arg(self, name: str, default: str = "") -> str:
        values = self.query.get(name) or parse_qs(self.body.decode("utf-8", "replace")).get(name)
        return values[0] if values else default


@dataclass(slots=True)
class Resp:
    status: int = 200
    body: Any = None
    content_type: str = "application/json"
    stream: Iterator[bytes] | None = None
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[Req], Resp]


class FakeHttp:
    """Serves ``handler`` on http://127.0.0.1:<port> (a free one by default)."""

    def __init__(self, handler: Handler, port: int = 0) -> None:
        self.requests: list[Req] = []
        self.stopping = threading.Event()
        outer = self

        class _H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                parts = urlsplit(self.path)
                req = Req(
                    self.command,
                    parts.path,
                    parse_qs(parts.query),
                    {k.lower(): v for k, v in self.headers.items()},
                    self.rfile.read(length) if length else b"",
                )
                outer.requests.append(req)
                resp = handler(req)
                if resp.stream is not None:
                    self.send_response(resp.status)
                    self.send_header("Content-Type", resp.content_type)
                    self.send_header("Connection", "close")
                    self.end_headers()
                    self.close_connection = True
                    try:
                        for chunk in resp.stream:
                            if outer.stopping.is_set():
                                break
                            self.wfile.write(chunk)
                            self.wfile.flush()
                    except OSError:
                        pass
                    return
                body = resp.body
                data = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
                self.send_response(resp.status)
                self.send_header("Content-Type", resp.content_type)
                self.send_header("Content-Length", str(len(data)))
                for k, v in resp.headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_DELETE = _serve

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), _H)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()
