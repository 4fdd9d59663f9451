"""What `threadbot status` reads: the last run of each job, queue sizes, error counts and
recent requests. Reads only."""

from __future__ import annotations

from dataclasses import dataclass

from bot.store.db import Store


@dataclass(frozen=True)
class JobRun:
    job: str
    started_at: str
    status: str
    duration: float
    detail: str


@dataclass(frozen=True)
class Counts:
    threads: int
    posts: int
    documents: int
    links_pending: int
    links_to_retry: int
    links_failed: int
    links_blocked: int
    requests_unanswered: int
    requests_failed: int
    failed_runs_last_day: int
    items_failing: int  # accounts and threads a job failed on and will try again
    items_given_up: int


@dataclass(frozen=True)
class RecentRequest:
    created_at: str
    requester: str
    command: str
    status: str
    thread_id: int | None


def last_runs(store: Store) -> list[JobRun]:
    rows = store.conn.execute(
        """
        select job, started_at, status, duration, coalesce(error, summary, '') from job_runs
        where id in (select max(id) from job_runs group by job) order by job
        """
    ).fetchall()
    return [JobRun(*row) for row in rows]


def counts(store: Store) -> Counts:
    row = store.conn.execute(
        """
        select
          (select count(*) from threads),
          (select count(*) from posts),
          (select count(*) from documents),
          (select count(*) from links where status = 'pending'),
          (select count(*) from links where status = 'failed' and next_attempt_at is not null),
          (select count(*) from links where status = 'failed' and next_attempt_at is null),
          (select count(*) from links where status = 'blocked'),
          (select count(*) from requests where status in ('received', 'archived', 'replying')),
          (select count(*) from requests where status = 'failed'),
          (select count(*) from job_runs where status = 'failed'
             and started_at >= strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-1 day')),
          (select count(*) from item_failures where next_attempt_at is not null),
          (select count(*) from item_failures where next_attempt_at is null)
        """
    ).fetchone()
    return Counts(*row)


def recent_requests(store: Store, limit: int) -> list[RecentRequest]:
    rows = store.conn.execute(
        "select created_at, coalesce(requester_handle, requester_id), command, status, "
        "thread_id from requests order by id desc limit ?",
        [limit],
    ).fetchall()
    return [RecentRequest(*row) for row in rows]
