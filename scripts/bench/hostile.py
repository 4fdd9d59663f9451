"""Benchmark: hostile input end to end, through the command line a user runs.

    .venv/bin/python scripts/bench/hostile.py [--only CASE ...]

A loopback "AppView" serves a thread per case (its posts link to hostile loopback servers,
or its answer itself is hostile); each case runs `threadbot archive` (or `threadbot serve`)
with the default limits, in a process of its own, and prints its wall time, the peak RSS
(VmHWM) of the largest process it ran (the bot, a document reader) and what came of it.

Cases:
- text-bomb: a thread linking a 4 KB PDF whose ten pages share one stream of 200,000
  text operators (was 138 s on the event loop, 14 MB of text)
- drip: a link whose server sends one byte a second (was 300 s)
- drip-40: a post with forty such links (was minutes; now the thread's link budget)
- 16x49MB: a thread linking sixteen 49 MB PDFs (was 1.7 GB of RSS)
- huge-answer: an AppView answer of 300 MB (was 690 MB of RSS)
- appview-drip: an AppView answer dripped at 2 bytes a second, bluesky.timeout 5 s
  (was 206 s past the timeout)
- deep-reply: a stranger's reply with a field nested 3,000 deep (failed the whole thread)
- appview-redirect: the AppView answers with a redirect to a metadata address
- randomblob: four concurrent `select length(randomblob(1000000000))` against
  `threadbot serve` (was 4 GB, 14–25 s each)

Targets: no case over 30 s of wall time or 300 MiB of RSS per process.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import psutil

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts" / "sandbox"))
sys.path.insert(0, str(ROOT / "tests"))

import hostile_files  # noqa: E402
from factories import chain_view, link_facet, post_view  # noqa: E402

BIG = 49 * 1024 * 1024
CASES = [
    "text-bomb",
    "drip",
    "drip-40",
    "16x49MB",
    "huge-answer",
    "appview-drip",
    "deep-reply",
    "appview-redirect",
    "randomblob",
]


def did(case: str) -> str:
    return "did:plc:" + "".join(c for c in case if c.isalnum()).lower().ljust(24, "x")


class Sites:
    """The hostile loopback servers: link targets and the fake AppView, in one server."""

    def __init__(self, files: Path) -> None:
        self.files = files
        sites = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                sites.answer(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def answer(self, h: BaseHTTPRequestHandler) -> None:
        split = urlsplit(h.path)
        query = {k: v[0] for k, v in parse_qs(split.query).items()}
        path = split.path
        try:
            if path == "/xrpc/com.atproto.identity.resolveHandle":
                return _json(h, {"did": did(query["handle"].removesuffix(".test"))})
            if path == "/xrpc/app.bsky.feed.getPostThread":
                case = next(c for c in CASES if did(c) == query["uri"].split("/")[2])
                return self.thread(h, case)
            if path == "/xrpc/app.bsky.feed.getPosts":
                return _json(h, {"posts": []})
            if path == "/drip":
                return _drip(h, b"%PDF-1.4\n" + b"x" * 100_000, 1.0)
            if path.endswith(".pdf"):
                return _file(h, self.files / path.lstrip("/"))
        except (BrokenPipeError, ConnectionResetError):
            return None
        _send(h, 404, "text/plain", b"not found")

    def thread(self, h: BaseHTTPRequestHandler, case: str) -> None:
        author = (did(case), f"{case}.test")
        links: dict[str, list[str]] = {
            "text-bomb": [f"{self.base}/bomb.pdf"],
            "drip": [f"{self.base}/drip"],
            "drip-40": [f"{self.base}/drip?n={n}" for n in range(40)],
            "16x49MB": [f"{self.base}/big-{n:02}.pdf" for n in range(16)],
        }
        if case == "huge-answer":
            return _huge(h, 300 * 1024 * 1024)
        if case == "appview-redirect":
            h.send_response(302)
            h.send_header("Location", "http://169.254.169.254/latest/meta-data/")
            h.send_header("Content-Length", "0")
            h.end_headers()
            return None
        text = "Judge Ortega granted the injunction. The order: "
        urls = links.get(case, [])
        body_text = text + " ".join(f"link{n}" for n in range(len(urls)))
        root = post_view(author, "root", body_text, 0, facets=_respan(body_text, urls) or None)
        extra: dict[int, list[dict[str, Any]]] = {}
        stranger = ("did:plc:strangerxxxxxxxxxxxxxxxx", "stranger.test")
        if case == "deep-reply":
            reply = post_view(stranger, "r", "hi", 1, parent=root["uri"], root=root["uri"])
            reply["record"]["x"] = "DEEP"
            extra[0] = [{"$type": "app.bsky.feed.defs#threadViewPost", "post": reply}]
        second = post_view(author, "two", "More soon.", 2, parent=root["uri"], root=root["uri"])
        data = json.dumps({"thread": chain_view([root, second], extra)}).encode()
        # a field nested 3,000 deep, written as text (no JSON library writes it)
        data = data.replace(b'"DEEP"', b'{"a":' * 3000 + b'"bottom"' + b"}" * 3000)
        if case == "appview-drip":
            return _drip(h, data, 2.0, "application/json")
        _send(h, 200, "application/json", data)


def _respan(text: str, urls: list[str]) -> list[dict[str, Any]]:
    return [link_facet(text, f"link{n}", url) for n, url in enumerate(urls)]


def _send(h: BaseHTTPRequestHandler, status: int, kind: str, body: bytes) -> None:
    h.send_response(status)
    h.send_header("Content-Type", kind)
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    h.wfile.write(body)


def _json(h: BaseHTTPRequestHandler, value: Any) -> None:
    _send(h, 200, "application/json", json.dumps(value).encode())


def _file(h: BaseHTTPRequestHandler, path: Path) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "application/pdf")
    h.send_header("Content-Length", str(path.stat().st_size))
    h.end_headers()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            h.wfile.write(chunk)


def _drip(h: BaseHTTPRequestHandler, body: bytes, per_second: float, kind: str = "") -> None:
    h.send_response(200)
    h.send_header("Content-Type", kind or "application/pdf")
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    for i in range(len(body)):
        h.wfile.write(body[i : i + 1])
        h.wfile.flush()
        time.sleep(1 / per_second)


def _huge(h: BaseHTTPRequestHandler, size: int) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "application/json")
    h.send_header("Content-Length", str(size))
    h.end_headers()
    chunk = b'{"thread": {"padding": "' + b"x" * (1 << 20)
    sent = 0
    while sent < size:
        piece = chunk[: min(len(chunk), size - sent)]
        h.wfile.write(piece)
        sent += len(piece)
        chunk = b"x" * (1 << 20)


def high_water_mark(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def watched(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, int, Any]:
    """Run a command; its wall time, the peak RSS of its largest process, its result."""
    started = time.monotonic()
    proc = subprocess.Popen(
        command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    peaks: dict[int, int] = {}
    while proc.poll() is None:
        try:
            tree = [psutil.Process(proc.pid), *psutil.Process(proc.pid).children(recursive=True)]
        except psutil.Error:
            tree = []
        for p in tree:
            peaks[p.pid] = max(peaks.get(p.pid, 0), high_water_mark(p.pid))
        time.sleep(0.02)
    out, err = proc.communicate()
    main_peak = peaks.pop(proc.pid, 0)
    workers = max(peaks.values(), default=0)
    print(f"    (bot {main_peak / 2**20:.0f} MiB, largest reader {workers / 2**20:.0f} MiB)")
    return time.monotonic() - started, max(main_peak, workers), (proc.returncode, out, err)


def archive_case(case: str, sites: Sites, work: Path) -> tuple[float, int, str]:
    db = work / f"{case}.db"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("THREADBOT_")},
        "THREADBOT_DB": str(db),
        "THREADBOT_BLUESKY_SERVICE": sites.base,
        "THREADBOT_FETCH_ALLOW_PRIVATE_ADDRESSES": "true",
    }
    if case == "appview-drip":
        env["THREADBOT_BLUESKY_TIMEOUT"] = "5"
    url = f"https://bsky.app/profile/{case}.test/post/root"
    wall, rss, (code, out, err) = watched([sys.executable, "-m", "bot", "archive", url], env, work)
    lines = [line for line in (out + err).splitlines() if line.strip()]
    outcome = f"exit {code}: " + " | ".join(lines[-3:])
    if db.exists() and code == 0:
        import sqlite3

        with sqlite3.connect(db) as conn:
            notes = conn.execute(
                "select count(*), coalesce(max(text_note), '') from documents"
            ).fetchone()
            if notes[0]:
                outcome += f" | {notes[0]} documents" + (f"; note: {notes[1]}" if notes[1] else "")
    return wall, rss, outcome


def randomblob_case(work: Path) -> tuple[float, int, str]:
    db = work / "serve.db"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("THREADBOT_")},
        "THREADBOT_DB": str(db),
    }
    sys.path.insert(0, str(ROOT))
    from factories import sample_thread

    from bot.store import Store
    from bot.store.threads import save_thread

    store = Store(db)
    save_thread(store, sample_thread(3))
    store.close()
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--port", str(port)],
        env=env,
        cwd=work,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(base + "/-/versions.json", timeout=1)
            break
        except OSError:
            time.sleep(0.05)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, high_water_mark(server.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    sql = "select+length(randomblob(1000000000))"

    def one(_: int) -> tuple[float, str]:
        began = time.monotonic()
        try:
            with urllib.request.urlopen(f"{base}/{db.stem}.json?sql={sql}", timeout=120) as r:
                status, body = r.status, r.read()
        except urllib.error.HTTPError as e:
            status, body = e.code, e.read()
        message = json.loads(body).get("error") if body.startswith(b"{") else body[:80]
        return time.monotonic() - began, f"HTTP {status} {message}"

    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(one, range(4)))
    wall = time.monotonic() - started
    done.set()
    sampler.join()
    server.terminate()
    server.wait(30)
    slowest = max(a[0] for a in answers)
    return wall, peak, f"slowest {slowest:.1f} s; {answers[0][1]}"


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="*", choices=CASES)
    args = parser.parse_args()
    cases = args.only or CASES
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "bomb.pdf").write_bytes(hostile_files.text_bomb_pdf(pages=10, operators=200_000))
        for n in range(16):
            text = [f"Document {n}, page 1: ORDER granting the motion.", "Page 2: SO ORDERED."]
            (work / f"big-{n:02}.pdf").write_bytes(hostile_files.padded_pdf(text, BIG, seed=n))
        sites = Sites(work)
        print(f"{'case':<17} {'wall':>7} {'peak RSS':>9}  outcome")
        for case in cases:
            run: Callable[[], tuple[float, int, str]] = (
                (lambda: randomblob_case(work))
                if case == "randomblob"
                else (lambda c=case: archive_case(c, sites, work))  # type: ignore[misc]
            )
            wall, rss, outcome = run()
            print(f"{case:<17} {wall:6.1f}s {rss / 2**20:7.0f} MiB  {outcome[:300]}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
