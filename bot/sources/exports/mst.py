"""Walk an AT Protocol repository's Merkle search tree: every record's key and CID, in key
order. Pure: blocks come from a function.

A node is `{l: CID | null, e: [{p, k, v, t}, …]}`: `l` is the subtree of keys before the
first entry; each entry's key is the previous entry's first `p` bytes plus `k`, its value
`v` is the record's CID, and `t` the subtree of keys between it and the next entry. Keys are
"<collection>/<rkey>", so the records of one collection are one range: subtrees wholly
outside it are never loaded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

from bot.errors import BadInput

Load = Callable[[bytes], Any]
MAX_DEPTH = 128  # a real tree is a handful of levels deep; more is a loop in bad data


class MissingBlock(BadInput):
    """The tree names a block the file does not have (a truncated or partial export)."""


class _Tree(NamedTuple):
    cid: bytes
    lowest: bytes | None  # every key in it lies strictly between these (None: no bound)
    highest: bytes | None
    depth: int


class _Entry(NamedTuple):
    key: str
    value: bytes


def walk(
    load: Load, root: bytes, low: bytes | None = None, high: bytes | None = None
) -> Iterator[tuple[str, bytes]]:
    """(key, value CID) of every entry with `low` <= key < `high`, in key order.

    `load(cid)` returns a decoded block and raises KeyError when there is none (then
    MissingBlock, after every entry before it); a node of the wrong shape is BadInput.
    """
    stack: list[_Tree | _Entry] = [_Tree(root, None, None, 0)]  # no recursion: no depth limit
    while stack:
        item = stack.pop()
        if isinstance(item, _Entry):
            yield item.key, item.value
            continue
        if (item.highest is not None and low is not None and item.highest <= low) or (
            item.lowest is not None and high is not None and item.lowest >= high
        ):
            continue  # nothing of the range can be in there
        if item.depth > MAX_DEPTH:
            raise BadInput("the repository's tree is damaged: it nests without end")
        try:
            node = load(item.cid)
        except KeyError:
            raise MissingBlock(
                "the repository file is incomplete: a block of its tree is missing "
                "(was the download cut short?)"
            ) from None
        stack.extend(reversed(_items(node, item, low, high)))


def _items(node: Any, tree: _Tree, low: bytes | None, high: bytes | None) -> list[_Tree | _Entry]:
    """A node's subtrees and entries (those in range), in key order."""
    if not isinstance(node, dict) or not isinstance(node.get("e"), list):
        raise BadInput("the repository's tree is damaged: a node is not a tree node")
    entries: list[tuple[bytes, bytes, Any]] = []
    previous = b""
    for entry in node["e"]:
        if not isinstance(entry, dict):
            raise BadInput("the repository's tree is damaged: an entry is not an object")
        prefix, rest, value = entry.get("p"), entry.get("k"), entry.get("v")
        if type(prefix) is not int or not isinstance(rest, bytes) or not isinstance(value, bytes):
            raise BadInput("the repository's tree is damaged: an entry lacks its key or value")
        if prefix > len(previous):
            raise BadInput("the repository's tree is damaged: a key shares more than it can")
        key = previous[:prefix] + rest
        if entries and key <= entries[-1][0]:
            raise BadInput("the repository's tree is damaged: its keys are out of order")
        entries.append((key, value, entry.get("t")))
        previous = key
    out: list[_Tree | _Entry] = []
    left = node.get("l")
    if isinstance(left, bytes):
        out.append(
            _Tree(left, tree.lowest, entries[0][0] if entries else tree.highest, tree.depth + 1)
        )
    for i, (key, value, subtree) in enumerate(entries):
        if (low is None or key >= low) and (high is None or key < high):
            try:
                out.append(_Entry(key.decode("utf-8"), value))
            except UnicodeDecodeError:
                raise BadInput("the repository's tree is damaged: a key is not text") from None
        if isinstance(subtree, bytes):
            following = entries[i + 1][0] if i + 1 < len(entries) else tree.highest
            out.append(_Tree(subtree, key, following, tree.depth + 1))
    return out
