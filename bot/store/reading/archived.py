"""The archived bytes of a document, read in chunks.

`blobs` is private to readers (bot/web/privacy.py refuses it on Datasette's connections), and
those connections cap every value at 2 MB (bot/web/sql_limits.py): the document route reads
through a connection of its own, opened here read-only, with neither. The bytes are read
with SQLite's incremental blob I/O (`blobopen`), CHUNK at a time, so a 50 MB PDF is never
in memory whole.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

CHUNK = 256 * 1024


@dataclass(frozen=True)
class ArchivedCopy:
    document_id: int
    url: str  # where it was fetched from
    content_type: str  # as the server sent it
    size: int
    sha256: str
    blob_rowid: int


def open_reader(path: str | Path) -> sqlite3.Connection:
    """A read-only connection to the archive file for the document route (no SQL of a
    reader's runs on it)."""
    conn = sqlite3.connect(
        f"file:{quote(str(Path(path).absolute()))}?mode=ro", uri=True, check_same_thread=False
    )
    conn.execute("pragma query_only = 1")
    return conn


def find_copy(conn: sqlite3.Connection, document_id: int) -> ArchivedCopy | None:
    """Document `document_id`'s bytes, if the archive holds them."""
    row = conn.execute(
        """
        select d.id, coalesce(d.url, ''),
               coalesce(nullif(d.content_type, ''), nullif(b.content_type, ''), ''),
               length(b.content), b.sha256, b.rowid
        from documents d join blobs b on b.sha256 = d.sha256
        -- length() of a blob reads its header, not its pages
        where d.id = ? and length(b.content) is not null
        """,
        [document_id],
    ).fetchone()
    if row is None:
        return None
    return ArchivedCopy(
        document_id=int(row[0]),
        url=row[1],
        content_type=row[2],
        size=int(row[3] or 0),
        sha256=row[4],
        blob_rowid=int(row[5]),
    )


def read_chunks(
    conn: sqlite3.Connection, copy: ArchivedCopy, chunk: int = CHUNK
) -> Generator[bytes, None, None]:
    """The copy's bytes, `chunk` at a time."""
    with conn.blobopen("blobs", "content", copy.blob_rowid, readonly=True) as blob:
        while data := blob.read(chunk):
            yield data
