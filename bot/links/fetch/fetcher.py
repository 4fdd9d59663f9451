"""Fetch what a link points to: follow its redirects, download it, trust nothing on the way.

Links come from strangers' posts, so the far side may be slow, lying or hostile.
`Fetcher.fetch(url)` turns everything the URL or the server can do into a `FetchResult`
(outcome "ok", "failed" or "blocked", with one sentence saying why, and whether another
attempt later could succeed) and never raises for it.

What is checked, and where:
- the URL (urls.py), for the first request and every redirect;
- every connection (guard.py, through transport.py): the address actually connected to;
- every redirect (here): at most `max_redirects`, no loops, http(s) only, and headers the
  caller gave (an API token) are dropped when a redirect leaves the origin;
- the body (body.py): capped, decompressed and hashed into a file as it arrives;
- the pace (politeness.py and here): per-host slots and delays; retries with exponential
  backoff and jitter on 429/5xx, connect errors and timeouts, honouring Retry-After up to a
  cap; a deadline for each whole request, body included.

    async with Fetcher(settings.fetch) as fetcher:
        result = await fetcher.fetch("https://t.co/abc")
        result.outcome, result.final_url, result.redirects, result.body
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import shutil
import ssl
import tempfile
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import httpcore
import httpx

from bot import __version__
from bot.config import FetchSettings
from bot.errors import ConfigError
from bot.links.fetch.body import Body, BodyError, drain, poison, read_body
from bot.links.fetch.guard import (
    AddressGuard,
    AddressRefused,
    GuardedNetworkBackend,
    NameNotResolved,
    Resolver,
    system_resolver,
)
from bot.links.fetch.politeness import HostGate, Sleep, outside_slot, parse_retry_after
from bot.links.fetch.transport import (
    GuardedTransport,
    WireCountingBackend,
    no_shared_cookies,
    ssl_context,
)
from bot.links.fetch.urls import BadURL, parse_url

log = logging.getLogger(__name__)

Outcome = Literal["ok", "failed", "blocked"]

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
DEFAULT_USER_AGENT = f"threadbot/{__version__} (link archiver)"
# Headers a caller may add for one service (an API token) that must not follow a redirect
# to another origin.
_ORIGIN_BOUND_HEADERS = ("authorization", "cookie", "proxy-authorization")


@dataclass
class FetchResult:
    """What became of one URL. `body` is set only for an "ok" outcome asked with want_body."""

    url: str  # as requested
    final_url: str  # the last URL requested (the one `status` and `headers` belong to)
    redirects: list[str] = field(default_factory=list)  # every URL visited after the first
    status: int | None = None
    content_type: str = ""  # lowercased media type, no parameters: "application/pdf"
    body: Body | None = None
    outcome: Outcome = "failed"
    error: str | None = None  # one sentence for a person, None when ok
    # a failure that may pass (a timeout, a refused connection, 429, 5xx): worth trying
    # again later; False for what never will (a malformed URL, a loop, a 404, too large)
    transient: bool = False
    retry_after: float | None = None  # seconds, when a 429/503 we gave up on said so
    attempts: int = 0  # requests sent for this URL, retries included, redirects not
    headers: dict[str, str] = field(default_factory=dict)  # final response, lowercased keys


class Fetcher:
    """Resolves and downloads links with one shared connection pool; use `async with`.

    Keyword options beside `settings` (FetchSettings):
    max_redirects, retries (after the first attempt), backoff (seconds, doubled each retry,
    jittered), max_retry_after (a longer Retry-After gives up), per_host_delay (seconds
    between request starts to one host), per_host_connections, max_connections (8: httpx's
    pool slows down beyond that), resolver ((host, port) -> addresses; tests inject one),
    allow_networks (always allowed, e.g. "127.0.0.1/32" in tests), user_agent, trust_env
    (standard proxy variables and SSL_CERT_FILE), request_deadline (seconds for one whole
    request, body included; default fetch.timeout), sleep (tests inject one that records).
    Bodies are written to files in a folder of the fetcher's own, removed on exit.
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
        self.request_deadline = request_deadline or self.settings.timeout
        self._sleep = sleep
        self._ssl_context = ssl_context(self.settings.ca_bundle, trust_env)
        self._env_proxies = urllib.request.getproxies_environment() if trust_env else {}
        self._direct: httpx.AsyncClient | None = None
        self._proxied: dict[str, httpx.AsyncClient] = {}

    async def __aenter__(self) -> Fetcher:
        self._slots = asyncio.Semaphore(self.max_connections)
        self._hosts = HostGate(self.per_host_connections, self.per_host_delay, self._sleep)
        self._spool = Path(tempfile.mkdtemp(prefix="threadbot-bodies-"))
        backend = WireCountingBackend(GuardedNetworkBackend(self.guard, self.resolver))
        self._direct = self._client(GuardedTransport(backend, self._ssl_context, self._limits()))
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
        if getattr(self, "_spool", None) is not None:
            shutil.rmtree(self._spool, ignore_errors=True)

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
        added to each request and dropped when a redirect leaves the URL's origin. The body
        is a file the caller discards once done with it (`result.body.discard()`).
        """
        if self._direct is None:
            raise RuntimeError("use the Fetcher inside 'async with'")
        result = FetchResult(url=url, final_url=url)
        try:
            target = parse_url(url)
        except BadURL as e:
            result.error = str(e)
            result.transient = False
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
                following = _follow(target, location)
            except BadURL as e:
                return _finish(result, hop, f"redirect to an unusable URL ({e}): {location[:200]}")
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
                result.outcome, result.error, result.transient = "blocked", e.reason, False
                return None
            except _Failed as e:
                result.error, result.transient = str(e), e.transient
                if e.hop is not None:
                    _describe(result, e.hop)
                return None
            except _Transient as e:
                if retry >= self.retries:
                    result.error, result.transient = str(e), True
                    return None
                log.debug("retrying %s: %s", target, e)
                await outside_slot(self._sleep(self._backoff(retry)))
                retry += 1
                continue
            if hop.status not in RETRY_STATUSES:
                return hop
            wait = parse_retry_after(hop.headers.get("retry-after"))
            if wait is not None and wait > self.max_retry_after:
                _describe(result, hop)
                result.retry_after, result.transient = wait, True
                why = "rate limited" if hop.status == 429 else f"HTTP {hop.status}"
                result.error = f"{why}: retry after {_seconds(wait)}"
                return None
            if retry >= self.retries:
                _describe(result, hop)
                result.retry_after, result.transient = wait, True
                result.error = f"HTTP {hop.status}"
                return None
            log.debug("retrying %s after HTTP %s", target, hop.status)
            # the caller's slot is free meanwhile: a link waiting here holds up no other
            await outside_slot(self._sleep(wait if wait is not None else self._backoff(retry)))
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
            # A server this slow (or dripping bytes) is not asked again in this run: the
            # link is tried again later, like any failure that may pass.
            raise _Failed(
                f"no complete answer within {_seconds(self.request_deadline)}", transient=True
            ) from None
        except httpx.ConnectTimeout:
            raise _Transient(
                f"connecting timed out after {_seconds(self.settings.timeout)}"
            ) from None
        except httpx.TimeoutException:
            raise _Failed(
                f"timed out after {_seconds(self.settings.timeout)}", transient=True
            ) from None
        except httpx.ConnectError as e:
            tls = _cause(e, ssl.SSLError)
            if tls is not None:
                reason = getattr(tls, "verify_message", None) or tls.reason or str(tls)
                raise _Failed(f"secure connection to {host} failed: {reason}") from None
            raise _Transient(f"could not connect to {host}: {_reason(e)}") from None
        except httpx.InvalidURL as e:
            # httpx reads a redirect's Location while receiving the response, before this
            # fetcher sees it: a Location no URL parser accepts ends here
            raise _Failed(f"redirect to an unusable URL (malformed URL: {e})") from None
        except httpx.RemoteProtocolError as e:
            if "location header" in str(e).lower():
                raise _Failed(f"redirect to an unusable URL (malformed URL: {e})") from None
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
                try:
                    hop.body = await read_body(response, self.settings.max_bytes, self._spool)
                except BodyError as e:
                    raise _Failed(str(e), hop) from None
            elif 200 <= hop.status < 300 or not await drain(response, self.settings.timeout):
                poison(response)  # unread body: the connection cannot serve another request
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
        # not in the stub files, but public and documented beside getproxies_environment
        bypass = urllib.request.proxy_bypass_environment  # type: ignore[attr-defined]
        if bypass(target.host, self._env_proxies):
            return None
        return self._env_proxies.get(target.scheme) or self._env_proxies.get("all")

    def _client(self, transport: httpx.AsyncBaseTransport) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=transport,
            timeout=httpx.Timeout(self.settings.timeout),
            follow_redirects=False,  # each hop is checked here
            trust_env=False,  # proxies are routed by _proxy_for; no .netrc passwords
            cookies=no_shared_cookies(),
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
    body: Body | None = None


class _Refused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Failed(Exception):
    """A failure another attempt now would not fix; `transient` if one later might."""

    def __init__(self, message: str, hop: _Hop | None = None, transient: bool = False) -> None:
        super().__init__(message)
        self.hop = hop
        self.transient = transient


class _Transient(Exception):
    """A failure worth another attempt after a pause."""


def _finish(result: FetchResult, hop: _Hop, error: str | None = None) -> FetchResult:
    _describe(result, hop)
    result.body = hop.body
    if error is None and 200 <= hop.status < 300:
        result.outcome = "ok"
    else:
        result.error = error or f"HTTP {hop.status}"
        # a redirect loop or a 404 stays what it is; a server failing now may not tomorrow
        result.transient = error is None and (hop.status == 429 or hop.status >= 500)
    return result


def _describe(result: FetchResult, hop: _Hop) -> None:
    result.status = hop.status
    result.headers = dict(hop.headers.items())
    result.content_type = hop.headers.get("content-type", "").split(";")[0].strip().lower()


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


def _follow(target: httpx.URL, location: str) -> httpx.URL:
    """The URL a Location header names, relative to `target`; BadURL if it names none."""
    try:
        joined = target.join(location.strip())
    except (httpx.InvalidURL, ValueError) as e:
        raise BadURL(f"malformed URL: {e}") from None
    return parse_url(str(joined))
