"""`threadbot run --once` on the real local AT network: watched reporters and mentions."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from seed import (
    PASSWORD,
    Author,
    make_author,
    mention_bot,
    own_replies,
    post,
    wait_for_mention,
    wait_for_posts,
)

from bot.web.app import make_datasette

COURT_THREAD = [
    "BREAKING: Judge Ana Reyes (D.D.C.) granted a preliminary injunction blocking the new "
    "visa rule. Order: storage.courtlistener.com/recap/gov.usco…",
    "The judge ruled the agency skipped notice and comment. Case No. 1:26-cv-00777.",
    "DOJ is expected to appeal to the D.C. Circuit.",
]
OTHER_THREAD = [
    "Made sourdough again this weekend. The crust finally came out right.",
    "Secret: a longer cold proof in the fridge.",
]


def rows(db: Path, sql: str, *params: object) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def post_thread(author: Author, texts: list[str], links: dict[int, tuple[str, str]] | None = None):  # type: ignore[no-untyped-def]
    links = links or {}
    root = post(author, texts[0], [links[0]] if 0 in links else [])
    parent, refs = root, [root]
    for i, text in enumerate(texts[1:], start=1):
        parent = post(author, text, [links[i]] if i in links else [], reply_to=(parent, root))
        refs.append(parent)
    return refs


@pytest.fixture(scope="module")
def bot(network) -> Author:  # type: ignore[no-untyped-def]
    return make_author(network.pds, network.appview, "archive-bot.test")


@pytest.fixture
def daemon(network, web, bot, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Run `threadbot run --once` (or Python code in a child process) with this setup."""
    env = {
        **os.environ,
        **web.threadbot_env(),
        "THREADBOT_DB": str(tmp_path / "archive.db"),
        "THREADBOT_PUBLIC_URL": "http://archive.example",
        "THREADBOT_BLUESKY_SERVICE": network.appview,
        "THREADBOT_BLUESKY_PDS": network.pds,
        "THREADBOT_BLUESKY_HANDLE": bot.handle,
        "THREADBOT_BLUESKY_PASSWORD": PASSWORD,
    }

    def run(*args: str, code: str | None = None, **extra: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "bot", "run", "--once", *args]
        if code is not None:
            command = [sys.executable, "-c", textwrap.dedent(code)]
        return subprocess.run(
            command,
            env={**env, **extra},
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=180,
        )

    run.db = tmp_path / "archive.db"  # type: ignore[attr-defined]
    return run


def test_a_watched_reporter_s_court_thread_is_archived_and_the_rest_is_not(
    network, web, daemon
) -> None:
    reporter = make_author(network.pds, network.appview, "court-reporter.test")
    court = post_thread(
        reporter, COURT_THREAD, {0: ("storage.courtlistener.com/recap/gov.usco…", web.url("order"))}
    )
    other = post_thread(reporter, OTHER_THREAD)
    wait_for_posts(network.appview, [p.uri for p in court + other])

    run = daemon(THREADBOT_BLUESKY_WATCH=reporter.handle)
    assert run.returncode == 0, run.stderr
    threads = rows(daemon.db, "select root_post_id, post_count from threads")
    assert threads == [(court[0].uri, 3)]
    decisions = dict(rows(daemon.db, "select root_post_id, decision from candidates"))
    assert decisions == {court[0].uri: "archive", other[0].uri: "skip"}
    # the resolve job archived the order the thread links to
    assert rows(
        daemon.db, "select count(*) from documents where kind = 'courtlistener_document'"
    ) == [(1,)]

    again = daemon(THREADBOT_BLUESKY_WATCH=reporter.handle)
    assert again.returncode == 0, again.stderr
    assert rows(daemon.db, "select count(*) from candidates") == [(2,)]
    assert rows(daemon.db, "select count(*) from threads") == [(1,)]


def test_a_mention_is_archived_and_answered_once_with_a_working_link(network, bot, daemon) -> None:
    reporter = make_author(network.pds, network.appview, "beat-reporter.test")
    reader = make_author(network.pds, network.appview, "curious-reader.test")
    thread = post_thread(reporter, COURT_THREAD)
    ask = mention_bot(reader, bot, "archive please", thread[-1], thread[0])
    wait_for_mention(bot, ask.uri)

    run = daemon()
    assert run.returncode == 0, run.stderr
    # counted in the bot's own repository at the PDS: what was posted, no index in between
    replies = own_replies(bot, ask.uri)
    assert len(replies) == 1
    assert replies[0].startswith("Archived: 3 posts")
    assert "@" not in replies[0]
    thread_id = rows(
        daemon.db, "select thread_id, status from requests where mention_post_id = ?", ask.uri
    )[0]
    assert thread_id[1] == "replied"
    # the link in the reply is a page a running Datasette serves
    page = asyncio.run(
        make_datasette(daemon.db).client.get(f"/archive/thread.json?id={thread_id[0]}&_shape=array")
    ).json()
    assert [r["position"] for r in page] == [1, 2, 3]

    again = daemon()
    assert again.returncode == 0, again.stderr
    assert len(own_replies(bot, ask.uri)) == 1

    # the login is kept for the next run, readable by its owner only, and nowhere else
    session = daemon.db.with_name("archive.db.bluesky-session")
    assert session.stat().st_mode & 0o777 == 0o600
    secret = session.read_text()
    assert PASSWORD not in secret
    archive_bytes = b"".join(
        p.read_bytes() for p in daemon.db.parent.glob("archive.db*") if p != session
    )
    assert secret.encode() not in archive_bytes and PASSWORD.encode() not in archive_bytes
    assert PASSWORD not in run.stderr + again.stderr


@pytest.mark.parametrize("dies", ["before posting", "after posting"])
def test_a_kill_around_the_reply_ends_in_exactly_one_reply(network, bot, daemon, dies) -> None:
    reporter = make_author(network.pds, network.appview, f"late-reporter-{dies[0]}.test")
    reader = make_author(network.pds, network.appview, f"late-reader-{dies[0]}.test")
    thread = post_thread(reporter, COURT_THREAD[:2])
    ask = mention_bot(reader, bot, "unroll", thread[-1], thread[0])
    wait_for_mention(bot, ask.uri)

    # the process dies (os._exit: no cleanup) just before, or just after, the reply is posted
    crash = daemon(
        code=f"""
        import os
        from bot.sources.bluesky.account import BlueskyAccount
        real = BlueskyAccount.reply
        def reply(self, *args, **kwargs):
            if {dies!r} == "after posting":
                real(self, *args, **kwargs)
            os._exit(9)
        BlueskyAccount.reply = reply
        from bot.cli import main
        import sys
        sys.argv = ["threadbot", "run", "--once"]
        main()
        """
    )
    assert crash.returncode == 9, crash.stderr
    # (the bot account is shared by these tests: earlier mentions show up too)
    mine = "select status from requests where mention_post_id = ?"
    assert rows(daemon.db, mine, ask.uri) == [("replying",)]

    run = daemon()
    assert run.returncode == 0, run.stderr
    assert len(own_replies(bot, ask.uri)) == 1
    assert rows(daemon.db, mine, ask.uri) == [("replied",)]


def test_opted_out_authors_denied_requesters_and_the_rate_limit_hold(network, bot, daemon) -> None:
    shy = make_author(network.pds, network.appview, "shy-reporter.test")
    fan = make_author(network.pds, network.appview, "eager-fan.test")
    troll = make_author(network.pds, network.appview, "denied-troll.test")
    shy_thread = post_thread(shy, COURT_THREAD[:2])
    optout = mention_bot(shy, bot, "optout", shy_thread[-1], shy_thread[0])
    wait_for_mention(bot, optout.uri)
    assert daemon().returncode == 0
    assert len(own_replies(bot, optout.uri)) == 1  # a confirmation

    refused = mention_bot(fan, bot, "archive", shy_thread[-1], shy_thread[0])
    denied = mention_bot(troll, bot, "archive", shy_thread[-1], shy_thread[0])
    others = [post_thread(fan, [f"Thread {i}: the court ruled on motion {i}."]) for i in range(3)]
    asks = [mention_bot(fan, bot, "save", t[0], t[0]) for t in others]
    wait_for_mention(bot, asks[-1].uri)
    run = daemon(THREADBOT_DAEMON_DENYLIST=troll.handle, THREADBOT_DAEMON_REQUESTS_PER_HOUR="2")
    assert run.returncode == 0, run.stderr
    status = dict(rows(daemon.db, "select mention_post_id, status from requests"))
    assert status[refused.uri] == "refused"  # the author opted out: a polite refusal
    (refusal,) = own_replies(bot, refused.uri)
    assert "asked not to be archived" in refusal
    assert status[denied.uri] == "ignored" and own_replies(bot, denied.uri) == []
    # the fan asked 4 times in an hour with a limit of 2: the 3rd and 4th get nothing
    fan_status = [status[a.uri] for a in asks]
    assert fan_status == ["replied", "refused", "refused"]
    assert rows(daemon.db, "select count(*) from threads where author_id = ?", shy.did) == [(0,)]
