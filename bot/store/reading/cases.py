"""A case and a document as their pages show them: what was archived, and every post and
thread that cites it."""

from __future__ import annotations

import sqlite3

from bot.store.reading.judges import case_judges
from bot.store.reading.rows import (
    CASE_COLUMNS,
    CITING_COLUMNS,
    CITING_WIDTH,
    DOCUMENT_COLUMNS,
    THREAD_COLUMNS,
    THREAD_FROM,
    case_summary,
    citing_post,
    document_summary,
    thread_summary,
)
from bot.store.reading.views import CaseSummary, CaseView, CitingPost, DocumentView

CITING_LIMIT = 500  # posts listed on one page; the total is counted all the same

# The links that cite case :id: to its docket, or to a document filed in it.
CASE_LINKS = """
    (l.docket_id = :id or l.document_id in (select id from documents where docket_id = :id))
"""


def case_summary_of(conn: sqlite3.Connection, docket_id: int) -> CaseSummary | None:
    row = conn.execute(
        f"select {CASE_COLUMNS} from dockets k where k.id = ?", [docket_id]
    ).fetchone()
    return case_summary(row) if row else None


def case_view(
    conn: sqlite3.Connection, docket_id: int, limit: int = CITING_LIMIT
) -> CaseView | None:
    """Case `docket_id`: every document archived for it (filed in it, or reached through a
    link to it), oldest first; the posts citing it, oldest first (at most `limit`); every
    thread citing it, newest first. None if there is no such case."""
    case = case_summary_of(conn, docket_id)
    if case is None:
        return None
    params: dict[str, object] = {"id": docket_id, "limit": limit}
    documents = tuple(
        d
        for r in conn.execute(
            f"""
            select {DOCUMENT_COLUMNS} from documents d
            where d.docket_id = :id
               or d.id in (select document_id from links where docket_id = :id)
            order by d.fetched_at, d.id
            """,
            params,
        )
        if (d := document_summary(r)) is not None
    )
    citing = tuple(_citing(conn, CASE_LINKS, params))
    total = conn.execute(
        f"select count(distinct l.post_id) from links l where {CASE_LINKS}", params
    ).fetchone()[0]
    threads = tuple(
        thread_summary(r)
        for r in conn.execute(
            f"""
            select {THREAD_COLUMNS} from {THREAD_FROM}
            where t.id in (select p.thread_id from links l join posts p on p.id = l.post_id
                           where {CASE_LINKS})
            order by t.updated_at desc, t.id desc
            """,
            params,
        )
    )
    return CaseView(
        case=case,
        documents=documents,
        citing=citing,
        threads=threads,
        citing_total=total,
        judges=case_judges(conn, CASE_LINKS, docket_id),
    )


def document_view(conn: sqlite3.Connection, document_id: int) -> DocumentView | None:
    """Document `document_id` with its text, its case, every version archived from the same
    URL (oldest first, this one among them) and the posts citing any of them. None if there
    is no such document."""
    row = conn.execute(
        f"""
        select {DOCUMENT_COLUMNS}, coalesce(d.text, ''), coalesce(d.text_complete, 1),
               coalesce(d.text_note, ''), coalesce(d.author, ''), d.published_at,
               coalesce(d.description, ''), coalesce(d.court, ''), coalesce(d.court_id, ''),
               d.document_number, d.attachment_number
        from documents d where d.id = ?
        """,
        [document_id],
    ).fetchone()
    document = document_summary(row) if row else None
    if row is None or document is None:
        return None
    extra = row[11:]
    versions = tuple(
        v
        for r in conn.execute(
            f"select {DOCUMENT_COLUMNS} from documents d where d.url = ? "
            "order by d.fetched_at, d.id",
            [document.url],
        )
        if (v := document_summary(r)) is not None
    )
    citing = tuple(
        _citing(
            conn,
            "l.document_id in (select id from documents where url = :url)",
            {"url": document.url, "limit": CITING_LIMIT},
        )
    )
    return DocumentView(
        document=document,
        text=extra[0],
        text_complete=bool(extra[1]),
        text_note=extra[2],
        author=extra[3],
        published_at=extra[4],
        description=extra[5],
        court=extra[6],
        court_id=extra[7],
        document_number=extra[8],
        attachment_number=extra[9],
        case=case_summary_of(conn, document.docket_id) if document.docket_id else None,
        versions=versions,
        citing=citing,
    )


def _citing(conn: sqlite3.Connection, where: str, params: dict[str, object]) -> list[CitingPost]:
    """Posts with a link matching `where` (on links `l`), once each, oldest first."""
    rows = conn.execute(
        f"""
        select {CITING_COLUMNS}, coalesce(l.url, ''), l.document_id
        from links l
        join posts p on p.id = l.post_id
        join threads t on t.id = p.thread_id
        left join accounts acc on acc.id = p.author_id
        where {where}
        group by p.id
        order by p.created_at, p.id
        limit :limit
        """,
        params,
    )
    return [citing_post(r, link_url=r[CITING_WIDTH], document_id=r[CITING_WIDTH + 1]) for r in rows]
