"""An archive that looks like a real one, for the reading room's tests (integration and browser).

The sandbox's sample thread (9 posts: shortened links, a link card, a quote post, an image
with alt text, a self-reply branch) on the loopback X API, its links resolved against the
loopback CourtListener and news site (a RECAP PDF, a docket, an article), then one of its
posts deleted and the thread archived again (a gap that keeps its text). Beside it, hostile
content: a post that is a `<script>`, and a document whose title and bytes are HTML with a
script, archived through the store's own functions.

    from reading_room_archive import build_archive
    facts = build_archive(tmp_path / "archive.db")
"""

from __future__ import annotations

import asyncio
import hashlib
import sys
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from factories import chain_thread, link_facet

from bot.config import load_settings
from bot.links.stage import resolve_due_links
from bot.models import Docket, Document, LinkResolution
from bot.pipeline import annotate_due, archive_thread
from bot.sources.x import CONNECTOR
from bot.store import Store
from bot.store.jobs import record_item_failure, record_job_run
from bot.store.links import save_resolution
from bot.store.requests import add_request, claim_request
from bot.store.threads import save_thread
from bot.store.watch import save_candidate, save_cursor, save_watch_state

sys.path.insert(0, str(Path(__file__).parents[1] / "scripts" / "sandbox"))
from web import SandboxWeb
from x_api import XApiServer, post_sample_thread

NOW = datetime(2026, 2, 3, 18, 0, tzinfo=UTC)
HOSTILE_TEXT = '<script>alert("post")</script> the judge & the <b>jury</b>'
HOSTILE_TITLE = '</title><script>alert("title")</script><img src=x onerror=alert(1)>'
HOSTILE_HTML = b"<html><body><script>document.title='pwned'</script><p>court text</p></body></html>"
CASE_NAME = "Tri-County Water Authority v. Department of Agriculture"
# Written into every private table and column: no reader's request may ever show it.
SECRET = "SECRET-daemon-state"


@dataclass(frozen=True)
class ArchiveFacts:
    path: Path
    sample_thread: int  # the sample thread's number
    hostile_thread: int
    hostile_document: int  # a document with a hostile title whose bytes are HTML
    pdf_document: int  # the RECAP order
    docket: int  # the sample case
    hostile_docket: int  # a case whose name is the hostile title
    judged_thread: int | None = None  # a thread naming a judge of the register (annotated)


# A real judge of the shipped register, as a reporter writes about them.
JUDGED_POSTS = [
    "Chief Judge James Boasberg, a Trump appointee, ordered the man released tonight.",
    "BOASBERG: the government's detention of him is unlawful.",
]
BOASBERG = 1393651  # his number in the FJC register


def add_judged_thread(facts: ArchiveFacts) -> ArchiveFacts:
    """The archive with a thread that names a judge of the register, annotated as the
    daemon annotates (threadbot's annotators, the shipped register)."""
    store = Store(facts.path)
    try:
        thread = save_thread(store, chain_thread("judged", [(t, []) for t in JUDGED_POSTS])).id
        annotate_due(store)
    finally:
        store.close()
    return replace(facts, judged_thread=thread)


def build_archive(path: Path) -> ArchiveFacts:
    with XApiServer(now=NOW) as x, SandboxWeb() as web:
        links = {name: web.url(name) for name in ("order", "docket", "story", "short")}
        posted = post_sample_thread(x, links=links)
        env = {**web.threadbot_env(), **x.threadbot_env(), "THREADBOT_DB": str(path)}
        settings = load_settings(environ=env)
        store = Store(path)
        source = CONNECTOR.source(settings)
        try:
            ref = CONNECTOR.parse_url(posted.url)
            assert ref is not None
            sample = archive_thread(ref, source, store, "http://archive.test").saved.id
            asyncio.run(resolve_due_links(store, settings))
            # the last post goes away: archived again, it stays in its place as a gap
            x.delete(posted.ids[-2])
            archive_thread(ref, source, store, "http://archive.test")
        finally:
            source.close()
        hostile = save_thread(store, chain_thread("h", [(HOSTILE_TEXT, [])])).id
        hostile_document = _hostile_document(store, path.parent)
        _daemon_state(store, sample)
        facts = ArchiveFacts(
            path=path,
            sample_thread=sample,
            hostile_thread=hostile,
            hostile_document=hostile_document,
            pdf_document=_one(
                store, "select id from documents where content_type = 'application/pdf'"
            ),
            docket=_one(store, "select id from dockets where courtlistener_id is not null"),
            hostile_docket=_one(store, "select id from dockets where courtlistener_id is null"),
        )
        store.close()
        return facts


def _daemon_state(store: Store, thread_id: int) -> None:
    """A row in each of the daemon's tables, its private values carrying SECRET."""
    record_job_run(store, "watch", "2026-02-03T18:00:00.000Z", 1.5, "failed", "", SECRET)
    record_item_failure(store, "watch", "x:1", SECRET, [timedelta(minutes=5)])
    save_watch_state(store, "x", "x:1", "reporter", None, error=SECRET)
    save_candidate(store, "x:99", "x:1", 0.9, (SECRET,), "skip", None, None)
    save_cursor(store, "x.mentions", SECRET)
    request = add_request(
        store,
        platform="x",
        mention_post_id="x:5000",
        requester_id="x:77",
        requester_handle=SECRET,
        command="archive",
        target_post_id="x:1890000004194304000",
        status="archived",
        thread_id=thread_id,
        reply_root=f'{{"{SECRET}": 1}}',
        reply_text="Archived: 9 posts",
        error=SECRET,
    )
    assert request is not None
    claim_request(store, request, SECRET, timedelta(hours=1))


def _hostile_document(store: Store, folder: Path) -> int:
    """An archived HTML page with a script and a title built to break out of markup, cited by
    a link of the hostile thread."""
    file = folder / "hostile.html"
    file.write_bytes(HOSTILE_HTML)
    document = Document(
        url="http://127.0.0.1:9/hostile.html",
        kind="article",
        content_type="text/html; charset=utf-8",
        file=file,
        size=len(HOSTILE_HTML),
        sha256=hashlib.sha256(HOSTILE_HTML).hexdigest(),
        title=HOSTILE_TITLE,
        text="court text " + HOSTILE_TEXT,
    )
    text = "read this 127.0.0.1:9/hostile…"
    thread = chain_thread("hl", [(text, [link_facet(text, "127.0.0.1:9/hostile…", document.url)])])
    save_thread(store, thread)
    link_id = _one(store, "select max(id) from links")
    save_resolution(
        store,
        link_id,
        LinkResolution(
            status="ok",
            canonical_url=document.url,
            resolved_url=document.url,
            kind="article",
            content_type=document.content_type,
            document=document,
            docket=Docket(
                court_id="dcd", court="<i>Court</i>", pacer_case_id="999", case_name=HOSTILE_TITLE
            ),
        ),
    )
    return _one(store, "select max(id) from documents")


def _one(store: Store, sql: str) -> int:
    row = store.conn.execute(sql).fetchone()
    return int(row[0]) if row and row[0] is not None else None  # type: ignore[return-value]
