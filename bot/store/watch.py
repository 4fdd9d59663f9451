"""What the watch job remembers: each watched account's feed position, each thread it
scored, and the cursors jobs read platforms with."""

from __future__ import annotations

import json
from dataclasses import dataclass

from bot.store.db import Store
from bot.timestamps import utc_now


@dataclass(frozen=True)
class WatchState:
    newest_seen_at: str | None


def watch_state(store: Store, account_id: str) -> WatchState:
    if not store.exists:
        return WatchState(None)
    row = store.conn.execute(
        "select newest_seen_at from watched_accounts where id = ?", [account_id]
    ).fetchone()
    return WatchState(newest_seen_at=row[0] if row else None)


def save_watch_state(
    store: Store,
    platform: str,
    account_id: str,
    handle: str,
    newest_seen_at: str | None,
    error: str | None = None,
) -> None:
    with store.transaction() as conn:
        conn.execute(
            """
            insert into watched_accounts (id, platform, handle, newest_seen_at, last_polled_at,
                                          error)
            values (?, ?, ?, ?, ?, ?)
            on conflict (id) do update set handle = excluded.handle,
              platform = excluded.platform,
              newest_seen_at = coalesce(excluded.newest_seen_at, newest_seen_at),
              last_polled_at = excluded.last_polled_at, error = excluded.error
            """,
            [account_id, platform, handle, newest_seen_at, utc_now(), error],
        )


@dataclass(frozen=True)
class Candidate:
    decision: str  # archive | skip
    last_post_at: str | None


def candidate(store: Store, root_id: str) -> Candidate | None:
    if not store.exists:
        return None
    row = store.conn.execute(
        "select decision, last_post_at from candidates where root_post_id = ?", [root_id]
    ).fetchone()
    return Candidate(row[0], row[1]) if row else None


def save_candidate(
    store: Store,
    root_id: str,
    author_id: str,
    score: float,
    reasons: tuple[str, ...],
    decision: str,
    last_post_at: str | None,
    thread_id: int | None,
) -> None:
    with store.transaction() as conn:
        conn.execute(
            """
            insert into candidates (root_post_id, author_id, score, reasons, decision,
                                    decided_at, last_post_at, thread_id)
            values (?, ?, ?, ?, ?, ?, ?, ?)
            on conflict (root_post_id) do update set score = excluded.score,
              reasons = excluded.reasons, decision = excluded.decision,
              decided_at = excluded.decided_at, last_post_at = excluded.last_post_at,
              thread_id = coalesce(excluded.thread_id, thread_id)
            """,
            [
                root_id,
                author_id,
                score,
                json.dumps(list(reasons)),
                decision,
                utc_now(),
                last_post_at,
                thread_id,
            ],
        )


@dataclass(frozen=True)
class YoungThread:
    root_post_id: str
    platform: str
    author_id: str
    author_handle: str
    updated_at: str | None
    last_post_at: str | None


def young_threads(store: Store, since: str) -> list[YoungThread]:
    """Archived threads whose last post is newer than `since`, newest first."""
    if not store.exists:
        return []
    rows = store.conn.execute(
        """
        select t.root_post_id, t.platform, t.author_id, coalesce(a.handle, ''), t.updated_at,
               t.last_post_at
        from threads t left join accounts a on a.id = t.author_id
        where t.last_post_at >= ? order by t.last_post_at desc
        """,
        [since],
    ).fetchall()
    return [YoungThread(*row) for row in rows]


def cursor(store: Store, name: str) -> str | None:
    """A saved position in a platform's stream ("mentions:bluesky")."""
    if not store.exists:
        return None
    row = store.conn.execute("select value from cursors where name = ?", [name]).fetchone()
    return row[0] if row else None


def save_cursor(store: Store, name: str, value: str | None) -> None:
    with store.transaction() as conn:
        conn.execute(
            "insert into cursors (name, value, updated_at) values (?, ?, ?) "
            "on conflict (name) do update set value = excluded.value, "
            "updated_at = excluded.updated_at",
            [name, value, utc_now()],
        )
