"""The store when things change or fail under it: a link edited to another URL, a docket that
learns its case name later, a COMMIT that fails. Real archives in tmp_path, the loopback
CourtListener (SandboxWeb), a real deferred foreign key violation."""

from __future__ import annotations

import asyncio
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from factories import chain_thread, link_facet, sample_thread

from bot.config import Settings, load_settings
from bot.errors import ServiceError
from bot.links.stage import resolve_due_links
from bot.models import Thread
from bot.store import Store
from bot.store.threads import save_thread

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts" / "sandbox"))
from web import PACER_CASE_ID, TOKEN, SandboxWeb

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


def settings_for(web: SandboxWeb, token: str | None = TOKEN) -> Settings:
    env = web.threadbot_env()
    if token is None:
        env.pop("THREADBOT_COURTLISTENER_TOKEN")
    else:
        env["THREADBOT_COURTLISTENER_TOKEN"] = token
    return load_settings(environ=env)


def one_post_linking(url: str, says: str, name: str = "edit") -> Thread:
    """A one-post thread (the same post for the same `name`) linking to `url`."""
    text = f"{says} Read it: {url}"
    return chain_thread(name, [(text, [link_facet(text, url, url)])])


RESOLUTION = (
    "status, attempts, next_attempt_at, canonical_url, resolved_url, kind, error, "
    "document_id, docket_id, resolved_at"
)


def test_a_link_edited_to_another_url_starts_its_resolution_clean(
    store: Store, web: SandboxWeb
) -> None:
    # The order is archived, but the API refused the token: the link is ok with its document
    # and docket, and due again later to fill in the case details.
    save_thread(store, one_post_linking(web.url("order"), "The order."))
    asyncio.run(resolve_due_links(store, settings_for(web, token="revoked")))
    before = store.conn.execute(f"select {RESOLUTION} from links").fetchone()
    assert before[0:2] == ("ok", 1)
    assert before[2] is not None and "token was refused" in before[6]
    assert before[7] is not None and before[8] is not None  # document, docket

    # the reporter edits the post to link to the story instead
    save_thread(store, one_post_linking(web.url("story"), "Correction: the story."))
    url, *after = store.conn.execute(f"select url, {RESOLUTION} from links").fetchone()
    assert url == web.url("story")
    assert after == ["pending", None, None, None, None, None, None, None, None, None]

    summary = asyncio.run(resolve_due_links(store, settings_for(web)))
    assert (summary.ok, summary.failed) == (1, 0)
    status, attempts, kind, docket_id, document_url = store.conn.execute(
        "select l.status, l.attempts, l.kind, l.docket_id, d.url "
        "from links l join documents d on d.id = l.document_id"
    ).fetchone()
    assert (status, attempts, kind, docket_id, document_url) == (
        "ok",
        1,
        "article",
        None,
        web.url("story"),
    )


def test_documents_show_their_docket_s_case_once_the_docket_learns_it(
    store: Store, web: SandboxWeb
) -> None:
    # Without a token the order's docket is known by court and PACER id only: no case name.
    save_thread(store, one_post_linking(web.url("order"), "The order."))
    asyncio.run(resolve_due_links(store, settings_for(web, token=None)))
    assert store.conn.execute(
        "select d.case_name, d.docket_number, k.pacer_case_id "
        "from documents d join dockets k on k.id = d.docket_id"
    ).fetchall() == [(None, None, PACER_CASE_ID)]

    # Later, with a token, the exhibit of the same case brings the docket's name and number.
    save_thread(store, one_post_linking(web.url("exhibit"), "The exhibit.", name="exhibit"))
    asyncio.run(resolve_due_links(store, settings_for(web)))

    documents = store.conn.execute(
        "select url, case_name, docket_number from documents "
        "where kind = 'courtlistener_document' order by id"
    ).fetchall()
    assert documents == [
        (web.url("order"), CASE, "1:26-cv-00412"),  # the earlier document follows its docket
        (web.url("exhibit"), CASE, "1:26-cv-00412"),
    ]
    assert store.conn.execute("select count(*) from dockets").fetchone()[0] == 1


def test_a_failed_commit_leaves_the_connection_usable(store: Store) -> None:
    save_thread(store, sample_thread(1))
    # A foreign key checked only at COMMIT: the COMMIT itself fails, for real.
    with (
        pytest.raises(ServiceError, match="FOREIGN KEY constraint failed"),
        store.transaction() as conn,
    ):
        conn.execute("pragma defer_foreign_keys = on")
        conn.execute(
            "insert into links (post_id, position, url, status) "
            "values ('at://no-such-post', 1, 'https://example.com/', 'pending')"
        )
    assert not store.conn.in_transaction  # rolled back, not left open
    saved = save_thread(store, sample_thread(3))  # the next unit of work goes through
    assert saved.post_count == 3
    with sqlite3.connect(store.path) as other:  # and another connection sees it committed
        assert other.execute("select count(*) from posts").fetchone()[0] == 3
        assert other.execute(
            "select count(*) from links where post_id = 'at://no-such-post'"
        ).fetchone() == (0,)
