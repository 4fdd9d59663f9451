"""Stream the array in an X export file (`window.YTD.tweets.part0 = [ {...}, ... ]`) in
batches of parsed elements, in constant memory.

An export's tweets.js can be hundreds of megabytes: we read it in chunks, cut each chunk
after the last complete element and parse the batch with one `orjson.loads` call. Where one
element ends and the next begins is found without a tokenizer: every element is an object
whose first key is the same ("tweet"), and `}` `,` `{"tweet":` can only be structure, never
inside a string, because a quote inside a JSON string is always escaped (`\\"`). A batch that
still fails to parse is parsed element by element, so every good element before a damaged
one is handed out before the error.

Batches are decoded with msgspec (into dicts, or into a typed schema that skips every field
it does not name, for a quick first pass), with the cyclic garbage collector paused: the
objects of a batch hold no cycles, and collections triggered by creating them would double
the time a batch takes.
"""

from __future__ import annotations

import contextlib
import gc
import re
from collections.abc import Callable, Iterator
from typing import IO, Any

import msgspec

from bot.errors import BadInput

CHUNK = 1024 * 1024
HEADER = re.compile(rb"\A\s*window\.[A-Za-z0-9_.]+\s*=\s*\[\s*")
SPACE = b" \t\r\n"
FIRST_KEY = re.compile(rb'\{\s*"([A-Za-z0-9_]+)"\s*:')


Decode = Callable[[bytes], Any]
DECODE_DICTS: Decode = msgspec.json.Decoder().decode


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection inside the block (restored as it was after)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def iter_js_array(
    stream: IO[bytes], name: str, chunk: int = CHUNK, decode: Decode = DECODE_DICTS
) -> Iterator[list[Any]]:
    """The elements of the file's array, a batch (about `chunk` bytes of JSON) at a time,
    each decoded by `decode` (called on a JSON array: `[` + elements + `]`).

    Raises BadInput naming the file when it is not an export file, or, once the elements
    before a damaged or truncated spot have been yielded, naming the spot.
    """
    buf = stream.read(chunk)
    while len(buf) < 512:  # enough to hold the header and the first key
        more = stream.read(chunk)
        if not more:
            break
        buf += more
    header = HEADER.match(buf)
    if header is None:
        raise BadInput(f"{name} is not a file of an X data export (no `window.YTD… = [`)")
    buf = buf[header.end() :]
    if buf.startswith(b"]"):
        return  # an empty part
    first = FIRST_KEY.match(buf)
    if first is None:
        raise BadInput(f"{name} is damaged: its array does not start with an object")
    marker = b'"' + first.group(1) + b'"'
    count = 0  # elements handed out
    while True:
        more = stream.read(chunk)
        if more:
            buf += more
            cut = _last_boundary(buf, marker)
            if cut is None:
                continue  # one element larger than a chunk: read on
            batch, buf = buf[: cut[0]], buf[cut[1] :]
        else:
            tail = buf.rstrip(SPACE + b";")
            if not tail.endswith(b"]"):
                good = _good_prefix(tail, marker, decode)
                if good:
                    yield good
                raise BadInput(
                    f"{name} is truncated: it ends inside post {count + len(good) + 1} "
                    f"(the {count + len(good)} before it were read)"
                )
            batch, buf = tail[:-1].rstrip(SPACE), b""
            if not batch:
                return
        try:
            items = _parse(batch, name, count, marker, decode)
        except Damaged as e:
            if e.good:
                yield e.good
            raise BadInput(str(e)) from None
        yield items
        count += len(items)
        if not buf:
            return


def _parse(batch: bytes, name: str, before: int, marker: bytes, decode: Decode) -> list[Any]:
    """One batch of elements; Damaged naming the first bad one if any is damaged."""
    items = _decode(b"[" + batch + b"]", decode)
    if isinstance(items, list):
        return items
    good = _good_prefix(batch, marker, decode)
    raise Damaged(
        f"{name} is damaged at post {before + len(good) + 1}: it is not valid JSON there",
        good,
    )


def _last_boundary(buf: bytes, marker: bytes, limit: int | None = None) -> tuple[int, int] | None:
    """(end of the last complete element, start of the next) — the last `}, {"key":` in
    `buf[:limit]` — or None if there is none."""
    position = len(buf) if limit is None else limit
    while True:
        found = buf.rfind(marker, 0, position)
        if found < 0:
            return None
        position = found
        i = found - 1
        while i >= 0 and buf[i] in SPACE:
            i -= 1
        if i < 0 or buf[i] != 0x7B:  # "{"
            continue
        start = i
        i -= 1
        while i >= 0 and buf[i] in SPACE:
            i -= 1
        if i < 0 or buf[i] != 0x2C:  # ","
            continue
        i -= 1
        while i >= 0 and buf[i] in SPACE:
            i -= 1
        if i < 0 or buf[i] != 0x7D:  # "}"
            continue
        return i + 1, start


def _decode(data: bytes, decode: Decode) -> Any:
    with paused_gc():
        try:
            return decode(data)
        except (msgspec.DecodeError, ValueError):  # not JSON, or not of the schema
            return None


def _good_prefix(batch: bytes, marker: bytes, decode: Decode) -> list[Any]:
    """The elements at the start of `batch` that parse, up to the first that does not."""
    good: list[Any] = []
    for piece in _split(batch, marker):
        item = _decode(b"[" + piece + b"]", decode)
        if not isinstance(item, list) or len(item) != 1:
            break
        good.append(item[0])
    return good


def _split(batch: bytes, marker: bytes) -> list[bytes]:
    """The elements of a batch as separate pieces of bytes, in order."""
    pieces: list[bytes] = []
    limit = len(batch)
    while True:
        cut = _last_boundary(batch, marker, limit)
        if cut is None:
            pieces.append(batch[:limit])
            break
        end, start = cut
        pieces.append(batch[start:limit])
        limit = end
    return pieces[::-1]


class Damaged(BadInput):
    """A damaged spot in a file; `good` holds the elements of its batch before the spot,
    not yet handed out."""

    def __init__(self, message: str, good: list[Any]) -> None:
        super().__init__(message)
        self.good = good
