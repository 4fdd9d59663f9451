"""The link stage under faults: one link that cannot be saved fails alone, and a link waiting
to retry a rate-limited host holds up no other link.

Real faults only: loopback sites (SandboxWeb's CourtListener, a host answering 429), a real
SQLite trigger that makes one save fail. The one stand-in is the fetcher's `sleep`, its
documented test hook: the rate-limited links wait on an event instead of the clock.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from factories import thread_linking
from fetch_server import FetchTestServer

from bot.config import Settings, load_settings
from bot.links.fetch import Fetcher
from bot.links.stage import WORKERS, ResolveSummary, resolve_due_links
from bot.store import Store
from bot.store.links import due_links
from bot.store.threads import save_thread

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts" / "sandbox"))
from web import DOCKET_ID, PACER_CASE_ID, SandboxWeb

CASE = "Tri-County Water Authority v. Department of Agriculture"


@pytest.fixture(scope="module")
def web() -> Iterator[SandboxWeb]:
    with SandboxWeb() as sites:
        yield sites


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "archive.db")
    yield s
    s.close()


def settings_for(web: SandboxWeb, token: bool = True) -> Settings:
    env = web.threadbot_env()
    if not token:
        env.pop("THREADBOT_COURTLISTENER_TOKEN")
    return load_settings(environ=env)


def resolve(store: Store, settings: Settings) -> ResolveSummary:
    return asyncio.run(resolve_due_links(store, settings))


def test_two_half_known_dockets_of_one_case_merge_and_the_batch_completes(
    store: Store, web: SandboxWeb
) -> None:
    # Without a token, each link knows only what its URL says of the case: the docket page
    # its CourtListener id, the RECAP file its court and PACER case id. Two rows, one case.
    save_thread(store, thread_linking([web.url("docket"), web.url("order")], "first"))
    resolve(store, settings_for(web, token=False))
    assert set(
        store.conn.execute("select courtlistener_id, court_id, pacer_case_id from dockets")
    ) == {(DOCKET_ID, None, None), (None, "dcd", PACER_CASE_ID)}

    # With a token, the API's answer for the exhibit names both ids: the rows are one case.
    # (Before: "UNIQUE constraint failed: dockets.court_id, dockets.pacer_case_id" raised out
    # of the whole batch, and again on every later run, since the exhibit stayed due.)
    save_thread(store, thread_linking([web.url("exhibit"), web.url("story")], "second"))
    summary = resolve(store, settings_for(web))
    assert (summary.ok, summary.failed, summary.errors) == (2, 0, [])

    dockets = store.conn.execute(
        "select id, courtlistener_id, court_id, pacer_case_id, case_name, docket_number "
        "from dockets"
    ).fetchall()
    assert len(dockets) == 1
    docket_id, *fields = dockets[0]
    assert fields == [DOCKET_ID, "dcd", PACER_CASE_ID, CASE, "1:26-cv-00412"]
    # every link and document of the case points to the one row, and shows its name
    cited = store.conn.execute(
        "select url, docket_id from links where kind like 'courtlistener%' order by id"
    ).fetchall()
    assert cited == [
        (web.url("docket"), docket_id),
        (web.url("order"), docket_id),
        (web.url("exhibit"), docket_id),
    ]
    documents = store.conn.execute(
        "select docket_id, case_name from documents where kind = 'courtlistener_document'"
    ).fetchall()
    assert documents == [(docket_id, CASE), (docket_id, CASE)]
    assert store.conn.execute("pragma foreign_key_check").fetchall() == []
    assert due_links(store, now="9999") == []  # nothing left to block a later run


def test_a_link_whose_save_fails_fails_alone_and_says_why(store: Store, web: SandboxWeb) -> None:
    story = web.handler.documents[web.url("story").removeprefix(web.base)]
    web.handler.documents["/news/2026/02/03/poison-pill"] = story
    poisoned = web.base + "/news/2026/02/03/poison-pill"
    save_thread(
        store, thread_linking([web.url("order"), poisoned, web.url("story"), web.url("docket")])
    )
    # a real failure inside SQLite, for this link's row alone
    store.conn.execute(
        "create trigger poison before update on links when new.url like '%poison%' "
        "begin select raise(abort, 'disk on fire'); end"
    )

    summary = resolve(store, settings_for(web))

    assert (summary.ok, summary.failed) == (3, 1)
    (error,) = summary.errors
    assert error.startswith(poisoned) and "disk on fire" in error
    rows = dict(store.conn.execute("select url, status from links").fetchall())
    assert rows == {
        web.url("order"): "ok",
        poisoned: "pending",  # its failure could not be saved either: still due, not lost
        web.url("story"): "ok",
        web.url("docket"): "ok",
    }
    assert [link.url for link in due_links(store)] == [poisoned]
    # the others' documents are all there, and the connection is usable afterwards
    assert store.conn.execute("select count(*) from documents").fetchone()[0] == 3
    assert not store.conn.in_transaction


@pytest.mark.timeout(60)
@pytest.mark.parametrize("one_url", [False, True], ids=["many-urls", "one-url-many-links"])
def test_links_waiting_to_retry_a_rate_limited_host_hold_up_no_other_link(
    store: Store, web: SandboxWeb, one_url: bool
) -> None:
    # More rate-limited links than there are workers, first in line: if a link waiting to
    # retry (or waiting for the one link that fetches its URL) held a worker, the good links
    # would never start and this test would time out.
    limited_count = WORKERS + 8
    good_count = 5
    with FetchTestServer() as limited, FetchTestServer() as good:
        limited_urls = [
            limited.url("/status/429?retry_after=1" + ("" if one_url else f"&n={i}"))
            for i in range(limited_count)
        ]
        good_urls = [good.url(f"/page/{i}") for i in range(good_count)]
        save_thread(store, thread_linking(limited_urls + good_urls))

        waits: list[float] = []
        retry = asyncio.Event()

        async def sleep(seconds: float) -> None:  # the fetcher's pause before a retry
            waits.append(seconds)
            await retry.wait()

        def progress(done: int, total: int) -> None:
            if done == good_count:  # every good link is done; now let the retries go
                retry.set()

        async def run() -> ResolveSummary:
            settings = settings_for(web)
            async with Fetcher(settings.fetch, sleep=sleep) as fetcher:
                return await resolve_due_links(store, settings, progress=progress, fetcher=fetcher)

        summary = asyncio.run(run())

    assert waits and set(waits) == {1.0}  # the server's Retry-After, honoured
    assert (summary.ok, summary.failed) == (good_count, limited_count)
    statuses = store.conn.execute(
        "select status, error, next_attempt_at is not null from links order by id"
    ).fetchall()
    # the rate-limited links are tried again later, the good ones archived
    assert statuses[:limited_count] == [("failed", "HTTP 429", 1)] * limited_count
    assert [s[0] for s in statuses[limited_count:]] == ["ok"] * good_count
