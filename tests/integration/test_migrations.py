"""Opening an archive made by an older threadbot: it is migrated in place, every row kept,
and two processes opening it at once take turns instead of colliding."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from factories import sample_thread

from bot.store import Store
from bot.store.schema import APPLICATION_ID, SCHEMA_VERSION
from bot.store.threads import save_thread

FIXTURE = Path(__file__).parents[1] / "fixtures" / "archive-v4.sql"


@pytest.fixture
def old_archive(tmp_path: Path) -> Path:
    path = tmp_path / "archive.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(FIXTURE.read_text())
    return path


def rows(path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


def test_a_version_4_archive_is_migrated_and_keeps_every_row(old_archive: Path) -> None:
    before = {
        table: rows(old_archive, f"select count(*) from {table}")[0][0]
        for table in ("threads", "posts", "links", "documents", "blobs", "dockets", "requests")
    }
    store = Store(old_archive)
    assert store.schema_version == SCHEMA_VERSION
    store.close()
    after = {table: rows(old_archive, f"select count(*) from {table}")[0][0] for table in before}
    assert after == before
    assert rows(old_archive, "pragma application_id") == [(APPLICATION_ID,)]
    # document numbers are text now (what was stored before is kept as its digits)
    assert rows(old_archive, "select document_number, attachment_number from documents") == [
        ("803263743", "0")
    ]
    # full-text search over the rebuilt documents table still finds the document
    assert rows(
        old_archive,
        "select d.title from documents_fts join documents d on d.id = documents_fts.rowid "
        "where documents_fts match 'stay'",
    ) == [("ORDER granting stay",)]
    assert len(rows(old_archive, "select rowid from posts_fts where posts_fts match 'judge'")) == 3


def test_a_request_whose_reply_was_being_posted_is_taken_up_again(old_archive: Path) -> None:
    Store(old_archive).conn.close()
    ((status, root, attempts),) = rows(
        old_archive, "select status, reply_root, attempts from requests"
    )
    # composed again on the next poll, which first looks for a reply already posted
    assert (status, attempts) == ("archived", 0)
    assert json.loads(root) == {
        "parent_uri": "at://did:plc:reader00000000000000000/app.bsky.feed.post/m1",
        "parent_cid": "bafymention",
        "root_uri": "at://did:plc:reporter000000000000000/app.bsky.feed.post/p1",
        "root_cid": "bafyroot",
    }


def test_the_migrated_archive_takes_new_threads(old_archive: Path) -> None:
    store = Store(old_archive)
    saved = save_thread(store, sample_thread(5))
    store.close()
    assert (saved.post_count, saved.new_posts) == (5, 2)


def test_two_processes_opening_an_old_archive_at_once_both_succeed(old_archive: Path) -> None:
    script = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(Path(__file__).parents[1])!r})
        from bot.store import Store
        store = Store({str(old_archive)!r})
        print(store.schema_version)
        """
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    outputs = [p.communicate(timeout=60)[0].strip() for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0]
    assert outputs == [str(SCHEMA_VERSION)] * 4
    assert rows(old_archive, "pragma integrity_check") == [("ok",)]
    assert rows(old_archive, "select count(*) from documents")[0][0] == 1


def test_four_processes_creating_the_same_new_archive_at_once_all_succeed(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    script = textwrap.dedent(
        f"""
        from bot.store import Store
        print(Store({str(path)!r}).schema_version)
        """
    )
    for _ in range(5):  # a race is a matter of luck: give it a few chances to show
        for p in tmp_path.iterdir():
            p.unlink()
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", script],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(4)
        ]
        answers = [p.communicate(timeout=60) for p in procs]
        assert [out.strip() for out, _ in answers] == [str(SCHEMA_VERSION)] * 4, answers
        assert rows(path, "pragma application_id") == [(APPLICATION_ID,)]


def foreign_keys(path: Path, table: str) -> set[tuple[str, str, str]]:
    return {(r[3], r[2], r[4]) for r in rows(path, f"pragma foreign_key_list({table})")}


def test_version_7_declares_the_foreign_keys_datasette_links_by(old_archive: Path) -> None:
    before = rows(old_archive, "select * from links order by id")
    document_columns = "select id, url, title, sha256, docket_id from documents order by id"
    documents_before = rows(old_archive, document_columns)
    store = Store(old_archive)
    assert store.conn.execute("pragma foreign_keys").fetchone() == (1,)  # on again after
    store.close()
    assert foreign_keys(old_archive, "links") >= {
        ("document_id", "documents", "id"),
        ("docket_id", "dockets", "id"),
        ("post_id", "posts", "id"),
    }
    assert foreign_keys(old_archive, "documents") >= {
        ("docket_id", "dockets", "id"),
        ("sha256", "blobs", "sha256"),
    }
    # every row as it was, ids and all (v5 retyped document numbers; v7 changes no value)
    assert rows(old_archive, "select * from links order by id") == before
    assert rows(old_archive, document_columns) == documents_before
    assert rows(old_archive, "pragma foreign_key_check") == []
    # the indexes and the FTS triggers of the rebuilt tables are back
    names = {r[0] for r in rows(old_archive, "select name from sqlite_master")}
    assert {
        "idx_links_post_id_position",
        "idx_links_canonical_url",
        "idx_links_document_id",
        "idx_links_docket_id",
        "idx_documents_url_sha256",
        "documents_ai",
        "documents_au",
        "documents_ad",
        "idx_threads_archived_at",
        "public_requests",
    } <= names
    with sqlite3.connect(old_archive) as conn:
        conn.execute("insert into documents_fts(documents_fts) values ('integrity-check')")
        conn.execute("update documents set title = 'ORDER lifting the stay' where id = 1")
        found = conn.execute(
            "select rowid from documents_fts where documents_fts match 'lifting'"
        ).fetchall()
    assert found == [(1,)]  # the trigger keeps the index current on the rebuilt table


def test_version_7_gives_requests_a_public_view(old_archive: Path) -> None:
    Store(old_archive).close_after_check()
    assert rows(old_archive, "select * from public_requests") == [
        (
            1,
            "bluesky",
            rows(old_archive, "select created_at from requests")[0][0],
            "archive",
            "archived",
            1,
        )
    ]


def test_an_id_pointing_at_nothing_is_cleared_not_a_failed_migration(old_archive: Path) -> None:
    with sqlite3.connect(old_archive) as conn:
        conn.execute("update links set document_id = 999, docket_id = 998 where id = 2")
    Store(old_archive).close_after_check()
    assert rows(old_archive, "select document_id, docket_id from links where id = 2") == [
        (None, None)
    ]
    assert rows(old_archive, "select document_id, docket_id from links where id = 1") == [(1, 1)]


def test_the_constraints_hold_once_migrated(old_archive: Path) -> None:
    store = Store(old_archive)
    with pytest.raises(sqlite3.IntegrityError), store.transaction() as conn:
        conn.execute("update links set document_id = 12345 where id = 1")
    store.close()
    assert rows(old_archive, "select document_id from links where id = 1") == [(1,)]
