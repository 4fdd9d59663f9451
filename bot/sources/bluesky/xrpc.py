"""The HTTP side of every Bluesky call: a total deadline, a size cap, no redirects, and JSON
read however deep a stranger nested it.

The atproto SDK's own `Request` sets a timeout per read (a server dripping two bytes a
second never trips it), holds any answer whole in memory, follows redirects wherever they
point and gives up on JSON nested deeper than its parser allows. `BoundedRequest` is the
SDK's request class with those four things changed; everything else (headers, sessions,
error types) is the SDK's.
"""

from __future__ import annotations

import time
import typing as t
import zlib

import httpx
import orjson
from atproto_client import exceptions
from atproto_client.request import (
    Request,
    RequestBase,
    Response,
    _convert_headers_to_dict,
    _handle_response,
)

from bot.sources.deep_json import loads_bounded

MAX_ANSWER_BYTES = 32 * 1024 * 1024  # a getPostThread of a 1,000-post thread is ~5 MB


class AnswerTooLarge(exceptions.AtProtocolError):
    """The service's answer passed MAX_ANSWER_BYTES; reading stopped there."""


class DeadlinePassed(exceptions.AtProtocolError):
    """The whole call took longer than its deadline (or a read waited that long)."""


class Redirected(exceptions.AtProtocolError):
    """The service answered with a redirect, which threadbot does not follow."""


class BoundedRequest(Request):
    """The SDK's Request with a deadline for the whole call, a cap on the answer's size, no
    redirects, and JSON of any depth (see deep_json)."""

    def __init__(self, deadline: float, max_bytes: int = MAX_ANSWER_BYTES) -> None:
        # The per-read timeout is the deadline too; the loop below bounds the whole call.
        RequestBase.__init__(self)
        self._client = httpx.Client(
            timeout=deadline, follow_redirects=False, headers={"Accept-Encoding": "gzip"}
        )
        self.deadline = deadline
        self.max_bytes = max_bytes

    def _new_instance(self) -> t.Self:
        return type(self)(self.deadline, self.max_bytes)

    def _send_request(self, method: str, url: str, **kwargs: t.Any) -> httpx.Response:
        headers = self.get_headers(kwargs.pop("headers", None))
        started = time.monotonic()
        try:
            request = self._client.build_request(method=method, url=url, headers=headers, **kwargs)
            response = self._client.send(request, stream=True)
            try:
                if response.is_redirect:
                    where = response.headers.get("location", "")[:200]
                    raise Redirected(f"the service redirected to {where!r}; not followed")
                body = bytearray()
                for chunk in response.iter_raw():
                    body += chunk
                    if len(body) > self.max_bytes:
                        raise AnswerTooLarge(
                            f"the answer is larger than {self.max_bytes // (1024 * 1024)} MB"
                        )
                    if time.monotonic() - started > self.deadline:
                        raise DeadlinePassed(f"no complete answer within {self.deadline:g} s")
            finally:
                response.close()
        except httpx.TimeoutException as e:
            raise DeadlinePassed(f"no answer within {self.deadline:g} s") from e
        except httpx.HTTPError as e:  # connection refused, reset, bad TLS, protocol errors
            raise exceptions.NetworkError() from e
        content = _decoded(response, body, self.max_bytes)
        headers = response.headers.copy()
        for name in ("content-encoding", "content-length"):  # the content is decoded now
            headers.pop(name, None)
        decoded = httpx.Response(
            status_code=response.status_code, headers=headers, content=content, request=request
        )
        return _handle_response(decoded)

    def get(self, *args: t.Any, **kwargs: t.Any) -> Response:
        return _parse(self._send_request("GET", *args, **kwargs))

    def post(self, *args: t.Any, **kwargs: t.Any) -> Response:
        return _parse(self._send_request("POST", *args, **kwargs))


def _decoded(response: httpx.Response, raw: bytearray, max_bytes: int) -> bytes:
    """The body without its Content-Encoding (iter_raw gives it as sent), never more than
    `max_bytes` once inflated: a compressed answer must not become a memory bomb."""
    coding = response.headers.get("content-encoding", "").strip().lower()
    if coding in ("", "identity"):
        return bytes(raw)
    if coding not in ("gzip", "x-gzip", "deflate"):
        raise exceptions.AtProtocolError(f"the service used an encoding not asked for: {coding}")
    inflate = zlib.decompressobj(47 if coding != "deflate" else 15)
    try:
        body = inflate.decompress(bytes(raw), max_bytes + 1)
    except zlib.error as e:
        raise exceptions.AtProtocolError(f"the service's {coding} answer is corrupt: {e}") from e
    if len(body) > max_bytes:
        raise AnswerTooLarge(f"the answer is larger than {max_bytes // (1024 * 1024)} MB")
    return body


def _parse(response: httpx.Response) -> Response:
    content: t.Any = response.content
    if "application/json" in response.headers.get("content-type", "").lower():
        try:
            content = loads_bounded(response.content)
        except orjson.JSONDecodeError as e:
            raise exceptions.AtProtocolError(f"the service's answer is not JSON: {e}") from None
    return Response(
        success=True,
        status_code=response.status_code,
        content=content,
        headers=_convert_headers_to_dict(response.headers),
    )
