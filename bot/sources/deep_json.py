"""JSON of any nesting depth, read without failing the whole answer.

A service's answer carries records strangers wrote, and a record may nest a field thousands
deep. JSON parsers stop at a depth limit (orjson at 1,024, the atproto SDK's at about 200),
and then the whole answer — a thread of a hundred posts — is lost for one reply. Here the
containers nested deeper than `max_depth` are replaced by null and the rest is read as usual.
No legitimate post, thread view or API answer comes close to the limit.

    >>> prune_deep(b'{"a": [[[1]]], "b": 2}', max_depth=2)
    (b'{"a": [null], "b": 2}', 1)

"""

from __future__ import annotations

import logging
from typing import Any

import orjson

log = logging.getLogger(__name__)

# orjson refuses to read past 1,024 levels and to write past 254; the stdlib's writer, which
# the store falls back on, manages ~900. A real thread view nests ~170 deep (parents).
MAX_DEPTH = 400


def loads_bounded(data: bytes, max_depth: int = MAX_DEPTH) -> Any:
    """Parse JSON; if it nests too deep to read, containers deeper than `max_depth` become
    null. Raises JSONDecodeError for what is not JSON."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as e:
        if "depth" not in str(e) and "ecursion" not in str(e):
            raise
    pruned, count = prune_deep(data, max_depth)
    log.warning("replaced %d JSON values nested deeper than %d with null", count, max_depth)
    return orjson.loads(pruned)


def prune_deep(data: bytes, max_depth: int) -> tuple[bytes, int]:
    """`data` with every array or object that opens deeper than `max_depth` replaced by
    null, and how many were. One pass over the bytes, strings and escapes respected."""
    out = bytearray()
    depth = 0
    pruned = 0
    skip_from_depth = -1  # inside a pruned container: the depth it opened at
    in_string = False
    escaped = False
    for byte in data:
        if in_string:
            if skip_from_depth < 0:
                out.append(byte)
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
            continue
        if byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if skip_from_depth < 0 and depth > max_depth:
                skip_from_depth = depth
                pruned += 1
                out += b"null"
                continue
        elif byte in (0x5D, 0x7D):  # ] }
            if skip_from_depth == depth:
                skip_from_depth = -1
                depth -= 1
                continue
            depth -= 1
        if skip_from_depth < 0:
            out.append(byte)
    return bytes(out), pruned
