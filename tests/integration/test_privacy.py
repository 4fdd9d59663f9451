"""What is not public stays so: the daemon's tables and a request's internals are unreachable
through Datasette's pages, its JSON, canned queries and a reader's own SQL, however the SQL
is written; the archive file is not offered for download; the bytes are reachable only
through the document route."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from reading_room_archive import SECRET, ArchiveFacts, build_archive

from bot.store import Store
from bot.web.app import make_datasette, metadata_path
from bot.web.privacy import PRIVATE_TABLES, PUBLIC_COLUMNS, is_classified


@pytest.fixture(scope="module")
def facts(tmp_path_factory: pytest.TempPathFactory) -> ArchiveFacts:
    return build_archive(tmp_path_factory.mktemp("privacy") / "archive.db")


@pytest.fixture(scope="module")
def client(facts: ArchiveFacts) -> Iterator[object]:
    yield make_datasette(facts.path).client


def get(client: object, path: str, **params: str) -> httpx.Response:
    return asyncio.run(client.get(path, params=params))  # type: ignore[attr-defined]


def sql(client: object, query: str) -> httpx.Response:
    return get(client, "/archive.json", sql=query, _shape="array")


def test_the_private_rows_are_really_there(facts: ArchiveFacts) -> None:
    # the refusals below mean something only if the secrets exist to be refused
    with sqlite3.connect(facts.path) as conn:
        for table, column in [
            ("job_runs", "error"),
            ("item_failures", "error"),
            ("watched_accounts", "error"),
            ("candidates", "reasons"),
            ("cursors", "value"),
            ("requests", "claimed_by"),
            ("requests", "error"),
            ("requests", "requester_handle"),
        ]:
            query = f"select count(*) from {table} where {column} like ?"
            assert conn.execute(query, [f"%{SECRET}%"]).fetchone()[0] == 1, table


@pytest.mark.parametrize(
    "query",
    [
        *[f"select * from {table}" for table in sorted(PRIVATE_TABLES)],
        "select count(*) from job_runs where error is not null",
        "select count(*) from blobs where rowid > 0",
        "select * from BLOBS",
        "select * from main.blobs",
        "select hex(content) from blobs",
        "select id from threads where exists (select 1 from job_runs where error like 'SECRET%')",
        "select * from requests",
        "select claimed_by from requests",
        "select status from requests where claimed_by is not null",
        "select reply_root, error, requester_handle from requests",
        "with public_requests as (select claimed_by from requests) select * from public_requests",
        "select * from threads union all select * from job_runs",
        "select (select group_concat(value) from cursors)",
        "select json_group_array(reasons) from candidates",
        "select * from pragma_table_info('blobs') join blobs",
    ],
)
def test_a_readers_sql_cannot_read_what_is_private(client: object, query: str) -> None:
    response = sql(client, query)
    assert response.status_code == 400
    assert SECRET not in response.text
    assert "not authorized" in response.text or "prohibited" in response.text


def test_a_readers_sql_reads_everything_public(client: object, facts: ArchiveFacts) -> None:
    rows = sql(client, "select created_at, command, status, thread_id from requests").json()
    assert rows == [
        {
            "created_at": rows[0]["created_at"],
            "command": "archive",
            "status": "archived",
            "thread_id": facts.sample_thread,
        }
    ]
    assert sql(client, "select count(*) as n from requests").json() == [{"n": 1}]
    # how many rows a private table has is all a count tells
    assert sql(client, "select count(*) as n from job_runs").json() == [{"n": 1}]
    view = sql(client, "select * from public_requests").json()
    assert set(view[0]) == {"id", "platform", "created_at", "command", "status", "thread_id"}
    joined = sql(
        client,
        "select t.title, d.title as document from threads t join posts p on p.thread_id = t.id "
        "join links l on l.post_id = p.id join documents d on d.id = l.document_id "
        "where t.id = 1 limit 1",
    )
    assert joined.status_code == 200
    # the schema is public (docs/schema.md), and so are the FTS indexes
    assert sql(client, "select name from pragma_table_info('blobs')").status_code == 200
    assert sql(client, "select rowid from posts_fts where posts_fts match 'judge'").json()


def test_no_statement_can_make_a_way_around(client: object) -> None:
    for query in (
        "create temp view v as select * from blobs",
        "attach database ':memory:' as m",
        "pragma writable_schema = 1",
    ):
        assert sql(client, query).status_code == 400


@pytest.mark.parametrize(
    "path",
    [
        "/archive/blobs",
        "/archive/BLOBS",
        "/archive/job_runs.json",
        "/archive/candidates",
        "/archive/watched_accounts",
        "/archive/item_failures.csv",
        "/archive/cursors",
        "/archive/requests",
        "/archive/requests/1",
        "/archive/requests.json",
    ],
)
def test_datasette_pages_of_private_tables_are_refused(client: object, path: str) -> None:
    response = get(client, path)
    # 404 for a spelling that names no table to Datasette, 403 for the rest
    expected = {403, 404} if path == "/archive/BLOBS" else {403}
    assert response.status_code in expected
    assert SECRET not in response.text


def test_private_tables_are_not_listed(client: object) -> None:
    listed = get(client, "/archive.json").json()
    names = {t["name"] for t in listed["tables"]} | {v["name"] for v in listed.get("views", [])}
    assert "threads" in names and "public_requests" in names
    assert not names & (PRIVATE_TABLES | set(PUBLIC_COLUMNS))
    assert "blobs" not in get(client, "/archive").text


def test_nothing_any_page_shows_carries_a_secret(client: object, facts: ArchiveFacts) -> None:
    for path in (
        "/",
        f"/thread/{facts.sample_thread}",
        f"/thread/{facts.sample_thread}.json",
        f"/case/{facts.docket}",
        "/search?q=SECRET",
        "/archive",
        "/archive/public_requests",
        "/archive/latest_requests.json",
        "/-/metadata.json",
        "/feed.atom",
    ):
        response = get(client, path)
        assert response.status_code == 200, path
        assert SECRET not in response.text, path


def test_the_archive_file_is_not_offered_for_download(client: object) -> None:
    response = get(client, "/archive.db")
    assert response.status_code in (403, 404)
    assert b"SQLite format 3" not in response.content


def test_every_table_of_an_archive_is_public_or_private(tmp_path: Path) -> None:
    store = Store(tmp_path / "archive.db")
    names = [
        r[0]
        for r in store.conn.execute(
            "select name from sqlite_master where type in ('table', 'view')"
        )
    ]
    store.close()
    unclassified = [name for name in names if not is_classified(name)]
    # a new table: add it to PUBLIC_TABLES or PRIVATE_TABLES in bot/web/privacy.py
    assert unclassified == []


def test_every_column_of_every_table_is_described(tmp_path: Path) -> None:
    store = Store(tmp_path / "archive.db")
    tables = {
        name: [r[1] for r in store.conn.execute(f"pragma table_info([{name}])")]
        for (name,) in store.conn.execute(
            "select name from sqlite_master where type in ('table', 'view') "
            "and name not like 'sqlite_%' and name not like '%_fts%'"
        )
    }
    store.close()
    described = yaml.safe_load(metadata_path().read_text())["databases"]["archive"]["tables"]
    missing = {
        name: [c for c in columns if c not in described.get(name, {}).get("columns", {})]
        for name, columns in tables.items()
    }
    assert {name: cols for name, cols in missing.items() if cols} == {}


def test_another_datasette_in_the_environment_is_left_alone(tmp_path: Path) -> None:
    """A database that is not the archive: its own home page, no limits, no authorizer."""
    from datasette.app import Datasette

    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("create table blobs (content)")
        conn.execute("insert into blobs values ('theirs')")
        conn.execute("create table notes (links)")
        conn.execute("insert into notes values ('https://a.test/')")
    datasette = Datasette(files=[str(other)])
    home = asyncio.run(datasette.client.get("/"))
    assert "tb-main" not in home.text  # Datasette's own index
    rows = asyncio.run(
        datasette.client.get(
            "/other.json", params={"sql": "select * from blobs", "_shape": "array"}
        )
    ).json()
    assert rows == [{"content": "theirs"}]
    cell = asyncio.run(
        datasette.client.get("/other.json", params={"sql": "select links from notes"})
    )
    assert cell.status_code == 200
    assert asyncio.run(datasette.client.get("/thread/1")).status_code == 404
