"""Benchmark: the daemon's memory and CPU over 60 s with 50 watched accounts.

    .venv/bin/python scripts/bench/daemon_idle.py [--accounts 50] [--seconds 60]

Starts the local AT network, creates the accounts (each with a short thread), then runs
`threadbot run` watching all of them with the default intervals (its first poll reads every
feed, then it idles) and samples the process's RSS and CPU time from /proc every second.
Target from the issue: RSS < 150 MB.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts" / "sandbox"))

from network import LocalNetwork  # noqa: E402
from seed import make_author, post  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--accounts", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    args = parser.parse_args()
    with LocalNetwork() as network, tempfile.TemporaryDirectory() as tmp:
        handles = []
        for i in range(args.accounts):
            author = make_author(network.pds, network.appview, f"watched-{i}.test")
            root = post(author, f"Judge Ortega ruled today in case No. 1:26-cv-{i:05d}. Thread:")
            post(author, "The order grants the preliminary injunction.", reply_to=(root, root))
            handles.append(author.handle)
        env = {
            **os.environ,
            "THREADBOT_DB": str(Path(tmp) / "archive.db"),
            "THREADBOT_BLUESKY_SERVICE": network.appview,
            "THREADBOT_BLUESKY_WATCH": ",".join(handles),
        }
        daemon = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"], env=env, stderr=subprocess.DEVNULL
        )
        samples = []
        started = time.monotonic()
        cpu_start = cpu_seconds(daemon.pid)
        while time.monotonic() - started < args.seconds and daemon.poll() is None:
            samples.append(rss_mb(daemon.pid))
            time.sleep(1)
        cpu = cpu_seconds(daemon.pid) - cpu_start
        elapsed = time.monotonic() - started
        daemon.send_signal(signal.SIGTERM)
        code = daemon.wait(60)
        threads = subprocess.run(
            [sys.executable, "-m", "bot", "status"], env=env, capture_output=True, text=True
        ).stdout
    archived = next((line for line in threads.splitlines() if line.startswith("archive:")), "")
    print(
        f"daemon, {args.accounts} watched accounts, {elapsed:.0f} s: RSS max {max(samples):.0f} MB"
        f", last {samples[-1]:.0f} MB (target < 150 MB); CPU {cpu:.1f} s "
        f"({100 * cpu / elapsed:.1f}% of one core, the first poll included); "
        f"exit {code} on SIGTERM; {archived}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
