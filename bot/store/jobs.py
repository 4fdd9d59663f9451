"""Each job's runs, and the items a job failed on (an account, a thread), each on its own
row with its attempts and the time of its next attempt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.store.db import Store
from bot.timestamps import from_now, utc_now


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


@dataclass(frozen=True)
class ItemFailure:
    attempts: int
    error: str
    next_attempt_at: str | None  # None: given up on
    first_failed_at: str | None = None


def item_failure(store: Store, job: str, item: str) -> ItemFailure | None:
    if not store.exists:
        return None
    row = store.conn.execute(
        "select attempts, error, next_attempt_at, first_failed_at from item_failures "
        "where job = ? and item = ?",
        [job, item],
    ).fetchone()
    return ItemFailure(*row) if row else None


def item_due(store: Store, job: str, item: str) -> bool:
    """Whether the job should try this item now: it never failed, or its next attempt is due."""
    failure = item_failure(store, job, item)
    if failure is None:
        return True
    return failure.next_attempt_at is not None and failure.next_attempt_at <= utc_now()


def record_item_failure(
    store: Store, job: str, item: str, error: str, backoff: list[timedelta]
) -> ItemFailure:
    """One more failure of `item`: the next attempt waits backoff[attempts - 1]; once every
    step of `backoff` is used the item is given up on (next_attempt_at NULL)."""
    before = item_failure(store, job, item)
    attempts = (before.attempts if before else 0) + 1
    next_at = from_now(backoff[attempts - 1]) if attempts <= len(backoff) else None
    now = utc_now()
    with store.transaction() as conn:
        conn.execute(
            """
            insert into item_failures (job, item, attempts, error, next_attempt_at,
                                       first_failed_at, last_failed_at)
            values (?, ?, ?, ?, ?, ?, ?)
            on conflict (job, item) do update set attempts = excluded.attempts,
              error = excluded.error, next_attempt_at = excluded.next_attempt_at,
              last_failed_at = excluded.last_failed_at
            """,
            [job, item, attempts, error, next_at, now, now],
        )
    return ItemFailure(attempts, error, next_at, before.first_failed_at if before else now)


def clear_item_failure(store: Store, job: str, item: str) -> None:
    if item_failure(store, job, item) is None:
        return
    with store.transaction() as conn:
        conn.execute("delete from item_failures where job = ? and item = ?", [job, item])
