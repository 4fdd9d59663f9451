"""The link stage against loopback sites: what ends up in links, documents, blobs, dockets."""

from __future__ import annotations

import asyncio
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from factories import thread_linking

from bot.config import Settings, load_settings
from bot.links.stage import resolve_due_links
from bot.store import Store
from bot.store.links import due_links
from bot.store.threads import save_thread

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts" / "sandbox"))
from web import SandboxWeb


@pytest.fixture(scope="module")
def web():  # type: ignore[no-untyped-def]
    with SandboxWeb() as sites:
        yield sites


def settings_for(web: SandboxWeb, token: bool = True, **fetch: object) -> Settings:
    env = web.threadbot_env()
    if not token:
        env.pop("THREADBOT_COURTLISTENER_TOKEN")
    settings = load_settings(environ=env)
    return replace(settings, fetch=replace(settings.fetch, **fetch)) if fetch else settings


def archive(store: Store, settings: Settings, urls: list[str], name: str = "links"):  # type: ignore[no-untyped-def]
    save_thread(store, thread_linking(urls, name))
    return asyncio.run(resolve_due_links(store, settings))


def links(store: Store) -> list[tuple]:
    return store.conn.execute(
        "select url, status, kind, resolved_url, error from links order by id"
    ).fetchall()


@pytest.fixture
def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    s = Store(tmp_path / "archive.db")
    yield s
    s.close()


def test_every_kind_is_archived(store: Store, web: SandboxWeb) -> None:
    urls = [web.url(n) for n in ("order", "exhibit", "docket", "story", "short")]
    summary = archive(store, settings_for(web), urls)
    assert (summary.ok, summary.failed, summary.blocked) == (5, 0, 0)
    kinds = [row[2] for row in links(store)]
    assert kinds == [
        "courtlistener_document",
        "courtlistener_document",
        "courtlistener_docket",
        "article",
        "article",
    ]
    docs = store.conn.execute(
        "select kind, attachment_number, document_number, court_id from documents "
        "where kind = 'courtlistener_document' order by attachment_number"
    ).fetchall()
    assert docs == [
        ("courtlistener_document", "0", "42", "dcd"),
        ("courtlistener_document", "1", "42", "dcd"),
    ]
    # one case, found from the storage path and from the docket page alike
    assert store.conn.execute(
        "select courtlistener_id, pacer_case_id, case_name from dockets"
    ).fetchall() == [
        (68912345, "287331", "Tri-County Water Authority v. Department of Agriculture")
    ]


def test_without_a_token_the_pdf_and_parsed_fields_are_still_archived(
    store: Store, web: SandboxWeb
) -> None:
    before = len(web.requests)
    archive(store, settings_for(web, token=False), [web.url("order")])
    assert not [p for p in web.requests[before:] if p.startswith("/api/")]
    doc = store.conn.execute(
        "select d.court, d.page_count, k.pacer_case_id, k.case_name, d.text "
        "from documents d join dockets k on k.id = d.docket_id"
    ).fetchone()
    assert "District of Columbia" in doc[0]  # from courts-db, no API needed
    assert doc[1:4] == (3, "287331", None)
    assert "SO ORDERED" in doc[4]


def test_the_same_document_linked_twice_is_stored_once(store: Store, web: SandboxWeb) -> None:
    archive(store, settings_for(web), [web.url("order"), web.url("order") + "?utm_source=x"])
    archive(store, settings_for(web), [web.url("order")], name="again")
    assert store.conn.execute("select count(*) from blobs").fetchone()[0] == 1
    assert store.conn.execute("select count(*) from documents").fetchone()[0] == 1
    assert {row[1] for row in links(store)} == {"ok"}


def test_failures_are_recorded_with_a_clear_error(store: Store, web: SandboxWeb) -> None:
    missing = web.base + "/storage/recap/gov.uscourts.dcd.1/gov.uscourts.dcd.1.1.0.pdf"
    html_as_pdf = web.base + "/storage/recap/gov.uscourts.dcd.2/gov.uscourts.dcd.2.1.0.pdf"
    web.handler.documents[html_as_pdf.removeprefix(web.base)] = (
        "application/pdf",
        b"<!DOCTYPE html><html><body>Sign in to view this document</body></html>",
    )
    summary = archive(store, settings_for(web), [missing, web.base + "/s/loop", html_as_pdf])
    assert (summary.ok, summary.failed) == (0, 3)
    rows = links(store)
    assert [r[1] for r in rows] == ["failed", "failed", "failed"]
    assert "404" in rows[0][4]
    assert "redirect" in rows[1][4]
    assert "expected a PDF" in rows[2][4]
    assert store.conn.execute("select count(*) from documents").fetchone()[0] == 0
    # none of these will get better by waiting: nothing is due again
    assert due_links(store, now="9999") == []


def test_loopback_is_blocked_unless_allowed(store: Store, web: SandboxWeb) -> None:
    settings = settings_for(web, allow_private_addresses=False)
    summary = archive(store, settings, [web.url("story")])
    assert summary.blocked == 1
    status, error = store.conn.execute("select status, error from links").fetchone()
    assert status == "blocked" and "127.0.0.1" in error


def test_ten_thousand_links_in_one_post_are_kept_and_fetched_once(
    store: Store, web: SandboxWeb
) -> None:
    from factories import REPORTER, link_facet, post_view, uri

    from bot.sources.bluesky.records import parse_post_view
    from bot.threads import reconstruct

    url = web.url("story")
    display = "example.news/…"
    text = " ".join([display] * 10_000)
    facet = link_facet(display, display, url)
    step = len(display.encode()) + 1
    facets = [
        {**facet, "index": {"byteStart": i * step, "byteEnd": i * step + step - 1}}
        for i in range(10_000)
    ]
    post = parse_post_view(post_view(REPORTER, "many", text, minute=1, facets=facets))
    save_thread(store, reconstruct([post], uri(REPORTER, "many")))
    assert store.conn.execute("select count(*) from links").fetchone()[0] == 10_000

    before = len(web.requests)
    summary = asyncio.run(resolve_due_links(store, settings_for(web)))
    assert (summary.ok, summary.documents) == (10_000, 1)
    assert len(web.requests) - before == 1  # one fetch, whatever the number of links
    assert store.conn.execute("select count(distinct document_id) from links").fetchone()[0] == 1


def test_refreshing_keeps_a_new_version_only_when_the_content_changed(
    store: Store, web: SandboxWeb
) -> None:
    from bot.links.stage import refresh_documents

    settings = settings_for(web)
    story_path = web.url("story").removeprefix(web.base)
    original = web.handler.documents[story_path]
    archive(store, settings, [web.url("story"), web.url("order")])
    try:
        unchanged = asyncio.run(refresh_documents(store, settings))
        assert (unchanged.unchanged, unchanged.changed, unchanged.failed) == (2, 0, 0)
        assert store.conn.execute("select count(*) from documents").fetchone()[0] == 2

        # the publisher updates the story; the order's URL disappears
        web.handler.documents[story_path] = (
            original[0],
            original[1].replace(b"Ortega", b"Judge Ortega, in a 40-page opinion,", 1),
        )
        order_path = web.url("order").removeprefix(web.base)
        order = web.handler.documents.pop(order_path)
        try:
            later = asyncio.run(refresh_documents(store, settings))
        finally:
            web.handler.documents[order_path] = order
        assert (later.unchanged, later.changed, later.failed) == (0, 1, 1)
    finally:
        web.handler.documents[story_path] = original

    versions = store.conn.execute(
        "select id, sha256 from documents where url = ? order by id", [web.url("story")]
    ).fetchall()
    assert len(versions) == 2  # the old version and its bytes are still there
    assert store.conn.execute("select count(*) from blobs").fetchone()[0] == 3
    link = store.conn.execute(
        "select status, document_id from links where url = ?", [web.url("story")]
    ).fetchone()
    assert link == ("ok", versions[1][0])  # the link now shows the current version
    # the vanished order keeps its archived copy
    assert store.conn.execute(
        "select status, document_id is not null from links where url = ?", [web.url("order")]
    ).fetchone() == ("ok", 1)


def test_a_pdf_served_as_a_web_page_is_kept_as_a_pdf(store: Store, web: SandboxWeb) -> None:
    order = web.handler.documents[web.url("order").removeprefix(web.base)][1]
    web.handler.documents["/news/2026/02/04/order-as-page"] = ("text/html", order)
    archive(store, settings_for(web), [web.base + "/news/2026/02/04/order-as-page"])
    kind, text = store.conn.execute("select kind, text from documents").fetchone()
    assert kind == "pdf" and "SO ORDERED" in text


def test_a_damaged_pdf_fails_the_link_and_stores_nothing(store: Store, web: SandboxWeb) -> None:
    order = web.handler.documents[web.url("order").removeprefix(web.base)][1]
    path = "/storage/recap/gov.uscourts.dcd.3/gov.uscourts.dcd.3.1.0.pdf"
    web.handler.documents[path] = ("application/pdf", order[:200])
    archive(store, settings_for(web, token=False), [web.base + path])
    status, error = store.conn.execute("select status, error from links").fetchone()
    assert status == "failed" and "damaged" in error
    assert store.conn.execute("select count(*) from blobs").fetchone()[0] == 0


def test_a_refused_api_token_keeps_the_document_says_why_and_asks_again_later(
    store: Store, web: SandboxWeb
) -> None:
    settings = settings_for(web)
    wrong = replace(
        settings,
        courtlistener=replace(
            settings.courtlistener, token=type(settings.courtlistener.token)("nope")
        ),
    )
    summary = archive(store, wrong, [web.url("order")])
    assert (summary.ok, summary.failed) == (1, 0)  # the order itself is archived
    status, error, next_at = store.conn.execute(
        "select status, error, next_attempt_at from links"
    ).fetchone()
    assert status == "ok" and error == "CourtListener API: the token was refused"
    assert next_at is not None  # the details are asked for again later
    assert store.conn.execute("select count(*) from documents").fetchone() == (1,)
    # with the right token, the next due run fills the case in
    store.conn.execute("update links set next_attempt_at = '2000-01-01T00:00:00.000Z'")
    asyncio.run(resolve_due_links(store, settings))
    assert store.conn.execute("select error, next_attempt_at from links").fetchone() == (None, None)
    assert store.conn.execute("select case_name from dockets").fetchone() == (
        "Tri-County Water Authority v. Department of Agriculture",
    )
