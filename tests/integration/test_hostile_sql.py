"""Arbitrary SQL against the served archive is bounded: hostile queries end with an error
message (not a 500, not the server's memory), ordinary ones still work, and databases that
are not the archive keep SQLite's defaults."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlite_utils
from datasette.app import Datasette
from factories import sample_thread

from bot.store import Store
from bot.store.threads import save_thread
from bot.web.app import SETTINGS, load_metadata, make_datasette


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("served") / "archive.db"
    store = Store(path)
    save_thread(store, sample_thread(5))
    store.close()
    return path


@pytest.fixture(scope="module")
def datasette(archive: Path) -> Datasette:
    return make_datasette(archive)


def run_sql(datasette: Datasette, sql: str, database: str = "archive") -> httpx.Response:
    return asyncio.run(datasette.client.get(f"/{database}.json", params={"sql": sql}))


def refused(datasette: Datasette, sql: str) -> str:
    response = run_sql(datasette, sql)
    body: dict[str, Any] = response.json()
    assert response.status_code == 400, response.text[:300]
    assert body["ok"] is False
    assert body["error"]
    return str(body["error"])


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("select length(randomblob(1000000000))", "string or blob too big"),
        ("select length(zeroblob(1000000000))", "string or blob too big"),
        ("select length(printf('%.*c', 1000000000, 'x'))", "string or blob too big"),
        (
            "select length(replace(printf('%.*c', 10000, 'x'), 'x', printf('%.*c', 10000, 'y')))",
            "string or blob too big",
        ),
        (
            "select length(group_concat(printf('%.*c', 100000, 'x'))) from (with recursive"
            " r(n) as (select 1 union all select n + 1 from r limit 100) select n from r)",
            "string or blob too big",
        ),
        (
            "with recursive r(s) as (select 'x' union all select s || s from r)"
            " select max(length(s)) from r",
            "string or blob too big",
        ),
        ("select 'a' like '%" + "a" * 200 + "'", "LIKE or GLOB pattern too complex"),
        (
            "with recursive r(n) as (select 1 union all select n + 1 from r limit 1000)"
            " select n, printf('%.*c', 1000000, 'x') from r",
            "query result over 32 MB",
        ),
        (
            "select " + ", ".join(f"printf('%.*c', 1000000, 'x') as c{i}" for i in range(40)),
            "query result over 32 MB",
        ),
        (
            "select "
            + ", ".join(f"s as c{i}" for i in range(60))
            + " from (select printf('%.*c', 2000000, 'x') as s)",
            "query result over 32 MB",
        ),
        ("select " + ", ".join(str(i) for i in range(65)), "too many columns in result set"),
        ("select 1 -- " + "x" * 40_000, "query string is too large"),
        # many steps: Datasette's time limit stops them
        (
            "with recursive r(n) as (select 1 union all select n + 1 from r)"
            " select count(*) from r",
            "SQL query took too long",
        ),
        (
            "select count(*) from " + ", ".join(f"posts p{i}" for i in range(14)),
            "SQL query took too long",
        ),
    ],
    ids=[
        "randomblob",
        "zeroblob",
        "printf-repeat",
        "replace-growth",
        "group-concat-growth",
        "recursive-doubling",
        "long-like-pattern",
        "many-large-rows",
        "one-wide-row",
        "one-wide-row-of-one-value",
        "too-many-columns",
        "long-sql",
        "endless-recursive-cte",
        "cross-join",
    ],
)
def test_hostile_queries_end_with_an_error_message(
    datasette: Datasette, sql: str, message: str
) -> None:
    assert message in refused(datasette, sql)


def test_quadratic_searches_finish_with_their_answer(datasette: Datasette) -> None:
    sql = (
        "select length(trim(printf('%.*c', 1000000, 'a'), printf('%.*c', 100000, 'b') || 'a')),"
        " instr(printf('%.*c', 2000000, 'a'), printf('%.*c', 1000000, 'a') || 'b')"
    )
    response = run_sql(datasette, sql)
    assert response.status_code == 200
    assert response.json()["rows"] == [[0, 0]]


def test_the_server_answers_ordinary_queries_after_hostile_ones(datasette: Datasette) -> None:
    for _ in range(3):
        refused(datasette, "select length(randomblob(1000000000))")
    response = run_sql(
        datasette,
        "select count(*), hex(randomblob(8)) != '', replace('a-b', '-', '+'),"
        " printf('%05d', 42), instr('judge', 'dg'), trim('..x..', '.') from posts",
    )
    assert response.status_code == 200
    assert response.json()["rows"] == [[5, 1, "a+b", "00042", 3, "x"]]


def test_pages_readers_use_still_work(datasette: Datasette) -> None:
    thread = asyncio.run(datasette.client.get("/archive/thread.json?id=1&_shape=array"))
    assert [row["position"] for row in thread.json()] == [1, 2, 3, 4, 5]
    search = asyncio.run(datasette.client.get("/archive/posts.json?_search=motion&_shape=array"))
    assert len(search.json()) == 5
    table = asyncio.run(datasette.client.get("/archive/posts?_facet=status"))
    assert table.status_code == 200


def test_other_databases_in_the_same_datasette_keep_sqlites_defaults(
    archive: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other.db"
    sqlite_utils.Database(other)["t"].insert({"x": 1})
    both = Datasette(
        files=[str(archive), str(other)], metadata=load_metadata(archive), settings=SETTINGS
    )
    big = "select length(randomblob(5000000)), length(printf('%.*c', 5000000, 'x'))"

    assert run_sql(both, big, database="other").json()["rows"] == [[5000000, 5000000]]
    assert "string or blob too big" in refused(both, big)


def test_a_datasette_not_built_by_threadbot_leaves_the_file_alone(archive: Path) -> None:
    # the plugin is installed in this environment, but nothing marks the file as the archive
    plain = Datasette(files=[str(archive)])

    big = "select length(randomblob(5000000))"
    assert run_sql(plain, big).json()["rows"] == [[5000000]]


def test_a_long_document_under_the_value_limit_is_served(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    store = Store(path)
    save_thread(store, sample_thread(1))
    store.close()
    with sqlite3.connect(path) as conn:
        conn.execute(
            "insert into documents (kind, url, title, text) values ('pdf', ?, 'Long', ?)",
            ("https://x.example/a.pdf", "word " * 400_000),  # 2 MB of text
        )
    served = make_datasette(path)

    page = asyncio.run(served.client.get("/archive/documents.json?_shape=array"))

    assert page.status_code == 200
    assert len(page.json()[0]["text"]) == 2_000_000
