"""One search over posts and documents (FTS5: posts_fts, documents_fts).

What a reader types is never FTS5 syntax: `fts_query` turns it into quoted strings, so a
stray quote, a parenthesis or an operator finds words instead of raising an SQL error.

Newest first (the default) reads each index backwards by rowid and stops after one page:
its cost does not grow with the number of matches. Ordering by relevance scores every
match, so it costs as much as the matches are many. Facets and totals (facets.py) are
counted over the newest FACET_SAMPLE matches and up to COUNT_CAP: the page says both.
Snippets mark the matched words with MARK_START and MARK_END (two private-use characters)
for the web layer to turn into markup after escaping the text.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from typing import Literal

MARK_START = "\ue000"
MARK_END = "\ue001"
ELLIPSIS = "…"
SNIPPET_TOKENS = 24
FACET_SAMPLE = 1000  # newest matches of each kind that facets are counted over
COUNT_CAP = 10_000  # matches counted at most; past it the page says "10,000+"
MAX_TERMS = 16  # words and phrases of a query kept (a longer query only gets slower)
MAX_QUERY_CHARACTERS = 500

Sort = Literal["newest", "relevance"]
Kind = Literal["all", "posts", "documents"]

_TERM = re.compile(r'"([^"]*)"|(\S+)')
_WORD = re.compile(r"\w", re.UNICODE)


def fts_query(text: str) -> str | None:
    """A reader's search as an FTS5 query that cannot be a syntax error: every word and
    every "quoted phrase" becomes an FTS5 string (all of them must match); a word ending in
    `*` matches as a prefix. FTS5 operators (OR, NOT, NEAR, parentheses, column filters)
    are searched as words. None when no word is left to search.

    >>> fts_query("judge ruled")
    '"judge" "ruled"'
    >>> fts_query('"preliminary injunction" enjoin*')
    '"preliminary injunction" "enjoin"*'
    >>> fts_query('") OR text:* NEAR(')
    '"OR" "text:"* "NEAR("'
    >>> fts_query('"unbalanced') is None, fts_query("  * - ( ") is None
    (False, True)
    """
    terms: list[str] = []
    for phrase, word in _TERM.findall(text[:MAX_QUERY_CHARACTERS]):
        term = phrase if phrase else word
        prefix = not phrase and term.endswith("*")
        term = term.replace('"', "").rstrip("*") if not phrase else term
        if not _WORD.search(term):
            continue  # punctuation alone is no word to the tokenizer: an empty phrase
        terms.append('"' + term.replace('"', '""') + '"' + ("*" if prefix else ""))
    return " ".join(terms[:MAX_TERMS]) or None


@dataclass(frozen=True)
class Filters:
    """Facet values a reader picked. Post filters leave documents out, and the other way."""

    platform: str = ""
    author: str = ""  # an account id
    court: str = ""
    kind: str = ""  # a document kind
    judge: str = ""  # a judge id (annotations.normalized): posts and documents naming them

    @property
    def on_posts(self) -> bool:
        return bool(self.platform or self.author)

    @property
    def on_documents(self) -> bool:
        return bool(self.court or self.kind)


NO_FILTERS = Filters()


@dataclass(frozen=True)
class Cursor:
    """Where a page starts. Newest first: below these rowids (None: from the newest; 0: this
    kind has no more). By relevance: how many of each kind the earlier pages showed."""

    before_post: int | None = None
    before_document: int | None = None
    offset_post: int = 0
    offset_document: int = 0


@dataclass(frozen=True)
class PostHit:
    rowid: int
    post_id: str
    thread_id: int
    thread_title: str
    position: int
    author_id: str
    author_handle: str
    platform: str
    status: str
    created_at: str | None
    archived_at: str
    url: str
    snippet: str  # with MARK_START / MARK_END around the matched words
    rank: float = 0.0


@dataclass(frozen=True)
class DocumentHit:
    rowid: int
    document_id: int
    kind: str
    title: str  # with marks
    snippet: str  # with marks
    url: str
    court: str
    case_name: str
    docket_id: int | None
    fetched_at: str
    rank: float = 0.0


@dataclass(frozen=True)
class Page:
    hits: tuple[PostHit | DocumentHit, ...]
    next: Cursor | None  # None: this is the last page


def search_page(
    conn: sqlite3.Connection,
    query: str,
    *,
    filters: Filters = Filters(),
    kind: Kind = "all",
    sort: Sort = "newest",
    cursor: Cursor = Cursor(),
    limit: int = 20,
) -> Page:
    """One page of matches for `query` (an `fts_query`) among posts and documents, newest
    archived first (or by relevance), the two kinds interleaved."""
    want_posts = kind in ("all", "posts") and not filters.on_documents
    want_documents = kind in ("all", "documents") and not filters.on_posts
    posts: list[PostHit] = []
    documents: list[DocumentHit] = []
    if want_posts and cursor.before_post != 0:
        posts = _post_hits(conn, query, filters, sort, cursor, limit + 1)
    if want_documents and cursor.before_document != 0:
        documents = _document_hits(conn, query, filters, sort, cursor, limit + 1)
    hits: list[PostHit | DocumentHit] = [*posts, *documents]
    if sort == "newest":
        hits.sort(
            key=lambda h: h.archived_at if isinstance(h, PostHit) else h.fetched_at, reverse=True
        )
    else:
        hits.sort(key=lambda h: h.rank)  # bm25: lower is better
    shown = hits[:limit]
    more = len(hits) > limit
    if not more:
        return Page(tuple(shown), None)
    shown_posts = [h for h in shown if isinstance(h, PostHit)]
    shown_documents = [h for h in shown if isinstance(h, DocumentHit)]
    if sort == "newest":
        next_cursor = Cursor(
            before_post=_next_before(cursor.before_post, shown_posts, posts, want_posts),
            before_document=_next_before(
                cursor.before_document, shown_documents, documents, want_documents
            ),
        )
    else:
        next_cursor = Cursor(
            offset_post=cursor.offset_post + len(shown_posts),
            offset_document=cursor.offset_document + len(shown_documents),
        )
    return Page(tuple(shown), next_cursor)


def _next_before(
    before: int | None,
    shown: list[PostHit] | list[DocumentHit],
    fetched: list[PostHit] | list[DocumentHit],
    wanted: bool,
) -> int | None:
    if not wanted or len(shown) == len(fetched):
        return 0  # nothing of this kind left
    return min(h.rowid for h in shown) if shown else before


def _paging(
    fts: str,
    sort: Sort,
    before: int | None,
    offset: int,
    where: str,
    params: dict[str, object],
) -> tuple[str, str]:
    """The condition and the order of one page: newest first below rowid `before`, or by
    relevance after `offset` matches."""
    if sort == "newest":
        if before:
            where += f" and {fts}.rowid < :before"
            params["before"] = before
        return where, f"order by {fts}.rowid desc limit :n"
    params["offset"] = offset
    return where, f"order by {fts}.rank limit :n offset :offset"


def _post_hits(
    conn: sqlite3.Connection, query: str, filters: Filters, sort: Sort, cursor: Cursor, n: int
) -> list[PostHit]:
    where, params = post_filters(filters)
    params.update(q=query, n=n, m1=MARK_START, m2=MARK_END, e=ELLIPSIS, t=SNIPPET_TOKENS)
    where, order = _paging("posts_fts", sort, cursor.before_post, cursor.offset_post, where, params)
    rows = conn.execute(
        f"""
        select posts_fts.rowid, p.id, p.thread_id, coalesce(t.title, ''), p.position,
               p.author_id, coalesce(a.handle, ''), coalesce(p.platform, ''),
               coalesce(p.status, ''), p.created_at, coalesce(p.archived_at, ''),
               coalesce(p.url, ''), snippet(posts_fts, 0, :m1, :m2, :e, :t),
               {"posts_fts.rank" if sort == "relevance" else "0.0"}
        from posts_fts
        join posts p on p.rowid = posts_fts.rowid
        left join threads t on t.id = p.thread_id
        left join accounts a on a.id = p.author_id
        where posts_fts match :q {where}
        {order}
        """,
        params,
    )
    return [
        PostHit(
            rowid=r[0],
            post_id=r[1],
            thread_id=int(r[2]),
            thread_title=r[3],
            position=int(r[4] or 0),
            author_id=r[5] or "",
            author_handle=r[6],
            platform=r[7],
            status=r[8],
            created_at=r[9],
            archived_at=r[10],
            url=r[11],
            snippet=r[12] or "",
            rank=float(r[13] or 0.0),
        )
        for r in rows
    ]


def _document_hits(
    conn: sqlite3.Connection, query: str, filters: Filters, sort: Sort, cursor: Cursor, n: int
) -> list[DocumentHit]:
    where, params = document_filters(filters)
    params.update(q=query, n=n, m1=MARK_START, m2=MARK_END, e=ELLIPSIS, t=SNIPPET_TOKENS)
    where, order = _paging(
        "documents_fts", sort, cursor.before_document, cursor.offset_document, where, params
    )
    rows = conn.execute(
        f"""
        select documents_fts.rowid, d.id, coalesce(d.kind, ''),
               highlight(documents_fts, 0, :m1, :m2), snippet(documents_fts, 1, :m1, :m2, :e, :t),
               coalesce(d.url, ''), coalesce(d.court, ''), coalesce(d.case_name, ''),
               d.docket_id, coalesce(d.fetched_at, ''),
               {"documents_fts.rank" if sort == "relevance" else "0.0"}
        from documents_fts
        join documents d on d.id = documents_fts.rowid
        where documents_fts match :q {where}
        {order}
        """,
        params,
    )
    return [
        DocumentHit(
            rowid=r[0],
            document_id=int(r[1]),
            kind=r[2],
            title=r[3] or "",
            snippet=r[4] or "",
            url=r[5],
            court=r[6],
            case_name=r[7],
            docket_id=r[8],
            fetched_at=r[9],
            rank=float(r[10] or 0.0),
        )
        for r in rows
    ]


def post_filters(filters: Filters) -> tuple[str, dict[str, object]]:
    where, params = "", dict[str, object]()
    if filters.platform:
        where += " and p.platform = :platform"
        params["platform"] = filters.platform
    if filters.author:
        where += " and p.author_id = :author"
        params["author"] = filters.author
    if filters.judge:
        where += " and p.id in (" + NAMING.format(subject="post", id="subject_id") + ")"
        params["judge"] = filters.judge
    return where, params


def document_filters(filters: Filters) -> tuple[str, dict[str, object]]:
    where, params = "", dict[str, object]()
    if filters.court:
        where += " and d.court = :court"
        params["court"] = filters.court
    if filters.kind:
        where += " and d.kind = :kind"
        params["kind"] = filters.kind
    if filters.judge:
        subjects = NAMING.format(subject="document", id="cast(subject_id as integer)")
        where += f" and d.id in ({subjects})"
        params["judge"] = filters.judge
    return where, params


# The posts or documents that name judge :judge (the (kind, normalized) index finds them).
NAMING = """
    select {id} from annotations
    where kind = 'judge' and normalized = :judge and subject_type = '{subject}'
"""


POSTS_JOIN = "posts p on p.rowid = posts_fts.rowid"
DOCUMENTS_JOIN = "documents d on d.id = documents_fts.rowid"
