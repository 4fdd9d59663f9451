"""What the daemon remembers between polls and restarts: watched feeds, scored threads,
archive requests and their replies, and each job's runs."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.store import Store
from bot.timestamps import utc_now


@dataclass(frozen=True)
class WatchState:
    newest_seen_at: str | None


def watch_state(store: Store, did: str) -> WatchState:
    row = store.conn.execute(
        "select newest_seen_at from watched_accounts where id = ?", [did]
    ).fetchone()
    return WatchState(newest_seen_at=row[0] if row else None)


def save_watch_state(
    store: Store, did: str, handle: str, newest_seen_at: str | None, error: str | None = None
) -> None:
    with store.transaction() as conn:
        conn.execute(
            """
            insert into watched_accounts (id, handle, newest_seen_at, last_polled_at, error)
            values (?, ?, ?, ?, ?)
            on conflict (id) do update set handle = excluded.handle,
              newest_seen_at = coalesce(excluded.newest_seen_at, newest_seen_at),
              last_polled_at = excluded.last_polled_at, error = excluded.error
            """,
            [did, handle, newest_seen_at, utc_now(), error],
        )


@dataclass(frozen=True)
class Candidate:
    decision: str  # archive | skip
    last_post_at: str | None


def candidate(store: Store, root_id: str) -> Candidate | None:
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


def young_threads(store: Store, since: str) -> list[tuple[str, str, str]]:
    """Archived threads whose last post is newer than `since`:
    (root post id, last archived, last post)."""
    return store.conn.execute(
        "select root_post_id, updated_at, last_post_at from threads where last_post_at >= ? "
        "order by last_post_at desc",
        [since],
    ).fetchall()


# --- requests ------------------------------------------------------------------------


def add_request(store: Store, **values: Any) -> int | None:
    """Record a request once; None if the mention was recorded before (never twice)."""
    now = utc_now()
    values = {**values, "created_at": now, "updated_at": now}
    columns = ", ".join(values)
    marks = ", ".join("?" * len(values))
    with store.transaction() as conn:
        cursor = conn.execute(
            f"insert into requests ({columns}) values ({marks}) "
            "on conflict (mention_post_id) do nothing",
            list(values.values()),
        )
        return int(cursor.lastrowid) if cursor.rowcount else None


def update_request(store: Store, request_id: int, **values: Any) -> None:
    sets = ", ".join(f"{k} = ?" for k in values)
    with store.transaction() as conn:
        conn.execute(
            f"update requests set {sets}, updated_at = ? where id = ?",
            [*values.values(), utc_now(), request_id],
        )


def requests_since(store: Store, requester_id: str, since: str, before_id: int) -> int:
    """Archive requests this person made since `since`, before this one (per-hour limit)."""
    return store.conn.execute(
        "select count(*) from requests where requester_id = ? and created_at >= ? "
        "and command = 'archive' and id < ? and status != 'ignored'",
        [requester_id, since, before_id],
    ).fetchone()[0]


def opted_out_by_request(store: Store, did: str) -> bool:
    """The author's own latest optout/optin mention decides."""
    row = store.conn.execute(
        "select command from requests where requester_id = ? and command in ('optout', 'optin') "
        "order by id desc limit 1",
        [did],
    ).fetchone()
    return bool(row and row[0] == "optout")


def unanswered_requests(store: Store) -> list[dict[str, Any]]:
    """Requests not answered yet: new ones, and any a stopped daemon left half done."""
    cursor = store.conn.execute(
        "select * from requests where status in ('received', 'archived', 'replying') order by id"
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


# --- job runs ------------------------------------------------------------------------


def record_job_run(
    store: Store,
    job: str,
    started_at: str,
    duration: float,
    status: str,
    summary: str,
    error: str | None,
) -> None:
    with store.transaction() as conn:
        conn.execute(
            "insert into job_runs (job, started_at, finished_at, duration, status, summary, error)"
            " values (?, ?, ?, ?, ?, ?, ?)",
            [job, started_at, utc_now(), round(duration, 3), status, summary, error],
        )
