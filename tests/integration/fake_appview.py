"""A loopback stand-in for a Bluesky AppView that answers as the test tells it: a thread
view built by the test, or a hostile answer (too large, dripped, a redirect)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

Answer = Callable[[BaseHTTPRequestHandler], None]


def json_answer(value: Any, raw: bytes | None = None) -> Answer:
    def answer(h: BaseHTTPRequestHandler) -> None:
        send(h, 200, raw if raw is not None else json.dumps(value).encode())

    return answer


def dripped(body: bytes, per_second: float) -> Answer:
    def answer(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        try:
            for i in range(len(body)):
                h.wfile.write(body[i : i + 1])
                h.wfile.flush()
                time.sleep(1 / per_second)
        except (BrokenPipeError, ConnectionResetError):
            pass

    return answer


def endless(size: int) -> Answer:
    """An answer of `size` bytes of JSON-looking padding, sent as fast as it is read."""

    def answer(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(size))
        h.end_headers()
        chunk, sent = b'{"thread": "' + b"x" * (1 << 16), 0
        try:
            while sent < size:
                h.wfile.write(chunk)
                sent += len(chunk)
                chunk = b"x" * (1 << 16)
        except (BrokenPipeError, ConnectionResetError):
            pass

    return answer


def redirect(location: str) -> Answer:
    def answer(h: BaseHTTPRequestHandler) -> None:
        h.send_response(302)
        h.send_header("Location", location)
        h.send_header("Content-Length", "0")
        h.end_headers()

    return answer


def send(h: BaseHTTPRequestHandler, status: int, body: bytes) -> None:
    h.send_response(status)
    h.send_header("Content-Type", "application/json")
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    h.wfile.write(body)


class FakeAppView:
    """`answers[method]` answers the XRPC `method`; resolveHandle gives `did` for any handle."""

    def __init__(self, did: str) -> None:
        self.did = did
        self.answers: dict[str, Answer] = {}
        self.seen: list[str] = []
        view = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                split = urlsplit(self.path)
                method = split.path.removeprefix("/xrpc/")
                view.seen.append(method)
                if method == "com.atproto.identity.resolveHandle":
                    return send(self, 200, json.dumps({"did": view.did}).encode())
                if method == "app.bsky.feed.getPosts":
                    return send(self, 200, b'{"posts": []}')
                found = view.answers.get(method)
                if found is None:
                    return send(self, 400, b'{"error": "NotFound", "message": "Post not found"}')
                found(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> FakeAppView:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def query_of(path: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(path).query).items()}
