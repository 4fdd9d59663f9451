"""The column lists the reading functions share, and the data classes built from them.

A row may be a tuple or Datasette's sqlite3.Row: only positions are used.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.store.reading.views import CaseSummary, CitingPost, DocumentSummary, ThreadSummary

Row = Sequence[Any]

# `t` is threads, `a` its author's account
THREAD_COLUMNS = """
    t.id, coalesce(t.platform, ''), coalesce(t.title, ''), coalesce(t.url, ''),
    t.author_id, coalesce(a.handle, ''), coalesce(a.display_name, ''),
    coalesce(t.post_count, 0), coalesce(t.link_count, 0), coalesce(t.gap_count, 0),
    t.first_post_at, t.last_post_at, coalesce(t.archived_at, ''), coalesce(t.updated_at, '')
"""
THREAD_WIDTH = 14
THREAD_FROM = "threads t left join accounts a on a.id = t.author_id"

# `d` is documents; never its text, which may be megabytes
DOCUMENT_COLUMNS = """
    d.id, coalesce(d.kind, ''), coalesce(d.title, ''), coalesce(d.url, ''),
    coalesce(d.content_type, ''), d.size, coalesce(d.sha256, ''), coalesce(d.fetched_at, ''),
    d.docket_id, d.page_count, coalesce(d.site_name, '')
"""
DOCUMENT_WIDTH = 11

# `k` is dockets
CASE_COLUMNS = """
    k.id, coalesce(k.court, ''), coalesce(k.court_id, ''), coalesce(k.case_name, ''),
    coalesce(k.docket_number, ''), coalesce(k.assigned_to, ''), k.date_filed,
    coalesce(k.url, ''), k.courtlistener_id
"""
CASE_WIDTH = 9


def thread_summary(row: Row, at: int = 0) -> ThreadSummary:
    r = row[at : at + THREAD_WIDTH]
    return ThreadSummary(
        id=int(r[0]),
        platform=r[1],
        title=r[2],
        url=r[3],
        author_id=r[4] or "",
        author_handle=r[5],
        author_name=r[6],
        post_count=int(r[7]),
        link_count=int(r[8]),
        gap_count=int(r[9]),
        first_post_at=r[10],
        last_post_at=r[11],
        archived_at=r[12],
        updated_at=r[13],
    )


def document_summary(row: Row, at: int = 0) -> DocumentSummary | None:
    """The document in columns [at, at + DOCUMENT_WIDTH), None if a left join found none."""
    r = row[at : at + DOCUMENT_WIDTH]
    if r[0] is None:
        return None
    return DocumentSummary(
        id=int(r[0]),
        kind=r[1],
        title=r[2],
        url=r[3],
        content_type=r[4],
        size=r[5],
        sha256=r[6],
        fetched_at=r[7],
        docket_id=r[8],
        page_count=r[9],
        site_name=r[10],
    )


def case_summary(row: Row, at: int = 0) -> CaseSummary | None:
    r = row[at : at + CASE_WIDTH]
    if r[0] is None:
        return None
    return CaseSummary(
        id=int(r[0]),
        court=r[1],
        court_id=r[2],
        case_name=r[3],
        docket_number=r[4],
        assigned_to=r[5],
        date_filed=r[6],
        url=r[7],
        courtlistener_id=r[8],
    )


# `p` is posts, `t` its thread, `acc` its author's account
CITING_COLUMNS = """
    p.id, p.thread_id, coalesce(t.title, ''), p.position, p.created_at,
    coalesce(acc.handle, ''), coalesce(p.text, ''), coalesce(p.url, '')
"""
CITING_WIDTH = 8


def citing_post(
    row: Row, at: int = 0, link_url: str = "", document_id: int | None = None
) -> CitingPost:
    r = row[at : at + CITING_WIDTH]
    return CitingPost(
        post_id=r[0],
        thread_id=int(r[1]),
        thread_title=r[2],
        position=int(r[3]),
        created_at=r[4],
        author_handle=r[5],
        text=r[6],
        url=r[7],
        link_url=link_url,
        document_id=document_id,
    )
