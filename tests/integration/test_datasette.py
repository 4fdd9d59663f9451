"""The archive as readers see it in Datasette: the thread page, search, metadata, read-only."""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
from pathlib import Path

import httpx
import pytest
from factories import sample_thread

from bot.errors import ConfigError
from bot.store import Store
from bot.store.threads import save_thread
from bot.web.app import make_datasette


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    store = Store(tmp_path / "archive.db")
    save_thread(store, sample_thread(5))
    store.close()
    return tmp_path / "archive.db"


def get(archive: Path, path: str) -> httpx.Response:
    return asyncio.run(make_datasette(archive).client.get(path))


def test_thread_page_lists_posts_in_order_with_full_urls(archive: Path) -> None:
    rows = get(archive, "/archive/thread.json?id=1&_shape=array").json()
    assert [r["position"] for r in rows] == [1, 2, 3, 4, 5]
    assert rows[0]["author"] == "@reporter.test"
    assert rows[3]["links"] == "https://www.courtlistener.com/docket/4/case/"
    # the HTML of the query's URL, the one in the bot's replies, is now the thread page
    old = get(archive, "/archive/thread?id=1")
    assert (old.status_code, old.headers["location"]) == (302, "/thread/1")
    html = get(archive, "/thread/1").text
    assert 'href="https://www.courtlistener.com/docket/4/case/"' in html
    assert html.index("Post 1:") < html.index("Post 2:") < html.index("Post 5:")


def test_posts_are_searchable(archive: Path) -> None:
    rows = get(archive, "/archive/posts.json?_search=motion&_shape=array").json()
    assert len(rows) == 5
    assert get(archive, "/archive/posts.json?_search=habeas&_shape=array").json() == []


def test_tables_carry_descriptions_and_labels(archive: Path) -> None:
    assert (
        "with the full URL even where the post shows it cut short"
        in get(archive, "/archive/links").text
    )
    # posts show their thread by its title and their author by handle, not bare ids
    posts = get(archive, "/archive/posts").text
    assert '<a href="/archive/threads/1">Post 1: the judge ruled on the motion.' in posts
    assert ">reporter.test</a>" in posts


def test_the_archive_is_served_read_only(archive: Path) -> None:
    before = (hashlib.sha256(archive.read_bytes()).hexdigest(), archive.stat().st_mtime_ns)
    datasette = make_datasette(archive)

    async def visit_and_try_to_write() -> Exception | None:
        await datasette.invoke_startup()
        for path in (
            "/",
            "/archive",
            "/thread/1",
            "/archive/thread.json?id=1&_shape=array",
            "/archive/posts?_search=motion",
            "/archive/links",
            "/archive/threads/1",
            "/archive.json?sql=select+count(*)+from+posts",
        ):
            assert (await datasette.client.get(path)).status_code == 200, path
        # a write through the very connection Datasette reads the archive with: SQLite
        # itself refuses it, whatever Datasette's own checks would have said
        try:
            await datasette.get_database("archive").execute_fn(
                lambda conn: conn.execute("delete from posts")
            )
        except sqlite3.OperationalError as e:
            return e
        return None

    refused = asyncio.run(visit_and_try_to_write())
    assert refused is not None and "readonly" in str(refused)
    # serving every kind of page wrote nothing: same bytes, same modification time
    after = (hashlib.sha256(archive.read_bytes()).hexdigest(), archive.stat().st_mtime_ns)
    assert after == before
    with sqlite3.connect(archive) as conn:
        assert conn.execute("select count(*) from posts").fetchone() == (5,)


def test_new_rows_written_while_serving_are_visible(archive: Path) -> None:
    datasette = make_datasette(archive)
    before = asyncio.run(datasette.client.get("/archive/posts.json?_shape=array")).json()
    save_thread(Store(archive), sample_thread(7))
    after = asyncio.run(datasette.client.get("/archive/posts.json?_shape=array")).json()
    assert (len(before), len(after)) == (5, 7)


def test_an_archive_with_another_name_gets_the_same_pages(tmp_path: Path) -> None:
    store = Store(tmp_path / "court-watch.db")
    save_thread(store, sample_thread(2))
    rows = asyncio.run(
        make_datasette(store.path).client.get("/court-watch/thread.json?id=1&_shape=array")
    ).json()
    assert [r["position"] for r in rows] == [1, 2]


def test_serving_a_missing_archive_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="archive a thread first"):
        make_datasette(tmp_path / "nothing.db")
