"""Benchmark: four hostile SQL queries at once against `threadbot serve`, on loopback.

    .venv/bin/python scripts/bench/hostile_sql.py [--posts 2000] [--unbounded]

Builds an archive of synthetic posts, starts `threadbot serve` on 127.0.0.1, and for each
scenario fires the same query four times concurrently. Prints, per scenario, the wall time
until the last answer, the server's peak resident memory while they ran, and each answer
(status and the start of the error). `--unbounded` serves the same file with plain
`datasette` (the plugin is installed but nothing marks the file as the archive, so SQLite's
defaults apply) and runs only the first scenario: the figure before the limits. Variables
MALLOC_* in the environment are passed to the server (glibc's allocator settings).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psutil

from bot.models import Account, Post, Thread
from bot.store import Store
from bot.timestamps import iso
from bot.web.app import SETTINGS

CONCURRENT = 4
# glibc's allocator settings (MALLOC_MMAP_THRESHOLD_=131072 …) reach the server, to compare.
ALLOCATOR_ENV = {k: v for k, v in os.environ.items() if k.startswith("MALLOC_")}
ROWS = "(with recursive r(n) as (select 1 union all select n + 1 from r limit {n}) select n from r)"
SCENARIOS = [
    ("randomblob(1e9)", "select length(randomblob(1000000000))"),
    ("printf %c x 1e9", "select length(printf('%.*c', 1000000000, 'x'))"),
    (
        "one row, 60 x 2 MB",
        "select " + ", ".join(f"printf('%.*c', 2000000, 'x') as c{i}" for i in range(60)),
    ),
    (
        "one row, 60 x one 2 MB",
        "select "
        + ", ".join(f"s as c{i}" for i in range(60))
        + " from (select printf('%.*c', 2000000, 'x') as s)",
    ),
    (
        "one row, 60 x 2 MB blob",
        "select "
        + ", ".join(f"s as c{i}" for i in range(60))
        + " from (select cast(printf('%.*c', 2000000, 'x') as blob) as s)",
    ),
    ("1000 rows x 1 MB", f"select n, printf('%.*c', 1000000, 'x') from {ROWS.format(n=1000)}"),
    (
        "endless recursive CTE",
        "with recursive r(n) as (select 1 union all select n + 1 from r) select count(*) from r",
    ),
    ("cross join", "select count(*) from posts a, posts b, posts c, posts d"),
    (
        "trim with a long set",
        "select length(trim(printf('%.*c', 1000000, 'a'), printf('%.*c', 100000, 'b') || 'a'))",
    ),
    (
        "LIKE, 50-char pattern",
        "select printf('%.*c', 2000000, 'a') like '%' || printf('%.*c', 48, 'a') || 'b'",
    ),
    ("ordinary query", "select count(*), max(created_at) from posts"),
]


def make_archive(path: Path, posts: int) -> None:
    store = Store(path)
    start = datetime(2026, 2, 3, tzinfo=UTC)
    per_thread = 100
    for t in range(max(posts // per_thread, 1)):
        did = f"did:plc:bench{t:019d}"
        account = Account(id=did, platform="bluesky", handle=f"r{t}.test")
        root = f"at://{did}/app.bsky.feed.post/r0"
        thread_posts = [
            Post(
                id=f"at://{did}/app.bsky.feed.post/r{i}",
                platform="bluesky",
                author_id=did,
                author=account,
                cid=f"c{t}-{i}",
                url=f"https://bsky.app/profile/{did}/post/r{i}",
                text=f"Post {i}: the court granted the motion in case {t}.",
                created_at=iso(start + timedelta(minutes=t, seconds=i)),
                reply_parent_id=f"at://{did}/app.bsky.feed.post/r{i - 1}" if i else None,
                reply_root_id=root if i else None,
            )
            for i in range(per_thread)
        ]
        store.save_thread(
            Thread(root_id=root, platform="bluesky", author_id=did, posts=thread_posts)
        )
    store.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db: Path, port: int, unbounded: bool) -> subprocess.Popen[bytes]:
    if unbounded:
        settings = [arg for k, v in SETTINGS.items() for arg in ("--setting", k, str(v))]
        command = [sys.executable, "-m", "datasette", "serve", str(db), *settings]
        command += ["--host", "127.0.0.1", "--port", str(port)]
    else:
        command = [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1"]
        command += ["--port", str(port)]
    env = {"PATH": "/usr/bin:/bin", "THREADBOT_DB": str(db), **ALLOCATOR_ENV}
    server = subprocess.Popen(
        command, cwd=db.parent, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/-/versions.json", timeout=1):
                return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the server did not start")


def ask(port: int, database: str, sql: str) -> str:
    url = f"http://127.0.0.1:{port}/{database}.json?" + urllib.parse.urlencode({"sql": sql})
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            body = json.loads(response.read())
            return f"{response.status} ok {str(body['rows'])[:30]}"
    except urllib.error.HTTPError as e:
        error = json.loads(e.read()).get("error") or ""
        text = error.replace("\n", " ").removeprefix("<p>")
        return f"{e.code} {text[:48]}"
    except OSError as e:
        return f"failed: {e}"


def run_scenario(port: int, pid: int, sql: str) -> tuple[float, float, float, list[str]]:
    process = psutil.Process(pid)
    before = process.memory_info().rss
    peak = before
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, process.memory_info().rss)
            time.sleep(0.01)

    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.perf_counter()
    with ThreadPoolExecutor(CONCURRENT) as pool:
        answers = list(pool.map(lambda _: ask(port, "archive", sql), range(CONCURRENT)))
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    return wall, before / 2**20, peak / 2**20, answers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--unbounded", action="store_true", help="plain datasette, no limits")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "archive.db"
        make_archive(db, args.posts)
        port = free_port()
        server = start_server(db, port, args.unbounded)
        try:
            kind = "plain datasette (no limits)" if args.unbounded else "threadbot serve"
            print(f"{kind}, {args.posts} posts, {CONCURRENT} concurrent queries per scenario")
            print(f"{'scenario':<24} {'wall s':>7} {'RSS MB':>7} {'peak MB':>8}  answers")
            for name, sql in SCENARIOS[:1] if args.unbounded else SCENARIOS:
                wall, before, peak, answers = run_scenario(port, server.pid, sql)
                outcome = "; ".join(sorted(set(answers)))
                print(f"{name:<24} {wall:7.2f} {before:7.0f} {peak:8.0f}  {outcome}")
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
