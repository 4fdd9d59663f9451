"""The search page, /search?q=…: posts and documents at once, newest archived first (or by
relevance), with facets by platform, author, court, judge and kind of document.

What bounds it (bot/store/reading/search.py): newest first stops after one page; facets are
counted over the newest matches only and within facet_time_limit_ms; totals stop at a cap.
The page says each of these where it applies. A query the time limit stops is one sentence,
never an SQL error; so is anything a reader types (it is never FTS5 syntax).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from datasette.utils.asgi import Response

from bot.store.reading.facets import Facets, search_facets
from bot.store.reading.search import (
    COUNT_CAP,
    FACET_SAMPLE,
    Cursor,
    Filters,
    Kind,
    Page,
    Sort,
    fts_query,
    search_page,
)
from bot.web.formatting import kind as kind_label
from bot.web.pages.common import page, paths, read
from bot.web.snippets import marked

PAGE_SIZE = 20
KINDS: tuple[Kind, ...] = ("all", "posts", "documents")
SORTS: tuple[Sort, ...] = ("newest", "relevance")
PARAMS = ("q", "type", "sort", "platform", "author", "court", "kind", "judge")
CURSOR_PARAMS = ("bp", "bd", "op", "od")


def _int(value: str | None) -> int | None:
    if value is None or not value.isdigit() or len(value) > 18:
        return None
    return int(value)


def _cursor(args: Any) -> Cursor:
    return Cursor(
        before_post=_int(args.get("bp")),
        before_document=_int(args.get("bd")),
        offset_post=_int(args.get("op")) or 0,
        offset_document=_int(args.get("od")) or 0,
    )


def _cursor_params(cursor: Cursor, sort: Sort) -> dict[str, int | None]:
    if sort == "newest":
        return {"bp": cursor.before_post, "bd": cursor.before_document}
    return {"op": cursor.offset_post, "od": cursor.offset_document}


async def search_page_view(datasette: Any, request: Any) -> Response:
    args = request.args
    params = {name: (args.get(name) or "").strip()[:500] for name in PARAMS}
    kind: Kind = next((k for k in KINDS if k == params["type"]), "all")
    sort: Sort = next((s for s in SORTS if s == params["sort"]), "newest")
    filters = Filters(
        platform=params["platform"],
        author=params["author"],
        court=params["court"],
        kind=params["kind"],
        judge=params["judge"],
    )
    cursor = _cursor(args)
    here = paths(datasette)

    def url(**changes: str | int | None) -> str:
        """This search with some parameters changed (and from its first page)."""
        merged: dict[str, str | int | None] = {**params, **changes}
        return here.search(**merged)

    context: dict[str, Any] = {
        "q": params["q"],
        "params": params,
        "kind": kind,
        "sort": sort,
        "filters": filters,
        "url": url,
        "marked": marked,
        "kind_label": kind_label,
        "facet_sample": FACET_SAMPLE,
        "count_cap": COUNT_CAP,
        "results": None,
        "facets": None,
        "problem": "",
        "facets_problem": "",
        "next_url": "",
        "first_page": cursor == Cursor(),
    }
    query = fts_query(params["q"]) if params["q"] else None
    if params["q"] and query is None:
        context["problem"] = "There is no word to search for in that: try letters or digits."
    if query is not None:
        try:
            results: Page = await read(
                datasette, _page, query, filters, kind, sort, cursor, PAGE_SIZE
            )
        except sqlite3.OperationalError as e:
            if "interrupted" not in str(e):
                raise
            context["problem"] = (
                "That search took longer than the archive allows. Sort by newest, or add a "
                "word or a filter."
            )
        else:
            context["results"] = results
            if results.next is not None:
                context["next_url"] = url(**_cursor_params(results.next, sort))
            try:
                context["facets"] = await read(
                    datasette,
                    _facets,
                    query,
                    filters,
                    kind,
                    time_limit_ms=datasette.setting("facet_time_limit_ms"),
                )
            except sqlite3.OperationalError as e:
                if "interrupted" not in str(e):
                    raise
                context["facets_problem"] = (
                    "Counting the matches by platform, author, court, judge and kind took too long "
                    "for this search, so they are left out."
                )
    return await page(datasette, request, "search.html", context)


def _page(
    conn: sqlite3.Connection,
    query: str,
    filters: Filters,
    kind: Kind,
    sort: Sort,
    cursor: Cursor,
    limit: int,
) -> Page:
    return search_page(
        conn, query, filters=filters, kind=kind, sort=sort, cursor=cursor, limit=limit
    )


def _facets(conn: sqlite3.Connection, query: str, filters: Filters, kind: Kind) -> Facets:
    return search_facets(conn, query, filters=filters, kind=kind)
