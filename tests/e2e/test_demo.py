"""`make demo`, twice in a row in one place: the second run meets the first run's archive,
saved session and threads whose posts (on the first run's network) are gone, and must still
archive, answer the mention and say so."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_demo(tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("THREADBOT_")}
    env["THREADBOT_DB"] = str(tmp_path / "archive.db")
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "demo.py"), "--no-serve"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_the_demo_runs_twice_in_a_row(network, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # `network` only makes sure the sandbox can start here; the demo starts its own
    for attempt in ("first", "second"):
        run = run_demo(tmp_path)
        assert run.returncode == 0, f"{attempt} run: {run.stderr[-2000:]}"
        assert "@threadbot.test replies: Archived: 9 posts" in run.stdout, run.stdout
        assert "@threadbot replies on X: Archived: 9 posts" in run.stdout, run.stdout
        assert "links: 11 resolved, 4 documents archived, 0 failed, 0 blocked" in run.stdout
        assert "Traceback" not in run.stderr
    assert (tmp_path / "archive.db.bluesky-session").exists()
