"""Soak: the daemon for a long stretch against the sandbox, with faults on every service.

    .venv/bin/python scripts/bench/soak.py [--minutes 10] [--chaos 0.15] [--kill-every 60]

Starts the local AT network and the loopback sites, each behind a fault proxy (5xx, 429 with
a reset, connection resets, slow bodies, at random on `--chaos` of the calls), then runs
`threadbot run` with short intervals while a driver posts: reporters' court threads with
links (and other threads), readers' mentions of the bot, posts that vanish (deleted after
they were seen), likes of the bot's posts. Every `--kill-every` seconds the daemon is killed
with SIGKILL and started again; a second daemon is started beside it each time (it must
refuse to run). At the end the faults stop, the daemon catches up, and the run prints:
threads, links and requests handled, replies posted (each request exactly once), rows lost,
the archive's integrity checks and the peak RSS of the daemon's processes.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts" / "sandbox"))

from faults import FaultProxy  # noqa: E402
from network import LocalNetwork  # noqa: E402
from seed import PASSWORD, Author, make_author, mention_bot, own_replies, post  # noqa: E402
from web import PATHS, SandboxWeb  # noqa: E402

COURT = [
    "Judge Ortega granted a preliminary injunction in the water case, No. 1:26-cv-{n:05d}.",
    "The order says the agency skipped notice and comment. Read it: {link}",
    "DOJ is expected to appeal to the D.C. Circuit.",
]
OTHER = ["Made soup again this weekend.", "Secret: more garlic."]


@dataclass
class Posted:
    threads: list[list[str]] = field(default_factory=list)  # court threads: their post URIs
    deleted: set[str] = field(default_factory=set)
    mentions: list[str] = field(default_factory=list)  # mention URIs that ask for an archive
    errors: list[str] = field(default_factory=list)


class Driver(threading.Thread):
    """Posts what reporters and readers post, until stopped."""

    def __init__(
        self, reporters: list[Author], readers: list[Author], bot: Author, links: list[str]
    ) -> None:
        super().__init__(daemon=True)
        self.reporters, self.readers, self.bot, self.links = reporters, readers, bot, links
        self.posted = Posted()
        self.stop_event = threading.Event()
        self.rng = random.Random(11)

    def run(self) -> None:
        n = 0
        while not self.stop_event.wait(self.rng.uniform(1.0, 3.0)):
            n += 1
            try:
                self.step(n)
            except Exception as e:  # the network is not the thing under test
                self.posted.errors.append(f"{type(e).__name__}: {e}")

    def step(self, n: int) -> None:
        reporter = self.rng.choice(self.reporters)
        texts = [t.format(n=n, link="storage.courtlistener.com/recap/…") for t in COURT]
        link = self.rng.choice(self.links)
        root = post(reporter, texts[0])
        display = "storage.courtlistener.com/recap/…"
        second = post(reporter, texts[1], [(display, link)], (root, root))
        last = post(reporter, texts[2], reply_to=(second, root))
        self.posted.threads.append([root.uri, second.uri, last.uri])
        if n % 3 == 0:
            other = post(reporter, OTHER[0])
            post(reporter, OTHER[1], reply_to=(other, other))
        if n % 2 == 0:
            reader = self.rng.choice(self.readers)
            words = self.rng.choice(["archive", "unroll please", ""])
            ask = mention_bot(reader, self.bot, words, last, root)
            self.posted.mentions.append(ask.uri)
        if n % 5 == 0 and len(self.posted.threads) > 2:
            # a post that vanishes after it may have been archived
            victim = self.rng.choice(self.posted.threads[:-1])[2]
            if victim not in self.posted.deleted:
                owner = next(r for r in self.reporters if r.did in victim)
                owner.client.delete_post(victim)
                self.posted.deleted.add(victim)
        if n % 4 == 0:
            mine = post(self.bot, f"note {n}")
            self.rng.choice(self.readers).client.like(mine.uri, mine.cid)


class Daemons:
    """The daemon under test, killed and restarted, and the second one started beside it."""

    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.env, self.cwd = env, cwd
        self.proc: subprocess.Popen[bytes] | None = None
        self.kills = 0
        self.second_refused = 0
        self.second_ran = 0
        self.peak_rss: dict[str, float] = {"daemon": 0.0, "document readers": 0.0}
        self.log = open(cwd / "daemon.log", "ab")  # noqa: SIM115

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "-v", "run"],
            env=self.env,
            cwd=self.cwd,
            stdout=self.log,
            stderr=self.log,
        )

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
            self.kills += 1

    def second(self) -> None:
        """A second daemon on the same archive must exit at once, saying why."""
        run = subprocess.run(
            [sys.executable, "-m", "bot", "run"],
            env=self.env,
            cwd=self.cwd,
            capture_output=True,
            text=True,
            timeout=60,
        )
        if run.returncode == 1 and "already working on" in run.stderr:
            self.second_refused += 1
        else:
            self.second_ran += 1

    def sample(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        with contextlib.suppress(psutil.Error):
            main = psutil.Process(self.proc.pid)
            self.peak_rss["daemon"] = max(self.peak_rss["daemon"], main.memory_info().rss / 2**20)
            for child in main.children(recursive=True):
                with contextlib.suppress(psutil.Error):
                    rss = child.memory_info().rss / 2**20
                    self.peak_rss["document readers"] = max(self.peak_rss["document readers"], rss)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(120)
            except subprocess.TimeoutExpired:
                self.kill()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--chaos", type=float, default=0.15, help="share of calls that fail")
    parser.add_argument("--kill-every", type=float, default=60.0, help="seconds between kills")
    parser.add_argument("--reporters", type=int, default=4)
    args = parser.parse_args()

    with (
        LocalNetwork() as network,
        SandboxWeb() as web,
        FaultProxy(network.appview) as appview,
        FaultProxy(network.pds) as pds,
        FaultProxy(web.base) as sites,
        tempfile.TemporaryDirectory() as tmp,
    ):
        work = Path(tmp)
        print(f"network up in {network.startup_seconds:.1f} s; creating accounts…", flush=True)
        reporters = [
            make_author(network.pds, network.appview, f"soak-rep-{i}.test")
            for i in range(args.reporters)
        ]
        readers = [
            make_author(network.pds, network.appview, f"soak-reader-{i}.test") for i in range(3)
        ]
        bot = make_author(network.pds, network.appview, "soak-bot.test")
        names = ("order", "exhibit", "docket", "story", "short")
        links = [sites.url + PATHS[name] for name in names]
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("THREADBOT_")},
            **web.threadbot_env(),
            "THREADBOT_DB": str(work / "archive.db"),
            "THREADBOT_PUBLIC_URL": "http://archive.example",
            "THREADBOT_BLUESKY_SERVICE": appview.url,
            "THREADBOT_BLUESKY_PDS": pds.url,
            "THREADBOT_BLUESKY_HANDLE": bot.handle,
            "THREADBOT_BLUESKY_PASSWORD": PASSWORD,
            "THREADBOT_BLUESKY_WATCH": ",".join(r.handle for r in reporters),
            "THREADBOT_BLUESKY_TIMEOUT": "5",
            "THREADBOT_COURTLISTENER_STORAGE_BASE": f"{sites.url}/storage",
            "THREADBOT_COURTLISTENER_WEB_BASE": f"{sites.url}/courtlistener",
            "THREADBOT_COURTLISTENER_API_BASE": f"{sites.url}/api/rest/v4",
            "THREADBOT_FETCH_TIMEOUT": "5",
            "THREADBOT_DAEMON_POLL_INTERVAL": "8",
            "THREADBOT_DAEMON_MENTION_INTERVAL": "4",
            "THREADBOT_DAEMON_RESOLVE_INTERVAL": "6",
            "THREADBOT_DAEMON_REFRESH_INTERVAL": "15",
            "THREADBOT_DAEMON_REQUESTS_PER_HOUR": "1000",
        }
        for proxy in (appview, pds, sites):
            proxy.chaos(args.chaos)
        driver = Driver(reporters, readers, bot, links)
        daemons = Daemons(env, work)
        started = time.monotonic()
        driver.start()
        daemons.start()
        next_kill = started + args.kill_every
        print(f"soaking for {args.minutes:g} min (chaos {args.chaos:.0%})…", flush=True)
        while time.monotonic() - started < args.minutes * 60:
            daemons.sample()
            if time.monotonic() >= next_kill:
                daemons.second()
                daemons.kill()
                daemons.start()
                next_kill += args.kill_every
            time.sleep(0.5)
        driver.stop_event.set()
        driver.join(30)
        # faults off: the daemon catches up on what is left (retries wait out their backoff)
        for proxy in (appview, pds, sites):
            proxy.clear()
        catch_up_start = time.monotonic()
        daemons.stop()
        settle(work / "archive.db", env, work)
        report(
            work / "archive.db",
            driver.posted,
            bot,
            daemons,
            {"AppView": appview, "PDS": pds, "sites": sites},
            time.monotonic() - started,
            time.monotonic() - catch_up_start,
        )
    return 0


def settle(db: Path, env: dict[str, str], cwd: Path) -> None:
    """Run every job once, with every retry made due now, until nothing is left to do."""
    for _ in range(8):
        with sqlite3.connect(db) as conn:
            conn.execute(
                "update requests set next_attempt_at = null where status in "
                "('received', 'archived', 'replying')"
            )
            conn.execute(
                "update links set next_attempt_at = '2000-01-01T00:00:00.000Z' "
                "where status = 'failed' and next_attempt_at is not null"
            )
            conn.execute(
                "update item_failures set next_attempt_at = '2000-01-01T00:00:00.000Z' "
                "where next_attempt_at is not null"
            )
            conn.execute("update requests set claimed_by = null, claimed_until = null")
        subprocess.run(
            [sys.executable, "-m", "bot", "run", "--once"],
            env=env,
            cwd=cwd,
            capture_output=True,
            timeout=600,
        )
        with sqlite3.connect(db) as conn:
            open_requests = conn.execute(
                "select count(*) from requests where status in ('received','archived','replying')"
            ).fetchone()[0]
            pending = conn.execute(
                "select count(*) from links where status = 'pending' or "
                "(status = 'failed' and next_attempt_at is not null)"
            ).fetchone()[0]
        if not open_requests and not pending:
            return


def report(
    db: Path,
    posted: Posted,
    bot: Author,
    daemons: Daemons,
    proxies: dict[str, FaultProxy],
    wall: float,
    catch_up: float,
) -> None:
    conn = sqlite3.connect(db)

    def one(sql: str, *params: object) -> int:
        return int(conn.execute(sql, params).fetchone()[0])

    def by_status(table: str) -> str:
        rows = conn.execute(f"select status, count(*) from {table} group by status order by 2 desc")
        return ", ".join(f"{n} {status}" for status, n in rows)

    archived = {r[0] for r in conn.execute("select root_post_id from threads")}
    court = [t[0] for t in posted.threads]
    # Rows lost: a post of an archived thread that its author wrote and did not delete,
    # missing from `posts`; a mention asking for an archive with no `requests` row.
    lost_posts = sum(
        1
        for thread in posted.threads
        if thread[0] in archived
        for uri in thread
        if uri not in posted.deleted and not one("select count(*) from posts where id = ?", uri)
    )
    lost_requests = sum(
        1
        for m in posted.mentions
        if not one("select count(*) from requests where mention_post_id = ?", m)
    )
    replies = [len(own_replies(bot, m)) for m in posted.mentions]
    injected = ", ".join(f"{name} {len(p.injected)}" for name, p in proxies.items())
    integrity = conn.execute("pragma integrity_check").fetchone()[0]
    fk = len(conn.execute("pragma foreign_key_check").fetchall())
    print()
    print(f"wall time {wall / 60:.1f} min (catch-up after the faults stopped: {catch_up:.0f} s)")
    print(f"faults injected: {injected}")
    print(
        f"daemon killed (SIGKILL) {daemons.kills} times; a second daemon beside it refused to "
        f"start {daemons.second_refused} times, ran {daemons.second_ran} times"
    )
    print(
        f"threads: {len(court)} court threads posted, {len(archived & set(court))} archived; "
        f"{one('select count(*) from threads')} threads, {one('select count(*) from posts')} "
        f"posts in the archive ({by_status('posts')})"
    )
    # why a court thread is not archived: the filter's decision on it, or never seen
    missed: Counter[str] = Counter()
    for root in court:
        if root in archived:
            continue
        row = conn.execute(
            "select decision, reasons from candidates where root_post_id = ?", [root]
        ).fetchone()
        failed = conn.execute(
            "select attempts, error from item_failures where job = 'watch-thread' and item = ?",
            [root],
        ).fetchone()
        if row:
            missed[f"{row[0]} ({row[1]})"] += 1
        elif failed:
            missed[f"failed {failed[0]} times ({failed[1]})"] += 1
        else:
            missed["never seen by watch"] += 1
    if missed:
        print("  not archived: " + "; ".join(f"{n} {why}" for why, n in missed.most_common()))
        unseen = [r for r in court if r not in archived][:5]
        found = bot.client.app.bsky.feed.get_posts({"uris": unseen}).posts
        positions = dict(conn.execute("select id, newest_seen_at from watched_accounts"))
        for view in found:
            print(
                f"    {view.uri}: created {view.record.created_at}, indexed {view.indexed_at}, "
                f"account position {positions.get(view.author.did)}"
            )
    print(
        f"links: {one('select count(*) from links')} ({by_status('links')}); "
        f"{one('select count(*) from documents')} documents"
    )
    print(
        f"requests: {len(posted.mentions)} mentions posted, "
        f"{one('select count(*) from requests')} recorded ({by_status('requests')})"
    )
    print(
        f"replies: {replies.count(1)} requests answered exactly once, {replies.count(0)} "
        f"unanswered, {sum(1 for r in replies if r > 1)} answered more than once"
    )
    print(f"rows lost: {lost_posts} posts, {lost_requests} requests")
    print(f"integrity_check: {integrity}; foreign_key_check: {fk} violations")
    print(
        f"peak RSS: daemon {daemons.peak_rss['daemon']:.0f} MiB, largest document reader "
        f"{daemons.peak_rss['document readers']:.0f} MiB"
    )
    if posted.errors:
        print(f"(the driver's own posts failed {len(posted.errors)} times: {posted.errors[0]})")


if __name__ == "__main__":
    sys.exit(main())
