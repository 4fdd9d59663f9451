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
