"""What `threadbot status` prints: a short report read from the archive alone (it opens the
archive read-only and never writes, so it is safe beside a running daemon)."""

from __future__ import annotations

from bot.store import Store
from bot.store.schema import SCHEMA_VERSION
from bot.store.status import counts, last_runs, recent_requests

RECENT_REQUESTS = 5


def describe_status(store: Store) -> list[str]:
    if not store.path.exists():
        return [f"no archive at {store.path} yet"]
    if store.schema_version < SCHEMA_VERSION:
        return [
            f"the archive {store.path} has schema version {store.schema_version}; "
            f"the next threadbot archive or run upgrades it to {SCHEMA_VERSION}"
        ]
    lines = ["jobs (last run):"]
    runs = last_runs(store)
    if not runs:
        lines.append("  none yet (threadbot run)")
    for run in runs:
        lines.append(
            f"  {run.job:<9} {run.started_at}  {run.status:<6} {run.duration:6.2f}s  {run.detail}"
        )
    c = counts(store)
    lines += [
        f"archive: {c.threads} threads, {c.posts} posts, {c.documents} documents",
        f"queues: {c.links_pending} links pending, {c.links_to_retry} links to retry, "
        f"{c.requests_unanswered} requests unanswered",
        f"errors: {c.links_failed} links failed for good, {c.links_blocked} blocked, "
        f"{c.requests_failed} requests failed, {c.failed_runs_last_day} failed job runs "
        f"in the last day, {c.items_failing} accounts or threads to retry, "
        f"{c.items_given_up} given up",
        "recent requests:",
    ]
    recent = recent_requests(store, RECENT_REQUESTS)
    if not recent:
        lines.append("  none")
    for r in recent:
        thread = f" thread {r.thread_id}" if r.thread_id else ""
        lines.append(f"  {r.created_at}  @{r.requester}  {r.command}  {r.status}{thread}")
    return lines
