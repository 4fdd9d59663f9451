"""Build AT Protocol repository exports (CAR files) for tests: records in a real Merkle
search tree (layers from the key's hash, prefix-compressed keys), DAG-CBOR blocks from
libipld (the SDK's encoder), a commit at the root."""

from __future__ import annotations

import hashlib
from typing import Any

import libipld


def cid_of(data: bytes, codec: int = 0x71) -> bytes:
    """CIDv1 bytes: version 1, codec (dag-cbor 0x71, raw 0x55), sha2-256."""
    return bytes([1, codec, 0x12, 0x20]) + hashlib.sha256(data).digest()


def layer(key: bytes) -> int:
    """A key's height in the tree: leading zero bits of its SHA-256, counted in pairs."""
    zeros = 0
    for byte in hashlib.sha256(key).digest():
        if byte == 0:
            zeros += 8
            continue
        zeros += 8 - byte.bit_length()
        break
    return zeros // 2


def varint(n: int) -> bytes:
    out = bytearray()
    while True:
        low = n & 0x7F
        n >>= 7
        out.append(low | (0x80 if n else 0))
        if not n:
            return bytes(out)


class Repo:
    def __init__(self, did: str) -> None:
        self.did = did
        self.blocks: dict[bytes, bytes] = {}
        self.records: dict[str, bytes] = {}  # key → record CID
        self.order: list[bytes] = []  # block CIDs in the order written

    def put(self, value: Any) -> bytes:
        data = libipld.encode_dag_cbor(value)
        cid = cid_of(data)
        if cid not in self.blocks:
            self.blocks[cid] = data
            self.order.append(cid)
        return cid

    def add(self, collection: str, rkey: str, record: dict[str, Any]) -> bytes:
        cid = self.put(record)
        self.records[f"{collection}/{rkey}"] = cid
        return cid

    def _node(self, items: list[tuple[bytes, bytes, int]], height: int) -> bytes | None:
        if not items:
            return None
        if height < 0:
            raise ValueError("keys below layer 0")
        entries: list[dict[str, Any]] = []
        left: bytes | None = None
        group: list[tuple[bytes, bytes, int]] = []
        previous = b""
        for key, value, key_layer in items:
            if key_layer == height:
                sub = self._node(group, height - 1)
                if entries:
                    entries[-1]["t"] = sub
                else:
                    left = sub
                shared = 0
                while shared < min(len(key), len(previous)) and key[shared] == previous[shared]:
                    shared += 1
                entries.append({"p": shared, "k": key[shared:], "v": value, "t": None})
                previous = key
                group = []
            else:
                group.append((key, value, key_layer))
        sub = self._node(group, height - 1)
        if entries:
            entries[-1]["t"] = sub
        else:
            left = sub
        return self.put({"l": left, "e": entries})

    def car(self, cut: int | None = None, extra_roots: int = 0) -> bytes:
        """The CAR file: header, commit first, then every block; `cut` bytes off the end."""
        items = sorted((k.encode(), v, layer(k.encode())) for k, v in self.records.items())
        top = max((i[2] for i in items), default=0)
        root = self._node(items, top) or self.put({"l": None, "e": []})
        commit = self.put(
            {"did": self.did, "version": 3, "data": root, "rev": "3kabc", "prev": None, "sig": b"x"}
        )
        header = libipld.encode_dag_cbor({"version": 1, "roots": [commit]})
        out = bytearray(varint(len(header)) + header)
        for cid in [commit, *[c for c in self.order if c != commit]]:
            data = self.blocks[cid]
            out += varint(len(cid) + len(data)) + cid + data
        return bytes(out[: len(out) - cut] if cut else out)
