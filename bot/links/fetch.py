"""Fetch what a link points to: follow its redirects, download it, trust nothing on the way.

Links come from strangers' posts, so the far side may be slow, lying or hostile.
`Fetcher.fetch(url)` turns everything the URL or the server can do into a `FetchResult`
(outcome "ok", "failed" or "blocked", with one sentence saying why) and never raises for it.

What is checked, and where:
- the URL (`parse_url`): http or https, no user name or password, a valid host name or
  address; international names become punycode, old-style IPv4 forms (2130706433) the
  usual dotted form;
- every connection (guard.py): the address actually connected to, after every redirect;
- every redirect (`Fetcher.fetch`): at most `max_redirects`, no loops, http(s) only, and
  headers the caller gave (an API token) are dropped when a redirect leaves the origin;
- the body (`_read_body`): `max_bytes` on the bytes received and on the bytes after
  decompression (a gzip bomb stops at the cap), a Content-Length over the cap refused
  before reading, a Content-Length that does not match what arrives is a failure;
- the pace: retries with exponential backoff and jitter on 429/5xx, connect errors and
  timeouts, honouring Retry-After up to a cap; at most `per_host_connections` requests and
  `per_host_delay` seconds between request starts per host, `max_connections` in all.

    async with Fetcher(settings.fetch) as fetcher:
        result = await fetcher.fetch("https://t.co/abc")
        result.outcome, result.final_url, result.redirects, result.body
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import http.cookiejar
import logging
import os
import random
import re
import ssl
import time
import urllib.parse
import urllib.request
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import httpcore
import httpx

from bot import __version__
from bot.config import FetchSettings
from bot.errors import ConfigError
from bot.links.guard import (
    AddressGuard,
    AddressRefused,
    GuardedNetworkBackend,
    NameNotResolved,
    Resolver,
    parse_ip_literal,
    system_resolver,
)

log = logging.getLogger(__name__)

Outcome = Literal["ok", "failed", "blocked"]
Sleep = Callable[[float], Awaitable[None]]

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
DEFAULT_USER_AGENT = f"threadbot/{__version__} (link archiver)"
# Headers a caller may add for one service (an API token) that must not follow a redirect
# to another origin.
_ORIGIN_BOUND_HEADERS = ("authorization", "cookie", "proxy-authorization")
# A redirect's or an error page's body is read and dropped, up to this size, so that its
# connection can serve the next request; a larger one closes the connection instead.
_DRAIN_LIMIT = 64 * 1024
_HOST_NAME = re.compile(
    r"(?=.{1,253}\.?$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?"
    r"(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*\.?",
    re.IGNORECASE,
)


@dataclass
class FetchResult:
    """What became of one URL. `body` is set only for an "ok" outcome asked with want_body."""

    url: str  # as requested
    final_url: str  # the last URL requested (the one `status` and `headers` belong to)
    redirects: list[str] = field(default_factory=list)  # every URL visited after the first
    status: int | None = None
    content_type: str = ""  # lowercased media type, no parameters: "application/pdf"
    body: bytes | None = None
    outcome: Outcome = "failed"
    error: str | None = None  # one sentence for a person, None when ok
    retry_after: float | None = None  # seconds, when a 429/503 we gave up on said so
    attempts: int = 0  # requests sent for this URL, retries included, redirects not
    headers: dict[str, str] = field(default_factory=dict)  # final response, lowercased keys


class BadURL(ValueError):
    """The URL cannot be fetched as written; the message says why."""


def parse_url(text: str) -> httpx.URL:
    """`text` as a URL the fetcher may request, or BadURL with the reason."""
    text = text.strip()
    if not text:
        raise BadURL("empty URL")
    try:
        url = httpx.URL(text)
    except httpx.InvalidURL as e:
        url = _with_old_ipv4_form(text)
        if url is None:
            raise BadURL(f"malformed URL: {e}") from None
    if url.scheme not in ("http", "https"):
        raise BadURL("not an http(s) URL")
    if url.userinfo:
        raise BadURL("URL contains a user name or password")
    host = url.raw_host.decode("ascii")
    if not host:
        raise BadURL("URL has no host name")
    if url.port is not None and not 0 < url.port < 65536:
        raise BadURL(f"invalid port {url.port}")
    literal = parse_ip_literal(host)
    if literal is None and not _HOST_NAME.fullmatch(host):
        raise BadURL(f"invalid host name {urllib.parse.unquote(url.host)!r}")
    if literal is not None and ":" not in host and literal != host:
        url = url.copy_with(host=literal)  # 0x7f.1 → 127.0.0.1
    return url


def _with_old_ipv4_form(text: str) -> httpx.URL | None:
    """`text` with a host httpx refuses but C libraries accept (0177.0.0.1) made dotted."""
    try:
        parts = urllib.parse.urlsplit(text)
        host = parts.hostname
    except ValueError:
        return None
    literal = parse_ip_literal(host) if host else None
    if literal is None or ":" in literal:
        return None
    userinfo, at, host_and_port = parts.netloc.rpartition("@")
    _, colon, port = host_and_port.partition(":")
    netloc = f"{userinfo}{at}{literal}{colon}{port}"
    try:
        return httpx.URL(parts._replace(netloc=netloc).geturl())
    except httpx.InvalidURL:
        return None


class Fetcher:
    """Resolves and downloads links with one shared connection pool; use `async with`.

    Keyword options beside `settings` (FetchSettings):
    max_redirects, retries (after the first attempt), backoff (seconds, doubled each retry,
    jittered), max_retry_after (a longer Retry-After gives up), per_host_delay (seconds
    between request starts to one host), per_host_connections, max_connections (8: httpx's
    pool slows down beyond that), resolver ((host, port) -> addresses; tests inject one),
    allow_networks (always allowed, e.g. "127.0.0.1/32" in tests), user_agent, trust_env
    (standard proxy variables and SSL_CERT_FILE), request_deadline (seconds for one whole
    request, body included; default 10 x timeout), sleep (tests inject one that records).
    """

    def __init__(
        self,
        settings: FetchSettings | None = None,
        *,
        max_redirects: int = 10,
        retries: int = 3,
        backoff: float = 0.5,
        max_retry_after: float = 60.0,
        per_host_delay: float = 0.0,
        per_host_connections: int = 4,
        max_connections: int = 8,
        resolver: Resolver = system_resolver,
        allow_networks: Iterable[str] = (),
        user_agent: str = DEFAULT_USER_AGENT,
        trust_env: bool = True,
        request_deadline: float | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.settings = settings or FetchSettings()
        self.max_redirects = max_redirects
        self.retries = retries
        self.backoff = backoff
        self.max_retry_after = max_retry_after
        self.per_host_delay = per_host_delay
        self.per_host_connections = per_host_connections
        self.max_connections = max_connections
        self.resolver = resolver
        self.guard = AddressGuard(
            allow_private=self.settings.allow_private_addresses, allow_networks=allow_networks
        )
        self.user_agent = user_agent
        self.trust_env = trust_env
        self.request_deadline = request_deadline or 10 * self.settings.timeout
        self._sleep = sleep
        self._ssl_context = _ssl_context(self.settings.ca_bundle, trust_env)
        self._env_proxies = urllib.request.getproxies_environment() if trust_env else {}
        self._direct: httpx.AsyncClient | None = None
        self._proxied: dict[str, httpx.AsyncClient] = {}

    async def __aenter__(self) -> Fetcher:
        self._slots = asyncio.Semaphore(self.max_connections)
        self._hosts = _HostGate(self.per_host_connections, self.per_host_delay, self._sleep)
        backend = _WireCountingBackend(GuardedNetworkBackend(self.guard, self.resolver))
        self._direct = self._client(_GuardedTransport(backend, self._ssl_context, self._limits()))
        if self.settings.proxy:
            proxies, where = {self.settings.proxy}, "fetch.proxy"
        else:
            proxies = {url for scheme, url in self._env_proxies.items() if scheme != "no"}
            where = "a proxy environment variable"
        for proxy in proxies:
            try:
                transport = httpx.AsyncHTTPTransport(
                    verify=self._ssl_context, limits=self._limits(), proxy=proxy, trust_env=False
                )
            except (ImportError, ValueError, httpx.InvalidURL) as e:
                await self.__aexit__()
                raise ConfigError(f"{where} names a proxy that cannot be used: {e}") from None
            self._proxied[proxy] = self._client(transport)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        clients = [self._direct, *self._proxied.values()]
        self._direct, self._proxied = None, {}
        for client in clients:
            if client is not None:
                await client.aclose()

    async def fetch(
        self,
        url: str,
        *,
        want_body: bool = True,
        accept: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> FetchResult:
        """Follow `url`'s redirects and download the final response.

        want_body=False stops once the final response's headers arrive (resolve a link to a
        2 GB file without downloading it). `accept` is the Accept header; `headers` are
        added to each request and dropped when a redirect leaves the URL's origin.
        """
        if self._direct is None:
            raise RuntimeError("use the Fetcher inside 'async with'")
        result = FetchResult(url=url, final_url=url)
        try:
            target = parse_url(url)
        except BadURL as e:
            result.error = str(e)
            return result
        result.final_url = str(target)
        request_headers = httpx.Headers({"Accept": accept or "*/*"})
        request_headers.update(headers or {})
        origin = _origin(target)
        cookies = httpx.Cookies()  # this fetch's own: a login-wall redirect sets then reads one
        visited: dict[str, int] = {}  # URL -> cookies set before it was requested
        cookies_set = 0
        while True:
            visited[str(target)] = cookies_set
            hop = await self._request_with_retries(
                target, result, want_body, request_headers, cookies
            )
            if hop is None:
                return result
            cookies_set += len(hop.headers.get_list("set-cookie"))
            location = hop.headers.get("location")
            if hop.status not in REDIRECT_STATUSES:
                return _finish(result, hop)
            if location is None:
                return _finish(result, hop, f"HTTP {hop.status} without a Location header")
            try:
                following = parse_url(str(target.join(location.strip())))
            except (BadURL, httpx.InvalidURL) as e:
                return _finish(result, hop, f"redirect to an unusable URL ({e}): {location}")
            if visited.get(str(following)) == cookies_set:
                return _finish(result, hop, f"redirect loop at {following}")
            if len(result.redirects) >= self.max_redirects:
                return _finish(result, hop, f"more than {self.max_redirects} redirects")
            if _origin(following) != origin:
                for name in _ORIGIN_BOUND_HEADERS:
                    request_headers.pop(name, None)
                origin = _origin(following)
            target = following
            result.redirects.append(str(target))
            result.final_url = str(target)

    async def _request_with_retries(
        self,
        target: httpx.URL,
        result: FetchResult,
        want_body: bool,
        headers: httpx.Headers,
        cookies: httpx.Cookies,
    ) -> _Hop | None:
        """One hop, retried when the failure may pass; None once `result` says why it failed."""
        retry = 0
        while True:
            result.attempts += 1
            try:
                hop = await self._request(target, want_body, headers, cookies)
            except _Refused as e:
                result.outcome, result.error = "blocked", e.reason
                return None
            except _Failed as e:
                result.error = str(e)
                if e.hop is not None:
                    _describe(result, e.hop)
                return None
            except _Transient as e:
                if retry >= self.retries:
                    result.error = str(e)
                    return None
                log.debug("retrying %s: %s", target, e)
                await self._sleep(self._backoff(retry))
                retry += 1
                continue
            if hop.status not in RETRY_STATUSES:
                return hop
            wait = parse_retry_after(hop.headers.get("retry-after"))
            if wait is not None and wait > self.max_retry_after:
                _describe(result, hop)
                result.retry_after = wait
                why = "rate limited" if hop.status == 429 else f"HTTP {hop.status}"
                result.error = f"{why}: retry after {_seconds(wait)}"
                return None
            if retry >= self.retries:
                _describe(result, hop)
                result.retry_after = wait
                result.error = f"HTTP {hop.status}"
                return None
            log.debug("retrying %s after HTTP %s", target, hop.status)
            await self._sleep(wait if wait is not None else self._backoff(retry))
            retry += 1

    async def _request(
        self, target: httpx.URL, want_body: bool, headers: httpx.Headers, cookies: httpx.Cookies
    ) -> _Hop:
        """Send one request and read its response; errors become _Refused/_Failed/_Transient."""
        host = target.raw_host.decode("ascii")
        try:
            client = await self._client_for(target)
            async with self._hosts.slot(f"{host}:{target.port}"), self._slots:
                async with asyncio.timeout(self.request_deadline):
                    return await self._exchange(client, target, want_body, headers, cookies)
        except AddressRefused as e:
            raise _Refused(e.reason) from None
        except NameNotResolved as e:
            raise _Failed(str(e)) from None
        except TimeoutError:
            raise _Failed(
                f"the server took longer than {_seconds(self.request_deadline)} in all"
            ) from None
        except httpx.TimeoutException:
            raise _Transient(f"timed out after {_seconds(self.settings.timeout)}") from None
        except httpx.ConnectError as e:
            tls = _cause(e, ssl.SSLError)
            if tls is not None:
                reason = getattr(tls, "verify_message", None) or tls.reason or str(tls)
                raise _Failed(f"secure connection to {host} failed: {reason}") from None
            raise _Transient(f"could not connect to {host}: {_reason(e)}") from None
        except httpx.RemoteProtocolError as e:
            if "disconnected" in str(e):  # typically a kept-alive connection closed under us
                raise _Transient(f"{host} closed the connection without answering") from None
            raise _Failed(f"{host} sent a malformed response: {e}") from None
        except httpx.NetworkError as e:
            raise _Transient(f"the connection to {host} failed: {_reason(e)}") from None
        except httpx.HTTPError as e:
            raise _Failed(f"request to {host} failed: {_reason(e)}") from None

    async def _exchange(
        self,
        client: httpx.AsyncClient,
        target: httpx.URL,
        want_body: bool,
        headers: httpx.Headers,
        cookies: httpx.Cookies,
    ) -> _Hop:
        request = client.build_request("GET", target, headers=headers)
        if cookies:
            cookies.set_cookie_header(request)
        response = await client.send(request, stream=True)
        try:
            cookies.extract_cookies(response)
            hop = _Hop(response.status_code, response.headers)
            if 200 <= hop.status < 300 and want_body:
                hop.body = await _read_body(response, hop, self.settings.max_bytes)
            elif 200 <= hop.status < 300 or not await _drain(response, self.settings.timeout):
                _poison(response)  # unread body: the connection cannot serve another request
            return hop
        finally:
            await response.aclose()

    async def _client_for(self, target: httpx.URL) -> httpx.AsyncClient:
        proxy = self._proxy_for(target)
        if proxy is None:
            assert self._direct is not None
            return self._direct
        # Through a proxy the connection goes to the proxy (trusted: it is configured), and
        # the proxy resolves and connects to the target. Best effort: refuse the target when
        # our resolver says it is private. A name we cannot resolve is left to the proxy (it
        # often resolves what we cannot), and DNS rebinding at the proxy is not ours to stop.
        host = target.raw_host.decode("ascii")
        port = target.port or (443 if target.scheme == "https" else 80)
        with contextlib.suppress(NameNotResolved, httpcore.ConnectError, httpcore.ConnectTimeout):
            await self.guard.vetted_addresses(host, port, self.resolver, self.settings.timeout)
        return self._proxied[proxy]

    def _proxy_for(self, target: httpx.URL) -> str | None:
        if self.settings.proxy:
            return self.settings.proxy
        if not self._env_proxies:
            return None
        if urllib.request.proxy_bypass_environment(target.host, self._env_proxies):
            return None
        return self._env_proxies.get(target.scheme) or self._env_proxies.get("all")

    def _client(self, transport: httpx.AsyncBaseTransport) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=transport,
            timeout=httpx.Timeout(self.settings.timeout),
            follow_redirects=False,  # each hop is checked here
            trust_env=False,  # proxies are routed by _proxy_for; no .netrc passwords
            cookies=_no_shared_cookies(),
            headers={"User-Agent": self.user_agent, "Accept-Encoding": "gzip, deflate"},
        )

    def _limits(self) -> httpx.Limits:
        n = self.max_connections
        return httpx.Limits(max_connections=n, max_keepalive_connections=n)

    def _backoff(self, retry: int) -> float:
        return min(self.backoff * 2**retry * random.uniform(0.5, 1.5), self.max_retry_after)


@dataclass
class _Hop:
    """One response: its body only when it is the final 2xx and was asked for."""

    status: int
    headers: httpx.Headers
    body: bytes | None = None


class _Refused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Failed(Exception):
    """A failure another attempt would not fix."""

    def __init__(self, message: str, hop: _Hop | None = None) -> None:
        super().__init__(message)
        self.hop = hop


class _Transient(Exception):
    """A failure worth another attempt after a pause."""


def _finish(result: FetchResult, hop: _Hop, error: str | None = None) -> FetchResult:
    _describe(result, hop)
    result.body = hop.body
    if error is None and 200 <= hop.status < 300:
        result.outcome = "ok"
    else:
        result.error = error or f"HTTP {hop.status}"
    return result


def _describe(result: FetchResult, hop: _Hop) -> None:
    result.status = hop.status
    result.headers = dict(hop.headers.items())
    result.content_type = hop.headers.get("content-type", "").split(";")[0].strip().lower()


async def _read_body(response: httpx.Response, hop: _Hop, max_bytes: int) -> bytes:
    declared = _content_length(response.headers)
    limit = f"body larger than {_size(max_bytes)} limit"
    if declared is not None and declared > max_bytes:
        raise _Failed(f"{limit} (Content-Length: {_size(declared)})", hop)
    decoder = _Decoder(response.headers.get("content-encoding", ""), max_bytes, hop)
    received = 0
    try:
        async for chunk in response.aiter_raw():
            received += len(chunk)
            if received > max_bytes:
                raise _Failed(limit, hop)
            decoder.feed(chunk)
    except httpx.RemoteProtocolError:
        if declared is not None and received < declared:
            raise _Failed(
                f"the connection closed after {received} of the {declared} bytes"
                " the server's Content-Length declared",
                hop,
            ) from None
        raise
    if declared is not None:
        stream = response.extensions.get("network_stream")
        extra = stream.excess(declared) if isinstance(stream, _WireStream) else 0
        if extra:
            stream.poisoned = True
            raise _Failed(
                f"the server sent {extra} bytes more than its Content-Length of {declared}", hop
            )
    return decoder.finish()


class _Decoder:
    """Undoes gzip or deflate without ever holding more than `limit` decoded bytes."""

    def __init__(self, content_encoding: str, limit: int, hop: _Hop) -> None:
        self.hop = hop
        codings = [c.strip().lower() for c in content_encoding.split(",")]
        codings = [c for c in codings if c and c != "identity"]
        if len(codings) > 1 or (codings and codings[0] not in ("gzip", "x-gzip", "deflate")):
            raise _Failed(
                f"the server used an encoding we did not ask for: {content_encoding}", hop
            )
        self.coding = codings[0] if codings else None
        self.limit = limit
        self.size = 0
        self.chunks: list[bytes] = []
        self.fed = False
        # gzip (47: gzip or zlib header) or deflate, which servers send zlib-wrapped or raw
        self.wbits = 15 if self.coding == "deflate" else 47
        self.inflate = zlib.decompressobj(self.wbits)

    def feed(self, data: bytes) -> None:
        if self.coding is None:
            self._keep(data)
            return
        while data:
            try:
                out = self.inflate.decompress(data, self.limit - self.size + 1)
            except zlib.error as e:
                if self.coding == "deflate" and not self.fed and self.wbits > 0:
                    self.wbits = -15  # raw deflate, no zlib header
                    self.inflate = zlib.decompressobj(self.wbits)
                    continue
                raise _Failed(f"the {self.coding} body is corrupt: {e}", self.hop) from None
            self.fed = True
            self._keep(out)
            if self.inflate.eof:
                data = self.inflate.unused_data  # a further gzip member, or trailing junk
                if data and self.coding == "deflate":
                    return
                if data:
                    self.inflate = zlib.decompressobj(self.wbits)
            else:
                data = self.inflate.unconsumed_tail

    def finish(self) -> bytes:
        if self.coding is not None and self.fed:
            self._keep(self.inflate.flush())
            if not self.inflate.eof:
                raise _Failed(f"the {self.coding} body ended early", self.hop)
        return b"".join(self.chunks)

    def _keep(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.limit:
            message = f"body larger than {_size(self.limit)} limit"
            if self.coding is not None:
                message += " once decompressed"
            raise _Failed(message, self.hop)
        if data:
            self.chunks.append(data)


async def _drain(response: httpx.Response, timeout: float) -> bool:
    """Read and drop a small body so its connection can be reused; False if it was not."""
    declared = _content_length(response.headers)
    if declared is None or declared > _DRAIN_LIMIT:
        return False
    try:
        async with asyncio.timeout(timeout):
            async for _ in response.aiter_raw():
                pass
    except (httpx.HTTPError, TimeoutError):
        return False
    return True


def _poison(response: httpx.Response) -> None:
    stream = response.extensions.get("network_stream")
    if isinstance(stream, _WireStream):
        stream.poisoned = True


def _content_length(headers: httpx.Headers) -> int | None:
    value = headers.get("content-length", "").strip()
    return int(value) if value.isdigit() else None


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date); None if unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return seconds if seconds >= 0 else None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _origin(url: httpx.URL) -> tuple[str, bytes, int | None]:
    return url.scheme, url.raw_host, url.port


def _cause(error: BaseException, kind: type[BaseException]) -> Any:
    while error is not None:
        if isinstance(error, kind):
            return error
        error = error.__cause__ or error.__context__  # type: ignore[assignment]
    return None


def _reason(error: BaseException) -> str:
    """The most specific reason in an exception chain: "connection refused"."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, OSError) and cause.errno:
            return os.strerror(cause.errno).lower()
        cause = cause.__cause__ or cause.__context__
    return str(error) or type(error).__name__


def _seconds(value: float) -> str:
    return f"{value:g} s" if value < 100 else f"{round(value)} s"


def _size(n: int) -> str:
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.3g} {unit}"
    return f"{n} bytes"


def _ssl_context(ca_bundle: str, trust_env: bool) -> ssl.SSLContext:
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


def _no_shared_cookies() -> httpx.Cookies:
    """A client cookie jar that keeps nothing: each fetch keeps its own cookies."""
    policy = http.cookiejar.DefaultCookiePolicy(allowed_domains=[])
    return httpx.Cookies(http.cookiejar.CookieJar(policy=policy))


class _HostGate:
    """Politeness per host: at most `connections` requests at once, `delay` s between starts."""

    def __init__(self, connections: int, delay: float, sleep: Sleep) -> None:
        self.connections = connections
        self.delay = delay
        self.sleep = sleep
        self.hosts: dict[str, _HostState] = {}

    @contextlib.asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        if len(self.hosts) > 1000:
            self._forget_idle()
        state = self.hosts.get(host)
        if state is None:
            state = self.hosts[host] = _HostState(asyncio.Semaphore(self.connections))
        state.users += 1
        try:
            async with state.semaphore:
                if self.delay:
                    now = time.monotonic()
                    start = max(now, state.next_start)
                    state.next_start = start + self.delay
                    if start > now:
                        await self.sleep(start - now)
                yield
        finally:
            state.users -= 1
            if state.users == 0 and state.next_start <= time.monotonic():
                self.hosts.pop(host, None)

    def _forget_idle(self) -> None:
        now = time.monotonic()
        for host, state in list(self.hosts.items()):
            if state.users == 0 and state.next_start <= now:
                del self.hosts[host]


@dataclass
class _HostState:
    semaphore: asyncio.Semaphore
    users: int = 0
    next_start: float = 0.0


class _GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport, with its connection pool built on the guarded network backend."""

    def __init__(
        self,
        backend: httpcore.AsyncNetworkBackend,
        ssl_context: ssl.SSLContext,
        limits: httpx.Limits,
    ) -> None:
        super().__init__(verify=ssl_context, limits=limits, trust_env=False)
        # httpx offers no public way to choose the network backend; AsyncHTTPTransport keeps
        # its httpcore pool in `_pool` (httpx 0.27 and 0.28), replaced here by the same pool
        # built on the guarded backend. Fail loudly if a future httpx changes that.
        if not isinstance(getattr(self, "_pool", None), httpcore.AsyncConnectionPool):
            raise RuntimeError("this httpx version keeps its connection pool elsewhere")
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=backend,
        )


class _WireCountingBackend(httpcore.AsyncNetworkBackend):
    """Wraps each connection's stream in a _WireStream."""

    def __init__(self, inner: httpcore.AsyncNetworkBackend) -> None:
        self.inner = inner

    async def connect_tcp(self, *args: Any, **kwargs: Any) -> httpcore.AsyncNetworkStream:
        return _WireStream(await self.inner.connect_tcp(*args, **kwargs))

    async def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore.AsyncNetworkStream:
        return await self.inner.connect_unix_socket(*args, **kwargs)

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


_HEAD_END = re.compile(rb"\r?\n\r?\n")


class _WireStream(httpcore.AsyncNetworkStream):
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
        if self.head_size is None and len(self._head) < _DRAIN_LIMIT:
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
