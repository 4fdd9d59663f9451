"""Archive requests (mentions of the bot) and their replies.

A mention becomes one row before anything else happens, and is never taken twice. A worker
claims a row with a conditional update before it works on it, so two processes never answer
the same request; a claim expires, so a process that died does not hold a request forever.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.store.db import Store
from bot.timestamps import from_now, utc_now

# Requests still to be answered: new, archived but not replied to, reply being posted.
OPEN_STATUSES = ("received", "archived", "replying")


def add_request(store: Store, **values: Any) -> int | None:
    """Record a request once; None if the mention was recorded before (never twice)."""
    now = utc_now()
    values = {**values, "created_at": now, "updated_at": now, "attempts": 0}
    columns = ", ".join(values)
    marks = ", ".join("?" * len(values))
    with store.transaction() as conn:
        cursor = conn.execute(
            f"insert into requests ({columns}) values ({marks}) "
            "on conflict (mention_post_id) do nothing",
            list(values.values()),
        )
        return int(cursor.lastrowid) if cursor.rowcount and cursor.lastrowid else None


def update_request(store: Store, request_id: int, **values: Any) -> None:
    sets = ", ".join(f"{k} = ?" for k in values)
    with store.transaction() as conn:
        conn.execute(
            f"update requests set {sets}, updated_at = ? where id = ?",
            [*values.values(), utc_now(), request_id],
        )


def claim_request(store: Store, request_id: int, worker: str, lease: timedelta) -> bool:
    """Take the request for `worker` unless another worker holds an unexpired claim on it or
    it was answered meanwhile; True if it is now ours."""
    now = utc_now()
    with store.transaction() as conn:
        cursor = conn.execute(
            f"""
            update requests set claimed_by = ?, claimed_until = ?, updated_at = ?
            where id = ? and status in ({",".join("?" * len(OPEN_STATUSES))})
              and (claimed_until is null or claimed_until < ? or claimed_by = ?)
            """,
            [worker, from_now(lease), now, request_id, *OPEN_STATUSES, now, worker],
        )
        return cursor.rowcount == 1


def claimants(store: Store) -> set[str]:
    """Workers holding an unexpired claim on an open request."""
    if not store.exists:
        return set()
    rows = store.conn.execute(
        f"""
        select distinct claimed_by from requests
        where claimed_by is not null and claimed_until >= ?
          and status in ({",".join("?" * len(OPEN_STATUSES))})
        """,
        [utc_now(), *OPEN_STATUSES],
    ).fetchall()
    return {str(row[0]) for row in rows}


def drop_claims(store: Store, worker: str) -> None:
    """Free every request a worker that is gone held (it died mid-request)."""
    with store.transaction() as conn:
        conn.execute(
            "update requests set claimed_by = null, claimed_until = null where claimed_by = ?",
            [worker],
        )


def release_request(store: Store, request_id: int, **values: Any) -> None:
    """Save what became of a claimed request and let go of it."""
    update_request(store, request_id, claimed_by=None, claimed_until=None, **values)


def requests_since(store: Store, requester_id: str, since: str, before_id: int) -> int:
    """Archive requests this person made since `since`, before this one (per-hour limit)."""
    row = store.conn.execute(
        "select count(*) from requests where requester_id = ? and created_at >= ? "
        "and command = 'archive' and id < ? and status != 'ignored'",
        [requester_id, since, before_id],
    ).fetchone()
    return int(row[0])


def opted_out_by_request(store: Store, account_id: str) -> bool:
    """The author's own latest optout/optin mention decides."""
    if not store.exists:
        return False
    row = store.conn.execute(
        "select command from requests where requester_id = ? and command in ('optout', 'optin') "
        "and status != 'ignored' order by id desc limit 1",
        [account_id],
    ).fetchone()
    return bool(row and row[0] == "optout")


def unanswered_requests(store: Store, platform: str) -> list[dict[str, Any]]:
    """Requests not answered yet whose time has come: new ones, ones a failure put back in
    the queue, and any a stopped daemon left half done."""
    if not store.exists:
        return []
    cursor = store.conn.execute(
        f"""
        select * from requests
        where platform = ? and status in ({",".join("?" * len(OPEN_STATUSES))})
          and (next_attempt_at is null or next_attempt_at <= ?)
        order by id
        """,
        [platform, *OPEN_STATUSES, utc_now()],
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
