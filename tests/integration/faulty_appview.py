"""A loopback stand-in for a Bluesky AppView, just enough for the watch job: it resolves
handles and serves empty author feeds, and on request holds a call open until the test lets
it go, fails it with an HTTP status, or rate limits it (429 with a reset time). Every call
is counted by XRPC method, server side.

    with FaultyAppView() as appview:
        appview.hold("com.atproto.identity.resolveHandle")
        ...                               # THREADBOT_BLUESKY_SERVICE=appview.url
        appview.arrived.wait(30)          # the held call is in flight
        appview.release()
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

ACCOUNT_DID = "did:plc:watchedreporter0000000000"


class _Handler(BaseHTTPRequestHandler):
    server: FaultyAppView

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        method = parts.path.removeprefix("/xrpc/")
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        server = self.server
        with server.lock:
            server.counts[method] = server.counts.get(method, 0) + 1
            failing = server.failing.get(method)
            limited = server.limited.get(method)
        if method in server.held:
            server.arrived.set()
            server.released.wait(60)
        if failing is not None:
            return self._json(failing, {"error": "InternalServerError", "message": "down"})
        if limited is not None:
            return self._json(
                429,
                {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
                {"ratelimit-limit": "3000", "ratelimit-remaining": "0", "ratelimit-reset": limited},
            )
        if method == "com.atproto.identity.resolveHandle":
            return self._json(200, {"did": ACCOUNT_DID} if query.get("handle") else {})
        if method == "app.bsky.feed.getAuthorFeed":
            return self._json(200, {"feed": []})
        self._json(501, {"error": "MethodNotImplemented", "message": method})

    def _json(self, status: int, data: Any, headers: dict[str, str] | None = None) -> None:
        body = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


class FaultyAppView(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}"
        self.lock = threading.Lock()
        self.counts: dict[str, int] = {}
        self.failing: dict[str, int] = {}  # method -> HTTP status to answer
        self.limited: dict[str, str] = {}  # method -> ratelimit-reset (epoch seconds) of a 429
        self.held: set[str] = set()
        self.arrived = threading.Event()  # a held call came in
        self.released = threading.Event()
        self._thread = threading.Thread(target=self.serve_forever, args=(0.05,), daemon=True)

    def hold(self, method: str) -> None:
        """Keep calls to `method` open (no answer yet) until `release()`."""
        self.held.add(method)

    def release(self) -> None:
        self.released.set()

    def fail(self, method: str, status: int) -> None:
        self.failing[method] = status

    def rate_limit(self, method: str, reset_at: int) -> None:
        """Answer `method` with 429 and a `ratelimit-reset` header, as Bluesky's services do."""
        self.limited[method] = str(reset_at)

    def recover(self) -> None:
        """Answer everything normally again."""
        self.failing.clear()
        self.limited.clear()

    def calls(self, method: str) -> int:
        with self.lock:
            return self.counts.get(method, 0)

    def __enter__(self) -> FaultyAppView:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()
        self.shutdown()
        self.server_close()
        self._thread.join(5)
