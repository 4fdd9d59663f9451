"""The X API v2 through tweepy, sent to the configured `x.api_base` and nowhere else.

tweepy 4.17 builds every URL on `https://api.twitter.com` inside `BaseClient.request()`.
Its `Client.session` is a `requests.Session`, so we mount an adapter for that host which
rewrites each request to `x.api_base` (re-signing OAuth 1.0a requests for the URL actually
requested), and mount a refusing adapter on every other http(s) URL: a request meant for
anywhere else fails loudly instead of leaving the machine. Every call has a total deadline
(a watchdog closes the socket when it passes, so a server dripping bytes cannot stretch it),
a cap on the answer's size, and no redirects.

tweepy's exceptions become the project's: RateLimited (with `reset_at` from
`x-rate-limit-reset`; tweepy's own waiting is off), ConfigError for refused credentials,
ServiceError for everything else.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import requests
import tweepy
import urllib3
from requests.adapters import BaseAdapter, HTTPAdapter
from requests.utils import get_environ_proxies
from requests_oauthlib import OAuth1  # type: ignore[import-untyped]
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from bot.errors import ConfigError, RateLimited, ServiceError

log = logging.getLogger(__name__)
# tweepy logs every request's headers at DEBUG, bearer token included: never let it.
logging.getLogger("tweepy.client").setLevel(logging.INFO)

TWEEPY_HOST = "https://api.twitter.com"
MAX_ANSWER_BYTES = 16 * 1024 * 1024  # 100 tweets with their includes are well under 1 MB
READ_CHUNK = 64 * 1024


@dataclass(frozen=True)
class UserContext:
    """OAuth 1.0a keys of the bot's own account (mentions, replies)."""

    consumer_key: str
    consumer_secret: str
    access_token: str
    access_token_secret: str


def check_api_base(api_base: str) -> str:
    """The base URL without a trailing slash; ConfigError unless it is http(s) with a host."""
    try:
        split = urlsplit(api_base.strip())
        host = split.hostname
        split.port  # noqa: B018 (raises ValueError for a port that is no number)
    except ValueError:
        host = None
    if split.scheme not in ("http", "https") or not host:
        raise ConfigError(f"x.api_base must be an http(s) URL with a host, not {api_base!r}")
    if split.query or split.fragment or split.username or split.password:
        raise ConfigError(f"x.api_base must be a plain base URL (no query or login): {api_base!r}")
    return api_base.strip().rstrip("/")


class XApi:
    """One tweepy Client bound to `api_base`; `call` runs one of its methods.

    `bearer_token` reads (app-only); `user` is the bot's account, needed for mentions and
    replies. Answers come back as the API's JSON (tweepy's `return_type=dict`).
    """

    def __init__(
        self,
        api_base: str,
        bearer_token: str = "",
        user: UserContext | None = None,
        timeout: float = 20.0,
        max_bytes: int = MAX_ANSWER_BYTES,
    ) -> None:
        self.api_base = check_api_base(api_base)
        if not timeout > 0:
            raise ConfigError(f"x.timeout must be a positive number of seconds, not {timeout!r}")
        self.has_bearer = bool(bearer_token)
        self.user = user
        self.client = tweepy.Client(
            bearer_token=bearer_token or None,
            consumer_key=user.consumer_key if user else None,
            consumer_secret=user.consumer_secret if user else None,
            access_token=user.access_token if user else None,
            access_token_secret=user.access_token_secret if user else None,
            return_type=dict,
            wait_on_rate_limit=False,  # we raise RateLimited; the daemon decides when to retry
        )
        session: requests.Session = self.client.session
        session.max_redirects = 0
        signer = (
            OAuth1(
                user.consumer_key,
                user.consumer_secret,
                user.access_token,
                user.access_token_secret,
            )
            if user
            else None
        )
        refuse = RefusingAdapter(self.api_base)
        session.mount("http://", refuse)
        session.mount("https://", refuse)
        session.mount(TWEEPY_HOST + "/", ApiBaseAdapter(self.api_base, timeout, max_bytes, signer))
        self.calls = 0  # requests made, for logs and benchmarks

    def call(
        self, what: str, method: Callable[..., Any], *args: Any, **kwargs: Any
    ) -> dict[str, Any]:
        """Run `method` (a bound tweepy.Client method) and return its JSON.

        `what` names the call in error messages ("reading post 123").
        """
        self.calls += 1
        try:
            result = method(*args, **kwargs)
        except tweepy.TooManyRequests as e:
            raise rate_limited(self.api_base, e.reset_time) from None
        except tweepy.Unauthorized as e:
            raise ConfigError(
                f"the X API at {self.api_base} refused our credentials while {what} "
                f"(HTTP 401{_detail(e)}): check {self._credentials_hint(kwargs)}"
            ) from None
        except tweepy.HTTPException as e:
            status = getattr(e.response, "status_code", "?")
            raise ServiceError(
                f"the X API at {self.api_base} failed while {what}: HTTP {status}{_detail(e)}"
            ) from None
        except requests.RequestException as e:  # not JSON, or transport trouble we did not map
            raise ServiceError(
                f"unexpected answer from the X API at {self.api_base} while {what}: "
                f"{type(e).__name__}"
            ) from None
        except (ValueError, TypeError, AttributeError) as e:
            # tweepy reading an error body that is JSON but not an object, and the like
            log.debug("X API call %s failed inside tweepy", what, exc_info=True)
            raise ServiceError(
                f"unexpected answer from the X API at {self.api_base} while {what}: {e}"
            ) from None
        if not isinstance(result, dict):
            raise ServiceError(f"unexpected answer from the X API at {self.api_base} while {what}")
        return result

    def _credentials_hint(self, kwargs: dict[str, Any]) -> str:
        if kwargs.get("user_auth"):
            return (
                "THREADBOT_X_CONSUMER_KEY, THREADBOT_X_CONSUMER_SECRET, "
                "THREADBOT_X_ACCESS_TOKEN and THREADBOT_X_ACCESS_TOKEN_SECRET"
            )
        return "THREADBOT_X_BEARER_TOKEN"

    def close(self) -> None:
        self.client.session.close()


def rate_limited(service: str, reset_time: Any) -> RateLimited:
    reset = float(reset_time) if isinstance(reset_time, int | float) and reset_time > 0 else None
    when = ""
    if reset is not None:
        when = f" until {datetime.fromtimestamp(reset, UTC):%Y-%m-%d %H:%M:%S} UTC"
    return RateLimited(f"the X API at {service} is rate limiting us{when}", reset)


def _detail(e: tweepy.HTTPException) -> str:
    """X's own words for an error, on one line."""
    messages = [str(m) for m in getattr(e, "api_messages", []) if m]
    for error in getattr(e, "api_errors", []):
        if isinstance(error, dict) and error.get("detail"):
            messages.append(str(error["detail"]))
    text = " ".join(" ".join(messages).split())[:200]
    return f": {text}" if text else ""


# --- transport -------------------------------------------------------------------------


class RefusingAdapter(BaseAdapter):
    """Mounted for every URL the X client must never reach: it raises instead of sending."""

    def __init__(self, api_base: str) -> None:
        super().__init__()
        self.api_base = api_base

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:
        host = urlsplit(request.url or "").hostname or request.url
        raise ServiceError(
            f"refused a request to {host}: the X client sends requests only to {self.api_base}"
        )

    def close(self) -> None:
        pass


class ApiBaseAdapter(HTTPAdapter):
    """Sends what tweepy addresses to https://api.twitter.com/ to `api_base` instead."""

    def __init__(
        self, api_base: str, timeout: float, max_bytes: int, signer: OAuth1 | None = None
    ) -> None:
        self.api_base = api_base
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.signer = signer
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        # our pools make connections the deadline watchdog can close
        classes = {"http": _WatchedPool, "https": _WatchedTLSPool}
        self.poolmanager.pool_classes_by_scheme = classes

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: Any = True,
        cert: Any = None,
        proxies: Any = None,
    ) -> requests.Response:
        original = request.url or ""
        if not original.startswith(TWEEPY_HOST + "/"):
            raise ServiceError(f"refused a request to {original}: not an X API address")
        request.url = self.api_base + original.removeprefix(TWEEPY_HOST)
        authorization = str(request.headers.get("Authorization", ""))
        if self.signer is not None and authorization.startswith("OAuth "):
            # tweepy signed the api.twitter.com URL; the signature must cover the real one
            del request.headers["Authorization"]
            request = self.signer(request)
        watch = _Watch()
        _current.watch = watch
        timer = threading.Timer(self.timeout, watch.fire)
        timer.daemon = True
        timer.start()
        deadline = time.monotonic() + self.timeout
        try:
            response = super().send(
                request,
                stream=True,
                timeout=(self.timeout, self.timeout),
                verify=verify,
                cert=cert,
                proxies=get_environ_proxies(request.url or ""),  # the proxy for the real target
            )
            if 300 <= response.status_code < 400:
                response.close()
                location = response.headers.get("Location", "?")
                raise ServiceError(
                    f"the X API at {self.api_base} answered with a redirect to {location}; "
                    "redirects are not followed"
                )
            response._content = self._read(response, deadline)
        except requests.RequestException as e:
            if watch.fired.is_set():
                raise ServiceError(
                    f"the X API at {self.api_base} did not answer within {self.timeout:g} s"
                ) from None
            raise ServiceError(f"cannot reach the X API at {self.api_base}: {_reason(e)}") from None
        except (OSError, urllib3.exceptions.HTTPError) as e:  # e.g. a socket closed mid-read
            if watch.fired.is_set():
                raise ServiceError(
                    f"the X API at {self.api_base} did not answer within {self.timeout:g} s"
                ) from None
            raise ServiceError(f"cannot reach the X API at {self.api_base}: {e}") from None
        finally:
            timer.cancel()
            _current.watch = None
        return response

    def _read(self, response: requests.Response, deadline: float) -> bytes:
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            response.close()
            raise ServiceError(self._too_large())
        body = bytearray()
        while True:
            if time.monotonic() > deadline:
                response.close()
                raise ServiceError(
                    f"the X API at {self.api_base} did not answer within {self.timeout:g} s"
                )
            chunk = response.raw.read(READ_CHUNK, decode_content=True)
            if not chunk:
                break
            body += chunk
            if len(body) > self.max_bytes:
                response.close()
                raise ServiceError(self._too_large())
        return bytes(body)

    def _too_large(self) -> str:
        return f"the X API at {self.api_base} sent an answer larger than {self.max_bytes} bytes"


def _reason(e: Exception) -> str:
    """The innermost cause of a requests error, in a few words."""
    inner: BaseException = e
    while inner.__context__ is not None and inner.__context__ is not inner:
        inner = inner.__context__
    text = str(inner) or type(inner).__name__
    if isinstance(inner, ConnectionRefusedError) or "Connection refused" in text:
        return "connection refused"
    if isinstance(inner, socket.gaierror) or "resolve" in text.lower():
        return "its host name does not resolve"
    if "timed out" in text.lower():
        return "timed out"
    return " ".join(text.split())[:160]


class _Watch:
    """The sockets of one request, closed by a timer when its deadline passes."""

    def __init__(self) -> None:
        self.fired = threading.Event()
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    def add(self, sock: socket.socket | None) -> None:
        if sock is None:
            return
        with self._lock:
            if self.fired.is_set():
                _shutdown(sock)
            elif sock not in self._sockets:
                self._sockets.append(sock)

    def fire(self) -> None:
        with self._lock:
            self.fired.set()
            for sock in self._sockets:
                _shutdown(sock)


def _shutdown(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)  # wakes a recv blocked in another thread


class _Current(threading.local):
    watch: _Watch | None = None


_current = _Current()


def _register(conn: HTTPConnection) -> None:
    watch = _current.watch
    if watch is not None:
        watch.add(getattr(conn, "sock", None))


class _WatchedConnection(HTTPConnection):
    def connect(self) -> None:
        super().connect()
        _register(self)

    def getresponse(self, *args: Any, **kwargs: Any) -> Any:
        _register(self)  # a kept-alive connection that did not connect for this request
        return super().getresponse(*args, **kwargs)


class _WatchedTLSConnection(HTTPSConnection):
    def connect(self) -> None:
        super().connect()
        _register(self)

    def getresponse(self, *args: Any, **kwargs: Any) -> Any:
        _register(self)
        return super().getresponse(*args, **kwargs)


class _WatchedPool(HTTPConnectionPool):
    ConnectionCls = _WatchedConnection


class _WatchedTLSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedTLSConnection
