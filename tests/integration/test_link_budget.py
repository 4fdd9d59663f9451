"""A thread's links have a time budget: what is not done by then stays due for the next
`threadbot resolve`, and the command says so. Links that can never work are not retried;
CourtListener's refusals keep the document and are asked again later."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from factories import REPORTER, chain_view, link_facet, post_view, thread_linking
from fake_appview import FakeAppView, json_answer
from fetch_server import FetchTestServer

from bot.config import FetchSettings, Settings
from bot.links.stage import resolve_due_links
from bot.store import Store
from bot.store.threads import save_thread


@pytest.fixture(scope="module")
def server():  # type: ignore[no-untyped-def]
    with FetchTestServer() as s:
        yield s


def settings(**fetch: object) -> Settings:
    return replace(Settings(), fetch=replace(FetchSettings(allow_private_addresses=True), **fetch))


def test_links_past_the_budget_stay_due_and_are_counted(server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store = Store(tmp_path / "archive.db")
    urls = [server.url(f"/trickle?n={n}") for n in range(40)] + [server.url("/page")]
    save_thread(store, thread_linking(urls))
    summary = asyncio.run(resolve_due_links(store, settings(timeout=0.5), budget=1.0))
    statuses = dict(
        store.conn.execute("select status, count(*) from links group by status").fetchall()
    )
    store.close()
    assert summary.left > 0 and summary.left == statuses.get("pending", 0)
    assert summary.total + summary.left == 41  # nothing lost, nothing counted twice


def test_archive_says_how_many_links_wait_for_the_next_run(server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    urls = [server.url(f"/trickle?m={n}") for n in range(30)]
    text = "The order: " + " ".join(f"link{n}" for n in range(len(urls)))
    facets = [link_facet(text, f"link{n}", url) for n, url in enumerate(urls)]
    view = {"thread": chain_view([post_view(REPORTER, "p1", text, 0, facets=facets)])}
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("THREADBOT_")},
        "THREADBOT_DB": str(tmp_path / "archive.db"),
        "THREADBOT_FETCH_ALLOW_PRIVATE_ADDRESSES": "true",
        "THREADBOT_FETCH_TIMEOUT": "0.5",
        "THREADBOT_FETCH_BUDGET": "1",
    }
    with FakeAppView(REPORTER[0]) as appview:
        appview.answers["app.bsky.feed.getPostThread"] = json_answer(view)
        env["THREADBOT_BLUESKY_SERVICE"] = appview.url
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "bot",
                "archive",
                f"https://bsky.app/profile/{REPORTER[1]}/post/p1",
            ],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert run.returncode == 0, run.stderr
    with sqlite3.connect(tmp_path / "archive.db") as conn:
        (pending,) = conn.execute("select count(*) from links where status = 'pending'").fetchone()
    assert pending > 0
    assert (
        f"links: {pending} not reached within the time budget (fetch.budget, 1 s a thread); "
        "`threadbot resolve` finishes them"
    ) in run.stdout
    # and `threadbot resolve` (no budget of its own) finishes them: each fails after 0.5 s
    again = subprocess.run(
        [sys.executable, "-m", "bot", "resolve"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.returncode == 0, again.stderr
    with sqlite3.connect(tmp_path / "archive.db") as conn:
        assert conn.execute("select count(*) from links where status = 'pending'").fetchone() == (
            0,
        )
