"""Which Bluesky notifications ask the bot for something, and what they ask: the Bluesky
connector's reading of notifications and the mention grammar, together.

Anyone asks for an archive by mentioning the bot in a reply under a thread, or in a post
quoting the thread; an author opts out (or back in) anywhere. Everything else — questions,
thanks, the bot's own posts, malformed JSON — is not a request and must not raise.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.daemon.mentions import Request, handle_looks_like_bot, interpret
from bot.models import Account
from bot.sources.bluesky.notifications import author_is_bot, mention_from_notification

BOT_DID = "did:plc:bot00000000000000000000000"
BOT_HANDLE = "threadbot.test"
ALICE_DID = "did:plc:alice000000000000000000000"
REPORTER_DID = "did:plc:reporter000000000000000000"
MENTION_URI = f"at://{ALICE_DID}/app.bsky.feed.post/3kmention"
ROOT_URI = f"at://{REPORTER_DID}/app.bsky.feed.post/3kroot"
PARENT_URI = f"at://{REPORTER_DID}/app.bsky.feed.post/3kparent"
QUOTED_URI = f"at://{REPORTER_DID}/app.bsky.feed.post/3kquoted"
MENTION = "app.bsky.richtext.facet#mention"


def mention_facet(text: str, handle_text: str, did: str) -> dict[str, Any]:
    """A mention facet over the first `handle_text` in `text` (UTF-8 byte offsets)."""
    data = text.encode("utf-8")
    start = data.index(handle_text.encode("utf-8"))
    return {
        "index": {"byteStart": start, "byteEnd": start + len(handle_text.encode("utf-8"))},
        "features": [{"$type": MENTION, "did": did}],
    }


def notification(
    text: str = "@threadbot.test archive",
    *,
    reason: str = "mention",
    reply: bool = True,
    quote: str | None = None,
    media: bool = False,
    facets: list[dict[str, Any]] | None = None,
    auto_facets: bool = True,
    author_did: str = ALICE_DID,
    uri: str = MENTION_URI,
) -> dict[str, Any]:
    """A listNotifications item as the AppView sends it.

    Mention facets are written for the bot's handle and "@alice.test" the way the official
    app writes them, unless `facets` is given or `auto_facets` is off.
    """
    record: dict[str, Any] = {
        "$type": "app.bsky.feed.post",
        "text": text,
        "createdAt": "2026-02-03T14:05:06.789Z",
        "langs": ["en"],
    }
    if facets is None and auto_facets:
        facets = []
        for handle, did in [("@threadbot.test", BOT_DID), ("@alice.test", ALICE_DID)]:
            if handle in text:
                facets.append(mention_facet(text, handle, did))
    if facets is not None:
        record["facets"] = facets
    if reply:
        record["reply"] = {
            "root": {"uri": ROOT_URI, "cid": "bafyroot"},
            "parent": {"uri": PARENT_URI, "cid": "bafyparent"},
        }
    if quote:
        embed: dict[str, Any] = {
            "$type": "app.bsky.embed.record",
            "record": {"uri": quote, "cid": "bafyquoted"},
        }
        if media:
            embed = {
                "$type": "app.bsky.embed.recordWithMedia",
                "record": embed,
                "media": {"$type": "app.bsky.embed.images", "images": []},
            }
        record["embed"] = embed
    return {
        "uri": uri,
        "cid": "bafymention",
        "author": {"did": author_did, "handle": "alice.test", "displayName": "Alice"},
        "reason": reason,
        "record": record,
        "isRead": False,
        "indexedAt": "2026-02-03T14:05:07.000Z",
        "labels": [],
    }


def parse(item: Any) -> Request | None:
    mention = mention_from_notification(item, BOT_DID, BOT_HANDLE)
    return interpret(mention) if mention is not None else None


def looks_like_bot(author: Any) -> bool:
    handle = author.get("handle") if isinstance(author, dict) else None
    return author_is_bot(author) or (isinstance(handle, str) and handle_looks_like_bot(handle))


def command_of(text: str, **kwargs: Any) -> str | None:
    request = parse(notification(text, **kwargs))
    return request.command if request else None


# --- archive requests ----------------------------------------------------------------------


def test_reply_mention_asks_to_archive_the_parent_thread():
    request = parse(notification("@threadbot.test archive"))
    assert request is not None
    assert request.command == "archive"
    assert request.target_post_id == PARENT_URI  # the parent: the source walks up to the root
    mention = request.mention
    assert (mention.post_id, mention.author) == (
        MENTION_URI,
        Account(ALICE_DID, "bluesky", "alice.test"),
    )
    assert mention.created_at == "2026-02-03T14:05:06.789Z"
    # the bot answers under the mention, in the mention's conversation
    assert mention.reply_context == {
        "parent_uri": MENTION_URI,
        "parent_cid": "bafymention",
        "root_uri": ROOT_URI,
        "root_cid": "bafyroot",
    }


@pytest.mark.parametrize("media", [False, True], ids=["record", "recordWithMedia"])
def test_quote_with_mention_archives_the_quoted_post(media):
    request = parse(
        notification("@threadbot.test unroll", reply=False, quote=QUOTED_URI, media=media)
    )
    assert request is not None
    assert request.command == "archive"
    assert request.target_post_id == QUOTED_URI
    # a top-level post: the mention itself is the conversation's root
    assert request.mention.reply_context["root_uri"] == MENTION_URI


def test_a_reply_that_also_quotes_asks_for_the_quoted_thread():
    request = parse(notification("@threadbot.test save", quote=QUOTED_URI))
    assert request is not None
    assert request.target_post_id == QUOTED_URI
    # the bot still answers in this conversation
    assert request.mention.reply_context["root_uri"] == ROOT_URI


def test_quoting_a_list_or_feed_is_not_a_thread_to_archive():
    feed = f"at://{REPORTER_DID}/app.bsky.feed.generator/courts"
    assert parse(notification("@threadbot.test archive", reply=False, quote=feed)) is None
    # beside a reply, the reply's parent is still a thread
    assert parse(notification("@threadbot.test archive", quote=feed)).target_post_id == PARENT_URI


@pytest.mark.parametrize(
    "text",
    [
        "@threadbot.test archive",
        "@threadbot.test unroll",
        "@threadbot.test save",
        "@threadbot.test thread",
        "@threadbot.test compile",
        "@threadbot.test ARCHIVE",
        "@threadbot.test Unroll",
        "@ThreadBot.Test sAvE",
        "@threadbot.test please unroll!",
        "@threadbot.test unroll please 🙏",
        "@threadbot.test archive, thanks!",
        "@threadbot.test can you unroll this thread please?",
        "@threadbot.test #unroll",
        "@alice.test @threadbot.test archive",
        "hey @threadbot.test unroll",
        "unroll @threadbot.test",
        "@threadbot.test\n\narchive.",
    ],
)
def test_archive_synonyms_case_and_politeness(text):
    assert command_of(text) == "archive"


@pytest.mark.parametrize(
    "text",
    ["@threadbot.test", "@threadbot.test !", "@threadbot.test 🙏", "  @threadbot.test 👀⚖️ ?! "],
)
def test_bare_mention_asks_to_archive(text):
    assert command_of(text) == "archive"


@pytest.mark.parametrize(
    "text",
    [
        "@threadbot.test what do you think?",
        "@threadbot.test thanks!",  # said under the bot's reply: not a second request
        "@threadbot.test please",
        "@threadbot.test delete this",
        "@threadbot.test archive 2",
        "I think @threadbot.test is neat",
        "@threadbot.test archive optout",  # contradicting commands
    ],
)
def test_other_words_are_not_requests(text):
    assert command_of(text) is None


def test_top_level_mention_has_nothing_to_archive():
    assert parse(notification("@threadbot.test archive", reply=False)) is None
    assert parse(notification("@threadbot.test", reply=False)) is None


@pytest.mark.parametrize("reason", ["mention", "reply", "quote"])
def test_replies_to_and_quotes_of_the_bot_count_too(reason):
    assert command_of("@threadbot.test archive", reason=reason) == "archive"


@pytest.mark.parametrize("reason", ["like", "repost", "follow", "starterpack-joined", None, 7])
def test_other_notification_reasons_are_not_requests(reason):
    assert parse(notification("@threadbot.test archive", reason=reason)) is None


def test_created_at_falls_back_to_indexed_at():
    item = notification()
    del item["record"]["createdAt"]
    assert parse(item).mention.created_at == "2026-02-03T14:05:07.000Z"


# --- optout / optin ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("@threadbot.test optout", "optout"),
        ("@threadbot.test OptOut please", "optout"),
        ("@threadbot.test opt-out", "optout"),
        ("@threadbot.test opt out.", "optout"),
        ("@threadbot.test optin", "optin"),
        ("@threadbot.test Opt-In!", "optin"),
    ],
)
@pytest.mark.parametrize("reply", [True, False], ids=["in-reply", "top-level"])
def test_optout_and_optin_work_anywhere(text, command, reply):
    request = parse(notification(text, reply=reply))
    assert request is not None
    assert request.command == command
    assert request.mention.author.id == ALICE_DID
    assert request.target_post_id == MENTION_URI  # about its author, not about a thread


# --- who is mentioned ----------------------------------------------------------------------


def test_mention_by_text_when_the_client_wrote_no_facets():
    assert command_of("@threadbot.test unroll", auto_facets=False) == "archive"
    assert command_of("@threadbot.test.", auto_facets=False) == "archive"
    # a longer handle is someone else
    assert command_of("@threadbot.testing unroll", auto_facets=False) is None
    assert command_of("@threadbot.test.example unroll", auto_facets=False) is None
    assert command_of("see threadbot.test unroll", auto_facets=False) is None


def test_a_facet_mentioning_someone_else_is_not_for_the_bot():
    text = "@threadbot.test archive"
    other = mention_facet(text, "@threadbot.test", "did:plc:impostor00000000000000000")
    assert parse(notification(text, facets=[other])) is None


def test_facet_offsets_count_utf8_bytes_after_emoji():
    # "⚖️" is 6 bytes, "🏛" 4: the facet's offsets are bytes, and the mention is still found
    assert command_of("⚖️🏛 @threadbot.test unroll") == "archive"
    assert command_of("⚖️🏛 判決 @threadbot.test") is None  # words besides the mention


def test_the_bots_own_posts_are_never_requests():
    own = f"at://{BOT_DID}/app.bsky.feed.post/3kreply"
    assert parse(notification("@threadbot.test archive", author_did=BOT_DID, uri=own)) is None
    assert parse(notification("@threadbot.test archive", author_did=BOT_DID)) is None
    assert parse(notification("@threadbot.test archive", uri=own)) is None


# --- malformed items -----------------------------------------------------------------------


def broken(change) -> dict[str, Any]:
    item = notification("@threadbot.test archive")
    change(item)
    return item


@pytest.mark.parametrize(
    "item",
    [
        None,
        [],
        "mention",
        {},
        broken(lambda i: i.pop("record")),
        broken(lambda i: i.update(record="@threadbot.test archive")),
        broken(lambda i: i["record"].pop("text")),
        broken(lambda i: i["record"].update(text=["@threadbot.test archive"])),
        broken(lambda i: i.pop("author")),
        broken(lambda i: i.update(author="did:plc:alice")),
        broken(lambda i: i["author"].update(did=None)),
        broken(lambda i: i.pop("uri")),
        broken(lambda i: i.update(uri="https://bsky.app/profile/alice.test/post/3k")),
        broken(lambda i: i.update(cid=42)),
        broken(lambda i: i["record"].update(reply="at://x")),
        broken(lambda i: i["record"].update(reply={"parent": {"uri": 5}})),
        broken(lambda i: i["record"]["reply"].update(parent={"uri": "at://did:plc:x"})),
    ],
    ids=lambda item: None,
)
def test_malformed_items_are_not_requests_and_never_raise(item):
    assert parse(item) is None


@pytest.mark.parametrize("facets", ["@threadbot.test", [None, 3, {"index": "x", "features": 5}]])
def test_malformed_facets_count_as_missing_and_the_text_decides(facets):
    assert command_of("@threadbot.test archive", facets=facets) == "archive"
    assert command_of("@threadbot.test what is this", facets=facets) is None


@pytest.mark.parametrize(
    "facet",
    [
        {
            "index": {"byteStart": 999, "byteEnd": 1020},
            "features": [{"$type": MENTION, "did": BOT_DID}],
        },
        {"index": {"byteStart": 1, "byteEnd": 2}, "features": [{"$type": MENTION, "did": BOT_DID}]},
        {
            "index": {"byteStart": "0", "byteEnd": None},
            "features": [{"$type": MENTION, "did": BOT_DID}],
        },
        {"features": [{"$type": MENTION, "did": BOT_DID}]},
    ],
)
def test_a_bot_mention_with_bad_offsets_still_reads_the_command(facet):
    # the mention facet names the bot; only where it sits in the text is broken
    assert command_of("⚖️ @threadbot.test unroll", facets=[facet]) == "archive"


def test_optional_fields_of_the_wrong_type_are_tolerated():
    item = notification("@threadbot.test archive")
    item["author"]["handle"] = None
    item["record"]["createdAt"] = "yesterday"
    item["indexedAt"] = 12
    item["record"]["embed"] = "a picture"
    request = parse(item)
    assert request is not None
    assert request.mention.author.handle == ""
    assert request.mention.created_at is None
    assert request.target_post_id == PARENT_URI


# --- bots ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "author",
    [
        {
            "did": "did:plc:a",
            "handle": "news.example.com",
            "labels": [{"val": "bot", "src": "did:plc:a"}],
        },
        {"did": "did:plc:a", "handle": "mod.example.com", "associated": {"labeler": True}},
        {"did": "did:plc:a", "handle": "newsbot.bsky.social"},
        {"did": "did:plc:a", "handle": "court-bot.example.com"},
        {"did": "did:plc:a", "handle": "RulingsBot.bsky.social"},
        {"did": "did:plc:a", "handle": "bot.example.com"},
        {"did": "did:plc:a", "handle": "threadbot.test"},
    ],
)
def test_bots_are_recognised(author):
    assert looks_like_bot(author)


@pytest.mark.parametrize(
    "author",
    [
        {"did": "did:plc:a", "handle": "alice.bsky.social"},
        {"did": "did:plc:a", "handle": "talbot.bsky.social"},  # a name, not a bot
        {"did": "did:plc:a", "handle": "abbot.example.com"},
        {"did": "did:plc:a", "handle": "botany.example.com"},
        {"did": "did:plc:a", "handle": "alice.bot.example.com"},  # "bot" only in the domain
        {"did": "did:plc:a", "handle": "alice.newsbot.com"},
        {"did": "did:plc:a", "handle": "alice.test", "labels": [{"val": "porn"}]},
        {"did": "did:plc:a", "handle": "alice.test", "labels": [{"val": "bot", "neg": True}]},
        {"did": "did:plc:a", "handle": "alice.test", "associated": {"labeler": False}},
        {"did": "did:plc:a", "handle": "alice.test", "labels": "bot", "associated": "labeler"},
        {"did": "did:plc:a", "handle": None},
        {"did": "did:plc:a", "handle": "handle.invalid"},
        {},
        None,
        "newsbot.bsky.social",
    ],
)
def test_people_are_not_taken_for_bots(author):
    assert not looks_like_bot(author)


def test_x_handles_with_underscores_in_the_text_are_mentions_not_words():
    from bot.daemon.mentions import parse_command

    assert parse_command("@dana_whitlock unroll") == "archive"
    assert parse_command("@court_watcher_ please") is None  # politeness alone asks nothing
