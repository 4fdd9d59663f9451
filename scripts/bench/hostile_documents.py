"""Benchmark: hostile documents through the reader pool, with the default limits.

    .venv/bin/python scripts/bench/hostile_documents.py [--only CASE ...]

Writes the files first (scripts/sandbox/hostile_files.py), then runs each case in a
process of its own so the peaks are its own: wall time, peak RSS of that process (the bot's
side: the pool hands workers file paths, never bodies) and of its largest worker, and what
came back. Peaks are the kernel's high-water marks (VmHWM), the workers' sampled every 20 ms
until they exit (ru_maxrss would not do: it keeps the forking parent's RSS across exec).

Cases:
- text-bomb: 4 KB, ten pages sharing one content stream of 200,000 `(x) Tj` (was 138 s on
  the event loop, 14 MB of text)
- 16x49MB-serial, 16x49MB-parallel: sixteen 49 MB PDFs (two text pages plus an incompressible
  image stream), one after another, then two at a time (was 1.7 GB peak RSS in one thread)
- court-order: the sandbox's three-page order
- filing-2000-pages: an ordinary 2,000-page filing, at the page cap
- memory-hog: one page drawing sixteen 70 MB inflating forms (stopped by the memory limit)

Targets: no case over 30 s of wall time beyond its time limit, none over 300 MiB of RSS in
the bot's process; workers stay under the memory limit (512 MiB) by construction.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts" / "sandbox"))

FILES = 16
BIG = 49 * 1024 * 1024
CASES = [
    "text-bomb",
    "16x49MB-serial",
    "16x49MB-parallel",
    "court-order",
    "filing-2000-pages",
    "memory-hog",
]


def write_files(folder: Path) -> None:
    import hostile_files as hostile
    from fixtures import SAMPLE_ORDER, court_order_pdf

    (folder / "bomb.pdf").write_bytes(hostile.text_bomb_pdf(pages=10, operators=200_000))
    (folder / "order.pdf").write_bytes(court_order_pdf(**SAMPLE_ORDER))
    (folder / "hog.pdf").write_bytes(hostile.memory_hog_pdf(forms=16))
    filing = [
        f"Exhibit page {n}.\n" + "The deponent answered the question. " * 40 for n in range(2000)
    ]
    (folder / "filing.pdf").write_bytes(hostile.text_pdf(filing))
    for n in range(FILES):
        text = [f"Document {n}, page 1: ORDER granting the motion.", "Page 2: SO ORDERED."]
        (folder / f"big-{n:02}.pdf").write_bytes(hostile.padded_pdf(text, BIG, seed=n))


def run_case(case: str, folder: Path) -> dict[str, Any]:
    """One case in this process; returns its figures."""
    from bot.documents.pool import ReaderPool

    pool = ReaderPool()
    pool.start()
    while len(pool.worker_pids()) < 2:  # time the reading, not the workers' start
        time.sleep(0.05)
    worker_peaks: dict[int, int] = {}
    sampling = threading.Event()

    def sample() -> None:
        while True:
            for pid in pool.worker_pids():
                worker_peaks[pid] = max(worker_peaks.get(pid, 0), high_water_mark(pid))
            if sampling.wait(0.02):
                return

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()

    async def read_all(paths: list[Path], at_once: int) -> list[Any]:
        gate = asyncio.Semaphore(at_once)

        async def one(path: Path) -> Any:
            async with gate:
                try:
                    return await pool.read_pdf(path)
                except Exception as e:
                    return e

        return list(await asyncio.gather(*(one(path) for path in paths)))

    paths = {
        "text-bomb": [folder / "bomb.pdf"],
        "court-order": [folder / "order.pdf"],
        "filing-2000-pages": [folder / "filing.pdf"],
        "memory-hog": [folder / "hog.pdf"],
    }.get(case) or sorted(folder.glob("big-*.pdf"))
    at_once = 2 if case.endswith("parallel") else 1
    started = time.monotonic()
    results = asyncio.run(read_all(paths, at_once))
    wall = time.monotonic() - started
    sampling.set()
    sampler.join()  # after one last sample of the workers still alive
    pool.close()
    return {
        "case": case,
        "wall": wall,
        "main_rss": high_water_mark("self"),
        "worker_rss": max(worker_peaks.values(), default=0),
        "workers": len(worker_peaks),
        "outcome": describe(results),
    }


def high_water_mark(pid: int | str) -> int:
    """A process's peak RSS in bytes, 0 once it has gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def describe(results: list[Any]) -> str:
    if len(results) > 1:
        complete = sum(1 for r in results if getattr(r, "complete", False))
        chars = sum(len(getattr(r, "text", "")) for r in results)
        return f"{complete} of {len(results)} complete, {chars:,} characters in all"
    [result] = results
    if isinstance(result, Exception):
        return f"{type(result).__name__}: {result}"
    status = "complete" if result.complete else result.limit_reason
    return f"{len(result.text):,} characters, {status}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="*", choices=CASES, default=CASES)
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:  # a child run: one case, figures as JSON
        print(json.dumps(run_case(args.case, args.dir)))
        return

    with tempfile.TemporaryDirectory(prefix="hostile-") as tmp:
        folder = Path(tmp)
        started = time.monotonic()
        write_files(folder)
        size = sum(p.stat().st_size for p in folder.iterdir())
        print(f"wrote {size / 2**20:,.0f} MiB of test files in {time.monotonic() - started:.1f} s")
        print(
            f"{'case':<18} {'wall':>7} {'main RSS':>9} {'worker RSS':>11} {'workers':>7}  outcome"
        )
        for case in args.only:
            child = subprocess.run(
                [sys.executable, __file__, "--case", case, "--dir", str(folder)],
                capture_output=True,
                text=True,
                check=True,
            )
            figures = json.loads(child.stdout.strip().splitlines()[-1])
            print(
                f"{case:<18} {figures['wall']:>6.1f}s {figures['main_rss'] / 2**20:>6.0f} MiB"
                f" {figures['worker_rss'] / 2**20:>7.0f} MiB {figures['workers']:>7}"
                f"  {figures['outcome']}"
            )


if __name__ == "__main__":
    main()
