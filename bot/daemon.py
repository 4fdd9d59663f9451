"""`threadbot run`: the pipeline's jobs on a schedule (APScheduler), or each once (`--once`).

Jobs: watch (the watched reporters' feeds), mentions (archive requests), resolve (due
links), refresh (threads still growing). Jobs run one at a time on one archive connection;
a failing job is logged and recorded in `job_runs` and runs again at its next time —
outages and rate limits never stop the daemon. SIGTERM or SIGINT lets the running job
finish, then stops.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from atproto_client.exceptions import RateLimitExceededError

from bot.archive import archive_thread
from bot.archive_requests import poll_mentions
from bot.config import Settings
from bot.errors import RateLimited
from bot.links.resolve import resolve_due_links
from bot.models import PostRef
from bot.sources.bluesky import BlueskySource
from bot.sources.bluesky_account import BlueskyAccount
from bot.store import Store
from bot.store_daemon import record_job_run, young_threads
from bot.timestamps import iso, utc_now
from bot.watch import poll_watched

log = logging.getLogger(__name__)

# A thread grows for hours: refresh it at every run while its last post is under 6 hours
# old, hourly until 2 days, then leave it.
YOUNG = timedelta(hours=6)
AGING = timedelta(days=2)


class Daemon:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store = Store(settings.db, shared=True)
        self.source = BlueskySource(settings.bluesky.service, timeout=settings.bluesky.timeout)
        self.account: BlueskyAccount | None = None
        if settings.bluesky.handle:
            session_file = settings.daemon.session_file or f"{settings.db}.bluesky-session"
            self.account = BlueskyAccount(
                settings.bluesky.pds,
                settings.bluesky.handle,
                settings.bluesky.password,
                Path(session_file),
                timeout=settings.bluesky.timeout,
            )
        self._lock = threading.Lock()  # one job at a time: they share one connection
        self._failures: dict[str, int] = {}
        self._paused_until: dict[str, float] = {}
        self.clock: Callable[[], float] = time.time
        self.jobs: dict[str, tuple[Callable[[], Any], float]] = {
            "watch": (self.watch, settings.daemon.poll_interval),
            "mentions": (self.mentions, settings.daemon.mention_interval),
            "resolve": (self.resolve, settings.daemon.resolve_interval),
            "refresh": (self.refresh, settings.daemon.refresh_interval),
        }

    # --- the jobs -------------------------------------------------------------------

    def watch(self) -> str:
        if not self.settings.bluesky.watch:
            return "no watched accounts"
        return str(poll_watched(self.source, self.store, self.settings))

    def mentions(self) -> str:
        if self.account is None:
            return "no bot account configured"
        if not self.account.did:
            self.account.login()
        return str(poll_mentions(self.account, self.source, self.store, self.settings))

    def resolve(self) -> str:
        summary = asyncio.run(resolve_due_links(self.store, self.settings))
        return (
            f"{summary.ok} resolved, {summary.failed} failed, {summary.blocked} blocked, "
            f"{summary.documents} documents"
        )

    def refresh(self) -> str:
        now = datetime.now(UTC)
        refreshed = 0
        for root_id, updated_at, last_post_at in young_threads(self.store, since=iso(now - AGING)):
            if not refresh_due(last_post_at, updated_at, now):
                continue
            did, rkey = root_id.removeprefix("at://").split("/")[0], root_id.rsplit("/", 1)[-1]
            archive_thread(
                PostRef("bluesky", did, rkey, root_id),
                self.source,
                self.store,
                self.settings.public_url,
            )
            refreshed += 1
        return f"{refreshed} threads refreshed"

    # --- running them ---------------------------------------------------------------

    def run_job(self, name: str) -> bool:
        """Run one job, record how it went; never raise (the daemon must keep running).

        A job that fails waits before its next try: until the time a rate-limiting service
        gave, or twice as long after each failure in a row (at most an hour).
        """
        job, interval = self.jobs[name]
        if self.clock() < self._paused_until.get(name, 0):
            log.info("job=%s paused after failures; skipped", name)
            return True
        started, clock = utc_now(), time.monotonic()
        with self._lock:
            try:
                summary = job()
                status, error = "ok", None
                self._failures[name] = 0
            except Exception as e:
                log.warning("job=%s failed: %s", name, e, exc_info=log.isEnabledFor(logging.DEBUG))
                summary, status, error = "", "failed", f"{type(e).__name__}: {e}"
                self._pause(name, interval, e)
            duration = time.monotonic() - clock
            log.info("job=%s status=%s duration=%.2fs %s", name, status, duration, summary)
            try:
                record_job_run(self.store, name, started, duration, status, summary, error)
            except Exception as e:  # e.g. the disk is full: keep running, say so
                log.error("job=%s could not be recorded: %s", name, e)
        return status == "ok"

    def _pause(self, name: str, interval: float, error: Exception) -> None:
        failures = self._failures.get(name, 0) + 1
        self._failures[name] = failures
        reset = _reset_at(error)
        if reset is not None:
            self._paused_until[name] = reset
        elif failures > 1:
            self._paused_until[name] = self.clock() + min(interval * 2 ** (failures - 1), 3600)

    def run_once(self) -> bool:
        results = [self.run_job(name) for name in self.jobs]
        return all(results)

    def run_forever(self) -> None:
        from apscheduler.schedulers.blocking import BlockingScheduler

        scheduler = BlockingScheduler(
            executors={"default": {"type": "threadpool", "max_workers": 1}},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 60},
        )
        for name, (_, interval) in self.jobs.items():
            scheduler.add_job(
                self.run_job,
                "interval",
                args=[name],
                seconds=interval,
                id=name,
                next_run_time=datetime.now(UTC),
            )

        def stop(signum: int, _frame: Any) -> None:
            log.info("signal %s: stopping after the running job", signum)
            threading.Thread(target=scheduler.shutdown, kwargs={"wait": True}).start()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        log.info("daemon started: %s", ", ".join(self.jobs))
        scheduler.start()
        log.info("daemon stopped")

    def close(self) -> None:
        self.source.close()
        self.store.close()


def _reset_at(error: Exception) -> float | None:
    """When a rate-limited service will listen again (ours, or the SDK's own error)."""
    if isinstance(error, RateLimited):
        return error.reset_at
    if isinstance(error, RateLimitExceededError):
        return error.reset_at.timestamp() if error.reset_at else None
    return None


def refresh_due(last_post_at: str | None, updated_at: str | None, now: datetime) -> bool:
    """Young threads every time; aging ones hourly; old ones not at all."""
    if not last_post_at:
        return False
    age = now - _parse(last_post_at)
    if age < YOUNG:
        return True
    if age < AGING:
        return not updated_at or now - _parse(updated_at) >= timedelta(hours=1)
    return False


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"
