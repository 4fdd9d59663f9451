"""The daemon under faults, on the real local AT network: services that fail, rate limit or
vanish behind a fault proxy, a burst of likes, a post from the future, two processes on one
archive. In each, every other thread and request still gets done, nothing is answered twice,
and the failure is recorded on its own row."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from atproto import models
from faults import FaultProxy
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

from bot.config import Settings, load_settings
from bot.daemon.scheduler import Daemon

COURT = [
    "Judge Amelia Hart (D. Or.) granted a TRO blocking the county's new jail policy.",
    "She ruled the policy likely violates the First Amendment. Case No. 3:26-cv-00991.",
]


def rows(db: Path, sql: str, *params: object) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def thread_of(author: Author, texts: list[str]) -> list[models.ComAtprotoRepoStrongRef.Main]:
    root = post(author, texts[0])
    refs, parent = [root], root
    for text in texts[1:]:
        parent = post(author, text, reply_to=(parent, root))
        refs.append(parent)
    return refs


BOTS = itertools.count()


@pytest.fixture
def bot(network) -> Author:  # type: ignore[no-untyped-def]
    """A bot account of the test's own, so no other test's mentions are in its way."""
    return make_author(network.pds, network.appview, f"faults-bot-{next(BOTS)}.test")


@pytest.fixture
def appview(network) -> Iterator[FaultProxy]:  # type: ignore[no-untyped-def]
    with FaultProxy(network.appview) as proxy:
        yield proxy


def env_for(network, web, bot: Author, tmp_path: Path, appview: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("THREADBOT_")},
        **web.threadbot_env(),
        "THREADBOT_DB": str(tmp_path / "archive.db"),
        "THREADBOT_PUBLIC_URL": "http://archive.example",
        "THREADBOT_BLUESKY_SERVICE": appview,
        "THREADBOT_BLUESKY_PDS": network.pds,
        "THREADBOT_BLUESKY_HANDLE": bot.handle,
        "THREADBOT_BLUESKY_PASSWORD": PASSWORD,
    }


def settings_for(env: dict[str, str]) -> Settings:
    return load_settings(environ=env)


def test_a_failing_appview_puts_the_request_back_and_it_is_answered_once_later(
    network, web, bot, appview, tmp_path
) -> None:
    reporter = make_author(network.pds, network.appview, "flaky-day-reporter.test")
    reader = make_author(network.pds, network.appview, "patient-reader.test")
    thread = thread_of(reporter, COURT)
    ask = mention_bot(reader, bot, "archive", thread[-1], thread[0])
    wait_for_mention(bot, ask.uri)
    daemon = Daemon(settings_for(env_for(network, web, bot, tmp_path, appview.url)))
    db = tmp_path / "archive.db"
    try:
        appview.fail("app.bsky.feed.getPostThread", status=503)
        daemon.run_job("mentions")
        ((status, attempts, error, next_at),) = rows(
            db,
            "select status, attempts, error, next_attempt_at from requests "
            "where mention_post_id = ?",
            ask.uri,
        )
        assert (status, attempts) == ("received", 1)  # back in the queue, not failed
        assert "503" in error and next_at is not None
        assert own_replies(bot, ask.uri) == []

        appview.clear()
        daemon.run_job("mentions")  # not due yet: the backoff holds
        assert own_replies(bot, ask.uri) == []
        with sqlite3.connect(db) as conn:  # as if the backoff's minute had passed
            conn.execute("update requests set next_attempt_at = '2000-01-01T00:00:00.000Z'")
        daemon.run_job("mentions")
        daemon.run_job("mentions")
    finally:
        daemon.close()
    replies = own_replies(bot, ask.uri)
    assert len(replies) == 1 and replies[0].startswith("Archived: 2 posts")
    assert rows(db, "select status from requests where mention_post_id = ?", ask.uri) == [
        ("replied",)
    ]


def test_a_request_that_keeps_failing_is_given_up_and_the_requester_told(
    network, web, bot, appview, tmp_path
) -> None:
    reporter = make_author(network.pds, network.appview, "gone-reporter.test")
    reader = make_author(network.pds, network.appview, "unlucky-reader.test")
    thread = thread_of(reporter, COURT)
    ask = mention_bot(reader, bot, "unroll", thread[-1], thread[0])
    wait_for_mention(bot, ask.uri)
    daemon = Daemon(settings_for(env_for(network, web, bot, tmp_path, appview.url)))
    db = tmp_path / "archive.db"
    appview.fail("app.bsky.feed.getPostThread", status=502)
    try:
        for _ in range(6):
            daemon.run_job("mentions")
            with sqlite3.connect(db) as conn:
                conn.execute("update requests set next_attempt_at = '2000-01-01T00:00:00.000Z'")
    finally:
        daemon.close()
    ((status, attempts),) = rows(
        db, "select status, attempts from requests where mention_post_id = ?", ask.uri
    )
    assert (status, attempts) == ("failed", 5)  # tried a bounded number of times
    (reply,) = own_replies(bot, ask.uri)
    assert "something went wrong" in reply


def test_a_rate_limit_pauses_the_job_until_the_reset(network, web, bot, appview, tmp_path) -> None:
    reporter = make_author(network.pds, network.appview, "busy-day-reporter.test")
    reader = make_author(network.pds, network.appview, "eager-reader.test")
    thread = thread_of(reporter, COURT)
    ask = mention_bot(reader, bot, "archive", thread[-1], thread[0])
    wait_for_mention(bot, ask.uri)
    daemon = Daemon(settings_for(env_for(network, web, bot, tmp_path, appview.url)))
    now = dt.datetime.now(dt.UTC).timestamp()
    daemon.clock = lambda: now
    appview.rate_limit("app.bsky.feed.getPostThread", reset_in=120)
    try:
        assert daemon.run_job("mentions") is False
        asked = appview.calls("app.bsky.feed.getPostThread")
        assert asked == 1
        # until the service's reset, the job does not ask again, however often it runs
        for _ in range(3):
            daemon.run_job("mentions")
        assert appview.calls("app.bsky.feed.getPostThread") == asked
        # the request was not the one at fault: no attempt counted
        assert rows(
            tmp_path / "archive.db",
            "select status, attempts from requests where mention_post_id = ?",
            ask.uri,
        ) == [("received", 0)]
        appview.clear()
        with sqlite3.connect(tmp_path / "archive.db") as conn:
            conn.execute("update requests set next_attempt_at = null")
        daemon.clock = lambda: now + 121
        assert daemon.run_job("mentions") is True
    finally:
        daemon.close()
    assert len(own_replies(bot, ask.uri)) == 1


def test_two_processes_answering_the_same_requests_reply_once_each(
    network, web, bot, tmp_path
) -> None:
    reporter = make_author(network.pds, network.appview, "racing-reporter.test")
    readers = [make_author(network.pds, network.appview, f"racer-{i}.test") for i in range(4)]
    thread = thread_of(reporter, COURT)
    asks = [mention_bot(r, bot, "archive", thread[-1], thread[0]) for r in readers]
    wait_for_mention(bot, asks[-1].uri)
    env = env_for(network, web, bot, tmp_path, network.appview)
    # Two workers on one archive (as two hosts sharing it would be): the daemon's own lock
    # is left out on purpose, so only the claims on request rows keep them apart.
    code = textwrap.dedent(
        """
        from bot.config import load_settings
        from bot.daemon.scheduler import Daemon
        daemon = Daemon(load_settings())
        assert daemon.run_job("mentions")
        daemon.close()
        """
    )
    save = env.copy()
    procs = [
        subprocess.Popen([sys.executable, "-c", code], env=save, cwd=tmp_path, text=True)
        for _ in range(2)
    ]
    assert [p.wait(timeout=180) for p in procs] == [0, 0]
    for ask in asks:
        assert len(own_replies(bot, ask.uri)) == 1, ask.uri
    statuses = rows(tmp_path / "archive.db", "select distinct status from requests")
    assert ("replied",) in statuses and ("replying",) not in statuses


def test_a_burst_of_likes_does_not_hide_a_mention(network, web, bot, tmp_path) -> None:
    fan = make_author(network.pds, network.appview, "liking-fan.test")
    reporter = make_author(network.pds, network.appview, "liked-reporter.test")
    reader = make_author(network.pds, network.appview, "buried-reader.test")
    env = env_for(network, web, bot, tmp_path, network.appview)
    # the daemon has read the notifications before: its cursor stands at the newest
    first = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--once"], env=env, cwd=tmp_path, capture_output=True
    )
    assert first.returncode == 0, first.stderr
    thread = thread_of(reporter, COURT)
    ask = mention_bot(reader, bot, "archive", thread[-1], thread[0])
    wait_for_mention(bot, ask.uri)
    # then 150 likes arrive after the mention, more than a page of notifications
    own = [post(bot, f"Archived note {i}") for i in range(150)]
    for ref in own:
        fan.client.like(ref.uri, ref.cid)
    deadline = time.monotonic() + 60
    while True:  # until a whole page of likes stands between the bot and the mention
        page = bot.client.app.bsky.notification.list_notifications({"limit": 100})
        if all(n.reason == "like" for n in page.notifications) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    run = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--once"], env=env, cwd=tmp_path, capture_output=True
    )
    assert run.returncode == 0, run.stderr
    assert len(own_replies(bot, ask.uri)) == 1


def test_a_watched_thread_that_failed_is_found_again_after_newer_posts(
    network, web, bot, appview, tmp_path
) -> None:
    # The soak found this: the first thread's fetch fails, the poll goes on past it to a
    # newer thread, and the account's position moved past both; the failed thread's retry
    # then had nothing to bring it back.
    reporter = make_author(network.pds, network.appview, "flaky-thread.test")
    first = thread_of(reporter, COURT)
    wait_for_posts(network.appview, [r.uri for r in first])
    env = env_for(network, web, bot, tmp_path, appview.url)
    env.update(THREADBOT_BLUESKY_WATCH=reporter.handle, THREADBOT_BLUESKY_HANDLE="")
    daemon = Daemon(settings_for(env))
    db = tmp_path / "archive.db"
    try:
        appview.fail("app.bsky.feed.getPostThread", status=503, times=1)
        daemon.run_job("watch")
        ((item, attempts),) = rows(
            db, "select item, attempts from item_failures where job = 'watch-thread'"
        )
        assert (item, attempts) == (first[0].uri, 1)
        assert rows(db, "select count(*) from threads") == [(0,)]
        later = thread_of(reporter, COURT)  # the reporter goes on posting meanwhile
        wait_for_posts(network.appview, [r.uri for r in later])
        daemon.run_job("watch")  # the failed thread's backoff holds; the new one is archived
        assert rows(db, "select root_post_id from threads") == [(later[0].uri,)]
        with sqlite3.connect(db) as conn:  # as if the backoff's five minutes had passed
            conn.execute("update item_failures set next_attempt_at = '2000-01-01T00:00:00.000Z'")
        daemon.run_job("watch")
    finally:
        daemon.close()
    archived = {r[0] for r in rows(db, "select root_post_id from threads")}
    assert archived == {first[0].uri, later[0].uri}
    assert rows(db, "select count(*) from item_failures where job = 'watch-thread'") == [(0,)]


def test_an_account_unread_for_a_while_is_read_back_to_where_its_last_poll_stopped(
    network, web, bot, tmp_path
) -> None:
    # The soak found this too: an account waiting out its backoff (or a daemon that was
    # down) has more new posts than the first poll's backfill cap, and the cap cut them off.
    reporter = make_author(network.pds, network.appview, "busy-reporter.test")
    morning = post(reporter, "Good morning from the courthouse steps.")
    wait_for_posts(network.appview, [morning.uri])
    env = env_for(network, web, bot, tmp_path, network.appview)
    env.update(
        THREADBOT_BLUESKY_WATCH=reporter.handle,
        THREADBOT_BLUESKY_HANDLE="",
        THREADBOT_DAEMON_BACKFILL_POSTS="2",
    )
    daemon = Daemon(settings_for(env))
    db = tmp_path / "archive.db"
    try:
        daemon.run_job("watch")  # the first poll: the account's position is now
        threads = [thread_of(reporter, COURT) for _ in range(3)]  # six posts, cap two
        wait_for_posts(network.appview, [r.uri for t in threads for r in t])
        daemon.run_job("watch")
    finally:
        daemon.close()
    archived = {r[0] for r in rows(db, "select root_post_id from threads")}
    assert archived == {t[0].uri for t in threads}


def test_a_post_dated_2099_does_not_freeze_the_watched_feed(network, web, bot, tmp_path) -> None:
    reporter = make_author(network.pds, network.appview, "time-traveller.test")
    env = env_for(network, web, bot, tmp_path, network.appview)
    env.update(
        THREADBOT_BLUESKY_WATCH=reporter.handle.upper(),  # handles compare without case
        THREADBOT_BLUESKY_HANDLE="",
    )
    reporter.client.com.atproto.repo.create_record(
        models.ComAtprotoRepoCreateRecord.Data(
            repo=reporter.did,
            collection="app.bsky.feed.post",
            record={
                "$type": "app.bsky.feed.post",
                "text": "A note from the future.",
                "createdAt": "2099-01-01T00:00:00.000Z",
            },
        )
    )
    first = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--once"], env=env, cwd=tmp_path, capture_output=True
    )
    assert first.returncode == 0, first.stderr
    later = thread_of(reporter, COURT)
    wait_for_posts(network.appview, [r.uri for r in later])
    second = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--once"], env=env, cwd=tmp_path, capture_output=True
    )
    assert second.returncode == 0, second.stderr
    assert rows(tmp_path / "archive.db", "select root_post_id from threads") == [(later[0].uri,)]


def test_opted_out_authors_are_neither_watched_nor_refreshed(network, web, bot, tmp_path) -> None:
    shy = make_author(network.pds, network.appview, "watched-but-shy.test")
    thread = thread_of(shy, COURT)
    wait_for_posts(network.appview, [r.uri for r in thread])
    env = env_for(network, web, bot, tmp_path, network.appview)
    env.update(
        THREADBOT_BLUESKY_WATCH=shy.handle,
        THREADBOT_BLUESKY_HANDLE="",
        THREADBOT_DAEMON_OPTOUT=f"@{shy.handle.upper()}",
    )
    run = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--once"], env=env, cwd=tmp_path, capture_output=True
    )
    assert run.returncode == 0, run.stderr
    db = tmp_path / "archive.db"
    assert rows(db, "select count(*) from threads") == [(0,)]
    assert rows(db, "select decision from candidates") == [("optout",)]


def test_one_thread_that_fails_to_refresh_does_not_stop_the_others(
    network, web, bot, tmp_path
) -> None:
    reporter = make_author(network.pds, network.appview, "refresh-reporter.test")
    gone = thread_of(reporter, COURT)
    growing = thread_of(reporter, COURT)
    wait_for_posts(network.appview, [r.uri for r in gone + growing])
    env = env_for(network, web, bot, tmp_path, network.appview)
    env["THREADBOT_BLUESKY_HANDLE"] = ""
    db = tmp_path / "archive.db"
    for ref in (gone[0], growing[0]):
        archived = subprocess.run(
            [sys.executable, "-m", "bot", "archive", "--no-links", ref.uri],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
        )
        assert archived.returncode == 0, archived.stderr
    # the first thread's root is deleted, the second thread grows
    reporter.client.delete_post(gone[0].uri)
    more = post(
        reporter, "Update: the county says it will appeal.", reply_to=(growing[-1], growing[0])
    )
    wait_for_posts(network.appview, [more.uri])
    run = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--once"], env=env, cwd=tmp_path, capture_output=True
    )
    assert run.returncode == 0, run.stderr
    counts = dict(rows(db, "select root_post_id, post_count from threads"))
    assert counts[growing[0].uri] == 3  # refreshed, though the other thread failed first
    ((item, attempts, error),) = rows(
        db, "select item, attempts, error from item_failures where job = 'refresh'"
    )
    assert (item, attempts) == (gone[0].uri, 1) and "not found" in error


def test_a_thread_archived_before_its_author_opted_out_is_not_refreshed(
    network, web, bot, tmp_path
) -> None:
    author = make_author(network.pds, network.appview, "shy-later.test")
    thread = thread_of(author, COURT)
    wait_for_posts(network.appview, [r.uri for r in thread])
    env = env_for(network, web, bot, tmp_path, network.appview)
    env["THREADBOT_BLUESKY_HANDLE"] = ""
    archived = subprocess.run(
        [sys.executable, "-m", "bot", "archive", "--no-links", thread[0].uri],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert archived.returncode == 0, archived.stderr
    more = post(author, "One more thing.", reply_to=(thread[-1], thread[0]))
    wait_for_posts(network.appview, [more.uri])
    env["THREADBOT_DAEMON_OPTOUT"] = author.did
    run = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--once"], env=env, cwd=tmp_path, capture_output=True
    )
    assert run.returncode == 0, run.stderr
    assert rows(tmp_path / "archive.db", "select post_count from threads") == [(2,)]
