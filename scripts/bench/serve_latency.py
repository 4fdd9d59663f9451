"""Benchmark: the reading room's latency on a large archive, beside Datasette's own table search.

    .venv/bin/python scripts/bench/serve_latency.py [--db PATH] [--rebuild] [--requests 200]

Builds (once, then reuses) a synthetic archive of 1,000,000 posts in 100,000 threads and
100,000 documents in 10,000 cases and 1,000 judges of a register, with "injunction" in 30% of
the posts; serves it with
`threadbot serve` on loopback and prints p50/p95 for, at 1 and 8 concurrent clients:

- search, /search?q=injunction (posts and documents at once, newest first, with facets);
- the thread page, /thread/N, the case page, /case/N, and the judge page, /judge/N
  (random N; each judge named in 100 threads, a tenth of them with a wrong appointment);
- Datasette's own table search on the same file, /archive/posts?_search=injunction.

Targets (the issue): search p95 < 100 ms at 1 client and < 300 ms at 8; thread page p95 <
50 ms. Server and clients share this machine's cores, as they would on a small host.

The archive is loaded with plain bulk SQL on the store's schema (FTS triggers off during the
load, then one FTS5 'rebuild' and the triggers back): about two minutes here.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bot.store import Store  # noqa: E402

POSTS = 1_000_000
POSTS_PER_THREAD = 10
DOCUMENTS = 100_000
CASES = 10_000
ACCOUNTS = 5_000
COMMON = "injunction"  # in 30% of posts
COMMON_SHARE = 0.30
JUDGES = 1_000  # each named in the first post of one thread in JUDGES
MARKER = f"serve-latency-v2-{POSTS}-{DOCUMENTS}-{JUDGES}"
SEED = 20260203


def words(n: int) -> list[str]:
    """A vocabulary of pronounceable made-up words (no real word, so none is 'common' by
    accident) plus a few court words that every thread uses now and then."""
    rng = random.Random(SEED)
    syllables = ["ka", "lo", "mi", "ru", "te", "sa", "no", "vi", "de", "po", "gu", "zen", "tor"]
    out = {"".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(n * 2)}
    return sorted(out)[:n]


def build(path: Path) -> None:
    started = time.perf_counter()
    if path.exists():
        path.unlink()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    Store(path).close_after_check()  # the real schema, every migration
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("pragma journal_mode = wal")
    conn.execute("pragma synchronous = off")
    conn.execute("pragma cache_size = -262144")
    # row-at-a-time FTS triggers are what makes a bulk load slow: off, then one rebuild
    found = conn.execute(
        "select name, sql from sqlite_master "
        "where type = 'trigger' and tbl_name in ('posts', 'documents')"
    ).fetchall()
    triggers = [sql for _, sql in found]
    for name, _ in found:
        conn.execute(f"drop trigger [{name}]")
    rng = random.Random(SEED)
    vocabulary = words(6000)
    court_words = ["judge", "ruled", "motion", "order", "court", "denied", "granted", "appeal"]
    conn.execute("begin")
    conn.executemany(
        "insert into accounts (id, platform, handle, display_name, first_seen_at, updated_at) "
        "values (?, 'bluesky', ?, ?, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')",
        ((f"did:plc:bench{a:06d}", f"reporter{a}.test", f"Reporter {a}") for a in range(ACCOUNTS)),
    )
    conn.executemany(
        "insert into dockets (id, courtlistener_id, court_id, court, pacer_case_id, case_name, "
        "docket_number, assigned_to, date_filed, url, fetched_at, updated_at) "
        "values (?, ?, ?, ?, ?, ?, ?, ?, '2025-06-01', ?, '2026-01-01T00:00:00.000Z', "
        "'2026-01-01T00:00:00.000Z')",
        (
            (
                k,
                900_000 + k,
                f"c{k % 90}",
                f"District Court {k % 90}",
                str(k),
                f"{rng.choice(vocabulary).title()} v. {rng.choice(vocabulary).title()}",
                f"1:25-cv-{k:05d}",
                f"Judge {rng.choice(vocabulary).title()}",
                f"https://www.courtlistener.com/docket/{900_000 + k}/",
            )
            for k in range(1, CASES + 1)
        ),
    )
    kinds = ["courtlistener_document", "article", "courtlistener_docket", "pdf"]

    def document_rows():  # type: ignore[no-untyped-def]
        for d in range(1, DOCUMENTS + 1):
            body = " ".join(rng.choices(vocabulary, k=120) + rng.choices(court_words, k=10))
            if rng.random() < COMMON_SHARE:
                body += f" {COMMON}"
            docket = d % CASES + 1 if d % 2 == 0 else None
            yield (
                d,
                kinds[d % 4],
                f"https://docs.test/{d}.pdf",
                f"Document {d}: {' '.join(rng.choices(vocabulary, k=6))}",
                body,
                f"District Court {docket % 90}" if docket else None,
                docket,
                f"2026-01-{1 + d % 28:02d}T00:00:00.000Z",
            )

    conn.executemany(
        "insert into documents (id, kind, url, title, text, court, docket_id, fetched_at, "
        "content_type, size, text_complete) values (?, ?, ?, ?, ?, ?, ?, ?, "
        "'application/pdf', 1000, 1)",
        document_rows(),
    )
    threads = POSTS // POSTS_PER_THREAD
    conn.executemany(
        "insert into threads (id, platform, root_post_id, author_id, title, url, post_count, "
        "link_count, gap_count, first_post_at, last_post_at, archived_at, updated_at) "
        "values (?, 'bluesky', ?, ?, ?, ?, ?, 2, 0, ?, ?, ?, ?)",
        (
            (
                t,
                f"at://did:plc:bench{t % ACCOUNTS:06d}/app.bsky.feed.post/t{t}p1",
                f"did:plc:bench{t % ACCOUNTS:06d}",
                f"Thread {t}: {' '.join(rng.choices(vocabulary, k=8))}",
                f"https://bsky.app/profile/reporter{t % ACCOUNTS}.test/post/t{t}p1",
                POSTS_PER_THREAD,
                _at(t, 0),
                _at(t, POSTS_PER_THREAD - 1),
                _at(t, 60),
                _at(t, 60),
            )
            for t in range(1, threads + 1)
        ),
    )

    def post_rows():  # type: ignore[no-untyped-def]
        for t in range(1, threads + 1):
            author = f"did:plc:bench{t % ACCOUNTS:06d}"
            for p in range(1, POSTS_PER_THREAD + 1):
                text = " ".join(rng.choices(vocabulary, k=20) + rng.choices(court_words, k=3))
                if rng.random() < COMMON_SHARE:
                    text += f" a preliminary {COMMON} today"
                pid = f"at://{author}/app.bsky.feed.post/t{t}p{p}"
                yield (
                    pid,
                    t,
                    p,
                    author,
                    f"https://bsky.app/profile/reporter{t % ACCOUNTS}.test/post/t{t}p{p}",
                    text,
                    _at(t, p),
                    _at(t, 60),
                    '{"$type":"app.bsky.feed.post","text":"' + text[:120] + '","langs":["en"]}',
                )

    conn.executemany(
        "insert into posts (id, platform, thread_id, position, author_id, status, cid, url, "
        "text, created_at, archived_at, updated_at, raw, langs) "
        "values (?, 'bluesky', ?, ?, ?, 'ok', 'cid', ?, ?, ?, ?, ?8, ?9, '[\"en\"]')",
        post_rows(),
    )
    # two links in every thread: its first post to a document (and its case), its fifth to a case
    conn.executemany(
        "insert into links (post_id, position, origin, display_text, url, resolved_url, kind, "
        "status, document_id, docket_id, archived_at, updated_at) "
        "values (?, 1, 'facet', ?, ?, ?, ?, 'ok', ?, ?, '2026-01-01T00:00:00.000Z', "
        "'2026-01-01T00:00:00.000Z')",
        (
            row
            for t in range(1, threads + 1)
            for row in (
                (
                    f"at://did:plc:bench{t % ACCOUNTS:06d}/app.bsky.feed.post/t{t}p1",
                    "docs.test/…",
                    f"https://docs.test/{t % DOCUMENTS + 1}.pdf",
                    f"https://docs.test/{t % DOCUMENTS + 1}.pdf",
                    "courtlistener_document",
                    t % DOCUMENTS + 1,
                    (t % DOCUMENTS + 1) % CASES + 1 if (t % DOCUMENTS + 1) % 2 == 0 else None,
                ),
                (
                    f"at://did:plc:bench{t % ACCOUNTS:06d}/app.bsky.feed.post/t{t}p5",
                    "courtlistener.com/docket/…",
                    f"https://www.courtlistener.com/docket/{900_000 + t % CASES + 1}/",
                    f"https://www.courtlistener.com/docket/{900_000 + t % CASES + 1}/",
                    "courtlistener_docket",
                    None,
                    t % CASES + 1,
                ),
            )
        ),
    )
    _judges(conn, threads)
    conn.execute("commit")
    loaded = time.perf_counter()
    conn.execute("insert into posts_fts (posts_fts) values ('rebuild')")
    conn.execute("insert into documents_fts (documents_fts) values ('rebuild')")
    for sql in triggers:
        conn.execute(sql)
    conn.execute("insert into cursors (name, value, updated_at) values ('bench', ?, '')", [MARKER])
    conn.execute("pragma wal_checkpoint(truncate)")
    conn.close()
    done = time.perf_counter()
    print(
        f"built {path}: {POSTS:,} posts, {DOCUMENTS:,} documents, {CASES:,} cases in "
        f"{done - started:.0f} s (rows {loaded - started:.0f} s, "
        f"FTS rebuild {done - loaded:.0f} s), "
        f"{path.stat().st_size / 1e9:.2f} GB",
        flush=True,
    )


def _judges(conn: sqlite3.Connection, threads: int) -> None:
    """A register of JUDGES judges, one appointment each; every thread's first post names
    judge (thread % JUDGES) + 1, and one thread in ten says another president appointed them."""
    conn.executemany(
        "insert into register_judges values (?, ?, ?, 'Bench', '', '')",
        ((f"fjc:{j}", f"Bench Judge{j}", f"Judge{j}") for j in range(1, JUDGES + 1)),
    )
    conn.executemany(
        "insert into register_services values (?, ?, ?, 'Judge', ?, '2011-03-17', '', '')",
        (
            (f"fjc:{j}", f"c{j % 90}", f"District Court {j % 90}", "Barack Obama")
            for j in range(1, JUDGES + 1)
        ),
    )
    rows = []
    for t in range(1, threads + 1):
        post = f"at://did:plc:bench{t % ACCOUNTS:06d}/app.bsky.feed.post/t{t}p1"
        judge = f"fjc:{t % JUDGES + 1}"
        rows.append((post, "judge", "Judge Bench", judge, 0, 11, t, "{}"))
        if t % 10 == 0:
            details = f'{{"judge": "{judge}", "conflict": 1}}'
            rows.append(
                (post, "appointed_by", "a Trump appointee", "Donald J. Trump", 12, 29, t, details)
            )
    conn.executemany(
        "insert into annotations (subject_type, subject_id, kind, value, normalized, start, "
        '"end", thread_id, details, source, annotator, confidence, created_at) '
        "values ('post', ?, ?, ?, ?, ?, ?, ?, ?, 'rules', 'bench/1', 0.9, "
        "'2026-01-01T00:00:00.000Z')",
        rows,
    )


def _at(thread: int, second: int) -> str:
    """A time for thread `thread` (a minute apart, in order): later threads are newer."""
    day, minute = divmod(thread, 1440)
    month, day = divmod(day, 28)
    return (
        f"2026-{1 + month % 12:02d}-{1 + day:02d}T{minute // 60:02d}:{minute % 60:02d}:"
        f"{second % 60:02d}.000Z"
    )


def is_built(path: Path) -> bool:
    if not path.exists():
        return False
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            row = conn.execute("select value from cursors where name = 'bench'").fetchone()
    except sqlite3.Error:
        return False
    return bool(row and row[0] == MARKER)


def serve(path: Path) -> tuple[subprocess.Popen[bytes], int]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("THREADBOT_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--port", str(port)],
        env={**env, "THREADBOT_DB": str(path)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, port
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("threadbot serve did not start")


def measure(
    port: int,
    paths: Callable[[random.Random], str],
    clients: int,
    requests: int,
    stopped: list[int] | None = None,
) -> list[float]:
    """Latencies (s) of `requests` GETs spread over `clients` threads, each with its own
    keep-alive connection. Every answer must be a 200, or, if `stopped` is given, a 400 of a
    query that Datasette's time limit stopped (counted there)."""
    per_client = max(1, requests // clients)
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()

    def client(n: int) -> None:
        rng = random.Random(SEED + n)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        for _ in range(per_client):
            path = paths(rng)
            started = time.perf_counter()
            conn.request("GET", path)
            response = conn.getresponse()
            body = response.read()
            took = time.perf_counter() - started
            with lock:
                latencies.append(took)
                if stopped is not None and response.status == 400 and b"too long" in body:
                    stopped.append(1)
                elif response.status != 200:
                    failures.append(f"{path}: {response.status}")
        conn.close()

    workers = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    if failures:
        raise SystemExit(f"failed requests: {failures[:5]}")
    return latencies


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/threadbot-bench/serve-latency.db"))
    parser.add_argument("--rebuild", action="store_true", help="build the archive again")
    parser.add_argument("--requests", type=int, default=200, help="requests per page and load")
    parser.add_argument(
        "--stock-requests", type=int, default=16, help="requests for Datasette's table search"
    )
    args = parser.parse_args()
    args.db.parent.mkdir(parents=True, exist_ok=True)
    if args.rebuild or not is_built(args.db):
        build(args.db)
    threads = POSTS // POSTS_PER_THREAD
    vocabulary = words(6000)
    # (name, paths, requests, whether Datasette's time limit may stop it)
    scenarios: list[tuple[str, Callable[[random.Random], str], int, bool]] = [
        (f"search /search?q={COMMON}", lambda r: f"/search?q={COMMON}", args.requests, False),
        (
            "search, a rarer word",
            lambda r: f"/search?q={r.choice(vocabulary)}",
            args.requests,
            False,
        ),
        (
            "thread page /thread/N",
            lambda r: f"/thread/{r.randint(1, threads)}",
            args.requests,
            False,
        ),
        ("case page /case/N", lambda r: f"/case/{r.randint(1, CASES)}", args.requests, False),
        ("judge page /judge/N", lambda r: f"/judge/{r.randint(1, JUDGES)}", args.requests, False),
        (
            "search by relevance (&sort=relevance)",
            lambda r: f"/search?q={COMMON}&sort=relevance",
            args.stock_requests,
            True,
        ),
        (
            f"Datasette /archive/posts?_search={COMMON}",
            lambda r: f"/{args.db.stem}/posts?_search={COMMON}",
            args.stock_requests,
            True,
        ),
    ]
    process, port = serve(args.db)
    try:
        for _, paths, _, may_stop in scenarios:  # warm the page cache and the connections
            measure(port, paths, 2, 4, [] if may_stop else None)
        print(f"{'':44} {'1 client':>20} {'8 clients':>20}")
        print(f"{'':44} {'p50':>9} {'p95':>10} {'p50':>9} {'p95':>10}")
        for name, paths, count, may_stop in scenarios:
            cells = []
            stopped: list[int] = []
            total = 0
            for clients in (1, 8):
                n = max(count, clients)
                latencies = measure(port, paths, clients, n, stopped if may_stop else None)
                total += len(latencies)
                cells += [percentile(latencies, 0.5), percentile(latencies, 0.95)]
            note = f"  ({len(stopped)} of {total} stopped at the 3 s limit)" if stopped else ""
            print(
                f"{name:44} {cells[0] * 1000:7.0f} ms {cells[1] * 1000:7.0f} ms "
                f"{cells[2] * 1000:7.0f} ms {cells[3] * 1000:7.0f} ms{note}",
                flush=True,
            )
    finally:
        process.terminate()
        process.wait(timeout=10)
    print("targets: search p95 < 100 ms (1 client), < 300 ms (8 clients); thread page p95 < 50 ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
