"""Reading a response body: capped, decompressed, hashed, and written to disk as it
arrives, so memory stays flat however many and however large the documents are.

`max_bytes` applies to the bytes received and to the bytes after decompression (a gzip bomb
stops at the cap); a Content-Length over the cap is refused before reading; a Content-Length
that does not match what arrives is a failure. Any of these is a `BodyError` with one
sentence saying what happened.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import tempfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from bot.links.fetch.transport import DRAIN_LIMIT, WireStream


class BodyError(Exception):
    """The body could not be read as sent; the message is one sentence for a person."""


@dataclass
class Body:
    """A downloaded body (decompressed) in a file of its own; `discard()` deletes it."""

    path: Path
    size: int
    sha256: str

    def read(self) -> bytes:
        """The whole body in memory: for small bodies only (API answers, pages to parse)."""
        return self.path.read_bytes()

    def head(self, n: int = 1024) -> bytes:
        with self.path.open("rb") as f:
            return f.read(n)

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


async def read_body(response: httpx.Response, max_bytes: int, spool: Path) -> Body:
    """Stream the response's body into a new file under `spool`, capped and hashed."""
    declared = content_length(response.headers)
    limit = f"body larger than {size_text(max_bytes)} limit"
    if declared is not None and declared > max_bytes:
        raise BodyError(f"{limit} (Content-Length: {size_text(declared)})")
    fd, name = tempfile.mkstemp(dir=spool, suffix=".body")
    path = Path(name)
    digest = hashlib.sha256()
    written = 0

    def sink(data: bytes) -> None:
        nonlocal written
        digest.update(data)
        written += len(data)
        os.write(fd, data)

    try:
        decoder = Decoder(response.headers.get("content-encoding", ""), max_bytes, sink)
        received = 0
        try:
            async for chunk in response.aiter_raw():
                received += len(chunk)
                if received > max_bytes:
                    raise BodyError(limit)
                decoder.feed(chunk)
        except httpx.RemoteProtocolError:
            if declared is not None and received < declared:
                raise BodyError(
                    f"the connection closed after {received} of the {declared} bytes"
                    " the server's Content-Length declared"
                ) from None
            raise
        if declared is not None:
            stream = response.extensions.get("network_stream")
            extra = stream.excess(declared) if isinstance(stream, WireStream) else 0
            if extra and isinstance(stream, WireStream):
                stream.poisoned = True
                raise BodyError(
                    f"the server sent {extra} bytes more than its Content-Length of {declared}"
                )
        decoder.finish()
    except BaseException:
        os.close(fd)
        path.unlink(missing_ok=True)
        raise
    os.close(fd)
    return Body(path=path, size=written, sha256=digest.hexdigest())


class Decoder:
    """Undoes gzip or deflate without ever holding more than `limit` decoded bytes."""

    def __init__(self, content_encoding: str, limit: int, sink: Callable[[bytes], None]) -> None:
        self.sink = sink
        codings = [c.strip().lower() for c in content_encoding.split(",")]
        codings = [c for c in codings if c and c != "identity"]
        if len(codings) > 1 or (codings and codings[0] not in ("gzip", "x-gzip", "deflate")):
            raise BodyError(f"the server used an encoding we did not ask for: {content_encoding}")
        self.coding = codings[0] if codings else None
        self.limit = limit
        self.size = 0
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
                raise BodyError(f"the {self.coding} body is corrupt: {e}") from None
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

    def finish(self) -> None:
        if self.coding is not None and self.fed:
            self._keep(self.inflate.flush())
            if not self.inflate.eof:
                raise BodyError(f"the {self.coding} body ended early")

    def _keep(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.limit:
            message = f"body larger than {size_text(self.limit)} limit"
            if self.coding is not None:
                message += " once decompressed"
            raise BodyError(message)
        if data:
            self.sink(data)


async def drain(response: httpx.Response, timeout: float) -> bool:
    """Read and drop a small body so its connection can be reused; False if it was not."""
    declared = content_length(response.headers)
    if declared is None or declared > DRAIN_LIMIT:
        return False
    try:
        async with asyncio.timeout(timeout):
            async for _ in response.aiter_raw():
                pass
    except (httpx.HTTPError, TimeoutError):
        return False
    return True


def poison(response: httpx.Response) -> None:
    stream = response.extensions.get("network_stream")
    if isinstance(stream, WireStream):
        stream.poisoned = True


def content_length(headers: httpx.Headers) -> int | None:
    value = headers.get("content-length", "").strip()
    return int(value) if value.isdigit() else None


def size_text(n: int) -> str:
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.3g} {unit}"
    return f"{n} bytes"
