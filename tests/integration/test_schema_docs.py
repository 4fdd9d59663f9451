"""docs/schema.md is the public interface: every example query in it runs on a populated
archive and finds what it says it finds.

The archive is built the way threadbot builds one: a reporter's thread about a ruling (a
RECAP order, a story, a link that is gone, an image with alt text, a post edited later)
saved and resolved against the loopback CourtListener, a request, a skipped candidate, job
runs and an account the watch job keeps failing on. Each documented query has an
expectation below, found by a piece of its text; a query added to the docs without one
fails here until it gets one.
"""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from factories import READER, REPORTER, chain_view, link_facet, post_view, uri

from bot.config import load_settings
from bot.documents.read import configure_readers, stop_readers
from bot.links.stage import resolve_due_links
from bot.models import Thread
from bot.pipeline import annotate_due
from bot.sources.bluesky.records import parse_thread_view
from bot.store import Store
from bot.store.jobs import record_item_failure, record_job_run
from bot.store.requests import add_request, update_request
from bot.store.threads import save_thread
from bot.store.watch import save_candidate
from bot.threads import reconstruct

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts" / "sandbox"))
from web import SandboxWeb  # noqa: E402

CASE = "Tri-County Water Authority v. Department of Agriculture"
DOCKET_NUMBER = "1:26-cv-00412"
ALT = "Map of the rural water systems the grants fund"
FIRST = "The judge ruled the grants cannot end without notice."
EDITED = "The judge ruled the grants cannot end without notice and comment. (corrected)"
SKIPPED_ROOT = uri(REPORTER, "sourdough1")
FAILING_ACCOUNT = "bluesky:gone-reporter.test"


def example_queries() -> list[str]:
    text = (ROOT / "docs" / "schema.md").read_text()
    queries = []
    for block in re.findall(r"```sql\n(.*?)```", text, re.S):
        for statement in block.split(";"):
            body = "\n".join(
                line for line in statement.splitlines() if not line.strip().startswith("--")
            ).strip()
            if body:
                queries.append(body)
    return queries


@dataclass(frozen=True)
class Archive:
    path: Path
    base: str  # the loopback sites' address, in every archived URL

    def url(self, path: str) -> str:
        return self.base + path


def court_thread(web: SandboxWeb, edited: bool) -> Thread:
    """The reporter's thread; `edited`: post 2 corrected and a post 5 added later."""
    missing = web.base + "/storage/recap/gov.uscourts.dcd.9/gov.uscourts.dcd.9.1.0.pdf"
    posts: list[tuple[str, str | None]] = [
        ("BREAKING: Judge Ortega granted a preliminary injunction. Order:", web.url("order")),
        (EDITED if edited else FIRST, None),
        ("The story, with a map:", web.url("story")),
        ("The docket entry is gone already:", missing),
    ]
    if edited:
        posts.append(("Background from the hearing:", web.url("hearing")))
    views = []
    for i, (words, url) in enumerate(posts, start=1):
        display = (url.split("://", 1)[1][:20] + "…") if url else ""
        text = f"{words} {display}".strip()
        view = post_view(
            REPORTER,
            f"court{i}",
            text,
            minute=i,
            parent=uri(REPORTER, f"court{i - 1}") if i > 1 else None,
            root=uri(REPORTER, "court1") if i > 1 else None,
            facets=[link_facet(text, display, url)] if url else None,
            cid=f"cid-court{i}-{'b' if edited and i == 2 else 'a'}",
        )
        if i == 3:
            image = {"image": {"$type": "blob"}, "alt": ALT}
            view["record"]["embed"] = {"$type": "app.bsky.embed.images", "images": [image]}
            view["embed"] = {
                "$type": "app.bsky.embed.images#view",
                "images": [
                    {"thumb": "https://cdn.example/t.jpg", "fullsize": "https://cdn.example/f.jpg"}
                ],
            }
        views.append(view)
    parts = parse_thread_view(chain_view(views))
    return reconstruct(parts.posts.values(), uri(REPORTER, "court1"))


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    path = tmp_path_factory.mktemp("docs") / "archive.db"
    store = Store(path)
    with SandboxWeb() as web:
        settings = load_settings(environ=web.threadbot_env())
        save_thread(store, court_thread(web, edited=False))
        asyncio.run(resolve_due_links(store, settings))
        # later: a correction and a post more; its document read under a small text cap
        save_thread(store, court_thread(web, edited=True))
        stop_readers()  # a running reader pool keeps its limits: start one with the cap
        configure_readers(replace(settings.documents, max_text=200))
        try:
            asyncio.run(resolve_due_links(store, settings))
        finally:
            stop_readers()
            configure_readers(settings.documents)
        base = web.base
    annotate_due(store)  # as `threadbot archive` does after the links

    request = add_request(
        store,
        platform="bluesky",
        mention_post_id=uri(READER, "mention1"),
        requester_id=READER[0],
        requester_handle=READER[1],
        command="archive",
        target_post_id=uri(REPORTER, "court4"),
        status="archived",
    )
    assert request is not None
    update_request(store, request, status="replied", thread_id=1)
    save_candidate(store, SKIPPED_ROOT, REPORTER[0], 0.5, ("no court words",), "skip", None, None)
    record_job_run(store, "watch", "2026-02-03T18:00:00.000Z", 2.5, "failed", "", "HTTP 503")
    record_job_run(store, "watch", "2026-02-03T18:05:00.000Z", 1.5, "ok", "1 archived", None)
    record_job_run(store, "resolve", "2026-02-03T18:06:00.000Z", 0.5, "ok", "5 resolved", None)
    backoff = [timedelta(minutes=5), timedelta(minutes=30)]
    for _ in range(2):
        record_item_failure(store, "watch", FAILING_ACCOUNT, "HTTP 503", backoff)
    store.close()
    yield Archive(path, base)


Rows = list[tuple[Any, ...]]
Check = Callable[[Archive, Rows, list[str]], None]


def threads_recently_archived(a: Archive, rows: Rows, columns: list[str]) -> None:
    assert [(r[0], r[1]) for r in rows] == [(1, "reporter.test")]
    assert rows[0][2].startswith("BREAKING: Judge Ortega granted a preliminary injunction.")


def thread_in_reading_order(a: Archive, rows: Rows, columns: list[str]) -> None:
    assert [r[0] for r in rows] == [1, 2, 3, 4, 5]
    assert {r[1] for r in rows} == {"ok"}
    assert rows[1][3] == EDITED  # the post as it reads now
    assert [r[2] for r in rows] == sorted(r[2] for r in rows)


def posts_search(a: Archive, rows: Rows, columns: list[str]) -> None:
    assert [(r[0], r[1]) for r in rows] == [(1, 1)]
    assert "injunction" in rows[0][2]


def post_versions(a: Archive, rows: Rows, columns: list[str]) -> None:
    assert [(r[1], r[2]) for r in rows] == [(FIRST, EDITED)]
    assert rows[0][0]  # when it was replaced


def links_as_readers_saw_them(a: Archive, rows: Rows, columns: list[str]) -> None:
    assert all(r[0] == 1 and r[1].endswith("…") for r in rows)
    kinds = {r[2]: r[3] for r in rows if r[2]}
    assert kinds == {
        a.url("/storage/recap/gov.uscourts.dcd.287331/gov.uscourts.dcd.287331.42.0.pdf"): (
            "courtlistener_document"
        ),
        a.url("/news/2026/02/03/rural-water-grants-injunction-00412345"): "article",
        a.url("/news/2026/01/15/rural-water-grants-hearing-00398765"): "article",
        a.url("/storage/recap/gov.uscourts.dcd.9/gov.uscourts.dcd.9.1.0.pdf"): None,
    }
    assert len(rows) == 4


def failed_links(a: Archive, rows: Rows, columns: list[str]) -> None:
    assert rows == [
        (
            a.url("/storage/recap/gov.uscourts.dcd.9/gov.uscourts.dcd.9.1.0.pdf"),
            "failed",
            "HTTP 404",
            1,
            None,  # a 404 does not get better by waiting: not tried again
        )
    ]


def images_with_alt(a: Archive, rows: Rows, columns: list[str]) -> None:
    assert rows == [(uri(REPORTER, "court3"), ALT, "https://cdn.example/f.jpg")]


def threads_per_account(a: Archive, rows: Rows, columns: list[str]) -> None:
    assert rows == [("reporter.test", 1)]


def court_orders_with_their_case(a: Archive, rows: Rows, columns: list[str]) -> None:
    ((title, pages, case, number, judge, court),) = rows
    assert title.startswith("MEMORANDUM OPINION AND ORDER granting")
    assert (pages, case, number, judge) == (3, CASE, DOCKET_NUMBER, "Marisol Ortega")
    assert "District of Columbia" in court


def documents_search(a: Archive, rows: Rows, columns: list[str]) -> None:
    urls = {r[1] for r in rows}
    assert a.url("/storage/recap/gov.uscourts.dcd.287331/gov.uscourts.dcd.287331.42.0.pdf") in urls
    assert a.url("/news/2026/02/03/rural-water-grants-injunction-00412345") in urls


def largest_blobs(a: Archive, rows: Rows, columns: list[str]) -> None:
    assert len(rows) == 3  # the order, the story, the hearing: each once
    assert [r[1] for r in rows] == sorted((r[1] for r in rows), reverse=True)
    assert {r[2] for r in rows} == {"application/pdf", "text/html"}
    assert all(re.fullmatch(r"[0-9a-f]{64}", r[0]) for r in rows)


def threads_citing_a_case(a: Archive, rows: Rows, columns: list[str]) -> None:
    assert rows == [(CASE, DOCKET_NUMBER, 1)]


def judge_annotations(a: Archive, rows: Rows, columns: list[str]) -> None:
    # Judge Ortega is fictional: named, not in the register, so no appointing president
    assert columns == ["value", "normalized", "appointed_by"]
    assert ("Judge Ortega", "Ortega", None) in rows


def judges_with_conflicts(a: Archive, rows: Rows, columns: list[str]) -> None:
    assert columns == ["name", "appointed_by", "claimed_by"]
    assert rows == []  # the thread claims nothing the register contradicts


def cases_by_threads(a: Archive, rows: Rows, columns: list[str]) -> None:
    assert [r[0] for r in rows] == ["26-cv-00412"]  # 1:26-cv-00412, in one spelling
    assert rows[0][2] == 1


def recent_requests(a: Archive, rows: Rows, columns: list[str]) -> None:
    assert [r[1:] for r in rows] == [("reader.test", "archive", "replied", 1)]


def requests_by_status(a: Archive, rows: Rows, columns: list[str]) -> None:
    assert rows == [("replied", 1)]


def skipped_candidates(a: Archive, rows: Rows, columns: list[str]) -> None:
    assert [(r[0], r[1], json.loads(r[2])) for r in rows] == [
        (SKIPPED_ROOT, 0.5, ["no court words"])
    ]


def last_run_of_each_job(a: Archive, rows: Rows, columns: list[str]) -> None:
    assert sorted((r[0], r[1], r[2], r[4]) for r in rows) == [
        ("resolve", "2026-02-03T18:06:00.000Z", "ok", "5 resolved"),
        ("watch", "2026-02-03T18:05:00.000Z", "ok", "1 archived"),
    ]


def partial_documents(a: Archive, rows: Rows, columns: list[str]) -> None:
    ((url, note),) = rows
    assert url == a.url("/news/2026/01/15/rural-water-grants-hearing-00398765")
    assert note  # the sentence saying where and why the text stops


def failing_items(a: Archive, rows: Rows, columns: list[str]) -> None:
    ((job, item, attempts, error, next_attempt_at),) = rows
    assert (job, item, attempts, error) == ("watch", FAILING_ACCOUNT, 2, "HTTP 503")
    assert next_attempt_at is not None


# A piece of each documented query's text → what it must find on the archive above.
EXPECTATIONS: dict[str, Check] = {
    "order by t.updated_at desc limit 10": threads_recently_archived,
    "from posts where thread_id = 1 order by position": thread_in_reading_order,
    "posts_fts match 'injunction'": posts_search,
    "from post_versions v": post_versions,
    "l.display_text like '%…'": links_as_readers_saw_them,
    "from links where status != 'ok'": failed_links,
    "from images where alt != ''": images_with_alt,
    "group by a.id order by threads desc": threads_per_account,
    "where d.kind = 'courtlistener_document'": court_orders_with_their_case,
    "documents_fts match 'injunction'": documents_search,
    "from blobs order by size desc": largest_blobs,
    "count(distinct p.thread_id) as threads": threads_citing_a_case,
    "from annotations a where a.kind = 'judge'": judge_annotations,
    "from judges where conflict": judges_with_conflicts,
    "from cases order by threads desc": cases_by_threads,
    "from requests order by created_at desc": recent_requests,
    "from public_requests group by status": requests_by_status,
    "from candidates where decision = 'skip'": skipped_candidates,
    "select max(id) from job_runs group by job": last_run_of_each_job,
    "from documents where not text_complete": partial_documents,
    "from item_failures": failing_items,
}


def expectation_for(query: str) -> Check:
    flat = " ".join(query.split())
    found = [check for key, check in EXPECTATIONS.items() if key in flat]
    assert len(found) == 1, f"give this documented query one expectation here:\n{query}"
    return found[0]


@pytest.mark.parametrize("query", example_queries())
def test_every_documented_query_finds_what_it_says(archive: Archive, query: str) -> None:
    check = expectation_for(query)
    with sqlite3.connect(archive.path) as conn:
        cursor = conn.execute(query)
        rows = cursor.fetchall()
        columns = [d[0] for d in cursor.description]
    check(archive, rows, columns)
