"""A loopback HTTP server that misbehaves on request, for the fetcher's tests.

Each path is one behaviour a link posted by a stranger can have: redirect chains and loops,
rate limits, servers that hang or trickle, bodies that lie about their length, gzip bombs,
and a forward proxy. Every request is logged so a test can tell whether one arrived.
"""

from __future__ import annotations

import datetime
import socket
import ssl
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

PAGE = b"<!doctype html><title>Order</title><p>The court grants the motion.</p>"
REDIRECT_CODES = (301, 302, 303, 307, 308)


def gzip_bomb(inflated: int = 1 << 30) -> bytes:
    """About 1 MB of gzip that inflates to `inflated` bytes of zeros, built in milliseconds.

    One megabyte of zeros is deflated once, ending with a full flush so the block stands
    alone; the block repeated is a valid deflate stream, and the gzip trailer (CRC-32 and
    length) is computed over the same repeated megabyte.
    """
    megabyte = bytes(1 << 20)
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = deflate.compress(megabyte) + deflate.flush(zlib.Z_FULL_FLUSH)
    count = inflated // len(megabyte)
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(megabyte, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
    final = zlib.compressobj(9, zlib.DEFLATED, -15).flush()  # an empty final block
    trailer = crc.to_bytes(4, "little") + (inflated & 0xFFFFFFFF).to_bytes(4, "little")
    return header + block * count + final + trailer


def self_signed_certificate(folder: Path, name: str) -> tuple[Path, Path]:
    """A certificate for `name`, signed by itself, and its key: (cert.pem, key.pem)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: FetchTestServer

    def setup(self) -> None:
        super().setup()
        # headers and body go out in separate writes: without this, Nagle's algorithm and
        # the client's delayed ACK add 40 ms to every response
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.server.log.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
        if self.path.startswith("http://"):
            return self.reply(200, b"via proxy " + self.path.encode())
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        name, _, rest = parts.path.strip("/").partition("/")
        route = getattr(self, f"route_{name.replace('-', '_')}", None)
        if route is None:
            return self.reply(404, b"not found")
        route(rest, query)

    def reply(
        self,
        status: int,
        body: bytes = b"",
        content_type: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def redirect(
        self, location: str, status: int = 302, headers: dict[str, str] | None = None
    ) -> None:
        self.reply(status, b"moved", headers={"Location": location, **(headers or {})})

    def raw(self, data: bytes) -> None:
        """Write bytes as they are, in one send, then close: for servers that lie."""
        self.wfile.write(data)
        self.close_connection = True

    # --- pages -------------------------------------------------------------------------

    def route_page(self, rest: str, query: dict[str, str]) -> None:
        self.reply(200, PAGE, headers={"ETag": '"v1"', "Last-Modified": "Tue, 03 Feb 2026"})

    def route_bytes(self, rest: str, query: dict[str, str]) -> None:
        self.reply(200, b"%PDF-1.7\n\xff\xfe\x00\x80\xc3(", content_type="application/pdf")

    def route_echo_host(self, rest: str, query: dict[str, str]) -> None:
        self.reply(200, self.headers["Host"].encode(), content_type="text/plain")

    # --- redirects ---------------------------------------------------------------------

    def route_chain(self, rest: str, query: dict[str, str]) -> None:
        """/chain/N redirects to /chain/N-1, cycling through the five redirect codes."""
        n = int(rest)
        if n == 0:
            return self.redirect("../page", 301)  # relative, resolved against /chain/0
        self.redirect(f"/chain/{n - 1}", REDIRECT_CODES[n % len(REDIRECT_CODES)])

    def route_loop(self, rest: str, query: dict[str, str]) -> None:
        self.redirect("/loop/b" if rest == "a" else "/loop/a")

    def route_redirect_to(self, rest: str, query: dict[str, str]) -> None:
        self.redirect(query["url"])

    def route_login_wall(self, rest: str, query: dict[str, str]) -> None:
        """Redirects to a page that sets a cookie and sends the reader back: not a loop."""
        if rest == "set":
            return self.redirect("/login-wall/", headers={"Set-Cookie": "seen=1; Path=/"})
        if "seen=1" in self.headers.get("Cookie", ""):
            return self.reply(200, PAGE)
        self.redirect("/login-wall/set")

    # --- status codes and retries ------------------------------------------------------

    def route_flaky(self, rest: str, query: dict[str, str]) -> None:
        """/flaky/KEY/STATUS/N answers STATUS N times, then 200."""
        key, status, times = rest.split("/")
        with self.server.lock:
            self.server.counters[key] = count = self.server.counters.get(key, 0) + 1
        if count <= int(times):
            headers = {"Retry-After": query["retry_after"]} if "retry_after" in query else {}
            return self.reply(int(status), b"try later", headers=headers)
        self.reply(200, PAGE)

    def route_status(self, rest: str, query: dict[str, str]) -> None:
        headers = {"Retry-After": query["retry_after"]} if "retry_after" in query else {}
        self.reply(int(rest), b"status page", headers=headers)

    # --- slow servers ------------------------------------------------------------------

    def route_hang(self, rest: str, query: dict[str, str]) -> None:
        self.server.release.wait(30)
        self.close_connection = True

    def route_trickle(self, rest: str, query: dict[str, str]) -> None:
        """Declares 1,000 bytes and sends one every 50 ms: never idle, never done."""
        self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
        for _ in range(1000):
            if self.server.release.wait(0.05):
                break
            try:
                self.wfile.write(b".")
            except OSError:
                break
        self.close_connection = True

    # --- bodies that lie or overflow ---------------------------------------------------

    def route_lie(self, rest: str, query: dict[str, str]) -> None:
        head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n"
        if rest == "short":  # declares 10, sends 20, and keeps the connection open
            self.wfile.write(head.format(10).encode() + b"0123456789" + b"ABCDEFGHIJ")
        else:  # declares 100, sends 50
            self.raw(head.format(100).encode() + b"x" * 50)

    def route_gzip_bomb(self, rest: str, query: dict[str, str]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(self.server.gzip_bomb)))
        self.end_headers()
        self.send_slowly(self.server.gzip_bomb)

    def route_compressed(self, rest: str, query: dict[str, str]) -> None:
        """PAGE x 100 as gzip, or deflate the two ways servers send it (zlib-wrapped, raw)."""
        wbits, coding = {"gzip": (31, "gzip"), "zlib": (15, "deflate"), "raw": (-15, "deflate")}[
            rest
        ]
        packer = zlib.compressobj(6, zlib.DEFLATED, wbits)
        body = packer.compress(PAGE * 100) + packer.flush()
        self.reply(200, body, headers={"Content-Encoding": coding})

    def route_huge(self, rest: str, query: dict[str, str]) -> None:
        """Declares 2 GB and sends nothing more: a client that reads would hang."""
        self.wfile.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\n"
            b'Content-Length: 2147483648\r\nETag: "big"\r\n\r\n'
        )
        self.server.release.wait(30)
        self.close_connection = True

    def route_chunked(self, rest: str, query: dict[str, str]) -> None:
        """Chunked, no length, 64 KB chunks until the client gives up (at most 256 MB)."""
        self.wfile.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        chunk = b"10000\r\n" + b"a" * 0x10000 + b"\r\n"
        try:
            for _ in range(4096):
                self.wfile.write(chunk)
        except OSError:
            pass
        self.close_connection = True

    def send_slowly(self, data: bytes) -> None:
        """Send in 64 KB pieces, stopping quietly when the client hangs up."""
        try:
            for start in range(0, len(data), 0x10000):
                self.wfile.write(data[start : start + 0x10000])
        except OSError:
            pass
        self.close_connection = True


class FetchTestServer(ThreadingHTTPServer):
    """`with FetchTestServer() as server:` serves on 127.0.0.1 at an ephemeral port.

    With `tls=(cert.pem, key.pem)` it serves HTTPS.
    """

    daemon_threads = True

    def __init__(self, tls: tuple[Path, Path] | None = None) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.port = self.server_address[1]
        self.scheme = "http"
        if tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self.socket = context.wrap_socket(self.socket, server_side=True)
            self.scheme = "https"
        self.log: list[tuple[str, dict[str, str]]] = []
        self.counters: dict[str, int] = {}
        self.lock = threading.Lock()
        self.release = threading.Event()  # set at shutdown: hanging handlers return
        self.gzip_bomb = gzip_bomb()
        self._thread = threading.Thread(target=self.serve_forever, args=(0.05,), daemon=True)

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"

    def paths(self) -> list[str]:
        return [path for path, _ in self.log]

    def __enter__(self) -> FetchTestServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release.set()
        self.shutdown()
        self.server_close()
        self._thread.join(5)
