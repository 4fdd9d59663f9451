"""Atom feeds: /feed.atom (newly archived threads) and /case/N/feed.atom (threads citing a
case and documents archived for it). Written by bot/web/atom.py: valid when empty too."""

from __future__ import annotations

import sqlite3
from typing import Any

from datasette import NotFound
from datasette.utils.asgi import Response

from bot.store.reading.cases import case_view
from bot.store.reading.threads import first_texts, newest_threads
from bot.store.reading.views import CaseView, ThreadSummary
from bot.web.atom import Entry, Feed, atom_feed
from bot.web.formatting import kind
from bot.web.pages.common import id_from, public_paths, read
from bot.web.paths import Paths

FEED_SIZE = 50
ATOM_TYPE = "application/atom+xml; charset=utf-8"
SUMMARY_LENGTH = 600


def _newest(conn: sqlite3.Connection) -> tuple[list[ThreadSummary], dict[int, str]]:
    threads = newest_threads(conn, FEED_SIZE)
    return threads, first_texts(conn, [t.id for t in threads])


def _case(conn: sqlite3.Connection, case_id: int) -> tuple[CaseView, dict[int, str]] | None:
    view = case_view(conn, case_id)
    if view is None:
        return None
    return view, first_texts(conn, [t.id for t in view.threads[:FEED_SIZE]])


def thread_entry(thread: ThreadSummary, text: str, paths: Paths) -> Entry:
    return Entry(
        id=paths.thread(thread.id),
        title=thread.title or f"Thread {thread.id}",
        updated=thread.updated_at,
        published=thread.archived_at,
        link=paths.thread(thread.id),
        summary=text[:SUMMARY_LENGTH],
        author=f"@{thread.author_handle}" if thread.author_handle else thread.author_id,
    )


async def threads_feed(datasette: Any, request: Any) -> Response:
    threads, texts = await read(datasette, _newest)
    paths = public_paths(datasette, request)
    feed = Feed(
        id=paths.feed(),
        title=f"{datasette.metadata('title') or 'threadbot archive'}: newly archived threads",
        link=paths.home(),
        self_link=paths.feed(),
    )
    entries = [thread_entry(t, texts.get(t.id, ""), paths) for t in threads]
    return Response(atom_feed(feed, entries), content_type=ATOM_TYPE)


async def case_feed(datasette: Any, request: Any) -> Response:
    case_id = id_from(request)
    found = await read(datasette, _case, case_id)
    if found is None:
        raise NotFound(f"there is no case {case_id} in the archive")
    view, texts = found
    paths = public_paths(datasette, request)
    entries = [thread_entry(t, texts.get(t.id, ""), paths) for t in view.threads[:FEED_SIZE]]
    entries += [
        Entry(
            id=paths.document(d.id),
            title=f"{kind(d.kind).capitalize()}: {d.label}",
            updated=d.fetched_at,
            link=paths.document(d.id),
            summary=f"Archived from {d.url}",
        )
        for d in view.documents[-FEED_SIZE:]
    ]
    entries.sort(key=lambda e: e.updated, reverse=True)
    feed = Feed(
        id=paths.case_feed(case_id),
        title=f"{view.case.label}: threads and documents",
        link=paths.case(case_id),
        self_link=paths.case_feed(case_id),
    )
    return Response(atom_feed(feed, entries[:FEED_SIZE]), content_type=ATOM_TYPE)
