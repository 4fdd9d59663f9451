"""Judges in the reading room, on an archive annotated the real way (threadbot's annotators
and the shipped FJC register): a thread page marks and links the judges its posts name, a
judge page shows the register's entry beside what posts claimed, their cases and threads,
and a case page names its judges."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from factories import chain_thread, link_facet

from bot.models import Docket, LinkResolution
from bot.pipeline import annotate_due
from bot.store import Store
from bot.store.links import save_resolution
from bot.store.threads import save_thread
from bot.web.app import make_datasette

BOASBERG = 1393651  # his number in the FJC register
DOCKET_URL = "https://www.courtlistener.com/docket/69741724/jgg-v-trump/"
FIRST = (
    "Chief Judge James Boasberg (D.D.C.), a Trump appointee, ruled tonight. "
    "courtlistener.com/docket/6974…"
)
SECOND = "BOASBERG also set a hearing in the related case, No. 1:25-cv-01234."
OTHER = "Judge Marisol Ortega granted the injunction."


@dataclass(frozen=True)
class Archive:
    path: Path
    ruling: int
    other: int
    case: int


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Archive:
    path = tmp_path_factory.mktemp("judges") / "archive.db"
    store = Store(path)
    facet = link_facet(FIRST, "courtlistener.com/docket/6974…", DOCKET_URL)
    ruling = save_thread(store, chain_thread("ruling", [(FIRST, [facet]), (SECOND, [])])).id
    link_id = store.conn.execute("select max(id) from links").fetchone()[0]
    docket = Docket(
        court_id="dcd",
        court="District Court, District of Columbia",
        courtlistener_id=69741724,
        case_name="J.G.G. v. Trump",
        docket_number="1:25-cv-00766",
        assigned_to="James Emanuel Boasberg",
        url=DOCKET_URL,
    )
    save_resolution(
        store,
        link_id,
        LinkResolution(
            status="ok",
            canonical_url=DOCKET_URL,
            resolved_url=DOCKET_URL,
            kind="docket",
            docket=docket,
        ),
    )
    other = save_thread(store, chain_thread("other", [(OTHER, [])])).id
    annotate_due(store)
    case = store.conn.execute("select id from dockets").fetchone()[0]
    store.close()
    return Archive(path, ruling, other, case)


@pytest.fixture(scope="module")
def client(archive: Archive) -> Iterator[object]:
    yield make_datasette(archive.path).client


def get(client: object, path: str) -> httpx.Response:
    return asyncio.run(client.get(path))  # type: ignore[attr-defined]


def text_of(html: str) -> str:
    import html as html_module

    return " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_a_thread_page_links_each_judge_its_posts_name(client: object, archive: Archive) -> None:
    html = get(client, f"/thread/{archive.ruling}").text
    # in the post's own text, the name as written is a link to the judge's page
    assert (
        f'<a class="mark-judge" href="/judge/{BOASBERG}" title="James Emanuel Boasberg">'
        "Chief Judge James Boasberg</a>" in html
    )
    assert f'href="/judge/{BOASBERG}" title="James Emanuel Boasberg">BOASBERG</a>' in html
    judges = text_of(html[html.index('id="tb-judges-title"') : html.index('class="tb-posts"')])
    assert "Judge named in this thread James Emanuel Boasberg appointed by Barack Obama" in judges


def test_a_judge_the_register_does_not_know_is_marked_without_a_link(
    client: object, archive: Archive
) -> None:
    html = get(client, f"/thread/{archive.other}").text
    assert (
        '<span class="mark-judge" title="not in the judges register">Judge Marisol Ortega</span>'
        in html
    )
    assert "/judge/" not in html


def test_the_judge_page_shows_the_register_the_claims_cases_and_threads(
    client: object, archive: Archive
) -> None:
    response = get(client, f"/judge/{BOASBERG}")
    assert response.status_code == 200
    html = response.text
    reading = text_of(html)
    assert "<h1>James Emanuel Boasberg</h1>" in html
    # the register's entry: court, appointing president, commission date
    assert (
        "Court U.S. District Court for the District of Columbia Title Judge "
        "Appointed by Barack Obama Commissioned 17 Mar 2011" in reading
    )
    assert '<time datetime="2011-03-17">' in html
    # what a post claimed where the register says otherwise, linked to the post
    claims = text_of(html[html.index('id="tb-judge-claims"') : html.index('id="tb-judge-cases"')])
    assert "“a Trump appointee”: Donald J. Trump" in claims
    assert f'href="/thread/{archive.ruling}#post-1"' in html
    cases = html[html.index('id="tb-judge-cases"') : html.index('id="tb-judge-threads"')]
    assert f'<a class="tb-title" href="/case/{archive.case}">J.G.G. v. Trump</a>' in cases
    assert "No. 25-cv-01234" in cases  # named beside him (one spelling), no docket archived
    threads = html[html.index('id="tb-judge-threads"') :]
    assert f'href="/thread/{archive.ruling}"' in threads
    assert f'href="/thread/{archive.other}"' not in threads


def test_the_case_page_names_its_judges(client: object, archive: Archive) -> None:
    html = get(client, f"/case/{archive.case}").text
    assert (
        f'<a class="tb-title mark-judge" href="/judge/{BOASBERG}">James Emanuel Boasberg</a>'
        in html
    )


def test_the_thread_export_lists_its_judges(client: object, archive: Archive) -> None:
    data = get(client, f"/thread/{archive.ruling}.json").json()
    assert data["judges"] == [
        {
            "id": f"fjc:{BOASBERG}",
            "name": "James Emanuel Boasberg",
            "appointed_by": "Barack Obama",
            "page": f"http://localhost/judge/{BOASBERG}",  # exports carry full URLs
        }
    ]
    markdown = get(client, f"/thread/{archive.ruling}.md").text
    assert (
        f"- [James Emanuel Boasberg](http://localhost/judge/{BOASBERG}), appointed by Barack Obama"
        in markdown
    )


@pytest.mark.parametrize("number", ["1", "99999999999", "9" * 19])
def test_a_judge_the_register_does_not_hold_is_a_404(client: object, number: str) -> None:
    assert get(client, f"/judge/{number}").status_code == 404


def test_search_facets_by_judge_and_narrows_to_one(client: object, archive: Archive) -> None:
    html = get(client, "/search?q=judge").text
    facet = text_of(
        html[html.index("<h3>Judge</h3>") : html.index("</ul>", html.index("<h3>Judge"))]
    )
    assert facet == "Judge James Emanuel Boasberg 1 Marisol Ortega 1"
    narrowed = get(client, f"/search?q=judge&judge=fjc:{BOASBERG}").text
    assert f'href="/thread/{archive.ruling}#post-1"' in narrowed
    assert f'href="/thread/{archive.other}#post-1"' not in narrowed
