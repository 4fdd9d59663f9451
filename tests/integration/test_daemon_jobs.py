"""The daemon's own behaviour, without a network: failing jobs, rate limits, signals, status."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import load_settings
from bot.daemon.refresh import refresh_due
from bot.daemon.scheduler import Daemon
from bot.errors import RateLimited, ServiceError


@pytest.fixture
def daemon(tmp_path: Path):  # type: ignore[no-untyped-def]
    d = Daemon(load_settings(environ={"THREADBOT_DB": str(tmp_path / "archive.db")}))
    d.clock = lambda: 1_000_000.0
    yield d
    d.close()


def runs(daemon: Daemon) -> list[tuple[str, str, str]]:
    return daemon.store.conn.execute(
        "select job, status, coalesce(error, summary) from job_runs order by id"
    ).fetchall()


def test_a_failing_job_is_recorded_and_backs_off_without_stopping_the_rest(
    daemon: Daemon,
) -> None:
    # The job is a stand-in that fails on demand and the clock is the daemon's injected one,
    # so the backoff can be checked without waiting for it (the real outage is tested below).
    calls = []

    def outage() -> str:
        calls.append(daemon.clock())
        raise ServiceError("cannot reach the Bluesky service at https://appview.example")

    daemon.jobs["watch"] = (outage, 300.0)
    assert daemon.run_once() is False  # the other jobs still ran
    assert [r[:2] for r in runs(daemon)] == [
        ("watch", "failed"),
        ("mentions", "ok"),
        ("resolve", "ok"),
        ("refresh", "ok"),
        ("annotate", "ok"),
    ]
    assert "cannot reach the Bluesky service" in runs(daemon)[0][2]
    daemon.run_job("watch")  # second failure in a row: now it waits 600 s
    daemon.run_job("watch")
    assert len(calls) == 2
    daemon.clock = lambda: 1_000_000.0 + 601
    daemon.run_job("watch")
    assert len(calls) == 3


def test_a_rate_limited_job_waits_until_the_service_s_reset(daemon: Daemon) -> None:
    calls = []

    def limited() -> str:
        calls.append(1)
        raise RateLimited("rate limited", reset_at=1_000_000.0 + 120)

    daemon.jobs["mentions"] = (limited, 60.0)
    daemon.run_job("mentions")
    daemon.run_job("mentions")
    daemon.clock = lambda: 1_000_000.0 + 121
    daemon.run_job("mentions")
    assert len(calls) == 2


def test_threads_are_refreshed_often_while_young_then_less_then_never() -> None:
    now = datetime(2026, 2, 3, 18, 0, tzinfo=UTC)

    def iso(delta: timedelta) -> str:
        return (now - delta).strftime("%Y-%m-%dT%H:%M:%S.000Z")

    assert refresh_due(iso(timedelta(hours=1)), iso(timedelta(minutes=1)), now)
    assert not refresh_due(iso(timedelta(hours=12)), iso(timedelta(minutes=20)), now)
    assert refresh_due(iso(timedelta(hours=12)), iso(timedelta(hours=2)), now)
    assert not refresh_due(iso(timedelta(days=3)), iso(timedelta(days=2)), now)
    assert not refresh_due(None, None, now)


def test_sigterm_stops_the_daemon_cleanly(tmp_path: Path) -> None:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("THREADBOT_")}
    environ.update(THREADBOT_DAEMON_RESOLVE_INTERVAL="0.2", THREADBOT_DB="archive.db")
    daemon = subprocess.Popen(
        [sys.executable, "-m", "bot", "-v", "run"],
        env=environ,
        cwd=tmp_path,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        db = tmp_path / "archive.db"
        for _ in range(300):
            if db.exists() and _count_runs(db) >= 4:
                break
            assert daemon.poll() is None, daemon.stderr.read() if daemon.stderr else ""
            time.sleep(0.05)
        daemon.send_signal(signal.SIGTERM)
        assert daemon.wait(timeout=30) == 0
    finally:
        if daemon.poll() is None:
            daemon.kill()
    err = daemon.stderr.read() if daemon.stderr else ""
    assert "daemon stopped" in err and "Traceback" not in err
    with sqlite3.connect(db) as conn:
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"


def _count_runs(db: Path) -> int:
    try:
        with sqlite3.connect(db) as conn:
            return conn.execute("select count(*) from job_runs").fetchone()[0]
    except sqlite3.Error:
        return 0


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
