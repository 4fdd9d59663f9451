"""Threads and posts: save a thread in one transaction, read back what was archived.

A thread is saved whole or not at all. Saving the same thread twice changes nothing; a post
whose content changed keeps its old version in post_versions; a post that disappeared keeps
its text and gets status "deleted".
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, replace

import orjson

from bot.models import Account, Post, Thread
from bot.store.db import Store
from bot.timestamps import utc_now

TITLE_LENGTH = 120
IN_CHUNK = 500  # ids per "where id in (…)"; far below SQLite's variable limit
ROWS_PER_STATEMENT = 500  # rows per multi-row INSERT (x 17 variables, below the limit)


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
    now = utc_now()
    thread = _with_versions(thread)
    with store.transaction() as conn:
        _save_accounts(conn, thread, now)
        thread_id = _save_thread_row(conn, thread, now)
        new_posts = _save_posts(conn, thread, thread_id, now)
        # the counts shown beside each thread in Datasette, kept with the thread row
        counts = conn.execute(
            """
            with c as (
              select count(*) filter (where p.status = 'ok') as ok,
                     count(*) filter (where p.status != 'ok') as gaps,
                     (select count(*) from links l join posts p2 on p2.id = l.post_id
                      where p2.thread_id = :t) as links
              from posts p where p.thread_id = :t
            )
            update threads set
              post_count = c.ok, gap_count = c.gaps, link_count = c.links
            from c
            where id = :t
            returning post_count, gap_count, link_count,
                      (select handle from accounts where id = :a)
            """,
            {"t": thread_id, "a": thread.author_id},
        ).fetchone()
    return SavedThread(
        id=thread_id,
        root_id=thread.root_id,
        author_handle=counts[3] or thread.author_id,
        post_count=counts[0],
        gap_count=counts[1],
        link_count=counts[2],
        new_posts=new_posts,
    )


def _save_accounts(conn: sqlite3.Connection, thread: Thread, now: str) -> None:
    accounts = {p.author.id: p.author for p in thread.posts if p.author is not None}
    if thread.author_id not in accounts:
        accounts.setdefault(
            thread.author_id, Account(id=thread.author_id, platform=thread.platform, handle="")
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


def _save_thread_row(conn: sqlite3.Connection, thread: Thread, now: str) -> int:
    present = thread.present_posts
    title_post = next((p for p in thread.posts if p.status == "ok"), None)
    title = (title_post.text.strip().splitlines() or [""])[0] if title_post else ""
    if len(title) > TITLE_LENGTH:
        title = title[: TITLE_LENGTH - 1].rstrip() + "…"
    times = [p.created_at for p in present if p.created_at]
    row = conn.execute(
        """
        insert into threads (platform, root_post_id, author_id, title, url, post_count,
                             link_count, gap_count, first_post_at, last_post_at,
                             archived_at, updated_at)
        values (?, ?, ?, ?, ?, 0, 0, 0, ?, ?, ?, ?)
        on conflict (root_post_id) do update set
          title = excluded.title, url = excluded.url,
          first_post_at = excluded.first_post_at, last_post_at = excluded.last_post_at,
          updated_at = excluded.updated_at
        returning id
        """,
        [
            thread.platform,
            thread.root_id,
            thread.author_id,
            title,
            thread.posts[0].url if thread.posts else "",
            min(times) if times else None,
            max(times) if times else None,
            now,
            now,
        ],
    ).fetchone()
    return int(row[0])


def _save_posts(conn: sqlite3.Connection, thread: Thread, thread_id: int, now: str) -> int:
    ids = [p.id for p in thread.posts]
    existing: dict[str, tuple[str, str]] = {}
    for i in range(0, len(ids), IN_CHUNK):
        chunk = ids[i : i + IN_CHUNK]
        marks = ",".join("?" * len(chunk))
        for row in conn.execute(f"select id, cid, status from posts where id in ({marks})", chunk):
            existing[row[0]] = (row[1], row[2])

    upserts, gone, versions = [], [], []
    for position, post in enumerate(thread.posts, start=1):
        before = existing.get(post.id)
        if post.status == "ok":
            if before and before[0] and before[0] != post.cid:
                versions.append((post.id, now))
            upserts.append(_post_row(post, thread_id, position, now))
        elif before and before[1] in ("ok", "deleted"):
            # we had the text: keep it, note that the post is gone
            gone.append((position, thread_id, now, now, post.id))
        else:
            upserts.append(_post_row(post, thread_id, position, now))

    conn.executemany(
        """
        insert into post_versions (post_id, cid, text, raw, replaced_at)
        select id, cid, text, raw, ? from posts where id = ?
        """,
        [(at, post_id) for post_id, at in versions],
    )
    _insert_rows(
        conn,
        """
        insert into posts (id, platform, thread_id, position, author_id, status, cid, url,
                           text, created_at, reply_parent_id, reply_root_id, quote_id,
                           langs, archived_at, updated_at, deleted_at, raw)
        """,
        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, null, ?)",
        """
        on conflict (id) do update set
          thread_id = excluded.thread_id, position = excluded.position,
          status = excluded.status, cid = excluded.cid, url = excluded.url,
          text = excluded.text, created_at = excluded.created_at,
          reply_parent_id = excluded.reply_parent_id,
          reply_root_id = excluded.reply_root_id, quote_id = excluded.quote_id,
          langs = excluded.langs, raw = excluded.raw,
          updated_at = excluded.updated_at, deleted_at = null
        where (posts.thread_id, posts.position, posts.status, posts.cid, posts.url)
              is not (excluded.thread_id, excluded.position, excluded.status,
                      excluded.cid, excluded.url)
        """,
        upserts,
    )
    conn.executemany(
        """
        update posts set status = 'deleted', position = ?, thread_id = ?,
               deleted_at = coalesce(deleted_at, ?), updated_at = ?
        where id = ? and (status != 'deleted' or position is not ?)
        """,
        [(*g, g[0]) for g in gone],
    )
    changed = [
        p for p in thread.posts if p.status == "ok" and existing.get(p.id, ("",))[0] != p.cid
    ]
    # Only a post saved before has links or images to take away. An edit that removed
    # links: the old ones live on in post_versions.raw.
    edited = [p for p in changed if p.id in existing]
    conn.executemany(
        "delete from links where post_id = ? and position > ?",
        [(p.id, len(p.links)) for p in edited],
    )
    conn.executemany("delete from images where post_id = ?", [(p.id,) for p in edited])
    _save_links(conn, changed, now)
    _save_images(conn, changed)
    return sum(1 for p in thread.posts if p.id not in existing)


def _save_links(conn: sqlite3.Connection, posts: list[Post], now: str) -> None:
    rows = []
    for post in posts:
        for position, link in enumerate(post.links, start=1):
            rows.append(
                (
                    post.id,
                    position,
                    link.origin,
                    link.display_text,
                    link.url,
                    link.byte_start,
                    link.byte_end,
                    link.title,
                    link.description,
                    now,
                    now,
                )
            )
    # A changed link URL starts its resolution over, with nothing of the old one (attempts,
    # document, docket); an unchanged one keeps it.
    _insert_rows(
        conn,
        """
        insert into links (post_id, position, origin, display_text, url, byte_start,
                           byte_end, title, description, status, archived_at, updated_at)
        """,
        "(?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)",
        """
        on conflict (post_id, position) do update set
          origin = excluded.origin, display_text = excluded.display_text,
          byte_start = excluded.byte_start, byte_end = excluded.byte_end,
          title = excluded.title, description = excluded.description,
          updated_at = excluded.updated_at,
          url = excluded.url,
          status = iif(links.url = excluded.url, links.status, 'pending'),
          resolved_url = iif(links.url = excluded.url, links.resolved_url, null),
          kind = iif(links.url = excluded.url, links.kind, null),
          error = iif(links.url = excluded.url, links.error, null),
          canonical_url = iif(links.url = excluded.url, links.canonical_url, null),
          redirects = iif(links.url = excluded.url, links.redirects, null),
          http_status = iif(links.url = excluded.url, links.http_status, null),
          content_type = iif(links.url = excluded.url, links.content_type, null),
          attempts = iif(links.url = excluded.url, links.attempts, null),
          next_attempt_at = iif(links.url = excluded.url, links.next_attempt_at, null),
          resolved_at = iif(links.url = excluded.url, links.resolved_at, null),
          document_id = iif(links.url = excluded.url, links.document_id, null),
          docket_id = iif(links.url = excluded.url, links.docket_id, null)
        """,
        rows,
    )


def _save_images(conn: sqlite3.Connection, posts: list[Post]) -> None:
    conn.executemany(
        """
        insert into images (post_id, position, url, thumb_url, alt, width, height)
        values (?, ?, ?, ?, ?, ?, ?)
        """,
        [
            (p.id, i, img.url, img.thumb_url, img.alt, img.width, img.height)
            for p in posts
            for i, img in enumerate(p.images, start=1)
        ],
    )


def _with_versions(thread: Thread) -> Thread:
    """Every post readable with a version id (`cid`): the platform's (Bluesky's content
    hash), or, where the platform gives none (X), a hash of what the post shows, so an edit
    is noticed and its earlier version kept all the same."""
    if all(p.cid or p.status != "ok" for p in thread.posts):
        return thread
    posts = [
        p if p.cid or p.status != "ok" else replace(p, cid=content_version(p)) for p in thread.posts
    ]
    return replace(thread, posts=posts)


def content_version(post: Post) -> str:
    shown = [
        post.text,
        post.quote_id or "",
        *(f"{link.url} {link.display_text or ''}" for link in post.links),
        *(f"{image.url} {image.alt}" for image in post.images),
    ]
    return "sha256:" + hashlib.sha256("\x00".join(shown).encode("utf-8")).hexdigest()[:32]


def _insert_rows(
    conn: sqlite3.Connection, head: str, row: str, tail: str, rows: Sequence[tuple[object, ...]]
) -> None:
    """INSERT many rows with one statement per chunk rather than one per row: FTS5 writes an
    index segment per statement, so this is what makes a large thread fast to save."""
    for i in range(0, len(rows), ROWS_PER_STATEMENT):
        chunk = rows[i : i + ROWS_PER_STATEMENT]
        values = ",".join([row] * len(chunk))
        conn.execute(f"{head} values {values} {tail}", [v for r in chunk for v in r])


def _post_row(post: Post, thread_id: int, position: int, now: str) -> tuple[object, ...]:
    return (
        post.id,
        post.platform,
        thread_id,
        position,
        post.author_id,
        post.status,
        post.cid,
        post.url,
        post.text,
        post.created_at,
        post.reply_parent_id,
        post.reply_root_id,
        post.quote_id,
        _json(list(post.langs)),
        now,
        now,
        _json(post.raw) if post.raw is not None else None,
    )


def _json(value: object) -> str:
    # orjson: with the stdlib, serializing the raw JSON was a third of the cost of a save.
    # It refuses integers beyond 64 bits, which a hostile record may carry: fall back.
    try:
        return orjson.dumps(value).decode()
    except orjson.JSONEncodeError:
        return json.dumps(value, ensure_ascii=False)
