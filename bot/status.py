"""What `threadbot status` prints: a short report read from the archive alone."""

from __future__ import annotations

from bot.store import Store

RECENT_REQUESTS = 5


def describe_status(store: Store) -> list[str]:
    if not store.path.exists():
        return [f"no archive at {store.path} yet"]
    conn = store.conn
    lines = ["jobs (last run):"]
    runs = conn.execute(
        """
        select job, started_at, status, duration, coalesce(error, summary) from job_runs
        where id in (select max(id) from job_runs group by job) order by job
        """
    ).fetchall()
    if not runs:
        lines.append("  none yet (threadbot run)")
    for job, started, status, duration, detail in runs:
        lines.append(f"  {job:<9} {started}  {status:<6} {duration:6.2f}s  {detail or ''}")
    counts = conn.execute(
        """
        select
          (select count(*) from threads),
          (select count(*) from posts),
          (select count(*) from links where status = 'pending'),
          (select count(*) from links where status = 'failed' and next_attempt_at is not null),
          (select count(*) from links where status = 'failed' and next_attempt_at is null),
          (select count(*) from links where status = 'blocked'),
          (select count(*) from documents),
          (select count(*) from requests where status in ('received', 'archived', 'replying')),
          (select count(*) from requests where status = 'failed'),
          (select count(*) from job_runs where status = 'failed'
             and started_at >= strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-1 day'))
        """
    ).fetchone()
    lines += [
        f"archive: {counts[0]} threads, {counts[1]} posts, {counts[6]} documents",
        f"queues: {counts[2]} links pending, {counts[3]} links to retry, "
        f"{counts[7]} requests unanswered",
        f"errors: {counts[4]} links failed for good, {counts[5]} blocked, "
        f"{counts[8]} requests failed, {counts[9]} failed job runs in the last day",
        "recent requests:",
    ]
    recent = conn.execute(
        "select created_at, coalesce(requester_handle, requester_id), command, status, "
        "thread_id from requests order by id desc limit ?",
        [RECENT_REQUESTS],
    ).fetchall()
    if not recent:
        lines.append("  none")
    for created, who, command, status, thread_id in recent:
        thread = f" thread {thread_id}" if thread_id else ""
        lines.append(f"  {created}  @{who}  {command}  {status}{thread}")
    return lines
