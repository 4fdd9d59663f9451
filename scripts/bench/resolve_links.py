"""Benchmark: links/s resolving 1,000 mixed links through the Fetcher, against bare httpx.

    .venv/bin/python scripts/bench/resolve_links.py [--links 1000] [--rounds 3]

A loopback server runs in its own process (a bare asyncio HTTP/1.1 server) so it does not share
the client's GIL. It serves a mix like the links in reporters' threads: article pages,
shortener-like redirect chains of 1-3 hops, small PDFs and dead links (404). The same URLs
are then fetched, 8 at a time, by:

- the Fetcher with the address guard on (loopback allowed through `allow_networks`, so the
  guard still checks every connection), caps, retries and per-host limits in place;
- the ceiling: a bare `httpx.AsyncClient` loop, follow_redirects=True, same concurrency.

Prints one line per figure: both rates (best of the rounds) and their ratio (target >= 0.5).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bot.config import FetchSettings  # noqa: E402
from bot.links.fetch import Fetcher  # noqa: E402

CONCURRENCY = 8
PAGE = b"<!doctype html><title>Ruling</title>" + b"<p>The court grants the motion.</p>" * 60
PDF = b"%PDF-1.7\n" + bytes(range(256)) * 32  # about 8 KB


# --- the server (runs in its own process) -----------------------------------------------
# A bare asyncio protocol with ready-made responses, not uvicorn: uvicorn's pure-Python h11
# server capped both clients at ~400 links/s here, which measured the server, not them.


def response(path: str) -> bytes:
    """/page/N, /pdf/N, /r/HOPS/page/N (redirects HOPS times), anything else 404."""
    parts = path.strip("/").split("/")
    status, body, headers = "404 Not Found", b"not found", "Content-Type: text/plain\r\n"
    if parts[0] == "page":
        status, body, headers = "200 OK", PAGE, "Content-Type: text/html; charset=utf-8\r\n"
    elif parts[0] == "pdf":
        status, body, headers = "200 OK", PDF, "Content-Type: application/pdf\r\n"
    elif parts[0] == "r" and len(parts) >= 3:
        hops, rest = int(parts[1]), "/".join(parts[2:])
        location = f"/r/{hops - 1}/{rest}" if hops > 1 else f"/{rest}"
        status, body, headers = "301 Moved Permanently", b"", f"Location: {location}\r\n"
    head = f"HTTP/1.1 {status}\r\n{headers}Content-Length: {len(body)}\r\n\r\n"
    return head.encode() + body


class LinkServer(asyncio.Protocol):
    def connection_made(self, transport: Any) -> None:
        self.transport = transport
        self.buffer = b""

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            request, self.buffer = self.buffer[:end], self.buffer[end + 4 :]
            path = request.split(b" ", 2)[1].decode()
            self.transport.write(response(path))


def serve(port: int) -> None:
    async def run() -> None:
        server = await asyncio.get_running_loop().create_server(LinkServer, "127.0.0.1", port)
        await server.serve_forever()

    asyncio.run(run())


def start_server() -> tuple[subprocess.Popen[bytes], int]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen([sys.executable, __file__, "--serve", str(port)])
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process, port
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise SystemExit("the benchmark server did not start")


# --- the links and the two clients ------------------------------------------------------


def mixed_links(base: str, count: int) -> list[str]:
    rng = random.Random(1)
    links = []
    for i in range(count):
        roll = rng.random()
        if roll < 0.45:
            links.append(f"{base}/page/{i}")
        elif roll < 0.75:
            links.append(f"{base}/r/{rng.randint(1, 3)}/page/{i}")
        elif roll < 0.90:
            links.append(f"{base}/pdf/{i}")
        else:
            links.append(f"{base}/gone/{i}")
    return links


async def with_fetcher(urls: list[str]) -> Counter[str]:
    settings = FetchSettings(allow_private_addresses=False)
    async with Fetcher(
        settings, allow_networks=["127.0.0.1/32"], max_connections=CONCURRENCY, trust_env=False
    ) as fetcher:
        results = await asyncio.gather(*(fetcher.fetch(u) for u in urls))
    return Counter(r.error or r.outcome for r in results)


async def with_bare_httpx(urls: list[str]) -> Counter[str]:
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    slots = asyncio.Semaphore(CONCURRENCY)

    async def get(client: httpx.AsyncClient, url: str) -> str:
        async with slots:
            response = await client.get(url)
            await response.aread()
            return "ok" if response.is_success else f"HTTP {response.status_code}"

    async with httpx.AsyncClient(limits=limits, follow_redirects=True, trust_env=False) as c:
        return Counter(await asyncio.gather(*(get(c, u) for u in urls)))


def rate(run: Callable[[list[str]], Awaitable[Counter[str]]], urls: list[str]) -> tuple:
    started = time.perf_counter()
    outcomes = asyncio.run(run(urls))
    return len(urls) / (time.perf_counter() - started), outcomes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--links", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        return serve(args.serve)

    process, port = start_server()
    try:
        urls = mixed_links(f"http://127.0.0.1:{port}", args.links)
        rate(with_bare_httpx, urls[:50])  # warm up both sides
        fetcher_rates, bare_rates = [], []
        for _ in range(args.rounds):  # interleaved, so drift hits both alike
            fetcher_rate, fetcher_outcomes = rate(with_fetcher, urls)
            bare_rate, bare_outcomes = rate(with_bare_httpx, urls)
            fetcher_rates.append(fetcher_rate)
            bare_rates.append(bare_rate)
        if fetcher_outcomes != bare_outcomes:
            raise SystemExit(f"outcomes differ: {fetcher_outcomes} vs {bare_outcomes}")
    finally:
        process.terminate()
        process.wait(10)

    mix = ", ".join(f"{n} {outcome}" for outcome, n in sorted(fetcher_outcomes.items()))
    best_fetcher, best_bare = max(fetcher_rates), max(bare_rates)
    print(f"links: {len(urls)} ({mix}), {CONCURRENCY} in flight, best of {args.rounds} rounds")
    print(f"fetcher, guard on: {best_fetcher:.0f} links/s")
    print(f"ceiling, bare httpx.AsyncClient: {best_bare:.0f} links/s")
    print(f"ratio: {best_fetcher / best_bare:.2f} (target >= 0.5)")


if __name__ == "__main__":
    main()
