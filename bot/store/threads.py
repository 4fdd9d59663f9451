"""Threads and posts: save a thread in one transaction, read back what was archived.

A thread is saved whole or not at all. Saving the same thread twice changes nothing; a post
whose content changed keeps its old version in post_versions; a post that disappeared keeps
its text and gets status "deleted".
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bot.models import Account, Post, Thread
from bot.store.db import Store
from bot.store.post_rows import ROWS_PER_STATEMENT, insert_rows, post_row, save_images, save_links
from bot.timestamps import utc_now

TITLE_LENGTH = 120
IN_CHUNK = 500  # ids per "where id in (…)"; far below SQLite's variable limit


@dataclass(frozen=True)
class SavedThread:
    id: int
    root_id: str
    author_handle: str
    post_count: int
    link_count: int
    gap_count: int
    new_posts: int


def known_posts(store: Store, root_id: str) -> list[Post]:
    """The posts archived earlier for the thread rooted at `root_id` (structure only)."""
    if not store.exists:
        return []
    rows = store.conn.execute(
        """
        select p.id, p.platform, p.author_id, p.status, p.url, p.created_at,
               p.reply_parent_id, p.reply_root_id
        from posts p join threads t on t.id = p.thread_id
        where t.root_post_id = ?
        """,
        [root_id],
    ).fetchall()
    return [
        Post(
            id=r[0],
            platform=r[1],
            author_id=r[2],
            status=r[3],
            url=r[4] or "",
            created_at=r[5],
            reply_parent_id=r[6],
            reply_root_id=r[7],
        )
        for r in rows
    ]


def save_thread(store: Store, thread: Thread) -> SavedThread:
    """Insert or update one thread and everything in it, atomically.

    Idempotent: saving the same thread twice changes nothing. A post whose content
    changed keeps its old version in post_versions; a post that disappeared keeps its
    text and gets status "deleted" and deleted_at.
    """
    with store.transaction() as conn:
        (saved,) = save_threads_in(conn, [thread], utc_now())
    return saved


def save_threads_in(
    conn: sqlite3.Connection,
    threads: Sequence[Thread],
    now: str,
    rows_per_statement: int = ROWS_PER_STATEMENT,
) -> list[SavedThread]:
    """The rows of many threads, inside the caller's transaction (a statement per
    `rows_per_statement` rows, whatever the number of threads), with `save_thread`'s
    semantics for each. Threads with the same root: the last one wins."""
    if not threads:
        return []
    existing = _archived(conn, [p.id for thread in threads for p in thread.posts])
    fresh = _fresh_counts(threads, existing)
    _save_accounts(conn, threads, now)
    rows = _save_thread_rows(conn, threads, fresh, now, rows_per_statement)
    thread_ids = [rows[t.root_id][0] for t in threads]
    new_posts = _save_posts(conn, threads, thread_ids, existing, now, rows_per_statement)
    # a thread new in this batch has the counts it was inserted with; the others' counts
    # come from the archive, which may hold posts this copy of the thread does not
    counts = {
        thread_id: (*fresh[root], handle)
        for root, (thread_id, inserted, handle) in rows.items()
        if inserted and root in fresh
    }
    counts.update(_update_counts(conn, sorted({i for i in thread_ids if i not in counts})))
    saved = []
    for thread, thread_id, new in zip(threads, thread_ids, new_posts, strict=True):
        posts, gaps, links, handle = counts[thread_id]
        saved.append(
            SavedThread(
                id=thread_id,
                root_id=thread.root_id,
                author_handle=handle or thread.author_id,
                post_count=posts,
                gap_count=gaps,
                link_count=links,
                new_posts=new,
            )
        )
    return saved


def _fresh_counts(
    threads: Sequence[Thread], existing: dict[str, _Archived]
) -> dict[str, tuple[int, int, int]]:
    """(posts, gaps, links) by root id of each thread none of whose posts the archive holds
    or another thread of the batch claims: all its rows are about to be written."""
    ids = [p.id for thread in threads for p in thread.posts]
    taken = set(existing)
    if len(set(ids)) != len(ids):  # a post in two threads: neither is counted here
        taken.update(i for i, n in Counter(ids).items() if n > 1)
    fresh: dict[str, tuple[int, int, int]] = {}
    for thread in threads:
        posts = thread.posts
        if taken and not taken.isdisjoint([p.id for p in posts]):
            continue
        ok = links = 0
        for post in posts:
            if post.status == "ok":
                ok += 1
                links += len(post.links)
        fresh[thread.root_id] = (ok, len(posts) - ok, links)
    return fresh


def _update_counts(
    conn: sqlite3.Connection, thread_ids: list[int]
) -> dict[int, tuple[int, int, int, str | None]]:
    """The counts shown beside each thread in Datasette, kept with the thread row:
    (posts, gaps, links, the author's handle) by thread id."""
    out: dict[int, tuple[int, int, int, str | None]] = {}
    for i in range(0, len(thread_ids), IN_CHUNK):
        chunk = thread_ids[i : i + IN_CHUNK]
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(
            f"""
            with c as (
              select p.thread_id as t,
                     count(*) filter (where p.status = 'ok') as ok,
                     count(*) filter (where p.status != 'ok') as gaps,
                     sum((select count(*) from links l where l.post_id = p.id)) as links
              from posts p where p.thread_id in ({marks}) group by p.thread_id
            )
            update threads set
              post_count = c.ok, gap_count = c.gaps, link_count = c.links
            from c
            where threads.id = c.t
            returning id, post_count, gap_count, link_count,
                      (select handle from accounts where accounts.id = threads.author_id)
            """,
            chunk,
        )
        for row in rows:
            out[row[0]] = (row[1], row[2], row[3], row[4])
    return out


def _save_accounts(conn: sqlite3.Connection, threads: Sequence[Thread], now: str) -> None:
    accounts: dict[str, Account] = {}
    for thread in threads:
        for post in thread.posts:
            if post.author is not None:
                accounts[post.author.id] = post.author
        if thread.author_id not in accounts:
            accounts[thread.author_id] = Account(
                id=thread.author_id, platform=thread.platform, handle=""
            )
    conn.executemany(
        """
        insert into accounts (id, platform, handle, display_name, avatar_url,
                              first_seen_at, updated_at)
        values (?, ?, ?, ?, ?, ?, ?)
        on conflict (id) do update set
          handle = excluded.handle, display_name = excluded.display_name,
          avatar_url = excluded.avatar_url, updated_at = excluded.updated_at
        where excluded.handle != '' and (accounts.handle, accounts.display_name,
              accounts.avatar_url) is not (excluded.handle, excluded.display_name,
              excluded.avatar_url)
        """,
        [
            (a.id, a.platform, a.handle, a.display_name, a.avatar_url, now, now)
            for a in accounts.values()
        ],
    )


def _save_thread_rows(
    conn: sqlite3.Connection,
    threads: Sequence[Thread],
    fresh: dict[str, tuple[int, int, int]],
    now: str,
    per: int,
) -> dict[str, tuple[int, bool, str | None]]:
    """Each thread's row inserted or updated: (id, inserted now, the author's handle) by
    root id. A fresh thread (see `_fresh_counts`) is inserted with its counts."""
    rows: dict[str, tuple[int, bool, str | None]] = {}
    for i in range(0, len(threads), per):
        chunk = threads[i : i + per]
        values = ",".join(["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"] * len(chunk))
        found = conn.execute(
            f"""
            insert into threads (platform, root_post_id, author_id, title, url, post_count,
                                 gap_count, link_count, first_post_at, last_post_at,
                                 archived_at, updated_at)
            values {values}
            on conflict (root_post_id) do update set
              title = excluded.title, url = excluded.url,
              first_post_at = excluded.first_post_at, last_post_at = excluded.last_post_at,
              updated_at = excluded.updated_at
            returning root_post_id, id, archived_at,
                      (select handle from accounts where accounts.id = threads.author_id)
            """,
            [
                v
                for thread in chunk
                for v in _thread_row(thread, fresh.get(thread.root_id, (0, 0, 0)), now)
            ],
        )
        rows.update((r[0], (int(r[1]), r[2] == now, r[3])) for r in found)
    return rows


def _thread_row(thread: Thread, counts: tuple[int, int, int], now: str) -> tuple[object, ...]:
    posts = thread.posts
    if len(posts) == 1:  # most threads of an export: one post
        times = [posts[0].created_at] if posts[0].status == "ok" and posts[0].created_at else []
    else:
        times = [p.created_at for p in posts if p.status == "ok" and p.created_at]
    return (
        thread.platform,
        thread.root_id,
        thread.author_id,
        _title(thread),
        thread.posts[0].url if thread.posts else "",
        *counts,
        min(times) if times else None,
        max(times) if times else None,
        now,
        now,
    )


def _title(thread: Thread) -> str:
    """The first line of the first post we hold the text of, cut to TITLE_LENGTH."""
    text = next((p.text for p in thread.posts if p.status == "ok"), "")
    line = (text.strip().splitlines() or [""])[0]
    if len(line) > TITLE_LENGTH:
        line = line[: TITLE_LENGTH - 1].rstrip() + "…"
    return line


@dataclass(frozen=True)
class _Archived:
    """What the archive holds of a post, to tell a new version from the same one."""

    cid: str
    status: str
    text: str


def _edited(before: _Archived, post: Post) -> bool:
    """Whether `post` is another version of the post archived as `before`: its CID differs
    (Bluesky), or, for a platform without content ids (X), its text."""
    if before.cid or post.cid:
        return before.cid != post.cid
    return before.text != post.text


def _held(before: _Archived) -> bool:
    """Whether the archive holds the post's content (not only a gap in its place)."""
    return before.status in ("ok", "deleted") and bool(before.cid or before.text)


def _archived(conn: sqlite3.Connection, ids: list[str]) -> dict[str, _Archived]:
    found: dict[str, _Archived] = {}
    for i in range(0, len(ids), IN_CHUNK):
        chunk = ids[i : i + IN_CHUNK]
        marks = ",".join("?" * len(chunk))
        for row in conn.execute(
            f"select id, cid, status, text from posts where id in ({marks})", chunk
        ):
            found[row[0]] = _Archived(row[1] or "", row[2], row[3] or "")
    return found


def _save_posts(
    conn: sqlite3.Connection,
    threads: Sequence[Thread],
    thread_ids: list[int],
    existing: dict[str, _Archived],
    now: str,
    per: int,
) -> list[int]:
    """Every post of `threads` inserted, updated or marked gone (`existing`: what the
    archive held of them); the number of posts each thread has that it did not hold."""
    upserts, gone, versions, changed = [], [], [], []
    new_posts = []
    for thread, thread_id in zip(threads, thread_ids, strict=True):
        new = 0
        for position, post in enumerate(thread.posts, start=1):
            before = existing.get(post.id)
            new += before is None
            if post.status == "ok":
                if before is None or _edited(before, post):
                    changed.append(post)
                    if before is not None and _held(before):
                        versions.append((now, post.id))
                upserts.append(post_row(post, thread_id, position, now))
            elif before is not None and _held(before):
                # we had the text: keep it, note that the post is gone
                gone.append((position, thread_id, now, now, post.id, position))
            else:
                upserts.append(post_row(post, thread_id, position, now))
        new_posts.append(new)

    conn.executemany(
        """
        insert into post_versions (post_id, cid, text, raw, replaced_at)
        select id, cid, text, raw, ? from posts where id = ?
        """,
        versions,
    )
    insert_rows(
        conn,
        """
        insert into posts (id, platform, thread_id, position, author_id, status, cid, url,
                           text, created_at, reply_parent_id, reply_root_id, quote_id,
                           langs, archived_at, updated_at, deleted_at, raw)
        """,
        # raw: JSON as UTF-8 bytes, stored as text
        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, null, cast(? as text))",
        """
        on conflict (id) do update set
          thread_id = excluded.thread_id, position = excluded.position,
          status = excluded.status, cid = excluded.cid, url = excluded.url,
          text = excluded.text, created_at = excluded.created_at,
          reply_parent_id = excluded.reply_parent_id,
          reply_root_id = excluded.reply_root_id, quote_id = excluded.quote_id,
          langs = excluded.langs, raw = excluded.raw,
          updated_at = excluded.updated_at, deleted_at = null
        where (posts.thread_id, posts.position, posts.status, posts.cid, posts.url,
               posts.text)
              is not (excluded.thread_id, excluded.position, excluded.status,
                      excluded.cid, excluded.url, excluded.text)
        """,
        upserts,
        per,
    )
    conn.executemany(
        """
        update posts set status = 'deleted', position = ?, thread_id = ?,
               deleted_at = coalesce(deleted_at, ?), updated_at = ?
        where id = ? and (status != 'deleted' or position is not ?)
        """,
        gone,
    )
    # Only a post saved before has links or images to take away. An edit that removed
    # links: the old ones live on in post_versions.raw.
    edited = [p for p in changed if p.id in existing]
    conn.executemany(
        "delete from links where post_id = ? and position > ?",
        [(p.id, len(p.links)) for p in edited],
    )
    conn.executemany("delete from images where post_id = ?", [(p.id,) for p in edited])
    # the same post twice in one batch (two threads claiming it): its links once
    changed = list({p.id: p for p in changed}.values())
    save_links(conn, changed, now, per)
    save_images(conn, changed, per)
    return new_posts
