"""`threadbot import`: an X data export or a Bluesky repository export into the archive, in
one command; idempotent, edits kept, damage and kills leave the archive consistent."""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
import textwrap
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from car_builder import Repo

sys.path.insert(0, str(Path(__file__).parents[2] / "scripts" / "sandbox"))
from sample_thread import POSTS, READING_ORDER
from x_export import Owner, generated_tweets, sample_thread_tweets, write_export

OWNER = Owner("1500000000000000001", "dana_whitlock", "Dana Whitlock")
ROOT = Path(__file__).parents[2]
# every post, its thread (by its first post) and place, as a reader sees them
SAME = (
    "select p.id, t.root_post_id, p.position, p.status, p.text, t.post_count, t.link_count "
    "from posts p join threads t on t.id = p.thread_id order by p.id"
)


def _zip_without_tweets() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("photos/README.txt", "holiday pictures")
    return buffer.getvalue()


ZIP_WITHOUT_TWEETS = _zip_without_tweets()


def threadbot(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("THREADBOT_")}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env={**environ, "PYTHONPATH": str(ROOT)},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def export_tweets(count: int = 600) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The sample court thread, newest, above `count` generated posts (threads, replies to
    others, reposts, long posts with notes), newest first as X lists them."""
    sample, _ = sample_thread_tweets(OWNER)
    tweets, notes = generated_tweets(OWNER, count, seed=3)
    return sample + tweets, notes


def make_export(path: Path, count: int = 600, **options: Any) -> Path:
    tweets, notes = export_tweets(count)
    return write_export(path, OWNER, tweets, notes, **options)


def rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def dump(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """What a reader of the archive sees (threads' `updated_at`, "last archived", aside)."""
    return {
        "threads": rows(
            db,
            "select id, root_post_id, title, post_count, gap_count, link_count, "
            "first_post_at, last_post_at, archived_at from threads order by id",
        ),
        "posts": rows(db, "select * from posts order by id"),
        "links": rows(db, "select * from links order by id"),
        "images": rows(db, "select * from images order by post_id, position"),
        "post_versions": rows(db, "select * from post_versions order by id"),
        "accounts": rows(db, "select * from accounts"),
    }


def assert_consistent(db: Path) -> None:
    """The file is sound and its search index holds exactly the posts' texts."""
    assert rows(db, "pragma integrity_check") == [("ok",)]
    assert rows(db, "select name from sqlite_master where name = 'posts_ai'") == [("posts_ai",)]
    for word in ("injunction", "docket", "judge", "appeal"):
        found = rows(db, f"select count(*) from posts_fts where posts_fts match '{word}'")
        like = rows(db, f"select count(*) from posts where text like '%{word}%'")
        assert found == like, word
    with sqlite3.connect(db) as conn:
        conn.execute("insert into posts_fts (posts_fts, rank) values ('integrity-check', 1)")


def imported(run: subprocess.CompletedProcess[str]) -> str:
    assert run.returncode == 0, run.stderr
    assert run.stdout.count("\n") == 1, run.stdout
    return run.stdout


# --- X data exports ----------------------------------------------------------------------


@pytest.mark.parametrize("zip_file", [True, False])
def test_an_x_export_imports_its_threads_in_order_with_links_and_long_posts(
    tmp_path: Path, zip_file: bool
) -> None:
    export = make_export(tmp_path / ("x.zip" if zip_file else "x"), zip_file=zip_file)
    tweets, notes = export_tweets()
    line = imported(threadbot(tmp_path, "import", str(export)))
    db = tmp_path / "archive.db"

    reposts = sum(1 for t in tweets if t["tweet"]["full_text"].startswith("RT @"))
    posts = rows(db, "select count(*) from posts where status = 'ok'")[0][0]
    assert posts == len(tweets) - reposts
    threads = rows(db, "select count(*) from threads")[0][0]
    assert line.startswith(f"imported {posts:,} posts in {threads:,} threads from @dana_whitlock")
    assert f"{len(notes):,} long posts; {reposts:,} reposts left out" in line
    assert "links saved unresolved (`threadbot resolve` fetches them)" in line

    # the sample thread: one thread, in reading order, its links expanded from entities
    (thread_id,) = rows(db, "select id from threads where root_post_id = 'x:1886000000000000000'")
    texts = rows(db, f"select text from posts where thread_id = {thread_id[0]} order by position")
    assert [t for (t,) in texts] == [POSTS[i].text for i in READING_ORDER]
    (url, shown, status) = rows(
        db,
        "select url, display_text, status from links where post_id = 'x:1886000000000000000'",
    )[0]
    assert url.startswith("https://storage.courtlistener.com/recap/gov.uscourts.dcd.287331/")
    assert (shown, status) == ("storage.courtlistener.com/recap/gov.usco…", "pending")
    with sqlite3.connect(db) as conn:
        alts = conn.execute("select alt from images where alt = ?", [POSTS[2].image_alt])
        assert alts.fetchall() == [(POSTS[2].image_alt,)]

    # long posts carry their whole text from note-tweet.js, and the note in their raw JSON
    full = notes[0]["noteTweet"]["core"]["text"]
    (text, raw) = rows(
        db,
        "select text, json_extract(raw, '$.noteTweet.core.text') from posts "
        "where length(text) > 300 order by created_at limit 1",
    )[0]
    assert len(text) > 300 and raw is not None and text.split()[:8] == raw.split()[:8]
    assert any(note["noteTweet"]["core"]["text"] == raw for note in notes) and full

    # the imported posts are found by search
    hits = rows(
        db,
        "select p.id from posts_fts join posts p on p.rowid = posts_fts.rowid "
        "where posts_fts match 'Ortega' order by p.id",
    )
    assert hits == rows(db, "select id from posts where text like '%Ortega%' order by id")
    assert len(hits) == sum("Ortega" in p.text for p in POSTS) > 0
    assert_consistent(db)


def test_importing_twice_changes_nothing(tmp_path: Path) -> None:
    export = make_export(tmp_path / "x.zip", zip_file=True)
    imported(threadbot(tmp_path, "import", str(export)))
    before = dump(tmp_path / "archive.db")
    line = imported(threadbot(tmp_path, "import", str(export)))
    assert "(0 new)" in line
    assert dump(tmp_path / "archive.db") == before


def test_a_post_edited_in_a_newer_export_keeps_its_old_version(tmp_path: Path) -> None:
    tweets, notes = export_tweets(200)
    write_export(tmp_path / "old", OWNER, tweets, notes)
    imported(threadbot(tmp_path, "import", str(tmp_path / "old")))
    target = tweets[5]["tweet"]
    old_text = target["full_text"]
    target["full_text"] = "Corrected: the magistrate recommended dismissal, not the judge."
    target["entities"]["urls"] = []
    write_export(tmp_path / "new", OWNER, tweets, notes)
    line = imported(threadbot(tmp_path, "import", str(tmp_path / "new")))
    assert "(0 new)" in line
    db = tmp_path / "archive.db"
    post = f"x:{target['id_str']}"
    assert rows(db, f"select text from posts where id = '{post}'") == [(target["full_text"],)]
    versions = rows(db, f"select text from post_versions where post_id = '{post}'")
    assert len(versions) == 1 and versions[0][0].split()[:3] == old_text.split()[:3]
    assert rows(db, "select count(*) from post_versions") == [(1,)]
    assert rows(
        db,
        "select id from posts where posts.rowid in "
        "(select rowid from posts_fts where posts_fts match 'magistrate')",
    ) == [(post,)]
    assert_consistent(db)


def test_a_truncated_export_is_one_line_exit_2_and_keeps_a_consistent_archive(
    tmp_path: Path,
) -> None:
    export = make_export(tmp_path / "x", count=900, per_file=400)
    part = export / "data" / "tweets-part1.js"
    whole = part.read_bytes()
    part.write_bytes(whole[: len(whole) // 2])
    run = threadbot(tmp_path, "import", str(export))
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.startswith("threadbot: error: ") and run.stderr.count("\n") == 1
    assert "is truncated" in run.stderr and "posts before it are in the archive" in run.stderr
    assert "Traceback" not in run.stderr
    db = tmp_path / "archive.db"
    kept = rows(db, "select count(*) from posts where status = 'ok'")[0][0]
    assert kept >= 400
    assert_consistent(db)

    part.write_bytes(whole)  # the download, finished: the rerun completes the import
    imported(threadbot(tmp_path, "import", str(export)))
    clean = tmp_path / "clean"
    clean.mkdir()
    imported(threadbot(clean, "import", str(export)))
    assert rows(db, SAME) == rows(clean / "archive.db", SAME)
    assert_consistent(db)


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("notes.txt", b"these are my notes", "is neither an X data export"),
        ("broken.zip", b"PK\x03\x04 not really a zip", "is neither an X data export"),
        ("repo.car", b"\x00\x01garbage", "not a repository"),
        ("other.zip", ZIP_WITHOUT_TWEETS, "is not an X data export: it has no data/tweets.js"),
    ],
)
def test_an_unrecognised_or_damaged_file_is_one_line_exit_2(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    (tmp_path / name).write_bytes(content)
    run = threadbot(tmp_path, "import", name)
    assert run.returncode == 2, run.stderr
    assert run.stderr.startswith("threadbot: error: ") and run.stderr.count("\n") == 1
    assert message in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "archive.db").exists()  # refused before the archive is made


def test_a_damaged_zip_member_keeps_what_came_before(tmp_path: Path) -> None:
    export = make_export(tmp_path / "x.zip", count=900, per_file=400, zip_file=True)
    data = bytearray(export.read_bytes())
    middle = len(data) * 3 // 4
    data[middle : middle + 64] = b"\xff" * 64  # inside the deflated tweets-part1.js
    export.write_bytes(bytes(data))
    run = threadbot(tmp_path, "import", str(export))
    assert run.returncode == 2 and run.stderr.count("\n") == 1, run.stderr
    assert "Traceback" not in run.stderr
    assert_consistent(tmp_path / "archive.db")


@pytest.mark.parametrize("moment", ["after_rows", "in_links"])
def test_a_kill_mid_import_leaves_a_consistent_archive_and_a_rerun_finishes(
    tmp_path: Path, moment: str
) -> None:
    export = make_export(tmp_path / "x", count=900)
    db = tmp_path / "archive.db"
    # A real process dies (os._exit: no cleanup, no rollback) in the third batch's
    # transaction: after its rows are written with the FTS trigger dropped and before the
    # index is filled ("after_rows"), or while links are written ("in_links").
    script = textwrap.dedent(
        f"""
        import os
        import bot.store.bulk as bulk
        import bot.store.threads as threads
        from bot.imports import import_export
        from bot.store import Store

        calls = []
        real = bulk.save_threads_in if {moment!r} == "after_rows" else threads.save_links

        def dying(*args, **kwargs):
            calls.append(1)
            result = real(*args, **kwargs)
            if len(calls) == 3:
                os._exit(9)
            return result

        if {moment!r} == "after_rows":
            bulk.save_threads_in = dying
        else:
            threads.save_links = dying
        import_export(Store({str(db)!r}), {str(export)!r}, batch_posts=100)
        """
    )
    run = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert run.returncode == 9, run.stderr
    assert_consistent(db)
    (kept,) = rows(db, "select count(*) from posts")[0]
    assert 200 <= kept < 600  # the two batches committed before the kill, no more

    imported(threadbot(tmp_path, "import", str(export)))
    clean = tmp_path / "clean"
    clean.mkdir()
    imported(threadbot(clean, "import", str(export)))
    assert rows(db, SAME) == rows(clean / "archive.db", SAME)
    assert rows(db, "select count(*) from links") == rows(
        clean / "archive.db", "select count(*) from links"
    )
    assert_consistent(db)


def test_progress_is_reported_up_to_the_export_size(tmp_path: Path) -> None:
    from bot.imports import import_export
    from bot.store import Store

    export = make_export(tmp_path / "x", count=900)
    seen: list[tuple[int, int]] = []
    store = Store(tmp_path / "archive.db")
    summary = import_export(
        store, export, progress=lambda d, t: seen.append((d, t)), batch_posts=100
    )
    store.close()
    assert len(seen) > 3
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    total = 900 + len(POSTS)
    assert seen[-1] == (total, total)  # every post read: saved or left out
    assert summary.posts + summary.reposts == total


# --- Bluesky repositories ----------------------------------------------------------------

DID = "did:plc:reporter123"
PREFIX = f"at://{DID}/app.bsky.feed.post/"


def post_record(text: str, second: int, parent: str | None = None) -> dict[str, Any]:
    record: dict[str, Any] = {
        "$type": "app.bsky.feed.post",
        "text": text,
        "createdAt": f"2026-02-03T15:00:{second:02d}.000Z",
    }
    if parent is not None:
        record["reply"] = {
            "root": {"uri": parent, "cid": "bafyreib"},
            "parent": {"uri": parent, "cid": "bafyreib"},
        }
    return record


def test_a_bluesky_repository_imports_its_posts_as_threads(tmp_path: Path) -> None:
    repo = Repo(DID)
    # a thread of four (3k0000a … 3k0000d), a post alone, a reply to a stranger, and a
    # self-reply whose parent was deleted
    for i, key in enumerate("abcd"):
        parent = None if i == 0 else PREFIX + f"3k0000{'abcd'[i - 1]}"
        repo.add(
            "app.bsky.feed.post", f"3k0000{key}", post_record(f"ruling part {i + 1}", i, parent)
        )
    repo.add("app.bsky.feed.post", "3k0000e", post_record("a post alone", 10))
    stranger = "at://did:plc:stranger/app.bsky.feed.post/3kzzz"
    repo.add("app.bsky.feed.post", "3k0000f", post_record("replying to a reader", 11, stranger))
    repo.add(
        "app.bsky.feed.post", "3k0000h", post_record("after a deleted post", 12, PREFIX + "3k0000g")
    )
    repo.add("app.bsky.feed.like", "3k0000i", {"$type": "app.bsky.feed.like", "subject": {}})
    (tmp_path / "repo.car").write_bytes(repo.car())

    line = imported(threadbot(tmp_path, "import", "repo.car", "--handle", "@dana.test"))
    assert line.startswith("imported 8 posts in 4 threads from @dana.test's Bluesky repository")
    db = tmp_path / "archive.db"
    thread = rows(
        db,
        "select p.text, p.position from posts p join threads t on t.id = p.thread_id "
        f"where t.root_post_id = '{PREFIX}3k0000a' order by p.position",
    )
    assert thread == [(f"ruling part {i}", i) for i in range(1, 5)]
    gap = rows(
        db,
        "select p.status, p.position from posts p join threads t on t.id = p.thread_id "
        f"where t.root_post_id = '{PREFIX}3k0000g' order by p.position",
    )
    assert gap == [("deleted", 1), ("ok", 2)]
    assert rows(db, f"select handle from accounts where id = '{DID}'") == [("dana.test",)]
    assert rows(db, f"select url from posts where id = '{PREFIX}3k0000e'") == [
        ("https://bsky.app/profile/dana.test/post/3k0000e",)
    ]
    assert rows(db, "select count(*) from posts_fts where posts_fts match 'ruling'") == [(4,)]
    assert_consistent(db)
    before = dump(db)
    imported(threadbot(tmp_path, "import", "repo.car", "--handle", "dana.test"))
    assert dump(db) == before


def test_a_repository_missing_a_record_is_exit_2_and_keeps_the_threads_before_it(
    tmp_path: Path,
) -> None:
    repo = Repo(DID)
    cids = [
        repo.add("app.bsky.feed.post", f"3k{i:05d}", post_record(f"post {i} judge", i % 60))
        for i in range(300)
    ]
    # the download lost one record's block: the posts before it are whole
    del repo.blocks[cids[150]]
    repo.order.remove(cids[150])
    (tmp_path / "repo.car").write_bytes(repo.car())
    run = threadbot(tmp_path, "import", "repo.car")
    assert run.returncode == 2 and run.stderr.count("\n") == 1, run.stderr
    assert "incomplete" in run.stderr
    assert "the 150 posts before it are in the archive" in run.stderr
    db = tmp_path / "archive.db"
    assert rows(db, "select count(*) from posts") == [(150,)]
    assert_consistent(db)


# --- the bulk store path -------------------------------------------------------------------


def _stable(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """The archive's rows without the times of the saves (which differ between two runs)."""
    return {
        "threads": rows(
            db,
            "select root_post_id, title, url, post_count, gap_count, link_count, "
            "first_post_at, last_post_at from threads order by root_post_id",
        ),
        "posts": rows(
            db,
            "select p.id, t.root_post_id, p.position, p.status, p.cid, p.text, p.raw, "
            "p.deleted_at is not null from posts p join threads t on t.id = p.thread_id "
            "order by p.id",
        ),
        "links": rows(db, "select post_id, position, url, display_text, status from links"),
        "versions": rows(db, "select post_id, cid, text from post_versions order by post_id"),
        "search": rows(
            db,
            "select p.id from posts_fts join posts p on p.rowid = posts_fts.rowid "
            "where posts_fts match 'ruled OR corrected' order by p.id",
        ),
    }


def test_a_batch_writes_the_rows_save_thread_writes_edits_and_deletions_included(
    tmp_path: Path,
) -> None:
    from factories import chain_thread, sample_thread

    from bot.store import Store
    from bot.store.bulk import save_thread_batch
    from bot.store.threads import save_thread

    first = [sample_thread(6), chain_thread("q", [("One post only, the judge ruled.", [])])]
    edited = sample_thread(6, edit={2: "Corrected: the judge ruled on both motions."})
    # post 5 is gone (the platform shows a gap in its place), post 6 is not in this copy
    edited.posts = [*edited.posts[:4], replace(edited.posts[4], status="not_found", text="")]
    second = [edited, first[1]]

    one, batch = Store(tmp_path / "one.db"), Store(tmp_path / "batch.db")
    for threads in (first, second):
        for thread in threads:
            save_thread(one, thread)
        saved = save_thread_batch(batch, threads)
        assert [s.root_id for s in saved] == [t.root_id for t in threads]
    one.close()
    batch.close()
    assert _stable(tmp_path / "batch.db") == _stable(tmp_path / "one.db")
    versions = _stable(tmp_path / "batch.db")["versions"]
    assert [v[2] for v in versions] == [
        "Post 2: the judge ruled on the motion. courtlistener.com/docket/2…"
    ]
    statuses = [p[3] for p in _stable(tmp_path / "batch.db")["posts"]]
    assert statuses.count("deleted") == 1 and statuses.count("ok") == 6
    assert_consistent(tmp_path / "batch.db")
