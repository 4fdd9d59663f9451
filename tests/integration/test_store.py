"""The archive file: idempotent saves, growth, edits and deletions, and all-or-nothing writes."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest
from factories import sample_thread

from bot.errors import BadInput
from bot.models import Image
from bot.store import Store, threads
from bot.store.links import known_resolution
from bot.store.threads import save_thread

TABLES = ["accounts", "threads", "posts", "post_versions", "links", "images"]


def counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        return {t: conn.execute(f"select count(*) from {t}").fetchone()[0] for t in TABLES}


def dump(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "archive.db")
    yield s
    s.close()


def test_saving_twice_changes_nothing(store: Store) -> None:
    first = save_thread(store, sample_thread(5))
    before = dump(store.path)
    second = save_thread(store, sample_thread(5))
    assert second.id == first.id
    assert (second.post_count, second.link_count, second.new_posts) == (5, 5, 0)
    after = dump(store.path)
    # only the thread's "last archived" time moves
    changed = set(after) ^ set(before)
    assert all(line.startswith('INSERT INTO "threads"') for line in changed), changed


def test_posts_are_stored_in_reading_order_with_full_links(store: Store) -> None:
    saved = save_thread(store, sample_thread(5))
    rows = store.conn.execute(
        "select p.position, l.display_text, l.url from posts p join links l on l.post_id = p.id "
        "where p.thread_id = ? order by p.position",
        [saved.id],
    ).fetchall()
    assert [r[0] for r in rows] == [1, 2, 3, 4, 5]
    assert rows[2][1:] == (
        "courtlistener.com/docket/3…",
        "https://www.courtlistener.com/docket/3/case/",
    )


def test_new_posts_are_appended_and_first_archive_time_kept(store: Store) -> None:
    saved = save_thread(store, sample_thread(3))
    archived = store.conn.execute("select id, archived_at from posts order by id").fetchall()
    grown = save_thread(store, sample_thread(5))
    assert (grown.id, grown.post_count, grown.new_posts) == (saved.id, 5, 2)
    positions = store.conn.execute("select position from posts order by position").fetchall()
    assert [p[0] for p in positions] == [1, 2, 3, 4, 5]
    still = dict(store.conn.execute("select id, archived_at from posts").fetchall())
    assert all(still[pid] == at for pid, at in archived)


def test_an_edited_post_keeps_its_earlier_version(store: Store) -> None:
    save_thread(store, sample_thread(3))
    save_thread(store, sample_thread(3, edit={2: "Post 2, corrected: the motion was DENIED."}))
    text = store.conn.execute("select text from posts where id like '%/p2'").fetchone()[0]
    versions = store.conn.execute("select text from post_versions").fetchall()
    assert text == "Post 2, corrected: the motion was DENIED."
    assert versions == [("Post 2: the judge ruled on the motion. courtlistener.com/docket/2…",)]
    # the edit removed the link; the old link survives in the saved version's raw JSON
    assert (
        store.conn.execute("select count(*) from links where post_id like '%/p2'").fetchone()[0]
        == 0
    )


def test_a_deleted_post_keeps_its_text_and_place(store: Store) -> None:
    save_thread(store, sample_thread(4))
    thread = sample_thread(4)
    thread.posts[2] = replace(thread.posts[2], status="deleted", text="", raw=None)
    saved = save_thread(store, thread)
    row = store.conn.execute(
        "select status, position, text, deleted_at from posts where id like '%/p3'"
    ).fetchone()
    assert row[:3] == (
        "deleted",
        3,
        "Post 3: the judge ruled on the motion. courtlistener.com/docket/3…",
    )
    assert row[3]
    assert (saved.post_count, saved.gap_count) == (3, 1)
    # the thread row readers browse carries the same counts
    assert store.conn.execute(
        "select post_count, gap_count, link_count from threads"
    ).fetchone() == (
        3,
        1,
        4,
    )
    # archiving it again keeps the first time we noticed
    save_thread(store, thread)
    again = store.conn.execute("select deleted_at from posts where id like '%/p3'").fetchone()[0]
    assert again == row[3]


def test_a_gap_reported_by_the_platform_is_kept_in_place(store: Store) -> None:
    thread = sample_thread(3)
    thread.posts[1] = replace(
        thread.posts[1], status="not_found", text="", cid="", links=[], raw=None
    )
    saved = save_thread(store, thread)
    assert store.conn.execute(
        "select position, status from posts order by position"
    ).fetchall() == [(1, "ok"), (2, "not_found"), (3, "ok")]
    assert saved.gap_count == 1


def test_search_finds_posts_by_word_stem(store: Store) -> None:
    save_thread(store, sample_thread(3))
    hits = store.conn.execute(
        "select count(*) from posts_fts where posts_fts match 'rules'"
    ).fetchone()[0]
    assert hits == 3  # "ruled" matches "rules" through Porter stemming


def test_a_failure_midway_leaves_the_archive_as_it_was(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    save_thread(store, sample_thread(2))
    before = dump(store.path)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(threads, "save_links", broken)
    with pytest.raises(RuntimeError):
        save_thread(store, sample_thread(6))
    assert dump(store.path) == before


def test_a_kill_midway_leaves_the_archive_as_it_was_and_a_rerun_finishes(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    first = Store(path)
    save_thread(first, sample_thread(2))
    first.close()
    before = counts(path)
    # A real process dies (os._exit: no cleanup, no rollback) after posts are written and
    # before links are: SQLite's journal must undo the half-written transaction.
    script = textwrap.dedent(
        f"""
        import os, sys
        sys.path.insert(0, {str(Path(__file__).parents[1])!r})
        from factories import sample_thread
        from bot.store import Store
        from bot.store.threads import save_thread
        import bot.store.threads
        bot.store.threads.save_links = lambda *a, **k: os._exit(9)
        save_thread(Store({str(path)!r}), sample_thread(6))
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 9, result.stderr
    assert counts(path) == before
    with sqlite3.connect(path) as conn:
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
    rerun = Store(path)
    saved = save_thread(rerun, sample_thread(6))
    rerun.close()
    assert (saved.post_count, saved.link_count) == (6, 6)
    assert counts(path)["posts"] == 6


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    path.write_text("these are my notes, not a database\n" * 100)
    before = path.read_bytes()
    with pytest.raises(BadInput, match="is not a threadbot archive"):
        save_thread(Store(path), sample_thread(1))
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["archive.db"]


def test_raw_json_with_numbers_too_big_for_64_bits_is_kept(store: Store) -> None:
    thread = sample_thread(1)
    thread.posts[0].raw = {**(thread.posts[0].raw or {}), "likeCount": 2**70}
    save_thread(store, thread)
    raw = store.conn.execute("select json_extract(raw, '$.likeCount') from posts").fetchone()[0]
    assert str(raw).startswith("1.18059162071741")  # SQLite reads it back as a real


def test_an_edit_that_changes_the_images_keeps_only_the_new_ones(store: Store) -> None:
    thread = sample_thread(2)
    with_images = [
        replace(
            p,
            images=[
                Image(url=f"https://cdn.example/{p.cid}/{i}.jpg", alt=f"page {i}") for i in (1, 2)
            ],
        )
        for p in thread.posts
    ]
    save_thread(store, replace(thread, posts=with_images))
    edited = replace(
        with_images[1],
        cid="edited",
        images=[Image(url="https://cdn.example/new.jpg", alt="the order's last page")],
    )
    save_thread(store, replace(thread, posts=[with_images[0], edited]))
    rows = store.conn.execute(
        "select p.cid, i.position, i.alt from images i join posts p on p.id = i.post_id "
        "order by p.position, i.position"
    ).fetchall()
    first = with_images[0].cid
    assert rows == [
        (first, 1, "page 1"),
        (first, 2, "page 2"),
        ("edited", 1, "the order's last page"),
    ]


def test_finding_an_archived_url_uses_an_index(store: Store) -> None:
    # the link stage asks this for every link: a table scan would make big archives crawl
    save_thread(store, sample_thread(3))
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    known_resolution(store, "https://www.courtlistener.com/docket/2/")
    store.conn.set_trace_callback(None)
    plan = store.conn.execute(f"explain query plan {statements[-1]}").fetchall()
    assert any("idx_links_canonical_url" in row[-1] for row in plan), plan


def test_posts_without_a_version_id_keep_their_links_and_their_edits(store: Store) -> None:
    # X gives no content hash (Bluesky's cid): the store derives one from what a post shows
    thread = sample_thread(2)
    bare = replace(thread, posts=[replace(p, cid="") for p in thread.posts])
    saved = save_thread(store, bare)
    assert saved.link_count == 2
    edited = sample_thread(2, edit={2: "Post 2, corrected: the motion was DENIED."})
    save_thread(store, replace(edited, posts=[replace(p, cid="") for p in edited.posts]))
    versions = store.conn.execute("select text from post_versions").fetchall()
    assert versions == [("Post 2: the judge ruled on the motion. courtlistener.com/docket/2…",)]
    assert save_thread(store, replace(edited, posts=[replace(p, cid="") for p in edited.posts]))
    assert store.conn.execute("select count(*) from post_versions").fetchone()[0] == 1
