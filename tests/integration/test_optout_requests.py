"""Opting out by asking (bot/daemon/consent.py over the requests table): an author's own
latest "optout" or "optin" mention decides; nobody opts anyone else out or in, and a request
the bot ignored counts for nothing."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import load_settings
from bot.daemon.consent import opted_out
from bot.store import Store
from bot.store.requests import add_request

AUTHOR = "did:plc:shyreporter00000000000000"
SOMEONE = "did:plc:someoneelse00000000000000"
MENTIONS = itertools.count(1)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "archive.db")
    yield s
    s.close()


def asks(store: Store, requester: str, command: str, status: str = "replied") -> None:
    add_request(
        store,
        platform="bluesky",
        mention_post_id=f"at://{requester}/app.bsky.feed.post/m{next(MENTIONS)}",
        requester_id=requester,
        requester_handle="",
        command=command,
        status=status,
    )


def test_the_author_s_own_latest_optout_or_optin_decides(store: Store) -> None:
    settings = load_settings(environ={})

    def out() -> bool:
        return opted_out(store, settings, AUTHOR, ["shy-reporter.test"])

    assert not out()
    asks(store, AUTHOR, "optout")
    assert out()
    asks(store, SOMEONE, "optin")  # not theirs to undo
    asks(store, AUTHOR, "archive")  # asking for an archive of someone else's thread: no change
    assert out()
    asks(store, AUTHOR, "optin")
    assert not out()
    asks(store, AUTHOR, "optout", status="ignored")  # e.g. the author is on the denylist
    assert not out()
    asks(store, SOMEONE, "optout")
    assert not out()
    assert opted_out(store, settings, SOMEONE, [])
