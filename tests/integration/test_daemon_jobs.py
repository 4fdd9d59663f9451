"""The daemon's own behaviour on loopback only: a failing or rate-limiting service (a fake
AppView), signals, status."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from daemon_process import DaemonProcess
from faulty_appview import FaultyAppView

from bot.config import load_settings
from bot.daemon.refresh import refresh_due
from bot.daemon.scheduler import Daemon
from bot.store.jobs import ItemFailure, item_failure
from bot.timestamps import parse_iso

RESOLVE_HANDLE = "com.atproto.identity.resolveHandle"
AUTHOR_FEED = "app.bsky.feed.getAuthorFeed"
WATCHED = "court-reporter.test"


@pytest.fixture
def appview() -> Iterator[FaultyAppView]:
    with FaultyAppView() as fake:
        yield fake


@pytest.fixture
def daemon(tmp_path: Path, appview: FaultyAppView) -> Iterator[Daemon]:
    """A daemon watching one account on the fake AppView, on a clock of the test's own."""
    d = Daemon(
        load_settings(
            environ={
                "THREADBOT_DB": str(tmp_path / "archive.db"),
                "THREADBOT_BLUESKY_SERVICE": appview.url,
                "THREADBOT_BLUESKY_WATCH": WATCHED,
            }
        )
    )
    d.clock = lambda: 1_000_000.0
    yield d
    d.close()


def runs(daemon: Daemon) -> list[tuple[str, str, str]]:
    return daemon.store.conn.execute(
        "select job, status, coalesce(error, summary) from job_runs order by id"
    ).fetchall()


def account_failure(daemon: Daemon) -> ItemFailure | None:
    return item_failure(daemon.store, "watch", f"bluesky:{WATCHED}")


def minutes_to_next_attempt(daemon: Daemon) -> int:
    """Minutes from the account's last failure to its next attempt, as its row says."""
    last, next_at = daemon.store.conn.execute(
        "select last_failed_at, next_attempt_at from item_failures where job = 'watch'"
    ).fetchone()
    return round((parse_iso(next_at) - parse_iso(last)).total_seconds() / 60)


def account_due_now(daemon: Daemon) -> None:
    """As if the account's wait had passed."""
    with sqlite3.connect(daemon.store.path) as conn:
        conn.execute("update item_failures set next_attempt_at = '2000-01-01T00:00:00.000Z'")


def test_a_failing_service_fails_its_job_alone_and_the_job_backs_off(
    daemon: Daemon, appview: FaultyAppView
) -> None:
    appview.fail(RESOLVE_HANDLE, 503)
    assert daemon.run_once() is False  # the other jobs still ran
    assert [r[:2] for r in runs(daemon)] == [
        ("watch", "failed"),
        ("mentions", "ok"),
        ("resolve", "ok"),
        ("refresh", "ok"),
        ("annotate", "ok"),
    ]
    assert "HTTP 503" in runs(daemon)[0][2]
    assert appview.calls(RESOLVE_HANDLE) == 1
    # the account carries its failure, and waits 5 minutes before it is read again
    failure = account_failure(daemon)
    assert failure is not None and failure.attempts == 1
    assert minutes_to_next_attempt(daemon) == 5

    account_due_now(daemon)
    assert daemon.run_job("watch") is False  # read again, failed again: twice in a row
    assert appview.calls(RESOLVE_HANDLE) == 2
    assert minutes_to_next_attempt(daemon) == 30
    # the job itself now waits twice its interval (600 s on the daemon's clock), even for an
    # account that is due
    account_due_now(daemon)
    daemon.run_job("watch")
    assert appview.calls(RESOLVE_HANDLE) == 2

    daemon.clock = lambda: 1_000_000.0 + 601
    # past the job's pause the account, due, is read again, and fails a third time
    assert daemon.run_job("watch") is False
    assert appview.calls(RESOLVE_HANDLE) == 3
    assert minutes_to_next_attempt(daemon) == 120
    # past the job's doubled pause (1200 s), the account's own wait still holds: nothing asked
    daemon.clock = lambda: 1_000_000.0 + 601 + 1201
    assert daemon.run_job("watch") is True
    assert appview.calls(RESOLVE_HANDLE) == 3

    appview.recover()
    account_due_now(daemon)
    assert daemon.run_job("watch") is True
    assert (appview.calls(RESOLVE_HANDLE), appview.calls(AUTHOR_FEED)) == (4, 1)
    assert account_failure(daemon) is None  # read again: its failure is cleared


def test_a_rate_limited_service_pauses_the_job_until_its_reset(
    daemon: Daemon, appview: FaultyAppView
) -> None:
    appview.rate_limit(RESOLVE_HANDLE, reset_at=1_000_000 + 120)
    assert daemon.run_job("watch") is False
    assert "rate limiting us until" in runs(daemon)[0][2]
    # until the service's reset the job asks nothing, however often it runs
    for _ in range(3):
        daemon.run_job("watch")
    assert appview.calls(RESOLVE_HANDLE) == 1
    # a rate limit is the service's doing, not the account's: nothing counted against it
    assert account_failure(daemon) is None

    daemon.clock = lambda: 1_000_000.0 + 121
    appview.recover()
    assert daemon.run_job("watch") is True
    assert (appview.calls(RESOLVE_HANDLE), appview.calls(AUTHOR_FEED)) == (2, 1)


def test_threads_are_refreshed_often_while_young_then_less_then_never() -> None:
    now = datetime(2026, 2, 3, 18, 0, tzinfo=UTC)

    def iso(delta: timedelta) -> str:
        return (now - delta).strftime("%Y-%m-%dT%H:%M:%S.000Z")

    assert refresh_due(iso(timedelta(hours=1)), iso(timedelta(minutes=1)), now)
    assert not refresh_due(iso(timedelta(hours=12)), iso(timedelta(minutes=20)), now)
    assert refresh_due(iso(timedelta(hours=12)), iso(timedelta(hours=2)), now)
    assert not refresh_due(iso(timedelta(days=3)), iso(timedelta(days=2)), now)
    assert not refresh_due(None, None, now)


def test_sigterm_while_a_job_runs_lets_it_finish_then_stops(tmp_path: Path) -> None:
    settings = {
        "THREADBOT_BLUESKY_WATCH": "court-reporter.test",
        "THREADBOT_DAEMON_RESOLVE_INTERVAL": "0.2",  # the scheduler wakes often meanwhile
        "THREADBOT_DAEMON_MENTION_INTERVAL": "0.2",
    }
    with FaultyAppView() as appview:
        # the watch job's first call stays unanswered until the test lets it go
        appview.hold("com.atproto.identity.resolveHandle")
        settings["THREADBOT_BLUESKY_SERVICE"] = appview.url
        with DaemonProcess(tmp_path, settings) as daemon:
            assert appview.arrived.wait(60), daemon.stderr  # seen from the server's side
            daemon.terminate()
            signalled = daemon.wait_for("stopping after the running job")
            daemon.terminate()  # and again, as an impatient operator or init system would
            time.sleep(0.5)  # time for a daemon that stops too early to do so (not asserted)
            assert daemon.running(), daemon.stderr
            appview.release()
            assert daemon.wait(timeout=60) == 0
        feed_calls = appview.calls("app.bsky.feed.getAuthorFeed")

    err = daemon.stderr
    assert "Traceback" not in err, err
    after = err[err.index(signalled) :]
    # the job in flight went on to its end, and only then did the daemon stop, starting none
    # of the jobs that had come due meanwhile
    assert after.index("job=watch status=ok") < after.index("daemon stopped")
    assert re.findall(r"job=(\w+) status=", after) == ["watch"]
    assert feed_calls == 1
    with sqlite3.connect(tmp_path / "archive.db") as conn:
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
        (watch,) = conn.execute(
            "select status, summary from job_runs where job = 'watch'"
        ).fetchall()
        assert watch == ("ok", "0 archived, 0 skipped, 0 errors")
        # and it saved where the account's feed now stands
        assert conn.execute("select count(*) from watched_accounts").fetchone()[0] == 1


def test_status_reports_jobs_queues_and_requests(tmp_path: Path) -> None:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("THREADBOT_")}

    def threadbot(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", *args],
            env=environ,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )

    assert threadbot("status").stdout == "no archive at archive.db yet\n"
    assert threadbot("run", "--once").returncode == 0
    out = threadbot("status").stdout
    assert "watch " in out and "no watched accounts" in out
    assert "mentions" in out and "no bot account configured" in out
    assert "queues: 0 links pending, 0 links to retry, 0 requests unanswered" in out
    assert "recent requests:\n  none" in out


def test_an_unreachable_appview_fails_the_job_not_the_daemon(tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    environ = {k: v for k, v in os.environ.items() if not k.startswith("THREADBOT_")}
    environ.update(
        THREADBOT_BLUESKY_SERVICE=f"http://127.0.0.1:{port}",
        THREADBOT_BLUESKY_WATCH="court-reporter.test",
    )
    run = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--once"],
        env=environ,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 1  # a job failed while working
    assert "Traceback" not in run.stderr
    with sqlite3.connect(tmp_path / "archive.db") as conn:
        rows = dict(conn.execute("select job, status from job_runs").fetchall())
        error = conn.execute("select error from job_runs where job = 'watch'").fetchone()[0]
    assert rows == {
        "watch": "failed",
        "mentions": "ok",
        "resolve": "ok",
        "refresh": "ok",
        "annotate": "ok",
    }
    assert "cannot reach the Bluesky service" in error
