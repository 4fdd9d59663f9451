"""Bench: import a generated X data export of N posts, with `threadbot import` and with
twitter-to-sqlite, on the same data in the same run.

    python scripts/bench/import_export.py [--posts 100000] [--zip] [--runs 3]
        [--t2s /tmp/t2s/bin/python]   # twitter-to-sqlite's virtual environment

Writes an export like X's (scripts/sandbox/x_export.py: pretty-printed parts of 50,000 posts,
threads, replies, reposts, images, long posts with note-tweet.js), then, each in a fresh
process so the figures are its own (wall and CPU time, peak RSS from VmHWM):

- reader: threadbot's reader alone (`XArchive.thread_batches`);
- threadbot import: the `threadbot import` command into a new archive (its export reader
  process included: CPU time added, peak RSS added to the command's); and again in one
  process, as on a machine with one core;
- twitter-to-sqlite import: on a copy of the same posts named `data/tweet.js`, the only name
  it reads (given the export as it is, it stores nothing: shown too).

Install twitter-to-sqlite beside, not into, threadbot's environment:
`python3 -m venv /tmp/t2s && /tmp/t2s/bin/pip install twitter-to-sqlite`.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts" / "sandbox"))
sys.path.insert(0, str(ROOT))

# Run inside the measured interpreter: a click command in-process, then its own figures.
# VmHWM, not getrusage: on Linux ru_maxrss survives exec, so a child of the (large)
# generating process would report the parent's peak.
# A child process (threadbot's export reader) counts too: its CPU time is added, and its
# peak RSS added to the parent's (pages they share counted twice: an upper bound).
MEASURE = """
import json, os, resource, sys, time
if os.environ.get("BENCH_ONE_PROCESS"):  # threadbot as on a one-core machine
    import bot.read_ahead
    bot.read_ahead.available = lambda: False
wall, cpu = time.perf_counter(), time.process_time()
from {module} import {command} as command
try:
    command.main(args={args!r}, prog_name="bench", standalone_mode=False)
except SystemExit as e:
    if e.code:
        raise
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
children = resource.getrusage(resource.RUSAGE_CHILDREN)
peak = [int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:")][0]
print("MEASURED " + json.dumps({{
    "wall": wall,
    "cpu": cpu + children.ru_utime + children.ru_stime,
    "peak_mib": (peak + children.ru_maxrss) / 1024,
    "child_peak_mib": children.ru_maxrss / 1024,
}}))
"""


def generate(folder: Path, posts: int, zip_file: bool) -> tuple[Path, Path, dict[str, int]]:
    """The export (as X writes it), a copy for twitter-to-sqlite (one `data/tweet.js`), and
    what the export holds."""
    from x_export import Owner, generated_tweets, write_export  # type: ignore[import-not-found]

    owner = Owner("1500000000000000001", "dana_whitlock", "Dana Whitlock")
    tweets, notes = generated_tweets(owner, posts, seed=1)
    export = write_export(
        folder / ("export.zip" if zip_file else "export"), owner, tweets, notes, zip_file=zip_file
    )
    old = write_export(folder / "old-name", owner, tweets, notes, per_file=len(tweets) + 1)
    (old / "data" / "tweets.js").rename(old / "data" / "tweet.js")
    (old / "data" / "manifest.js").unlink()  # it would name tweets.js
    reposts = sum(1 for t in tweets if t["tweet"]["full_text"].startswith("RT @"))
    return export, old, {"tweets": len(tweets), "reposts": reposts, "notes": len(notes)}


def read(path: str) -> None:
    """The reader alone, in its own process: prints one JSON line."""
    from bot.sources.exports.x_archive import XArchive

    wall, cpu = time.perf_counter(), time.process_time()
    posts = threads = 0
    with XArchive(path) as export:
        for batch in export.thread_batches():
            threads += len(batch)
            posts += sum(len(t.posts) for t in batch)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    status = Path("/proc/self/status").read_text().splitlines()
    peak = next(int(x.split()[1]) for x in status if x.startswith("VmHWM:"))
    figures = {"posts": posts, "threads": threads, "wall": wall, "cpu": cpu}
    print(json.dumps({**figures, "peak_mib": peak / 1024}))


def measured(python: str, module: str, command: str, args: list[str], **env: str) -> Any:
    """Run a click command in a fresh `python`; its wall and CPU time and peak RSS."""
    code = MEASURE.format(module=module, command=command, args=args)
    environ = {k: v for k, v in os.environ.items() if not k.startswith("THREADBOT_")}
    run = subprocess.run(
        [python, "-c", code],
        env={**environ, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    lines = [x for x in run.stdout.splitlines() if x.startswith("MEASURED ")]
    if run.returncode != 0 or not lines:
        raise SystemExit(f"{module} failed: {run.stderr.strip()[-500:]}")
    result = json.loads(lines[-1].removeprefix("MEASURED "))
    result["output"] = [x for x in run.stdout.splitlines() if not x.startswith("MEASURED ")]
    return result


def table_counts(db: Path) -> dict[str, int]:
    if not db.exists():
        return {}
    with sqlite3.connect(db) as conn:
        names = [
            r[0]
            for r in conn.execute(
                "select name from sqlite_master where type = 'table' and name not like '%_fts%'"
                " and name not like 'sqlite_%'"
            )
        ]
        return {n: conn.execute(f"select count(*) from [{n}]").fetchone()[0] for n in names}


def summary(label: str, results: list[dict[str, Any]], posts: int) -> None:
    walls = [posts / r["wall"] for r in results]
    cpus = [posts / r["cpu"] for r in results]
    peaks = [r["peak_mib"] for r in results]
    children = [r.get("child_peak_mib", 0) for r in results]
    reader = f", of which reader process {max(children):,.0f}" if any(children) else ""
    print(
        f"{label:26s} posts/s wall {statistics.median(walls):>7,.0f} "
        f"(range {min(walls):,.0f}–{max(walls):,.0f}), "
        f"CPU {statistics.median(cpus):>7,.0f}; "
        f"peak RSS {statistics.median(peaks):,.0f} MiB (max {max(peaks):,.0f}{reader})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--zip", action="store_true", help="import the zip, not the folder")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--t2s", default="/tmp/t2s/bin/python", help="twitter-to-sqlite's python")
    parser.add_argument("--read", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.read:
        read(args.read)
        return 0
    have_t2s = Path(args.t2s).exists()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        started = time.perf_counter()
        export, old, held = generate(folder, args.posts, args.zip)
        size = sum(f.stat().st_size for f in export.rglob("*")) if export.is_dir() else 0
        size = size or export.stat().st_size
        print(
            f"export: {held['tweets']:,} posts ({held['reposts']:,} reposts, {held['notes']:,} "
            f"long), {size / 2**20:.0f} MiB ({'zip' if args.zip else 'folder'}), "
            f"written in {time.perf_counter() - started:.0f} s"
        )
        readers, ours, single, theirs = [], [], [], []
        line, counts, t2s_counts, t2s_current = "", {}, {}, {}
        for run in range(args.runs):
            out = subprocess.run(
                [sys.executable, __file__, "--read", str(export)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            readers.append(json.loads(out.strip().splitlines()[-1]))
            db = folder / f"archive-{run}.db"
            result = measured(
                sys.executable, "bot.cli", "cli", ["import", str(export)], THREADBOT_DB=str(db)
            )
            ours.append(result)
            line, counts = result["output"][-1], table_counts(db)
            one = folder / f"archive-one-{run}.db"
            single.append(
                measured(
                    sys.executable,
                    "bot.cli",
                    "cli",
                    ["import", str(export)],
                    THREADBOT_DB=str(one),
                    BENCH_ONE_PROCESS="1",
                )
            )
            if have_t2s:
                t2s_db = folder / f"t2s-{run}.db"
                theirs.append(
                    measured(
                        args.t2s,
                        "twitter_to_sqlite.cli",
                        "cli",
                        ["import", str(t2s_db), str(old / "data")],  # it reads *.js of a folder
                    )
                )
                t2s_counts = table_counts(t2s_db)
        if have_t2s:
            current_db = folder / "t2s-current.db"
            given = export if args.zip else export / "data"
            measured(
                args.t2s, "twitter_to_sqlite.cli", "cli", ["import", str(current_db), str(given)]
            )
            t2s_current = table_counts(current_db)
    posts = held["tweets"]  # both read every post; threadbot keeps all but the reposts
    print(f"threadbot import: {line}")
    print(
        f"  stored: {counts.get('posts', 0):,} posts, {counts.get('threads', 0):,} threads, "
        f"{counts.get('links', 0):,} links, {counts.get('images', 0):,} images "
        "(search index over the posts included)"
    )
    print(
        f"posts/s: the export's {posts:,} posts over the time (CPU: of every process); "
        f"median of {args.runs} runs"
    )
    summary("reader alone", readers, posts)
    summary("threadbot import", ours, posts)
    summary("  the same in one process", single, posts)
    if have_t2s:
        summary("twitter-to-sqlite import", theirs, posts)
        stored = ", ".join(f"{n} {c:,}" for n, c in t2s_counts.items() if c) or "nothing"
        print(f"  twitter-to-sqlite stored from data/tweet.js: {stored}")
        current = ", ".join(f"{n} {c:,}" for n, c in t2s_current.items() if c) or "nothing"
        print(f"  twitter-to-sqlite stored from the export as X writes it (tweets.js): {current}")
    else:
        print(f"twitter-to-sqlite: not installed at {args.t2s} (see this script's docstring)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
