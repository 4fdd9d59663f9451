"""`threadbot run`: the pipeline's jobs on a schedule (APScheduler), or each once (`--once`).

Jobs: watch (the watched reporters' feeds), mentions (archive requests), resolve (due
links), refresh (threads still growing). They run one at a time on one archive connection,
for every platform that has a connector; one platform's failure or rate limit does not hold
up another's. A failing job is logged and recorded in `job_runs` and runs again later, after
a pause that doubles with each failure in a row; a rate-limited platform is left alone until
the service's reset. SIGTERM or SIGINT lets the running job finish, then stops.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.daemon.refresh import refresh_threads
from bot.daemon.requests import poll_requests
from bot.daemon.watch import poll_watched
from bot.documents.read import configure_readers, stop_readers
from bot.errors import RateLimited, ThreadbotError, describe
from bot.links.stage import resolve_due_links
from bot.pipeline import annotate_due
from bot.sources.base import BotAccount, Connector, ThreadSource
from bot.sources.registry import connectors
from bot.store import Store
from bot.store.jobs import record_job_run
from bot.timestamps import utc_now

log = logging.getLogger(__name__)

MAX_PAUSE = 3600.0  # a failing job is tried again at least hourly
RESOLVE_BUDGETS = 4  # one run of the resolve job: four threads' link budgets


class Daemon:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store = Store(settings.db, shared=True)
        configure_readers(settings.documents)
        self._sources: dict[str, ThreadSource] = {}
        self.accounts: dict[str, BotAccount] = {}
        for platform, connector in connectors().items():
            account = connector.account(settings, Path(settings.db))
            if account is not None:
                self.accounts[platform] = account
        self._lock = threading.Lock()  # one job at a time: they share one connection
        self._failures: dict[str, int] = {}
        self._paused_until: dict[str, float] = {}  # job, or "job:platform" → epoch seconds
        self._stopping = threading.Event()  # SIGTERM/SIGINT came: start no more jobs
        self.clock: Callable[[], float] = time.time
        self.jobs: dict[str, tuple[Callable[[], str], float]] = {
            "watch": (self.watch, settings.daemon.poll_interval),
            "mentions": (self.mentions, settings.daemon.mention_interval),
            "resolve": (self.resolve, settings.daemon.resolve_interval),
            "refresh": (self.refresh, settings.daemon.refresh_interval),
            "annotate": (self.annotate, settings.daemon.resolve_interval),
        }

    def source(self, platform: str) -> ThreadSource:
        if platform not in self._sources:
            self._sources[platform] = connectors()[platform].source(self.settings)
        return self._sources[platform]

    # --- the jobs -------------------------------------------------------------------

    def watch(self) -> str:
        watched = {p: c for p, c in connectors().items() if c.watched(self.settings)}
        if not watched:
            return "no watched accounts"
        return self._per_platform(
            "watch",
            watched,
            lambda c: str(poll_watched(c, self.source(c.platform), self.store, self.settings)),
        )

    def mentions(self) -> str:
        if not self.accounts:
            return "no bot account configured"
        return self._per_platform(
            "mentions",
            {p: connectors()[p] for p in self.accounts},
            self._answer_mentions,
        )

    def _answer_mentions(self, connector: Connector) -> str:
        account = self.accounts[connector.platform]
        if not account.account_id:
            account.login()
        summary = poll_requests(
            connector, account, self.source(connector.platform), self.store, self.settings
        )
        return str(summary)

    def resolve(self) -> str:
        # bounded, so the other jobs (one at a time) are not held up by a slow batch
        budget = RESOLVE_BUDGETS * self.settings.fetch.budget
        summary = asyncio.run(resolve_due_links(self.store, self.settings, budget=budget))
        return (
            f"{summary.ok} resolved, {summary.failed} failed, {summary.blocked} blocked, "
            f"{summary.documents} documents"
        )

    def annotate(self) -> str:
        return str(annotate_due(self.store))

    def refresh(self) -> str:
        return str(refresh_threads(self.source, self.store, self.settings))

    def _per_platform(
        self, job: str, which: dict[str, Connector], step: Callable[[Connector], str]
    ) -> str:
        """Run `step` for each platform: a platform that is rate limited waits for its reset
        without holding up the others. Raises if every platform that ran failed."""
        done: list[str] = []
        failed: list[Exception] = []
        for platform, connector in which.items():
            key = f"{job}:{platform}"
            if self.clock() < self._paused_until.get(key, 0):
                done.append(f"{platform}: paused (rate limited)")
                continue
            try:
                done.append(f"{platform}: {step(connector)}")
            except RateLimited as e:
                self._paused_until[key] = e.reset_at or self.clock() + MAX_PAUSE / 4
                log.warning("job=%s %s rate limited until %s", job, platform, e.reset_at)
                failed.append(e)
            except Exception as e:
                failed.append(e)
                done.append(f"{platform}: failed: {describe(e)}")
                if len(which) > 1:
                    log.warning("job=%s %s failed: %s", job, platform, describe(e))
        if failed and len(failed) == len(which):
            raise failed[0]
        return "; ".join(done) if len(which) > 1 else done[0].split(": ", 1)[1]

    # --- running them ---------------------------------------------------------------

    def run_job(self, name: str) -> bool:
        """Run one job, record how it went; never raise (the daemon must keep running).

        A job that fails waits before its next try: until the time a rate-limiting service
        gave, or twice as long after each failure in a row (at most an hour).
        """
        job, interval = self.jobs[name]
        if self._stopping.is_set():
            # jobs queued behind the running one when the signal came: not started
            log.info("job=%s not started: the daemon is stopping", name)
            return True
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
                error = describe(e)
                if isinstance(e, ThreadbotError):  # its one line says what happened
                    log.warning("job=%s failed: %s", name, error)
                else:  # an internal failure: its traceback, once
                    log.exception("job=%s failed", name)
                summary, status = "", "failed"
                self._pause(name, interval, e)
            duration = time.monotonic() - clock
            log.info("job=%s status=%s duration=%.2fs %s", name, status, duration, summary)
            try:
                record_job_run(self.store, name, started, duration, status, summary, error)
            except Exception as e:  # e.g. the disk is full: keep running, say so
                log.error("job=%s could not be recorded: %s", name, describe(e))
        return status == "ok"

    def _pause(self, name: str, interval: float, error: Exception) -> None:
        failures = self._failures.get(name, 0) + 1
        self._failures[name] = failures
        if isinstance(error, RateLimited) and error.reset_at is not None:
            self._paused_until[name] = error.reset_at
        elif failures > 1:
            self._paused_until[name] = self.clock() + min(interval * 2 ** (failures - 1), MAX_PAUSE)

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
            if self._stopping.is_set():  # a second signal: already stopping
                return
            self._stopping.set()
            log.info("signal %s: stopping after the running job", signum)
            threading.Thread(target=scheduler.shutdown, kwargs={"wait": True}).start()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        log.info("daemon started: %s", ", ".join(self.jobs))
        scheduler.start()
        log.info("daemon stopped")

    def close(self) -> None:
        stop_readers()
        for source in self._sources.values():
            source.close()
        for account in self.accounts.values():
            account.close()
        self.store.close()
