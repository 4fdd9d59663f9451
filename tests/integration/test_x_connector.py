"""tweepy against the loopback X API v2 (scripts/sandbox/x_api.py): threads, gaps, mentions,
replies, rate limits, and a client that talks to its configured base and nowhere else."""

from __future__ import annotations

import re
import socket
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from bot.config import load_settings
from bot.errors import BadInput, ConfigError, RateLimited, ServiceError
from bot.models import Reply
from bot.sources.x import CONNECTOR
from bot.sources.x.account import XAccount, account_from_settings
from bot.sources.x.client import UserContext, XApi
from bot.sources.x.reader import XSource
from bot.sources.x.urls import parse_post_url

sys.path.insert(0, str(Path(__file__).parents[2] / "scripts" / "sandbox"))
from sample_thread import POSTS, READING_ORDER
from x_api import (
    BEARER_TOKEN,
    CONSUMER_KEY,
    CONSUMER_SECRET,
    Link,
    XApiServer,
    mention_bot,
    post_sample_thread,
)

NOW = datetime(2026, 2, 3, 18, 0, tzinfo=UTC)


@pytest.fixture
def x() -> Iterator[XApiServer]:
    with XApiServer(now=NOW) as server:
        yield server


def source(x: XApiServer, **kw: Any) -> XSource:
    return XSource(XApi(x.base, BEARER_TOKEN, **kw), now=NOW)


def account(x: XApiServer) -> XAccount:
    user = UserContext(CONSUMER_KEY, CONSUMER_SECRET, x.bot.access_token, x.bot.access_token_secret)
    return XAccount(XApi(x.base, BEARER_TOKEN, user), "threadbot")


def ids(thread: Any) -> list[str]:
    return [p.id.removeprefix("x:") for p in thread.posts]


# --- threads ---------------------------------------------------------------------------


def test_the_sample_thread_reads_as_on_bluesky(x: XApiServer) -> None:
    posted = post_sample_thread(x, links={"order": "http://127.0.0.1:9/order.pdf"})
    thread = source(x).fetch_thread(parse_post_url(posted.url))
    assert ids(thread) == posted.ids
    assert [p.text for p in thread.posts] == [POSTS[i].text for i in READING_ORDER]
    assert thread.root_id == f"x:{posted.posted[0]}" and thread.author_id == f"x:{posted.author}"
    first = thread.posts[0]
    assert [lk.url for lk in first.links] == ["http://127.0.0.1:9/order.pdf"]
    for post in thread.posts:
        for link in post.links:
            assert post.text.encode()[link.byte_start : link.byte_end].decode() == link.display_text
    image_post = next(p for p in thread.posts if p.images)
    assert image_post.images[0].alt == POSTS[2].image_alt
    assert thread.posts[4].quote_id == f"x:{posted.others[0]}"  # quotes the colleague
    assert f"x:{posted.others[1]}" not in {p.id for p in thread.posts}  # the reader's reply
    assert all(p.raw and p.raw["data"]["id"] == p.id[2:] for p in thread.posts)


def test_any_post_of_the_thread_gives_the_whole_thread(x: XApiServer) -> None:
    posted = post_sample_thread(x)
    reader_reply = posted.others[1]
    for named in (posted.posted[5], reader_reply):
        thread = source(x).fetch_thread(parse_post_url(f"https://x.com/i/status/{named}"))
        assert ids(thread) == posted.ids


def test_a_long_thread_is_read_page_by_page(x: XApiServer) -> None:
    author = x.add_user("long_threader")
    previous = x.add_tweet(author, "1/ the start", created_at=NOW - timedelta(hours=5))
    posted = [previous]
    for i in range(2, 251):
        previous = x.add_tweet(author, f"{i}/ more", reply_to=previous)
        posted.append(previous)
    src = source(x)
    thread = src.fetch_thread(parse_post_url(f"https://x.com/long_threader/status/{posted[0]}"))
    assert ids(thread) == posted
    searches = [r for r in x.requests if r[1] == "/2/tweets/search/recent"]
    assert len(searches) == 3 and searches[1][2]["next_token"]  # 100 + 100 + 50


def test_an_old_thread_comes_from_the_timeline_and_the_walk_up(x: XApiServer) -> None:
    old = NOW - timedelta(days=30)
    posted = post_sample_thread(x, start=old)
    src = source(x)
    thread = src.fetch_thread(parse_post_url(posted.url))
    assert ids(thread) == posted.ids
    assert not any(r[1] == "/2/tweets/search/recent" for r in x.requests)  # search can't see it


def test_an_old_thread_beyond_the_timeline_keeps_the_chain_up_to_the_post_asked_for(
    x: XApiServer, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    import x_api

    monkeypatch.setattr(x_api, "TIMELINE_KEEPS", 0)  # as if the author posted 3,200 since
    posted = post_sample_thread(x, start=NOW - timedelta(days=30))
    named = posted.posted[6]  # post 7 of the main line
    with caplog.at_level("INFO"):
        thread = source(x).fetch_thread(parse_post_url(f"https://x.com/a/status/{named}"))
    main_line = [posted.posted[i] for i in (0, 1, 2, 3, 4, 5, 6)]
    assert ids(thread) == main_line  # the correction and post 9 hang below: unreachable
    assert "cannot be reached" in caplog.text and "no longer reaches" in caplog.text


def test_a_deleted_or_protected_post_in_the_middle_is_a_gap_in_its_place(
    x: XApiServer,
) -> None:
    posted = post_sample_thread(x, start=NOW - timedelta(days=30))
    x.delete(posted.posted[3])  # post 4, the quote
    thread = source(x).fetch_thread(parse_post_url(f"https://x.com/a/status/{posted.posted[8]}"))
    statuses = {p.id.removeprefix("x:"): p.status for p in thread.posts}
    assert statuses[posted.posted[3]] == "not_found"
    assert sorted(ids(thread)) == sorted(posted.ids)  # every post, the gap included
    # X does not say what a deleted post answered: the gap and the posts below it follow
    # the part of the thread that still hangs together, in their order
    order = ids(thread)
    assert order[-5:] == [posted.posted[i] for i in (3, 4, 5, 6, 8)]
    gap = next(p for p in thread.posts if p.status != "ok")
    assert gap.author_id == f"x:{posted.author}"


def test_the_named_post_deleted_protected_or_suspended_is_one_clear_sentence(
    x: XApiServer,
) -> None:
    gone = x.add_tweet(x.add_user("someone"), "soon gone")
    x.delete(gone)
    private = x.add_tweet(x.add_user("private_person", protected=True), "followers only")
    banned = x.add_tweet(x.add_user("banned_person", suspended=True), "…")
    src = source(x)
    cases = {gone: "not found", private: "protected", banned: "protected or suspended"}
    for tweet_id, words in cases.items():
        with pytest.raises(BadInput) as error:
            src.fetch_thread(parse_post_url(f"https://x.com/a/status/{tweet_id}"))
        assert words in str(error.value) and tweet_id in str(error.value)
        assert "\n" not in str(error.value)


def test_posts_archived_before_and_gone_now_come_back_deleted(x: XApiServer) -> None:
    posted = post_sample_thread(x)
    src = source(x)
    first = src.fetch_thread(parse_post_url(posted.url))
    x.delete(posted.posted[6])  # post 7, which post 9 answers
    again = src.fetch_thread(parse_post_url(posted.url), known=lambda root: first.posts)
    statuses = {p.id.removeprefix("x:"): p.status for p in again.posts}
    assert statuses[posted.posted[6]] == "deleted"
    assert ids(again) == posted.ids  # its place kept, post 9 still below it
    assert again.posts[ids(again).index(posted.posted[6])].text == POSTS[6].text


def test_feeds_and_accounts(x: XApiServer) -> None:
    posted = post_sample_thread(x)
    src = source(x)
    author = src.resolve_account(f"@{x.users[posted.author].username}")
    assert author == f"x:{posted.author}"
    assert src.resolve_account(author) == author
    page = src.author_feed(author, None, 5)
    assert [p.id for p in page.posts] == [f"x:{i}" for i in posted.posted[::-1][:5]]
    rest = src.author_feed(author, page.cursor, 5)
    assert [p.id for p in rest.posts] == [f"x:{i}" for i in posted.posted[::-1][5:]]
    assert rest.cursor is None
    with pytest.raises(BadInput, match="unknown X account"):
        src.resolve_account("nobody_here")
    x.add_user("gone_account", suspended=True)
    with pytest.raises(BadInput, match="suspended"):
        src.resolve_account("gone_account")


# --- the bot's account -----------------------------------------------------------------


def test_mentions_are_read_page_by_page_since_the_cursor_oldest_first(x: XApiServer) -> None:
    posted = post_sample_thread(x)
    asker = x.add_user("court_watcher")
    first = mention_bot(x, asker, "archive", reply_to=posted.posted[2])
    bot = account(x)
    page = bot.mentions(None)
    assert [m.post_id for m in page.mentions] == [f"x:{first}"]
    mention = page.mentions[0]
    assert mention.target_post_id == f"x:{posted.posted[2]}"
    assert mention.text.strip() == "archive"  # the bot's handle blanked
    assert mention.author.handle == "court_watcher"
    assert mention.reply_context == {"in_reply_to_tweet_id": first}
    later = [mention_bot(x, asker, f"archive {i}", reply_to=posted.posted[0]) for i in range(230)]
    quoting = mention_bot(x, asker, "", quote=posted.posted[4])
    page = bot.mentions(page.cursor)
    assert [m.post_id for m in page.mentions] == [f"x:{i}" for i in [*later, quoting]]
    assert page.mentions[-1].target_post_id == f"x:{posted.posted[4]}"  # the quoted post
    assert page.cursor == f"{x.base} {quoting}"
    reads = [r for r in x.requests if r[1].endswith("/mentions")]
    assert reads[-1][2]["since_id"] == first and len(reads) == 1 + 3
    assert all(r[3] == "user" for r in reads)
    assert bot.mentions(page.cursor).mentions == []
    # a cursor saved for another X API (a sandbox started again) names another series of ids
    other = f"http://127.0.0.1:1 {quoting}"
    assert [m.post_id for m in bot.mentions(other).mentions][-1] == f"x:{quoting}"


def test_a_reply_written_by_a_reporter_with_a_handle_prefix_reads_as_the_command(
    x: XApiServer,
) -> None:
    posted = post_sample_thread(x)
    reporter = x.users[posted.author]
    asker = x.add_user("court_watcher")
    x.add_tweet(asker, f"@{reporter.username} @threadbot archive", reply_to=posted.posted[1])
    (mention,) = account(x).mentions(None).mentions
    assert mention.text.split() == ["archive"]


def test_replies_are_posted_with_a_verified_signature_and_found_again(x: XApiServer) -> None:
    posted = post_sample_thread(x)
    asker = x.add_user("court_watcher")
    mention_bot(x, asker, "archive", reply_to=posted.posted[2])
    bot = account(x)
    (mention,) = bot.mentions(None).mentions
    reply_id = bot.reply(
        mention, Reply("Archived: 9 posts. Read it here: https://archive.example/t/1")
    )
    created = x.tweets[reply_id.removeprefix("x:")]
    assert created["author_id"] == x.bot.id
    assert created["referenced_tweets"] == [
        {"type": "replied_to", "id": mention.post_id.removeprefix("x:")}
    ]
    assert x.requests[-1][:2] == ("POST", "/2/tweets") and x.requests[-1][3] == "user"
    assert bot.replies_to(mention.post_id) == [reply_id]
    assert bot.replies_to(posted.url.rsplit("/", 1)[1]) == []
    assert bot.limits.max_graphemes == 280 and bot.limits.link_length == 23


def test_keys_of_another_account_are_refused_at_login(x: XApiServer) -> None:
    bot = account(x)
    bot.handle = "not_the_bot"
    with pytest.raises(ConfigError, match="belong to @threadbot"):
        bot.login()
    wrong = XAccount(XApi(x.base, BEARER_TOKEN, UserContext(CONSUMER_KEY, "wrong", "a", "b")))
    with pytest.raises(ConfigError, match="refused our credentials") as error:
        wrong.login()
    assert "THREADBOT_X_ACCESS_TOKEN" in str(error.value)


def test_the_settings_make_the_connector(x: XApiServer) -> None:
    settings = load_settings(environ=x.threadbot_env())
    bot = CONNECTOR.account(settings, Path("unused"))
    assert bot is not None
    bot.login()
    assert bot.account_id == f"x:{x.bot.id}"
    src = CONNECTOR.source(settings)
    assert src.resolve_account("threadbot") == f"x:{x.bot.id}"
    assert account_from_settings(load_settings(environ={})) is None
    partial = {**x.threadbot_env(), "THREADBOT_X_ACCESS_TOKEN": ""}
    with pytest.raises(ConfigError, match="THREADBOT_X_ACCESS_TOKEN"):
        account_from_settings(load_settings(environ=partial))


# --- rate limits and the transport -----------------------------------------------------


def test_a_429_is_rate_limited_until_the_reset_x_gave(x: XApiServer) -> None:
    posted = post_sample_thread(x)
    reset = int(NOW.timestamp()) + 900
    x.rate_limit("search", reset)
    with pytest.raises(RateLimited) as error:
        source(x).fetch_thread(parse_post_url(posted.url))
    assert error.value.reset_at == reset
    assert "2026-02-03 18:15:00 UTC" in str(error.value)
    assert sum(1 for r in x.requests if r[1] == "/2/tweets/search/recent") == 1  # no retry loop


def test_a_base_url_that_is_no_http_url_fails_loudly() -> None:
    for base in ("ftp://127.0.0.1/", "127.0.0.1:8080", "http://", "https://api.x.com/?a=1"):
        with pytest.raises(ConfigError, match=re.escape("x.api_base")):
            XApi(base, BEARER_TOKEN)


def test_nothing_ever_goes_to_the_real_api_host(
    x: XApiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    looked_up: list[str] = []
    real = socket.getaddrinfo

    def trap(host: Any, *args: Any, **kwargs: Any) -> Any:
        looked_up.append(str(host))
        if "twitter.com" in str(host) or "x.com" in str(host):
            raise AssertionError(f"tried to reach {host}")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", trap)
    posted = post_sample_thread(x)
    src = source(x)
    src.fetch_thread(parse_post_url(posted.url))
    mention_bot(x, x.add_user("asker"), "archive", reply_to=posted.posted[0])
    bot = account(x)
    (mention,) = bot.mentions(None).mentions
    bot.reply(mention, Reply("done"))
    assert looked_up and set(looked_up) == {"127.0.0.1"}
    # a request tweepy would send elsewhere is refused before any lookup
    with pytest.raises(ServiceError, match=re.escape("refused a request to upload.twitter.com")):
        src.api.client.session.get("https://upload.twitter.com/1.1/media/upload.json")
    with pytest.raises(ServiceError, match=re.escape("refused a request to example.com")):
        src.api.client.session.get("http://example.com/")
    assert set(looked_up) == {"127.0.0.1"}


def test_a_closed_port_is_a_service_error_naming_the_base() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    src = XSource(XApi(f"http://127.0.0.1:{port}", BEARER_TOKEN, timeout=5))
    with pytest.raises(ServiceError, match=f"cannot reach the X API at http://127.0.0.1:{port}"):
        src.fetch_thread(parse_post_url("https://x.com/a/status/1"))


class _Hostile(BaseHTTPRequestHandler):
    mode = "redirect"

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        if self.mode == "redirect":
            self.send_response(302)
            self.send_header("Location", "https://api.twitter.com/2/tweets")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.mode == "huge":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"data": "' + b"x" * 300_000 + b'"}')
        elif self.mode == "drip":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "1000")
            self.end_headers()
            try:
                for _ in range(1000):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.05)
            except OSError:
                pass
        elif self.mode == "list":
            body = b"[1, 2]"
            self.send_response(400)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)


@pytest.fixture
def hostile() -> Iterator[tuple[str, type[_Hostile]]]:
    handler = type("H", (_Hostile,), {})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", handler
    server.shutdown()
    server.server_close()


def test_redirects_are_not_followed(hostile: tuple[str, type[_Hostile]]) -> None:
    base, handler = hostile
    handler.mode = "redirect"
    with pytest.raises(
        ServiceError, match=re.escape("redirect to https://api.twitter.com/2/tweets")
    ):
        XSource(XApi(base, BEARER_TOKEN)).resolve_account("dana")


def test_an_answer_over_the_size_cap_is_refused(hostile: tuple[str, type[_Hostile]]) -> None:
    base, handler = hostile
    handler.mode = "huge"
    with pytest.raises(ServiceError, match="larger than 100000 bytes"):
        XSource(XApi(base, BEARER_TOKEN, max_bytes=100_000)).resolve_account("dana")


def test_a_server_dripping_its_answer_is_cut_at_the_deadline(
    hostile: tuple[str, type[_Hostile]],
) -> None:
    base, handler = hostile
    handler.mode = "drip"
    with pytest.raises(ServiceError, match=re.escape("did not answer within 0.5 s")):
        XSource(XApi(base, BEARER_TOKEN, timeout=0.5)).resolve_account("dana")


def test_an_error_body_that_is_not_an_object_is_a_clear_error(
    hostile: tuple[str, type[_Hostile]],
) -> None:
    base, handler = hostile
    handler.mode = "list"
    with pytest.raises(ServiceError, match="X API") as error:
        XSource(XApi(base, BEARER_TOKEN)).resolve_account("dana")
    assert "\n" not in str(error.value)


def test_a_wrong_bearer_token_is_a_configuration_error(x: XApiServer) -> None:
    with pytest.raises(ConfigError, match="THREADBOT_X_BEARER_TOKEN"):
        XSource(XApi(x.base, "wrong-token")).resolve_account("threadbot")


def test_links_to_the_sandbox_web(x: XApiServer) -> None:
    # the X thread can lead to the same loopback pages as the Bluesky one
    author = x.add_user("linker")
    tid = x.add_tweet(
        author, "Order: a.test/o…", links=[Link("a.test/o…", "http://127.0.0.1:1/storage/o.pdf")]
    )
    (post,) = source(x).fetch_thread(parse_post_url(f"https://x.com/linker/status/{tid}")).posts
    assert post.text == "Order: a.test/o…"
    assert post.links[0].url == "http://127.0.0.1:1/storage/o.pdf"
