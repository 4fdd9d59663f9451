"""Bench: read a generated X data export of N posts with threadbot's reader alone.

    python scripts/bench/import_export.py [--posts 100000] [--zip] [--runs 3]

Writes an export like X's (scripts/sandbox/x_export.py: pretty-printed parts of 50,000 posts,
threads, replies, reposts, images, long posts with note-tweet.js), then, in a fresh process
per run so the figures are the reader's own, reads every thread (`XArchive.thread_batches`,
both passes) and prints posts/s (wall and CPU) and the peak RSS of that process. A first
version: the integrator extends it to the whole import into SQLite and a comparison with
twitter-to-sqlite.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts" / "sandbox"))
sys.path.insert(0, str(ROOT))


def generate(folder: Path, posts: int, zip_file: bool) -> Path:
    from x_export import Owner, generated_tweets, write_export  # type: ignore[import-not-found]

    owner = Owner("1500000000000000001", "dana_whitlock", "Dana Whitlock")
    tweets, notes = generated_tweets(owner, posts, seed=1)
    target = folder / ("export.zip" if zip_file else "export")
    return write_export(target, owner, tweets, notes, zip_file=zip_file)


def read(path: str) -> None:
    """The measured part, in its own process: prints one JSON line."""
    from bot.sources.exports.x_archive import XArchive

    wall, cpu = time.perf_counter(), time.process_time()
    posts = threads = 0
    with XArchive(path) as export:
        for batch in export.thread_batches():
            threads += len(batch)
            posts += sum(len(t.posts) for t in batch)
        stats = export.stats
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak_kib = _peak_rss_kib()
    print(
        json.dumps(
            {
                "posts": posts,
                "threads": threads,
                "wall": wall,
                "cpu": cpu,
                "peak_mib": peak_kib / 1024,
                "reposts_skipped": stats.reposts,
                "long_posts": stats.long_posts,
            }
        )
    )


def _peak_rss_kib() -> int:
    """This process's peak RSS. Not getrusage: on Linux its ru_maxrss survives exec, so a
    child of the (large) generating process would report the parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--zip", action="store_true", help="read the zip, not the folder")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--read", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.read:
        read(args.read)
        return 0
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        path = generate(Path(folder), args.posts, args.zip)
        size = (
            sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())
            or Path(path).stat().st_size
        )
        print(
            f"export: {args.posts:,} posts, {size / 2**20:.0f} MiB "
            f"({'zip' if args.zip else 'folder'}), written in {time.perf_counter() - started:.0f} s"
        )
        results = []
        for _ in range(args.runs):
            out = subprocess.run(
                [sys.executable, __file__, "--read", str(path)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            results.append(json.loads(out.strip().splitlines()[-1]))
    first = results[0]
    walls = [r["posts"] / r["wall"] for r in results]
    cpus = [r["posts"] / r["cpu"] for r in results]
    peaks = [r["peak_mib"] for r in results]
    print(
        f"read: {first['posts']:,} posts in {first['threads']:,} threads "
        f"({first['reposts_skipped']:,} reposts left out, {first['long_posts']:,} long posts)"
    )
    print(
        f"posts/s (wall): median {statistics.median(walls):,.0f} "
        f"(range {min(walls):,.0f}–{max(walls):,.0f}, {args.runs} runs)"
    )
    print(
        f"posts/s (CPU):  median {statistics.median(cpus):,.0f} "
        f"(range {min(cpus):,.0f}–{max(cpus):,.0f})"
    )
    print(f"peak RSS: median {statistics.median(peaks):.0f} MiB (max {max(peaks):.0f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
