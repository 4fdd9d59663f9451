"""The reading room as a reader meets it, through Datasette's own test client: the home page,
a thread, a case, a document, search, the exports and feeds, on an archive made the real way
(the sample thread from the loopback X API, its links resolved against the loopback
CourtListener and news site), with hostile content beside it."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode
from xml.etree import ElementTree as ET

import html5lib
import httpx
import pytest
from reading_room_archive import (
    CASE_NAME,
    HOSTILE_TEXT,
    HOSTILE_TITLE,
    ArchiveFacts,
    build_archive,
)

from bot.store import Store
from bot.web.app import make_datasette

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def facts(tmp_path_factory: pytest.TempPathFactory) -> ArchiveFacts:
    return build_archive(tmp_path_factory.mktemp("reading-room") / "archive.db")


@pytest.fixture(scope="module")
def client(facts: ArchiveFacts) -> Iterator[object]:
    datasette = make_datasette(facts.path)
    yield datasette.client


def get(client: object, path: str) -> httpx.Response:
    return asyncio.run(client.get(path))  # type: ignore[attr-defined]


def page(client: object, path: str) -> str:
    """The page's HTML, checked the way a browser would choke on it: it parses as HTML5 with
    no error, ids are unique, every label points at a field, and nothing loads from
    elsewhere (no script at all, styles and images from this server only)."""
    response = get(client, path)
    assert response.status_code == 200, (path, response.status_code, response.text[:300])
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    html5lib.HTMLParser(strict=True).parse(html)  # raises on any parse error
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), f"duplicate ids on {path}"
    for target in re.findall(r'<label[^>]*\sfor="([^"]+)"', html):
        assert target in ids, f"a label for a missing field on {path}"
    assert "<script" not in html.lower()
    for tag, attribute, url in re.findall(
        r'<(link|img|iframe|source|video|audio)\b[^>]*\s(href|src)="([^"]*)"', html
    ):
        assert url.startswith("/"), f"{path} loads {url} from elsewhere ({tag} {attribute})"
    assert "default-src 'none'" in response.headers["content-security-policy"]
    return html


def post_html(html: str, position: int) -> str:
    """One post's <li> on a thread page."""
    start = html.rindex("<li", 0, html.index(f'id="post-{position}"'))
    return html[
        start : html.index("</li>\n<li", start) if f'id="post-{position + 1}"' in html else None
    ]


def text_of(html: str) -> str:
    """What a reader reads: tags dropped, entities decoded, spaces collapsed."""
    import html as html_module

    return " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", html)).split())


# --- home ------------------------------------------------------------------------------


def test_home_page_shows_latest_threads_counts_and_a_search_box(
    client: object, facts: ArchiveFacts
) -> None:
    html = page(client, "/")
    assert f'href="/thread/{facts.sample_thread}"' in html
    assert '<form class="tb-search" action="/search" method="get"' in html
    reading = text_of(html)
    assert "3 threads" in reading and "5 documents" in reading and "2 cases" in reading
    assert reading.index("read this") < reading.index("NEW: Judge Marisol Ortega")  # newest first


def test_a_datasette_serving_an_empty_archive_has_a_home_page(tmp_path: Path) -> None:
    store = Store(tmp_path / "archive.db")
    store.close_after_check()
    html = page(make_datasette(store.path).client, "/")
    assert "Nothing is archived yet" in html


# --- thread ----------------------------------------------------------------------------


def test_the_replies_old_url_leads_to_the_thread_page(client: object, facts: ArchiveFacts) -> None:
    old = get(client, f"/archive/thread?id={facts.sample_thread}")
    assert old.status_code == 302
    assert old.headers["location"] == f"/thread/{facts.sample_thread}"
    # the canned query is still there for SQL readers
    assert get(client, f"/archive/thread?id={facts.sample_thread}&_hide_sql=1").status_code == 200
    rows = get(client, f"/archive/thread.json?id={facts.sample_thread}&_shape=array").json()
    assert [r["position"] for r in rows] == list(range(1, 10))


def test_thread_page_reads_the_whole_thread_in_order(client: object, facts: ArchiveFacts) -> None:
    html = page(client, f"/thread/{facts.sample_thread}")
    reading = text_of(html)
    assert "A thread by Dana Whitlock" in reading
    # posts in reading order: the correction follows the post it corrects
    order = [
        "NEW: Judge Marisol Ortega has blocked",
        "Ortega, a Biden appointee",
        "Correction: Ortega is an Obama appointee",
        "Key passage, p. 31",
        "DOJ had argued",
        "My story, with reaction",
        "Background: my notes",
        "The government has 7 days",
        "All filings so far",
    ]
    places = [reading.index(text) for text in order]
    assert places == sorted(places)
    assert [int(n) for n in re.findall(r'id="post-(\d+)"', html)] == list(range(1, 10))


def test_every_link_shows_its_full_url_and_what_it_archived(
    client: object, facts: ArchiveFacts
) -> None:
    html = page(client, f"/thread/{facts.sample_thread}")
    post1 = post_html(html, 1)
    # the shortened text readers saw links to the full URL, which is also shown in full
    shown = re.search(r'<a class="tb-inline-link" href="([^"]+)"[^>]*>([^<]+)</a>', post1)
    assert shown is not None
    assert shown.group(2) == "storage.courtlistener.com/recap/gov.usco…"
    assert shown.group(1).endswith("/gov.uscourts.dcd.287331.42.0.pdf")
    assert f">{shown.group(1)}</a>" in post1
    reading = text_of(post1)
    assert "Archived: MEMORANDUM OPINION AND ORDER granting Motion for Preliminary Injunction" in (
        reading
    )
    assert "court filing (RECAP), 3 pages" in reading
    assert f'href="/document/{facts.pdf_document}/archived"' in post1
    assert f'href="/case/{facts.docket}"' in post1
    # a short link: where it led
    post7 = post_html(html, 7)
    assert "led to" in post7 and "rural-water-grants-hearing" in post7


def test_images_quotes_gaps_and_cases_are_shown(client: object, facts: ArchiveFacts) -> None:
    html = page(client, f"/thread/{facts.sample_thread}")
    reading = text_of(html)
    assert (
        "Image: Page 31 of the order, with the sentence about small towns highlighted." in reading
    )
    assert "Quotes a post that is not in the archive" in reading
    gap = post_html(html, 8)
    assert "tb-status-deleted" in gap
    assert "Deleted since it was archived" in text_of(gap)
    assert "The government has 7 days to file a status report" in text_of(gap)  # its text kept
    assert f'<a class="tb-title" href="/case/{facts.docket}">{CASE_NAME}</a>' in html
    assert "Judge Marisol Ortega" in reading
    assert "8, and 1 gone; 5 links" in reading
    for label in ("Archived", "Last refreshed", "Original"):
        assert f"<dt>{label}</dt>" in html
    assert 'href="https://x.com/dana_whitlock' in html


def test_thread_exports(client: object, facts: ArchiveFacts) -> None:
    html = page(client, f"/thread/{facts.sample_thread}")
    assert f'href="/thread/{facts.sample_thread}.md">Markdown</a>' in html
    assert f'href="/thread/{facts.sample_thread}.json">JSON</a>' in html
    md = get(client, f"/thread/{facts.sample_thread}.md")
    assert md.headers["content-type"] == "text/markdown; charset=utf-8"
    assert md.text.startswith("# NEW: Judge Marisol Ortega")
    assert "http://localhost/document/" in md.text  # links back to the archive, absolute
    data = get(client, f"/thread/{facts.sample_thread}.json").json()
    assert [p["position"] for p in data["posts"]] == list(range(1, 10))
    first_link = data["posts"][0]["links"][0]
    assert first_link["document"]["kind"] == "courtlistener_document"
    assert first_link["case"]["case_name"] == CASE_NAME
    assert data["posts"][7]["status"] == "deleted"


# --- case ------------------------------------------------------------------------------


def test_case_page_has_court_judge_documents_threads_and_a_timeline(
    client: object, facts: ArchiveFacts
) -> None:
    html = page(client, f"/case/{facts.docket}")
    reading = text_of(html)
    assert f"<h1>{CASE_NAME}</h1>" in html
    assert "Court District Court, District of Columbia" in reading
    assert "Docket number 1:26-cv-00412" in reading
    assert "Judge Marisol Ortega" in reading
    assert "MEMORANDUM OPINION AND ORDER granting Motion for Preliminary Injunction" in reading
    assert f'href="/document/{facts.pdf_document}/archived"' in html
    assert f'href="/thread/{facts.sample_thread}"' in html
    timeline = reading[reading.index("Timeline") :]
    # filed, then the posts citing it (written before the documents were archived)
    assert timeline.index("The case was filed") < timeline.index("@dana_whitlock")
    assert timeline.count("@dana_whitlock") == 3  # posts 1, 2 and 9 cite the case
    assert f'href="/thread/{facts.sample_thread}#post-9"' in html


def test_following_a_thread_to_its_case_and_its_pdf(client: object, facts: ArchiveFacts) -> None:
    thread = page(client, f"/thread/{facts.sample_thread}")
    case_url = re.search(r'href="(/case/\d+)"', thread).group(1)  # type: ignore[union-attr]
    case = page(client, case_url)
    # the case's documents are listed in the order they were fetched, which the link stage's
    # workers decide: the court order's archived copy is among them
    pdf_url = f"/document/{facts.pdf_document}/archived"
    assert f'href="{pdf_url}"' in case
    pdf = get(client, pdf_url)
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF-")


# --- document --------------------------------------------------------------------------


def test_document_page_has_metadata_text_original_and_archived_copy(
    client: object, facts: ArchiveFacts
) -> None:
    html = page(client, f"/document/{facts.pdf_document}")
    reading = text_of(html)
    assert "MEMORANDUM OPINION AND ORDER" in reading
    assert "Kind court filing (RECAP)" in reading
    assert "Pages 3" in reading
    assert f'href="/document/{facts.pdf_document}/archived"' in html
    assert "gov.uscourts.dcd.287331.42.0.pdf" in reading  # the original URL
    assert "MARISOL ORTEGA" in reading  # the text read from the PDF
    assert f'href="/case/{facts.docket}"' in html
    assert "@dana_whitlock1, post 1" in reading  # cited in


def test_a_document_whose_url_changed_lists_its_versions(tmp_path: Path) -> None:
    from factories import link_facet, thread_linking

    from bot.models import Document, LinkResolution
    from bot.store.links import save_resolution
    from bot.store.threads import save_thread

    store = Store(tmp_path / "archive.db")
    save_thread(store, thread_linking(["https://news.test/story"]))
    assert link_facet  # the factory module is the one the builder uses
    ids = []
    for n, body in enumerate((b"first version", b"second version, corrected")):
        file = tmp_path / f"v{n}.txt"
        file.write_bytes(body)
        import hashlib

        document = Document(
            url="https://news.test/story",
            kind="article",
            content_type="text/plain",
            file=file,
            size=len(body),
            sha256=hashlib.sha256(body).hexdigest(),
            title=f"Story, version {n + 1}",
            text=body.decode(),
        )
        save_resolution(store, 1, LinkResolution(status="ok", document=document))
        ids.append(int(store.conn.execute("select max(id) from documents").fetchone()[0]))
    store.close()
    client = make_datasette(store.path).client
    html = page(client, f"/document/{ids[1]}")
    assert "Versions (2)" in html
    assert f'href="/document/{ids[0]}">version of' in html
    assert "<strong>this version</strong>" in html
    assert get(client, f"/document/{ids[0]}/archived").content == b"first version"


# --- search ----------------------------------------------------------------------------


def test_search_finds_posts_and_documents_with_highlights_and_facets(client: object) -> None:
    html = page(client, "/search?q=injunction")
    reading = text_of(html)
    assert "tb-hit-post" in html and "tb-hit-document" in html
    assert "<mark>injunction</mark>" in html
    assert "Platform" in reading and "Kind of document" in reading and "Court" in reading
    assert 'href="/search?q=injunction&amp;platform=x"' in html


def test_a_facet_narrows_the_results(client: object) -> None:
    posts_only = page(client, "/search?q=judge&platform=x")
    assert "tb-hit-post" in posts_only and "tb-hit-document" not in posts_only
    assert "@reporter.test" not in posts_only  # the bluesky posts are left out
    documents_only = page(client, "/search?q=judge&kind=article")
    assert "tb-hit-document" in documents_only and "tb-hit-post" not in documents_only


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '"unbalanced judge',
        "judge)",
        "(",
        "judge OR",
        "NOT",
        "NEAR(judge",
        "text:judge",
        "*",
        "judge*",
        "'; drop table posts; --",
        "^",
        "-",
        "x" * 2000,
        "\x00",
    ],
)
def test_no_query_is_an_sql_error(client: object, query: str) -> None:
    response = get(client, "/search?" + urlencode({"q": query}))
    assert response.status_code == 200
    reading = text_of(response.text)
    assert "fts5" not in reading.lower() and "syntax error" not in reading.lower()
    assert "Error" not in reading


def test_search_pages_through_every_match(tmp_path: Path) -> None:
    from factories import sample_thread

    from bot.store.threads import save_thread

    store = Store(tmp_path / "archive.db")
    save_thread(store, sample_thread(45))  # 45 posts that say "motion"
    store.close()
    client = make_datasette(store.path).client
    seen: list[str] = []
    url = "/search?q=motion"
    while url:
        html = page(client, url)
        seen += re.findall(r'href="/thread/1#post-(\d+)"', html)
        found = re.search(r'<p class="tb-next"><a href="([^"]+)"', html)
        url = found.group(1).replace("&amp;", "&") if found else ""
    assert sorted(int(n) for n in seen) == list(range(1, 46))
    assert len(seen) == 45  # none twice


# --- hostile content -------------------------------------------------------------------


def test_a_post_that_is_a_script_is_shown_as_text(client: object, facts: ArchiveFacts) -> None:
    for path in (f"/thread/{facts.hostile_thread}", "/", "/search?q=jury"):
        html = page(client, path)  # no <script> anywhere on the page
        assert "&lt;script&gt;alert(" in html
        assert HOSTILE_TEXT not in html
    assert '<script>alert("post")</script>' in text_of(
        page(client, f"/thread/{facts.hostile_thread}")
    )


def test_a_hostile_document_title_is_shown_as_text(client: object, facts: ArchiveFacts) -> None:
    for path in (f"/document/{facts.hostile_document}", "/search?q=court", "/thread/3"):
        html = page(client, path)
        assert HOSTILE_TITLE not in html
        assert "&lt;/title&gt;&lt;script&gt;" in html
        assert "onerror=alert(1)&gt;" in html
    md = get(client, "/thread/3.md").text
    assert "\\</title\\>\\<script\\>" in md  # escaped for Markdown too


# --- feeds -----------------------------------------------------------------------------


def atom(response: httpx.Response) -> ET.Element:
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{name}") is not None, name
    stamps = [feed.findtext(f"{ATOM}updated")] + [
        e.findtext(f"{ATOM}updated") for e in feed.findall(f"{ATOM}entry")
    ]
    for stamp in stamps:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", stamp or ""), stamp
    for entry in feed.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated", "link", "summary"):
            assert entry.find(f"{ATOM}{name}") is not None, name
    return feed


def test_the_feed_of_newly_archived_threads(client: object, facts: ArchiveFacts) -> None:
    feed = atom(get(client, "/feed.atom"))
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 3
    links = [e.find(f"{ATOM}link").get("href") for e in entries]  # type: ignore[union-attr]
    assert f"http://localhost/thread/{facts.sample_thread}" in links
    hostile = next(e for e in entries if "alert" in (e.findtext(f"{ATOM}title") or ""))
    assert hostile.findtext(f"{ATOM}summary") == HOSTILE_TEXT  # text, escaped by the XML


def test_the_feed_of_an_empty_archive_is_valid(tmp_path: Path) -> None:
    store = Store(tmp_path / "archive.db")
    store.close_after_check()
    feed = atom(get(make_datasette(store.path).client, "/feed.atom"))
    assert feed.findall(f"{ATOM}entry") == []


def test_the_feed_of_a_case(client: object, facts: ArchiveFacts) -> None:
    feed = atom(get(client, f"/case/{facts.docket}/feed.atom"))
    titles = [e.findtext(f"{ATOM}title") or "" for e in feed.findall(f"{ATOM}entry")]
    assert any(t.startswith("NEW: Judge Marisol Ortega") for t in titles)
    assert any("MEMORANDUM OPINION AND ORDER" in t for t in titles)
    assert get(client, "/case/999/feed.atom").status_code == 404


# --- what is not there -------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/thread/999",
        "/case/999",
        "/document/999",
        "/document/999/archived",
        "/thread/99999999999999999999",
        "/thread/999.md",
    ],
)
def test_a_page_of_nothing_is_a_404(client: object, path: str) -> None:
    assert get(client, path).status_code == 404


def test_datasette_tables_label_and_link_the_foreign_keys(
    client: object, facts: ArchiveFacts
) -> None:
    links = get(client, "/archive/links").text
    assert f'<a href="/archive/documents/{facts.pdf_document}">MEMORANDUM OPINION' in links
    assert f'<a href="/archive/dockets/{facts.docket}">{CASE_NAME}</a>' in links
    # the posts table opens without the raw JSON; its exports keep it
    posts = get(client, "/archive/posts")
    assert posts.status_code == 200
    assert "col-raw" not in posts.text and "col-text" in posts.text
    rows = get(client, "/archive/posts.json?_shape=array&_size=1").json()
    assert "raw" in rows[0]
    csv = get(client, "/archive/posts.csv?_size=1").text
    assert csv.splitlines()[0].endswith(",raw")


def test_canned_queries_answer(client: object, facts: ArchiveFacts) -> None:
    cited = get(
        client, f"/archive/threads_citing_docket.json?docket_id={facts.docket}&_shape=array"
    ).json()
    assert [row["id"] for row in cited] == [facts.sample_thread]
    court = get(
        client,
        "/archive/documents_by_court.json?court=District+Court,+District+of+Columbia&_shape=array",
    ).json()
    assert {row["kind"] for row in court} >= {"courtlistener_document"}
    cases = {
        row["case_name"]: row
        for row in get(client, "/archive/dockets_by_threads.json?_shape=array").json()
    }
    assert cases[CASE_NAME]["threads"] == 1 and cases[CASE_NAME]["documents"] == 2
    requests = get(client, "/archive/latest_requests.json?_shape=array").json()
    assert requests == [
        {
            "created_at": requests[0]["created_at"],
            "platform": "x",
            "command": "archive",
            "status": "archived",
            "thread_id": facts.sample_thread,
        }
    ]
    assert json.dumps(get(client, "/archive/links_not_archived.json").json())
