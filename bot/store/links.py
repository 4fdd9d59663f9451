"""The link stage's rows: which links are due, and saving what resolving one found.

Every resolution is saved in one transaction: the link row, the document and its bytes,
the docket. A crash leaves the link as it was (still due), never a half-written document.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import orjson

from bot.models import Docket, Document, LinkResolution
from bot.store.db import Store
from bot.timestamps import utc_now

BLOB_CHUNK = 1 << 20
BLOB_CACHE = -8192  # KiB of page cache while a blob is written


@dataclass(frozen=True)
class DueLink:
    id: int
    url: str
    attempts: int


def due_links(
    store: Store,
    now: str | None = None,
    limit: int | None = None,
    thread_ids: list[int] | None = None,
) -> list[DueLink]:
    """Links never resolved, and failed ones (or ones whose enrichment failed) whose next
    attempt is due, oldest first; only those of `thread_ids` if given."""
    if not store.exists:
        return []
    in_threads = ""
    params: list[object] = [now or utc_now()]
    if thread_ids is not None:
        in_threads = (
            "and post_id in (select id from posts where thread_id in "
            f"({','.join('?' * len(thread_ids))}))"
        )
        params += thread_ids
    rows = store.conn.execute(
        f"""
        select id, url, coalesce(attempts, 0) from links
        where (status = 'pending'
               -- failed, or ok but its CourtListener details are still to come
               or (status in ('failed', 'ok') and next_attempt_at is not null
                   and next_attempt_at <= ?))
          {in_threads}
        order by id
        limit ?
        """,
        [*params, -1 if limit is None else limit],
    ).fetchall()
    return [DueLink(id=r[0], url=r[1], attempts=r[2]) for r in rows]


def known_resolution(store: Store, canonical_url: str) -> int | None:
    """A link to the same URL already resolved and archived: its id, to copy instead of
    fetching the same thing again."""
    row = store.conn.execute(
        "select id from links where canonical_url = ? and status = 'ok' order by id desc limit 1",
        [canonical_url],
    ).fetchone()
    return row[0] if row else None


def copy_resolution(store: Store, link_id: int, source_id: int) -> None:
    now = utc_now()
    with store.transaction() as conn:
        conn.execute(
            """
            update links set (canonical_url, resolved_url, redirects, http_status, content_type,
                              kind, status, error, document_id, docket_id) =
              (select canonical_url, resolved_url, redirects, http_status, content_type,
                      kind, status, error, document_id, docket_id from links where id = ?),
              attempts = coalesce(attempts, 0) + 1, next_attempt_at = null,
              resolved_at = ?, updated_at = ?
            where id = ?
            """,
            [source_id, now, now, link_id],
        )


def save_resolution(store: Store, link_id: int, resolution: LinkResolution) -> None:
    now = utc_now()
    with store.transaction() as conn:
        docket_id = _save_docket(conn, resolution.docket, now) if resolution.docket else None
        document_id = (
            _save_document(conn, resolution.document, docket_id, now)
            if resolution.document
            else None
        )
        conn.execute(
            """
            update links set canonical_url = ?, resolved_url = ?, redirects = ?,
                   http_status = ?, content_type = ?, kind = ?, status = ?, error = ?,
                   attempts = coalesce(attempts, 0) + 1, next_attempt_at = ?,
                   resolved_at = ?, updated_at = ?, document_id = ?, docket_id = ?
            where id = ?
            """,
            [
                resolution.canonical_url,
                resolution.resolved_url or None,
                orjson.dumps(list(resolution.redirects)).decode(),
                resolution.http_status,
                resolution.content_type or None,
                resolution.kind or None,
                resolution.status,
                resolution.error,
                resolution.retry_at,
                now,
                now,
                document_id,
                docket_id,
                link_id,
            ],
        )


def _save_docket(conn: sqlite3.Connection, docket: Docket, now: str) -> int:
    """Find the case by CourtListener id or by court and PACER case id; fill in what we learn.

    Two rows can turn out to be one case (one known by its CourtListener id from a docket
    page, one by its PACER id from a RECAP file): they merge into the first, and every link
    and document follows.
    """
    by_id = by_pacer = None
    if docket.courtlistener_id is not None:
        by_id = _one(
            conn, "select id from dockets where courtlistener_id = ?", docket.courtlistener_id
        )
    if docket.pacer_case_id:
        by_pacer = _one(
            conn,
            "select id from dockets where court_id = ? and pacer_case_id = ?",
            docket.court_id,
            docket.pacer_case_id,
        )
    if by_id is not None and by_pacer is not None and by_id != by_pacer:
        _merge_dockets(conn, keep=by_id, gone=by_pacer, now=now)
    row = by_id if by_id is not None else by_pacer
    values = {
        "courtlistener_id": docket.courtlistener_id,
        "court_id": docket.court_id or None,
        "court": docket.court or None,
        "pacer_case_id": docket.pacer_case_id,
        "case_name": docket.case_name or None,
        "docket_number": docket.docket_number or None,
        "assigned_to": docket.assigned_to or None,
        "date_filed": docket.date_filed,
        "url": docket.url or None,
    }
    if row is None:
        columns = ", ".join(values)
        marks = ", ".join("?" * len(values))
        cursor = conn.execute(
            f"insert into dockets ({columns}, fetched_at, updated_at) values ({marks}, ?, ?)",
            [*values.values(), now, now],
        )
        return int(cursor.lastrowid or 0)
    # what we knew stays unless we learned better
    sets = ", ".join(f"{k} = coalesce(?, {k})" for k in values)
    conn.execute(
        f"update dockets set {sets}, updated_at = ? where id = ?", [*values.values(), now, row]
    )
    _documents_follow_docket(conn, row)
    return row


def _merge_dockets(conn: sqlite3.Connection, keep: int, gone: int, now: str) -> None:
    fields = (
        "court_id, court, pacer_case_id, case_name, docket_number, assigned_to, date_filed, url"
    )
    old = conn.execute(f"select {fields} from dockets where id = ?", [gone]).fetchone()
    conn.execute("update links set docket_id = ? where docket_id = ?", [keep, gone])
    conn.execute("update documents set docket_id = ? where docket_id = ?", [keep, gone])
    conn.execute("delete from dockets where id = ?", [gone])
    sets = ", ".join(f"{name} = coalesce({name}, ?)" for name in fields.split(", "))
    conn.execute(f"update dockets set {sets}, updated_at = ? where id = ?", [*old, now, keep])


def _documents_follow_docket(conn: sqlite3.Connection, docket_id: int) -> None:
    """A document shows its docket's case name and number, also once the docket learns them."""
    conn.execute(
        """
        update documents set case_name = d.case_name, docket_number = d.docket_number
        from dockets d
        where d.id = ? and documents.docket_id = d.id
          and (documents.case_name, documents.docket_number)
              is not (d.case_name, d.docket_number)
        """,
        [docket_id],
    )


def _one(conn: sqlite3.Connection, sql: str, *params: object) -> int | None:
    row = conn.execute(sql, params).fetchone()
    return int(row[0]) if row else None


def _save_document(
    conn: sqlite3.Connection, document: Document, docket_id: int | None, now: str
) -> int:
    """Bytes once per sha256; a new documents row only when the content at a URL changed."""
    _save_blob(conn, document, now)
    row = conn.execute(
        "select id from documents where url = ? and sha256 = ?", [document.url, document.sha256]
    ).fetchone()
    if row is not None:
        return int(row[0])
    cursor = conn.execute(
        """
        insert into documents (kind, url, title, text, sha256, court, case_name, docket_number,
                               fetched_at, content_type, size, author, published_at,
                               site_name, page_count, description, docket_id, court_id,
                               document_number, attachment_number, etag, last_modified,
                               text_complete, text_note)
        values (?, ?, ?, ?, ?, ?,
                (select case_name from dockets where id = ?),
                (select docket_number from dockets where id = ?),
                ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
        [
            document.kind,
            document.url,
            document.title,
            document.text,
            document.sha256,
            document.court or None,
            docket_id,
            docket_id,
            now,
            document.content_type,
            document.size,
            document.author or None,
            document.published_at,
            document.site_name or None,
            document.page_count,
            document.description or None,
            docket_id,
            document.court_id or None,
            document.document_number,
            document.attachment_number,
            document.etag or None,
            document.last_modified or None,
            int(document.text_complete),
            document.text_note or None,
        ],
    )
    return int(cursor.lastrowid or 0)


def _save_blob(conn: sqlite3.Connection, document: Document, now: str) -> None:
    """Copy the document's file into `blobs` in chunks (incremental blob I/O), so a 50 MB PDF
    never sits in memory whole; nothing to do if these bytes are archived already."""
    if conn.execute("select 1 from blobs where sha256 = ?", [document.sha256]).fetchone():
        return
    cursor = conn.execute(
        "insert into blobs (sha256, size, content_type, content, first_seen_at) "
        "values (?, ?, ?, zeroblob(?), ?)",
        [document.sha256, document.size, document.content_type, document.size, now],
    )
    if not document.size:
        return
    # The blob's pages pass through SQLite's page cache: a small one for them, or sixteen
    # 49 MB PDFs leave the 64 MB cache (sized for saving threads) full of them, twice over.
    cache = conn.execute("pragma cache_size").fetchone()[0]
    conn.execute(f"pragma cache_size = {BLOB_CACHE}")
    try:
        with (
            conn.blobopen("blobs", "content", int(cursor.lastrowid or 0)) as blob,
            document.file.open("rb") as source,
        ):
            while chunk := source.read(BLOB_CHUNK):
                blob.write(chunk)
    finally:
        conn.execute(f"pragma cache_size = {int(cache)}")


def has_version(store: Store, url: str, sha256: str) -> bool:
    """Whether this exact content of this URL is archived already."""
    row = store.conn.execute(
        "select 1 from documents where url = ? and sha256 = ?", [url, sha256]
    ).fetchone()
    return row is not None


@dataclass(frozen=True)
class ArchivedURL:
    """A URL whose content we hold, with what we need to ask whether it changed."""

    canonical_url: str
    link_ids: tuple[int, ...]
    etag: str
    last_modified: str


def archived_urls(store: Store, limit: int | None = None) -> list[ArchivedURL]:
    """Every URL with an archived document, its links, and its latest version's validators."""
    if not store.exists:
        return []
    rows = store.conn.execute(
        """
        select l.canonical_url, group_concat(l.id), coalesce(d.etag, ''),
               coalesce(d.last_modified, '')
        from links l join documents d on d.id = (
          select max(d2.id) from links l2 join documents d2 on d2.id = l2.document_id
          where l2.canonical_url = l.canonical_url)
        where l.status = 'ok' and l.document_id is not null
        group by l.canonical_url
        order by min(l.id)
        limit ?
        """,
        [-1 if limit is None else limit],
    ).fetchall()
    return [ArchivedURL(r[0], tuple(int(i) for i in r[1].split(",")), r[2], r[3]) for r in rows]


def documents_by_kind(store: Store, thread_id: int) -> dict[str, int]:
    """How many distinct documents of each kind the thread's links archived."""
    rows = store.conn.execute(
        """
        select d.kind, count(distinct d.id) from links l
        join posts p on p.id = l.post_id join documents d on d.id = l.document_id
        where p.thread_id = ? group by d.kind
        """,
        [thread_id],
    ).fetchall()
    return {str(kind): int(n) for kind, n in rows}
