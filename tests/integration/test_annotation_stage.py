"""Annotation in the archive: what is archived gets annotated once, again only when the
rules or the register change; the register can be updated from the FJC's export; and the
reading room's two questions are one canned query each."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from dataclasses import replace
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from factories import chain_thread

from bot.pipeline import annotate_due
from bot.store import Store
from bot.store.threads import save_thread
from bot.timestamps import utc_now
from bot.web.app import make_datasette

# Real judges of the shipped register (the FJC's export), as a reporter writes about them.
BOASBERG = [
    (
        "Chief Judge James Boasberg (D.D.C.), a Trump appointee, just ordered the release of a "
        "man held in immigration detention at Camp East Montana. Habeas petition granted.",
        [],
    ),
    ("BOASBERG: the government's detention of him is unlawful.", []),
]
JUDGES_CSV = (
    "\ufeffnid,jid,Last Name,First Name,Middle Name,Suffix,Court Name (1),Appointment Title (1),"
    "Appointing President (1),Commission Date (1),Senior Status Date (1),Termination Date (1)\n"
    "900001,1,Zamora,Lucia,,,U.S. District Court for the District of Oregon,Judge,"
    "Joseph R. Biden,2/1/2024,,\n"
)


@pytest.fixture
def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    s = Store(tmp_path / "archive.db")
    yield s
    s.close()


def test_an_archived_thread_is_annotated_once_and_judges_checked_against_the_register(
    store: Store,
) -> None:
    save_thread(store, chain_thread("ruling", BOASBERG))
    first = annotate_due(store)
    assert (first.threads, first.annotations > 0) == (1, True)
    judges = store.conn.execute(
        "select name, appointed_by, claimed_by, conflict, threads from judges"
    ).fetchall()
    ((name, recorded, claimed, conflict, threads),) = judges
    assert name == "James Emanuel Boasberg" and "Barack Obama" in recorded
    assert (claimed, conflict, threads) == ("Donald J. Trump", 1, 1)
    # "BOASBERG:" in the second post is the same judge, by the thread
    assert store.conn.execute(
        "select count(*) from annotations where kind = 'judge' and normalized like 'fjc:%'"
    ).fetchone() == (2,)
    again = annotate_due(store)
    assert (again.threads, again.documents) == (0, 0)  # nothing new: nothing done
    everything = annotate_due(store, everything=True)
    assert everything.threads == 1
    assert store.conn.execute("select count(*) from annotations").fetchone()[0] == (
        first.annotations
    )  # done again, not doubled


def test_the_two_questions_are_one_canned_query_each(store: Store) -> None:
    thread = chain_thread("ruling", BOASBERG)
    # the posts are from "now" for "this month" to hold

    save_thread(
        store, replace(thread, posts=[replace(p, created_at=utc_now()) for p in thread.posts])
    )
    annotate_due(store)
    datasette = make_datasette(store.path)
    ruled = asyncio.run(
        datasette.client.get(
            "/archive/rulings_by_judge_on_a_topic.json?_shape=array&since=&topic=detention"
        )
    ).json()
    assert [(r["judge"], r["appointed_by_as_claimed"]) for r in ruled] == [
        ("James Emanuel Boasberg", "Donald J. Trump")
    ]
    assert "Barack Obama" in ruled[0]["appointed_by_on_record"]
    assert "granted" in ruled[0]["outcomes"]
    differ = asyncio.run(
        datasette.client.get("/archive/claimed_and_recorded_appointments_differ.json?_shape=array")
    ).json()
    assert [(r["judge"], r["claimed"]) for r in differ] == [
        ("James Emanuel Boasberg", "Donald J. Trump")
    ]


def test_judges_update_loads_the_current_export_and_annotations_follow(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "judges.csv").write_text(JUDGES_CSV, encoding="utf-8")
    handler = lambda *a, **k: SimpleHTTPRequestHandler(*a, directory=str(folder), **k)  # noqa: E731
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    db = tmp_path / "archive.db"
    store = Store(db)
    save_thread(
        store,
        chain_thread(
            "new", [("Judge Lucia Zamora (D. Or.), a Biden appointee, granted a TRO.", [])]
        ),
    )
    annotate_due(store)
    assert store.conn.execute("select in_register from judges").fetchone() == (0,)  # too new
    store.close()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("THREADBOT_")},
        "THREADBOT_DB": str(db),
        "THREADBOT_FETCH_ALLOW_PRIVATE_ADDRESSES": "true",
    }
    url = f"http://127.0.0.1:{server.server_address[1]}/judges.csv"
    try:
        run = subprocess.run(
            [sys.executable, "-m", "bot", "judges", "update", "--from", url],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        server.shutdown()
    assert run.returncode == 0, run.stderr
    assert "judges register fjc-2024-02-01: 1 judges" in run.stdout
    annotated = subprocess.run(
        [sys.executable, "-m", "bot", "annotate"], env=env, capture_output=True, text=True
    )
    assert "1 threads" in annotated.stdout  # the new register makes the thread due again
    store = Store(db)
    assert store.conn.execute("select name, in_register, appointed_by from judges").fetchone() == (
        "Lucia Zamora",
        1,
        "Joseph R. Biden",
    )
    store.close()


def test_a_page_that_is_not_the_export_is_one_clear_error(tmp_path: Path) -> None:
    page = tmp_path / "page.csv"
    page.write_text("<!doctype html><p>Biographical Directory</p>")
    run = subprocess.run(
        [sys.executable, "-m", "bot", "judges", "update", "--from", str(page)],
        env={**os.environ, "THREADBOT_DB": str(tmp_path / "archive.db")},
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2
    assert (
        run.stderr.startswith("threadbot: error: ")
        and "is not the FJC's judges export" in run.stderr
    )
    assert run.stderr.count("\n") == 1
