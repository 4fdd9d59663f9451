"""Archive threads posted on a real local AT Protocol network, through the command line."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from pathlib import Path

from atproto import Client
from seed import make_author, post, wait_for_posts

from bot.web.app import make_datasette


def rows(db: Path, sql: str, *params: object) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def table_counts(db: Path) -> dict[str, int]:
    tables = ["accounts", "threads", "posts", "post_versions", "links", "images"]
    return {t: rows(db, f"select count(*) from {t}")[0][0] for t in tables}


def test_the_sample_thread_is_archived_whole_and_in_reading_order(sample, threadbot) -> None:
    run = threadbot("archive", sample.url)
    assert run.code == 0, run.err
    assert run.out.splitlines()[0] == (
        "thread 1: @dana-whitlock-e2e.test, 9 posts, 6 links, http://archive.example/thread/1"
    )
    posts = rows(threadbot.db, "select id, position, status from posts order by position")
    assert [p[0] for p in posts] == sample.uris  # the correction branch right after post 2
    assert [p[1] for p in posts] == list(range(1, 10))
    assert not set(sample.others) & {p[0] for p in posts}  # a reader's reply is not the thread


def test_links_keep_the_full_url_and_what_readers_saw(sample, web, threadbot) -> None:
    threadbot("archive", "--no-links", sample.url)
    links = rows(threadbot.db, "select origin, display_text, url from links order by id")
    assert ("facet", "storage.courtlistener.com/recap/gov.usco…", web.url("order")) in links
    assert ("facet", "bit.ly/4wtr…", web.url("short")) in links  # after CJK text
    cards = [link for link in links if link[0] == "card"]
    assert [c[2] for c in cards] == [web.url("story")]
    title = rows(threadbot.db, "select title from links where origin = 'card'")[0][0]
    assert title == "Judge blocks USDA from ending rural water grants"


def test_quotes_images_and_raw_json_are_kept(sample, threadbot) -> None:
    threadbot("archive", sample.url)
    quoted = rows(threadbot.db, "select quote_id from posts where quote_id is not null")
    assert quoted == [(sample.others[0],)]
    alt, url = rows(threadbot.db, "select alt, url from images")[0]
    assert alt == "Page 31 of the order, with the sentence about small towns highlighted."
    assert url.startswith("http://127.0.0.1:")
    created, raw = rows(threadbot.db, "select created_at, raw from posts where position = 1")[0]
    assert created.endswith("Z") and len(created) == len("2026-02-03T14:05:00.000Z")
    assert json.loads(raw)["record"]["$type"] == "app.bsky.feed.post"


def test_archiving_again_from_any_post_changes_nothing(sample, threadbot) -> None:
    threadbot("archive", sample.url)
    before = table_counts(threadbot.db)
    did = sample.uris[0].split("/")[2]
    middle = sample.uris[5]
    again = threadbot(
        "archive",
        f"https://bsky.app/profile/{did}/post/{middle.rsplit('/', 1)[1]}",  # DID form, mid-thread
        middle,  # at:// URI
    )
    assert again.code == 0, again.err
    assert again.out.count("thread 1: ") == 2
    assert "links:" not in again.out  # every link was resolved the first time
    assert table_counts(threadbot.db) == before


def test_the_thread_page_shows_every_post_and_full_link(sample, web, threadbot) -> None:
    threadbot("archive", sample.url)
    datasette = make_datasette(threadbot.db)
    page = asyncio.run(datasette.client.get("/archive/thread.json?id=1&_shape=array")).json()
    assert [r["position"] for r in page] == list(range(1, 10))
    assert page[0]["links"] == web.url("order")
    # the URL in the bot's replies leads to the thread page
    html = asyncio.run(datasette.client.get("/archive/thread?id=1", follow_redirects=True)).text
    assert f'href="{web.url("docket")}"' in html


def test_unknown_handle_and_missing_post_are_bad_input_and_write_nothing(sample, threadbot) -> None:
    unknown = threadbot("archive", "https://bsky.app/profile/nobody-here.test/post/3kabc2defgh2x")
    assert unknown.code == 2
    assert unknown.err.strip() == "threadbot: error: unknown Bluesky handle: nobody-here.test"
    handle = sample.url.split("/")[4]
    missing = threadbot("archive", f"https://bsky.app/profile/{handle}/post/3kabc2defgh2x")
    assert missing.code == 2
    assert missing.err.startswith("threadbot: error: post not found:")
    assert "Traceback" not in unknown.err + missing.err
    assert not threadbot.db.exists()


def test_a_growing_thread_gets_new_posts_and_deletions_are_recorded(network, threadbot) -> None:
    author = make_author(network.pds, network.appview, "clerk-notes.test")
    root = post(author, "Thread: today's sentencing hearing in United States v. Example, 1/3")
    second = post(author, "2/3 The judge imposed 18 months.", reply_to=(root, root))
    third = post(author, "3/3 Defense will appeal.", reply_to=(second, root))
    wait_for_posts(network.appview, [root.uri, second.uri, third.uri])
    url = f"https://bsky.app/profile/clerk-notes.test/post/{root.uri.rsplit('/', 1)[1]}"
    assert threadbot("archive", url).code == 0

    author.client.delete_post(second.uri)
    fourth = post(
        author, "4/3 Update: the appeal was filed this afternoon.", reply_to=(third, root)
    )
    # the 3rd and 4th now hang below a deleted post: the root's tree no longer reaches them
    _wait_for(network.appview, second.uri, present=False)
    _wait_for(network.appview, fourth.uri, present=True)

    run = threadbot("archive", url)
    assert run.code == 0, run.err
    assert "3 posts, 1 gaps" in run.out
    assert "links:" not in run.out  # these posts carry no links
    posts = rows(
        threadbot.db, "select position, status, text, deleted_at from posts order by position"
    )
    assert [p[:3] for p in posts] == [
        (1, "ok", "Thread: today's sentencing hearing in United States v. Example, 1/3"),
        (2, "deleted", "2/3 The judge imposed 18 months."),  # we kept what was said
        (3, "ok", "3/3 Defense will appeal."),
        (4, "ok", "4/3 Update: the appeal was filed this afternoon."),
    ]
    assert posts[1][3]  # deleted_at


def _wait_for(appview: str, uri: str, present: bool, timeout: float = 30) -> None:
    reader = Client(base_url=appview)
    deadline = time.monotonic() + timeout
    while bool(reader.app.bsky.feed.get_posts({"uris": [uri]}).posts) != present:
        assert time.monotonic() < deadline, f"{uri} present={not present} on the AppView"
        time.sleep(0.2)
