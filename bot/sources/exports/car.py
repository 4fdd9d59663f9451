"""A CAR file (content-addressed archive, as `com.atproto.sync.getRepo` sends a repository),
read block by block on demand.

`atproto`'s `CAR.from_bytes` decodes every block of a file into memory at once; a repository
of a prolific account is hundreds of megabytes of them. Here the file is mapped, one pass
indexes where each block lies (a CID → offset table, tens of bytes per block), and a block is
decoded (libipld's DAG-CBOR decoder, as the SDK uses) only when asked for, after its bytes are
checked against the hash in its CID. A truncated file keeps the blocks before the cut.

Format: varint length + DAG-CBOR header `{version: 1, roots: [CID]}`, then sections of
varint length + CID + block bytes.
"""

from __future__ import annotations

import hashlib
import mmap
from pathlib import Path
from typing import Any

import libipld

from bot.errors import BadInput

SHA2_256 = 0x12


class CarFile:
    """The blocks of one CAR file. Use as a context manager, or call `close()`."""

    def __init__(self, source: str | Path | bytes) -> None:
        self.name = str(source) if not isinstance(source, bytes) else "the repository"
        self._map: mmap.mmap | None = None
        if isinstance(source, bytes):
            self._data: bytes | mmap.mmap = source
        else:
            try:
                with Path(source).open("rb") as f:
                    if Path(source).stat().st_size == 0:
                        raise BadInput(f"{source} is empty, not a repository (CAR) file")
                    # the map keeps the file open on its own
                    self._map = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
            except OSError as e:
                raise BadInput(f"cannot read {source}: {e.strerror}") from None
            self._data = self._map
        self.roots: list[bytes] = []
        self.truncated = False  # the file ends inside a block: blocks before it are kept
        self._index: dict[bytes, tuple[int, int]] = {}
        self._scan()

    def __enter__(self) -> CarFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._map is not None:
            self._map.close()
            self._map = None

    def __contains__(self, cid: bytes) -> bool:
        return cid in self._index

    def __len__(self) -> int:
        return len(self._index)

    def block(self, cid: bytes) -> Any:
        """The decoded block with this CID (raw CID bytes, as links decode to).

        Raises KeyError if the file lacks it, BadInput if its bytes do not match its hash.
        """
        offset, length = self._index[cid]
        data = bytes(self._data[offset : offset + length])
        if _digest_code(cid) == SHA2_256 and hashlib.sha256(data).digest() != cid[-32:]:
            raise BadInput(f"{self.name} is damaged: block {cid_text(cid)} does not match its hash")
        try:
            return libipld.decode_dag_cbor(data)
        except (ValueError, RecursionError):
            raise BadInput(
                f"{self.name} is damaged: block {cid_text(cid)} is not valid DAG-CBOR"
            ) from None

    def _scan(self) -> None:
        data, size = self._data, len(self._data)
        try:
            length, position = _varint(data, 0)
        except IndexError:
            raise BadInput(f"{self.name} is not a repository (CAR) file: no header") from None
        if position + length > size:
            raise BadInput(f"{self.name} is not a repository (CAR) file: its header is cut short")
        try:
            header = libipld.decode_dag_cbor(bytes(data[position : position + length]))
        except (ValueError, RecursionError):
            header = None
        roots = header.get("roots") if isinstance(header, dict) else None
        if not isinstance(roots, list) or not roots or header.get("version") != 1:
            raise BadInput(f"{self.name} is not a repository (CAR) file: bad header")
        self.roots = [r for r in roots if isinstance(r, bytes)]
        position += length
        while position < size:
            try:
                length, start = _varint(data, position)
                cid_end = _cid_end(data, start)
            except IndexError:
                self.truncated = True
                return
            if length == 0 or start + length > size or cid_end > start + length:
                self.truncated = True
                return
            self._index[bytes(data[start:cid_end])] = (cid_end, start + length - cid_end)
            position = start + length


def cid_text(cid: bytes) -> str:
    """A CID in its usual text form ("bafyrei…")."""
    try:
        return libipld.encode_cid(cid)
    except ValueError:
        return cid.hex()


def _varint(data: bytes | mmap.mmap, position: int) -> tuple[int, int]:
    """An unsigned LEB128 number at `position` → (value, position after it)."""
    value = shift = 0
    while True:
        byte = data[position]
        position += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, position
        shift += 7
        if shift > 63:
            raise IndexError("varint too long")


def _cid_end(data: bytes | mmap.mmap, start: int) -> int:
    """Where the CID at `start` ends: CIDv0 is a bare sha2-256 multihash, CIDv1 carries its
    version and codec first."""
    if data[start] == SHA2_256 and data[start + 1] == 0x20:
        return start + 34
    _, position = _varint(data, start)  # version
    _, position = _varint(data, position)  # codec
    _, position = _varint(data, position)  # hash function
    digest, position = _varint(data, position)
    return position + digest


def _digest_code(cid: bytes) -> int | None:
    try:
        if cid[0] == SHA2_256:
            return SHA2_256
        _, position = _varint(cid, 0)
        _, position = _varint(cid, position)
        code, _ = _varint(cid, position)
        return code
    except IndexError:
        return None
