"""One daemon per archive: a second `threadbot run` started beside a running one (by cron, by
hand) exits at once and says which process holds the archive; the first is not disturbed."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from daemon_process import DaemonProcess, clean_environment

# no watched accounts, no bot account: the jobs have nothing to reach, so no network is needed
SMALL_INTERVALS = {
    "THREADBOT_DAEMON_POLL_INTERVAL": "0.5",
    "THREADBOT_DAEMON_MENTION_INTERVAL": "0.5",
    "THREADBOT_DAEMON_RESOLVE_INTERVAL": "0.5",
    "THREADBOT_DAEMON_REFRESH_INTERVAL": "0.5",
}


def test_a_second_daemon_on_the_same_archive_exits_at_once_naming_the_first(
    tmp_path: Path,
) -> None:
    with DaemonProcess(tmp_path, SMALL_INTERVALS) as first:
        first.wait_for("daemon started")
        first.wait_for("job=refresh status=ok")  # at work on the archive

        try:
            second = subprocess.run(
                [sys.executable, "-m", "bot", "run"],
                env=clean_environment(THREADBOT_DB="archive.db", **SMALL_INTERVALS),
                cwd=tmp_path,
                capture_output=True,
                text=True,
                timeout=30,  # the first runs until it is told to stop: the second must not
            )
        except subprocess.TimeoutExpired:
            raise AssertionError("a second daemon ran beside the first") from None

        assert first.running()  # the second exited while the first still runs
        assert second.returncode == 1
        assert second.stdout == ""
        (line,) = second.stderr.splitlines()
        assert line.startswith("threadbot: error: ")
        assert f"pid {first.pid}" in line
        assert "Traceback" not in second.stderr

        # the first goes on working after the second has come and gone
        runs_before = _job_runs(tmp_path / "archive.db")
        first.wait_for("status=ok", after=first.line_count())
        first.terminate()
        assert first.wait(timeout=60) == 0
    assert "daemon stopped" in first.stderr and "Traceback" not in first.stderr
    assert _job_runs(tmp_path / "archive.db") > runs_before


def _job_runs(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("select count(*) from job_runs").fetchone()[0])
