"""The transport the fetcher's httpx client uses: httpx's public transport interface over an
httpcore connection pool whose network backend is the address guard (guard.py), with every
connection's bytes counted (WireStream) to catch a body longer than its Content-Length.

httpx offers no public way to choose the network backend of its own transport, so this is a
transport of our own on public APIs only: `httpx.AsyncBaseTransport` on one side,
`httpcore.AsyncConnectionPool(network_backend=…)` on the other.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import re
import ssl
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpcore
import httpx

from bot.errors import ConfigError

# httpcore's errors as httpx's, most specific first (what httpx's own transport does).
_ERRORS: list[tuple[type[Exception], type[httpx.HTTPError]]] = [
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.ProxyError, httpx.ProxyError),
]


@contextlib.contextmanager
def _httpx_errors() -> Iterator[None]:
    try:
        yield
    except tuple(source for source, _ in _ERRORS) as e:
        raise _mapped(e) from e


def _mapped(error: Exception) -> httpx.HTTPError:
    for source, target in _ERRORS:
        if isinstance(error, source):
            return target(str(error))
    return httpx.TransportError(str(error))


class GuardedTransport(httpx.AsyncBaseTransport):
    """Sends requests over connections the given network backend opened (the guard)."""

    def __init__(
        self,
        backend: httpcore.AsyncNetworkBackend,
        ssl_context: ssl.SSLContext,
        limits: httpx.Limits,
    ) -> None:
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=backend,
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.AsyncByteStream)
        core = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _httpx_errors():
            response = await self._pool.handle_async_request(core)
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_ResponseStream(response.stream),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        await self._pool.aclose()


class _ResponseStream(httpx.AsyncByteStream):
    def __init__(self, stream: Any) -> None:
        self._stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _httpx_errors():
            async for part in self._stream:
                yield part

    async def aclose(self) -> None:
        if hasattr(self._stream, "aclose"):
            await self._stream.aclose()


# A redirect's or an error page's body is read and dropped, up to this size, so that its
# connection can serve the next request; a larger one closes the connection instead.
DRAIN_LIMIT = 64 * 1024


class WireCountingBackend(httpcore.AsyncNetworkBackend):
    """Wraps each connection's stream in a WireStream."""

    def __init__(self, inner: httpcore.AsyncNetworkBackend) -> None:
        self.inner = inner

    async def connect_tcp(self, *args: Any, **kwargs: Any) -> httpcore.AsyncNetworkStream:
        return WireStream(await self.inner.connect_tcp(*args, **kwargs))

    async def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore.AsyncNetworkStream:
        return await self.inner.connect_unix_socket(*args, **kwargs)

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


_HEAD_END = re.compile(rb"\r?\n\r?\n")


class WireStream(httpcore.AsyncNetworkStream):
    """Counts the bytes a server sends for each response, to catch a body that overruns.

    HTTP/1.1 reads exactly Content-Length bytes and keeps whatever follows for the next
    response on the connection, so a server that declares 10 bytes and sends 20 would give
    a truncated body that looks complete. Counting the wire shows the difference.
    """

    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self.inner = inner
        self.poisoned = False  # never reuse this connection
        self._reset()

    def _reset(self) -> None:
        self.received = 0  # bytes read since the request was written
        self.head_size: int | None = None  # size of the final (non-1xx) response head
        self._head = bytearray()
        self._block = 0

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        data = await self.inner.read(max_bytes, timeout)
        self.received += len(data)
        if self.head_size is None and len(self._head) < DRAIN_LIMIT:
            self._find_head(data)
        return data

    def _find_head(self, data: bytes) -> None:
        self._head += data
        while (end := _HEAD_END.search(self._head, self._block)) is not None:
            status = self._head[self._block : end.end()].split(None, 2)[1:2]
            if status and status[0].startswith(b"1"):  # 100 Continue, 103 Early Hints
                self._block = end.end()
                continue
            self.head_size = end.end()
            self._head = bytearray()
            return

    def excess(self, declared: int) -> int:
        """Bytes received beyond the head and the `declared` body; 0 if unknown."""
        if self.head_size is None:
            return 0
        return max(0, self.received - self.head_size - declared)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._reset()
        await self.inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self.inner.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        self.inner = await self.inner.start_tls(ssl_context, server_hostname, timeout)
        return self

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable" and self.poisoned:
            return True  # httpcore then treats the idle connection as closed by the server
        return self.inner.get_extra_info(info)


def ssl_context(ca_bundle: str, trust_env: bool) -> ssl.SSLContext:
    """The TLS context for fetches: the system's, or `fetch.ca_bundle`'s (a file or a folder)."""
    if not ca_bundle:
        return httpx.create_ssl_context(trust_env=trust_env)
    path = Path(ca_bundle)
    if path.is_dir():
        return ssl.create_default_context(capath=str(path))
    if not path.is_file():
        raise ConfigError(f"fetch.ca_bundle names a file that does not exist: {path}")
    try:
        return ssl.create_default_context(cafile=str(path))
    except ssl.SSLError as e:
        raise ConfigError(f"fetch.ca_bundle is not a certificate bundle: {path} ({e})") from None


def no_shared_cookies() -> httpx.Cookies:
    """A client cookie jar that keeps nothing: each fetch keeps its own cookies."""
    policy = http.cookiejar.DefaultCookiePolicy(allowed_domains=[])
    return httpx.Cookies(http.cookiejar.CookieJar(policy=policy))
