"""Archiving the sample thread also archives what its links point to (loopback sites)."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def rows(db: Path, sql: str, *params: object) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def test_links_are_resolved_and_their_documents_archived(sample, web, threadbot) -> None:
    run = threadbot("archive", sample.url)
    assert run.code == 0, run.err
    assert run.out.splitlines()[1] == (
        "links: 6 resolved, 4 documents archived, 0 failed, 0 blocked"
    )
    # the short link ends at the article, canonical (its tracking parameters dropped)
    short = rows(
        threadbot.db,
        "select resolved_url, kind, redirects from links where url = ?",
        web.url("short"),
    )[0]
    assert short[0].startswith(web.url("hearing"))
    assert short[1] == "article"
    assert web.url("hearing") in short[2]


def test_the_court_order_is_kept_as_pdf_and_text_with_its_docket(sample, threadbot) -> None:
    threadbot("archive", sample.url)
    doc = rows(
        threadbot.db,
        """
        select d.kind, d.title, d.text, d.page_count, d.court, d.case_name, d.docket_number,
               b.size, d.size, k.assigned_to
        from documents d join blobs b on b.sha256 = d.sha256 join dockets k on k.id = d.docket_id
        where d.kind = 'courtlistener_document'
        """,
    )
    assert len(doc) == 1
    _kind, title, text, pages, court, case, number, blob_size, size, judge = doc[0]
    assert title.startswith("MEMORANDUM OPINION AND ORDER")  # the API's description
    assert "SO ORDERED" in text and "Marisol Ortega" in text
    assert pages == 3
    assert case == "Tri-County Water Authority v. Department of Agriculture"
    assert number == "1:26-cv-00412"
    assert judge == "Marisol Ortega"
    assert "District of Columbia" in court
    assert blob_size == size > 1000


def test_articles_are_clean_text_without_boilerplate(sample, threadbot) -> None:
    threadbot("archive", sample.url)
    _title, author, published, text = rows(
        threadbot.db,
        "select title, author, published_at, text from documents "
        "where title = 'Judge blocks USDA from ending rural water grants'",
    )[0]
    assert author == "Dana Whitlock"
    assert published.startswith("2026-02-03")
    assert "Ortega" in text
    for boilerplate in ("Sign in", "Subscribe", "newsletter", "Related"):
        assert boilerplate not in text


def test_a_second_run_downloads_nothing_that_did_not_change(sample, web, threadbot) -> None:
    threadbot("archive", sample.url)
    asked = len(web.requests)
    counts = rows(
        threadbot.db, "select (select count(*) from documents), (select count(*) from blobs)"
    )
    again = threadbot("archive", sample.url)
    assert again.code == 0, again.err
    resolve = threadbot("resolve")
    assert resolve.code == 0 and resolve.out == ""
    assert len(web.requests) == asked
    assert (
        rows(threadbot.db, "select (select count(*) from documents), (select count(*) from blobs)")
        == counts
    )


def test_refresh_asks_again_and_keeps_what_did_not_change(sample, threadbot) -> None:
    threadbot("archive", sample.url)
    refresh = threadbot("resolve", "--refresh")
    assert refresh.code == 0, refresh.err
    assert refresh.out.strip() == (
        "documents: 0 changed (new version kept), 4 unchanged, 0 could not be fetched "
        "(archived copy kept)"
    )
    assert rows(threadbot.db, "select count(*) from documents") == [(4,)]
