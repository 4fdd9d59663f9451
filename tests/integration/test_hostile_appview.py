"""What a hostile or broken AppView answer does to archiving a thread: nothing but one clear
error, within the deadline and the size cap; and what a stranger's malformed reply does to
the author's thread: nothing but its own absence, noted."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from factories import REPORTER, chain_view, post_view, uri
from fake_appview import FakeAppView, dripped, endless, json_answer, redirect

from bot.errors import BadInput, ServiceError
from bot.models import PostRef
from bot.sources.bluesky.reader import BlueskySource

ROOT_REF = PostRef("bluesky", REPORTER[1], "p1", f"https://bsky.app/profile/{REPORTER[1]}/post/p1")
STRANGER = ("did:plc:stranger000000000000000", "stranger.test")


def thread_with_reply(reply: dict) -> dict:
    root = post_view(REPORTER, "p1", "Judge Ortega ruled.", 0)
    second = post_view(
        REPORTER, "p2", "More.", 2, parent=uri(REPORTER, "p1"), root=uri(REPORTER, "p1")
    )
    node = {"$type": "app.bsky.feed.defs#threadViewPost", "post": reply}
    return {"thread": chain_view([root, second], {0: [node]})}


@pytest.fixture
def appview():  # type: ignore[no-untyped-def]
    with FakeAppView(REPORTER[0]) as view:
        yield view


def test_an_answer_dripped_past_the_deadline_is_one_clear_error(appview) -> None:  # type: ignore[no-untyped-def]
    body = json.dumps(thread_with_reply(post_view(STRANGER, "r", "hi", 1))).encode()
    appview.answers["app.bsky.feed.getPostThread"] = dripped(body, per_second=2)
    source = BlueskySource(appview.url, timeout=1.0)
    with pytest.raises(ServiceError, match="did not answer in time"):
        source.fetch_thread(ROOT_REF)
    source.close()


def test_an_answer_larger_than_the_cap_is_refused_without_reading_it_all(appview) -> None:  # type: ignore[no-untyped-def]
    appview.answers["app.bsky.feed.getPostThread"] = endless(300 * 1024 * 1024)
    source = BlueskySource(appview.url, timeout=30)
    with pytest.raises(ServiceError, match="larger than 32 MB"):
        source.fetch_thread(ROOT_REF)
    source.close()


def test_a_redirect_from_the_appview_is_not_followed(appview) -> None:  # type: ignore[no-untyped-def]
    appview.answers["app.bsky.feed.getPostThread"] = redirect("http://169.254.169.254/latest/")
    source = BlueskySource(appview.url, timeout=5)
    with pytest.raises(
        ServiceError, match=re.escape("redirected to 'http://169.254.169.254/latest/'")
    ):
        source.fetch_thread(ROOT_REF)
    source.close()


def test_a_reply_nested_thousands_deep_does_not_fail_the_authors_thread(appview) -> None:  # type: ignore[no-untyped-def]
    reply = post_view(STRANGER, "r", "hi", 1, parent=uri(REPORTER, "p1"), root=uri(REPORTER, "p1"))
    reply["record"]["x"] = "DEEP"
    raw = json.dumps(thread_with_reply(reply)).encode()
    raw = raw.replace(b'"DEEP"', b'{"a":' * 3000 + b"1" + b"}" * 3000)
    appview.answers["app.bsky.feed.getPostThread"] = json_answer(None, raw=raw)
    source = BlueskySource(appview.url, timeout=5)
    thread = source.fetch_thread(ROOT_REF)
    source.close()
    assert [p.text for p in thread.posts] == ["Judge Ortega ruled.", "More."]


def test_a_post_view_naming_another_author_than_its_uri_is_left_out_and_noted(appview) -> None:  # type: ignore[no-untyped-def]
    impostor = post_view(
        REPORTER,
        "r",
        "I, the reporter, retract.",
        1,
        parent=uri(REPORTER, "p1"),
        root=uri(REPORTER, "p1"),
    )
    impostor["uri"] = uri(STRANGER, "r")  # a stranger's record, shown as the reporter's
    appview.answers["app.bsky.feed.getPostThread"] = json_answer(thread_with_reply(impostor))
    source = BlueskySource(appview.url, timeout=5)
    thread = source.fetch_thread(ROOT_REF)
    source.close()
    assert [p.text for p in thread.posts] == ["Judge Ortega ruled.", "More."]
    assert thread.notes == [f"{uri(STRANGER, 'r')}: author {REPORTER[0]} does not match the URI"]


def test_the_requested_post_with_a_foreign_author_is_bad_input(appview) -> None:  # type: ignore[no-untyped-def]
    view = thread_with_reply(post_view(STRANGER, "r", "hi", 1))
    view["thread"]["post"]["author"]["did"] = STRANGER[0]
    appview.answers["app.bsky.feed.getPostThread"] = json_answer(view)
    source = BlueskySource(appview.url, timeout=5)
    with pytest.raises(BadInput, match=r"post unreadable.*does not match the URI"):
        source.fetch_thread(ROOT_REF)
    source.close()


def test_the_command_line_says_it_in_one_line_and_writes_nothing(appview, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    appview.answers["app.bsky.feed.getPostThread"] = endless(300 * 1024 * 1024)
    run = subprocess.run(
        [sys.executable, "-m", "bot", "archive", ROOT_REF.url],
        env={"THREADBOT_BLUESKY_SERVICE": appview.url, "PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1
    assert run.stderr.count("\n") == 1 and "larger than 32 MB" in run.stderr
    assert "Traceback" not in run.stderr
    assert not (tmp_path / "archive.db").exists()
