"""A fault-injecting reverse proxy on 127.0.0.1, for tests and the soak benchmark. Standard
library only.

It forwards every request to a real service (the local AppView or PDS) and, on the calls
told to, answers instead with what a failing service does: an HTTP error, a 429 with a
reset time, a connection reset, a body dripped slowly.

    with FaultProxy(network.appview) as appview:
        appview.fail("app.bsky.feed.getPostThread", status=503, times=2)
        appview.rate_limit("app.bsky.notification.listNotifications", reset_in=60)
        appview.chaos(0.2)            # every fifth call, a random fault (soak)
        appview.calls("app.bsky.feed.getPostThread")
"""

from __future__ import annotations

import http.client
import random
import socket
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import urlsplit

HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-connection",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
    "host",
    "content-length",
}


@dataclass
class Fault:
    method: str  # an XRPC method name, a path prefix, or "" for every call
    kind: str  # status | rate_limit | reset | slow
    times: int | None = None  # how many calls it hits; None: until cleared
    status: int = 503
    reset_in: float = 60.0  # rate_limit: seconds until the reset
    bytes_per_second: float = 2.0  # slow

    def matches(self, path: str) -> bool:
        return path.removeprefix("/xrpc/").startswith(self.method)


class _State:
    def __init__(self, target: str) -> None:
        self.target = urlsplit(target)
        self.faults: list[Fault] = []
        self.seen: list[str] = []
        self.injected: list[str] = []
        self.chaos_rate = 0.0
        self.random = random.Random(7)
        self.lock = threading.Lock()

    def fault_for(self, path: str) -> Fault | None:
        with self.lock:
            self.seen.append(path)
            for fault in self.faults:
                if fault.matches(path) and (fault.times is None or fault.times > 0):
                    if fault.times is not None:
                        fault.times -= 1
                    self.injected.append(f"{fault.kind} {path}")
                    return fault
            if self.chaos_rate and self.random.random() < self.chaos_rate:
                kind = self.random.choice(["status", "status", "rate_limit", "reset", "slow"])
                status = self.random.choice([500, 502, 503])
                fault = Fault("", kind, status=status, reset_in=2.0, bytes_per_second=200.0)
                self.injected.append(f"chaos {kind} {path}")
                return fault
        return None


class _Handler(BaseHTTPRequestHandler):
    state: ClassVar[_State]
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        fault = self.state.fault_for(urlsplit(self.path).path)
        if fault is not None and fault.kind == "reset":
            # close without an answer: the client sees its connection reset
            self.connection.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
            )
            self.close_connection = True
            return
        if fault is not None and fault.kind in ("status", "rate_limit"):
            return self._error(fault)
        status, headers, payload = self._forward(body)
        if fault is not None and fault.kind == "slow":
            return self._drip(status, headers, payload, fault.bytes_per_second)
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _forward(self, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        target = self.state.target
        conn = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        headers["Accept-Encoding"] = "identity"
        try:
            conn.request(self.command, self.path, body=body or None, headers=headers)
            response = conn.getresponse()
            payload = response.read()
            kept = [(k, v) for k, v in response.getheaders() if k.lower() not in HOP_BY_HOP]
            return response.status, kept, payload
        finally:
            conn.close()

    def _error(self, fault: Fault) -> None:
        if fault.kind == "rate_limit":
            status, name = 429, "RateLimitExceeded"
        else:
            status, name = fault.status, "InternalServerError"
        payload = f'{{"error": "{name}", "message": "injected by the fault proxy"}}'.encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        if fault.kind == "rate_limit":
            reset = int(time.time() + fault.reset_in)
            self.send_header("RateLimit-Limit", "3000")
            self.send_header("RateLimit-Remaining", "0")
            self.send_header("RateLimit-Reset", str(reset))
            self.send_header("Retry-After", str(int(fault.reset_in)))
        self.end_headers()
        self.wfile.write(payload)

    def _drip(
        self, status: int, headers: list[tuple[str, str]], payload: bytes, rate: float
    ) -> None:
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        step = max(1, int(rate / 10))
        try:
            for i in range(0, len(payload), step):
                self.wfile.write(payload[i : i + step])
                self.wfile.flush()
                time.sleep(step / rate)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up, as it should


class FaultProxy:
    def __init__(self, target: str, port: int = 0) -> None:
        self.state = _State(target)
        handler = type("Handler", (_Handler,), {"state": self.state})
        self.server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def fail(self, method: str = "", status: int = 503, times: int | None = None) -> None:
        self._add(Fault(method, "status", times=times, status=status))

    def rate_limit(
        self, method: str = "", reset_in: float = 60.0, times: int | None = None
    ) -> None:
        self._add(Fault(method, "rate_limit", times=times, reset_in=reset_in))

    def reset(self, method: str = "", times: int | None = None) -> None:
        self._add(Fault(method, "reset", times=times))

    def slow(
        self, method: str = "", bytes_per_second: float = 2.0, times: int | None = None
    ) -> None:
        self._add(Fault(method, "slow", times=times, bytes_per_second=bytes_per_second))

    def chaos(self, rate: float) -> None:
        """A random fault on this share of the calls not hit by a specific one."""
        self.state.chaos_rate = rate

    def clear(self) -> None:
        with self.state.lock:
            self.state.faults.clear()
            self.state.chaos_rate = 0.0

    def calls(self, method: str = "") -> int:
        with self.state.lock:
            return sum(1 for p in self.state.seen if p.removeprefix("/xrpc/").startswith(method))

    @property
    def injected(self) -> list[str]:
        with self.state.lock:
            return list(self.state.injected)

    def _add(self, fault: Fault) -> None:
        with self.state.lock:
            self.state.faults.append(fault)

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
