"""A thread as its page shows it, the latest threads and the archive's counts."""

from __future__ import annotations

import sqlite3

from bot.store.reading.judges import thread_judges
from bot.store.reading.rows import (
    CASE_COLUMNS,
    DOCUMENT_COLUMNS,
    DOCUMENT_WIDTH,
    THREAD_COLUMNS,
    THREAD_FROM,
    case_summary,
    document_summary,
    thread_summary,
)
from bot.store.reading.views import (
    CaseSummary,
    Counts,
    DocumentSummary,
    HomeView,
    ImageView,
    LinkView,
    PostView,
    QuotedPost,
    ThreadSummary,
    ThreadView,
)


def thread_view(conn: sqlite3.Connection, thread_id: int) -> ThreadView | None:
    """Thread `thread_id` with every post in reading order, each post's links with the
    document and case they led to, its images and the post it quotes; None if there is no
    such thread. A handful of indexed queries, whatever the archive's size."""
    row = conn.execute(
        f"select {THREAD_COLUMNS} from {THREAD_FROM} where t.id = ?", [thread_id]
    ).fetchone()
    if row is None:
        return None
    links = _links(conn, thread_id)
    images = _images(conn, thread_id)
    quoted = _quoted(conn, thread_id)
    posts = tuple(
        PostView(
            id=r[0],
            position=int(r[1]),
            status=r[2] or "ok",
            url=r[3] or "",
            text=r[4] or "",
            created_at=r[5],
            author_id=r[6] or "",
            author_handle=r[7] or "",
            author_name=r[8] or "",
            deleted_at=r[9],
            updated_at=r[10],
            links=tuple(links.get(r[0], ())),
            images=tuple(images.get(r[0], ())),
            quoted=(quoted.get(r[11]) or QuotedPost(id=r[11], archived=False)) if r[11] else None,
        )
        for r in conn.execute(
            """
            select p.id, p.position, p.status, p.url, p.text, p.created_at, p.author_id,
                   a.handle, a.display_name, p.deleted_at, p.updated_at, p.quote_id
            from posts p left join accounts a on a.id = p.author_id
            where p.thread_id = ? order by p.position
            """,
            [thread_id],
        )
    )
    cases: dict[int, CaseSummary] = {}
    documents: dict[int, DocumentSummary] = {}
    for post in posts:
        for link in post.links:
            if link.case is not None:
                cases.setdefault(link.case.id, link.case)
            if link.document is not None:
                documents.setdefault(link.document.id, link.document)
    judges, marks = thread_judges(conn, thread_id)
    return ThreadView(
        thread=thread_summary(row),
        posts=posts,
        cases=tuple(cases.values()),
        documents=tuple(documents.values()),
        judges=judges,
        judge_marks=marks,
    )


def _links(conn: sqlite3.Connection, thread_id: int) -> dict[str, list[LinkView]]:
    out: dict[str, list[LinkView]] = {}
    doc_at = 13
    case_at = doc_at + DOCUMENT_WIDTH
    for r in conn.execute(
        f"""
        select l.post_id, l.position, coalesce(l.origin, ''), coalesce(l.display_text, ''),
               coalesce(l.url, ''), coalesce(l.resolved_url, ''), coalesce(l.kind, ''),
               coalesce(l.status, ''), coalesce(l.error, ''), l.byte_start, l.byte_end,
               coalesce(l.title, ''), coalesce(l.description, ''),
               {DOCUMENT_COLUMNS}, {CASE_COLUMNS}
        from posts p
        join links l on l.post_id = p.id
        left join documents d on d.id = l.document_id
        -- a link to a court document knows its case through the document too
        left join dockets k on k.id = coalesce(l.docket_id, d.docket_id)
        where p.thread_id = ?
        order by p.position, l.position
        """,
        [thread_id],
    ):
        out.setdefault(r[0], []).append(
            LinkView(
                position=int(r[1]),
                origin=r[2],
                display_text=r[3],
                url=r[4],
                resolved_url=r[5],
                kind=r[6],
                status=r[7],
                error=r[8],
                byte_start=r[9],
                byte_end=r[10],
                card_title=r[11],
                card_description=r[12],
                document=document_summary(r, doc_at),
                case=case_summary(r, case_at),
            )
        )
    return out


def _images(conn: sqlite3.Connection, thread_id: int) -> dict[str, list[ImageView]]:
    out: dict[str, list[ImageView]] = {}
    for r in conn.execute(
        """
        select i.post_id, coalesce(i.url, ''), coalesce(i.alt, ''), i.width, i.height
        from posts p join images i on i.post_id = p.id
        where p.thread_id = ? order by p.position, i.position
        """,
        [thread_id],
    ):
        out.setdefault(r[0], []).append(ImageView(url=r[1], alt=r[2], width=r[3], height=r[4]))
    return out


def _quoted(conn: sqlite3.Connection, thread_id: int) -> dict[str, QuotedPost]:
    """The quoted posts the archive holds (in any thread), by id."""
    return {
        r[0]: QuotedPost(
            id=r[0],
            archived=True,
            url=r[1] or "",
            text=r[2] or "",
            author_handle=r[3] or "",
            thread_id=r[4],
            created_at=r[5],
        )
        for r in conn.execute(
            """
            select q.id, q.url, q.text, a.handle, q.thread_id, q.created_at
            from posts q left join accounts a on a.id = q.author_id
            where q.id in (
              select quote_id from posts where thread_id = ? and quote_id is not null)
            """,
            [thread_id],
        )
    }


def latest_threads(conn: sqlite3.Connection, limit: int = 20) -> list[ThreadSummary]:
    """The threads archived or refreshed most recently, newest first."""
    rows = conn.execute(
        f"select {THREAD_COLUMNS} from {THREAD_FROM} order by t.updated_at desc, t.id desc limit ?",
        [limit],
    )
    return [thread_summary(r) for r in rows]


def newest_threads(conn: sqlite3.Connection, limit: int = 50) -> list[ThreadSummary]:
    """The threads archived most recently (first archived, not refreshed), newest first."""
    rows = conn.execute(
        f"select {THREAD_COLUMNS} from {THREAD_FROM} "
        "order by t.archived_at desc, t.id desc limit ?",
        [limit],
    )
    return [thread_summary(r) for r in rows]


def first_texts(conn: sqlite3.Connection, thread_ids: list[int]) -> dict[int, str]:
    """The text of each thread's first post we hold, by thread id (for feeds and lists)."""
    if not thread_ids:
        return {}
    marks = ",".join("?" * len(thread_ids))
    rows = conn.execute(
        f"""
        select t.id, (select p.text from posts p
                      where p.thread_id = t.id and p.status = 'ok' order by p.position limit 1)
        from threads t where t.id in ({marks})
        """,
        thread_ids,
    )
    return {int(r[0]): r[1] or "" for r in rows}


def counts(conn: sqlite3.Connection) -> Counts:
    row = conn.execute(
        """
        select (select count(*) from threads), (select count(*) from posts),
               (select count(*) from documents), (select count(*) from dockets)
        """
    ).fetchone()
    return Counts(threads=row[0], posts=row[1], documents=row[2], cases=row[3])


def home_view(conn: sqlite3.Connection, limit: int = 20) -> HomeView:
    return HomeView(counts=counts(conn), latest=tuple(latest_threads(conn, limit)))
