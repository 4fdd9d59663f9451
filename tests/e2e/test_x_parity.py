"""The same court thread, posted on Bluesky (the real local network) and on X (the loopback
X API), archives the same way: the posts in the same order with the same text, the same
links resolved to the same documents. Only the platform's own shapes differ."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from x_api import XApiServer, post_sample_thread


@pytest.fixture(scope="module")
def x_api():  # type: ignore[no-untyped-def]
    with XApiServer() as api:
        yield api


def thread_rows(db: Path, platform: str) -> dict[str, list[tuple]]:
    with sqlite3.connect(db) as conn:
        (thread_id,) = conn.execute(
            "select id from threads where platform = ?", [platform]
        ).fetchone()
        posts = conn.execute(
            "select position, status, text from posts where thread_id = ? order by position",
            [thread_id],
        ).fetchall()
        links = conn.execute(
            """
            select p.position, l.position, l.status, l.kind, l.canonical_url, d.sha256
            from links l join posts p on p.id = l.post_id
            left join documents d on d.id = l.document_id
            where p.thread_id = ? order by p.position, l.position
            """,
            [thread_id],
        ).fetchall()
        images = conn.execute(
            "select p.position, i.alt from images i join posts p on p.id = i.post_id "
            "where p.thread_id = ? order by p.position",
            [thread_id],
        ).fetchall()
    return {"posts": posts, "links": links, "images": images}


def test_the_sample_thread_archives_alike_from_bluesky_and_from_x(
    sample, web, x_api, threadbot
) -> None:  # type: ignore[no-untyped-def]
    links = {name: web.url(name) for name in ("order", "docket", "story", "short")}
    on_x = post_sample_thread(x_api, links=links)
    for url in (sample.url, on_x.url):
        run = threadbot("archive", url, **x_api.threadbot_env())
        assert run.code == 0, run.err
    bluesky, x = thread_rows(threadbot.db, "bluesky"), thread_rows(threadbot.db, "x")
    assert [p[2] for p in x["posts"]] == [p[2] for p in bluesky["posts"]]
    assert x["posts"] == bluesky["posts"]

    # every link resolved alike, to the very same archived bytes. (Bluesky carries a link
    # with a card twice, as a facet and as the card; X once: what each post links is compared.)
    def linked(rows: list[tuple]) -> list[tuple]:
        return sorted({(post, status, kind, url, sha) for post, _, status, kind, url, sha in rows})

    assert linked(x["links"]) == linked(bluesky["links"])
    assert all(row[2] == "ok" for row in x["links"])
    assert x["images"] == bluesky["images"]
