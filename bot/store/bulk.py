"""Large imports (years of posts from an export): many threads per transaction, the posts'
full-text index written once per batch instead of row by row.

    for threads in batches:
        save_thread_batch(store, threads)   # one transaction; rows as save_thread writes them

The rows are `save_thread`'s, by the same code (`save_threads_in`): idempotent, edits kept in
post_versions, gaps marked. What differs is the FTS index: the insert trigger on `posts` is
dropped inside the batch's transaction, and the batch's new rows go into `posts_fts` with one
INSERT … SELECT before the trigger is put back, still inside that transaction. FTS5 writes an
index segment per statement, so that is one segment per batch rather than one per few
hundred rows, and fewer segments to merge later. SQLite's schema changes are transactional:
a process killed at any moment leaves the trigger, the posts and their index as they were
before the batch or as they are after it, never in between.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from bot.models import Thread
from bot.store.db import Store
from bot.store.threads import SavedThread, save_threads_in
from bot.timestamps import utc_now

INSERT_TRIGGER = "posts_ai"
# Without the FTS trigger, statements of a hundred rows are faster than of five hundred
# (measured: a third less time for posts); with it, fewer statements mean fewer segments.
ROWS_PER_STATEMENT = 100
# New rows get max(rowid) + 1 until rowids run out; past this, SQLite picks them at random
# and "rowid > the largest before" would miss some: the trigger then stays.
ROWID_CEILING = 1 << 62


# An import writes each page of the posts' indexes once or twice, then moves on: the 64 MiB
# page cache the store keeps for saving threads all over the file gains it nothing
# (measured: the same time within noise) and costs ~60 MiB of memory more.
IMPORT_CACHE_KIB = 16 * 1024


@contextmanager
def import_cache(store: Store) -> Iterator[None]:
    """A smaller page cache while an import runs, the usual one after."""
    conn = store.conn
    before = conn.execute("pragma cache_size").fetchone()[0]
    conn.execute(f"pragma cache_size = -{IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        conn.execute(f"pragma cache_size = {int(before)}")


def save_thread_batch(store: Store, threads: Sequence[Thread]) -> list[SavedThread]:
    """Save `threads` in one transaction, as `save_thread` would save each of them."""
    with store.transaction() as conn, posts_indexed_in_bulk(conn):
        return save_threads_in(conn, threads, utc_now(), ROWS_PER_STATEMENT)


@contextmanager
def posts_indexed_in_bulk(conn: sqlite3.Connection) -> Iterator[None]:
    """Inside a transaction: posts inserted in the block reach `posts_fts` in one statement
    at its end, instead of one trigger run per row. Updates and deletes keep their
    triggers. An exception leaves the transaction for the caller to roll back."""
    row = conn.execute(
        "select sql from sqlite_master where type = 'trigger' and name = ?", [INSERT_TRIGGER]
    ).fetchone()
    last = conn.execute("select coalesce(max(rowid), 0) from posts").fetchone()[0]
    if row is None or last >= ROWID_CEILING:
        yield
        return
    conn.execute(f"drop trigger [{INSERT_TRIGGER}]")
    yield
    conn.execute(
        "insert into posts_fts (rowid, text) select rowid, text from posts where rowid > ?",
        [last],
    )
    conn.execute(row[0])
