"""The mention grammar on its own (bot/daemon/mentions.py): the same on every platform, fed
hand-built Mentions as any connector hands them over (the bot's own @handle blanked out).
tests/unit/test_bluesky_mentions.py covers it behind Bluesky's notification parsing."""

from __future__ import annotations

import pytest

from bot.daemon.mentions import interpret, looks_like_bot
from bot.models import Account, Mention, Platform

PARENT = "1890000000000000001"
QUOTED = "1890000000000000002"


def mention(
    text: str,
    target: str | None = PARENT,
    *,
    platform: Platform = "x",
    handle: str = "curious_reader",
    is_bot: bool = False,
) -> Mention:
    return Mention(
        platform=platform,
        post_id="1890000000000000099",
        author=Account(id="4242", platform=platform, handle=handle),
        text=text,
        target_post_id=target,
        author_is_bot=is_bot,
    )


@pytest.mark.parametrize("platform", ["x", "bluesky"])
@pytest.mark.parametrize("text", ["  archive", " please unroll!", " ", "   🙏"])
def test_an_archive_request_under_a_thread_targets_that_thread(
    platform: Platform, text: str
) -> None:
    request = interpret(mention(text, PARENT, platform=platform))
    assert request is not None
    assert (request.command, request.target_post_id) == ("archive", PARENT)


def test_a_quote_is_the_thread_to_archive() -> None:
    request = interpret(mention(" save", QUOTED))
    assert request is not None and request.target_post_id == QUOTED


@pytest.mark.parametrize("text", ["  archive", " ", " unroll this please"])
def test_a_top_level_archive_request_has_no_thread_and_asks_nothing(text: str) -> None:
    assert interpret(mention(text, target=None)) is None


@pytest.mark.parametrize("target", [None, PARENT], ids=["top-level", "in-reply"])
@pytest.mark.parametrize(
    ("text", "command"),
    [(" optout", "optout"), (" Opt-Out please", "optout"), (" opt in", "optin")],
)
def test_optout_and_optin_work_anywhere_and_concern_their_author(
    target: str | None, text: str, command: str
) -> None:
    request = interpret(mention(text, target))
    assert request is not None
    assert request.command == command
    # about the person who wrote it, not about any thread
    assert request.target_post_id == "1890000000000000099"


@pytest.mark.parametrize(
    "text",
    [" archive optout", " what do you think?", " thanks!", " @someone_else archive 2"],
)
def test_anything_else_asks_nothing(text: str) -> None:
    assert interpret(mention(text)) is None


def test_another_handle_typed_in_the_text_is_not_a_word_of_the_command() -> None:
    request = interpret(mention(" @court_watcher @another.bsky.social unroll"))
    assert request is not None and request.command == "archive"


def test_the_platform_s_own_mark_makes_a_bot_whatever_its_name() -> None:
    assert looks_like_bot(mention(" archive", handle="jane_doe", is_bot=True))


@pytest.mark.parametrize(
    "handle", ["CourtBot", "rulings_bot", "newsbot.bsky.social", "court-bot.example.com", "bot"]
)
def test_a_handle_whose_first_label_ends_in_bot_is_a_bot(handle: str) -> None:
    assert looks_like_bot(mention(" archive", handle=handle))


@pytest.mark.parametrize(
    "handle", ["talbot", "Abbot.bsky.social", "botany_fan", "alice.bot.example", "", "jane"]
)
def test_people_are_not_taken_for_bots(handle: str) -> None:
    assert not looks_like_bot(mention(" archive", handle=handle))
