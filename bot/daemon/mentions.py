"""The mention grammar: what a mention of the bot asks. Pure, and the same on every
platform (the connector hands over the mention with the bot's own @handle blanked out).

Anyone asks for an archive by replying under a thread with a mention of the bot
("@bot archive", "unroll", "save", or the bare mention), or by quoting a post of the thread
while mentioning the bot. An author opts out of being archived with "optout" anywhere, and
back in with "optin".

    >>> parse_command("   please unroll!")
    'archive'
    >>> parse_command("what do you think?") is None
    True
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bot.models import Mention

Command = Literal["archive", "optout", "optin"]

COMMAND_WORDS: dict[str, Command] = {
    "archive": "archive",
    "unroll": "archive",
    "save": "archive",
    "thread": "archive",
    "compile": "archive",
    "optout": "optout",
    "optin": "optin",
}

# Words people wrap a command in. They never make a request on their own: "@bot thanks!"
# under the bot's reply is gratitude, not a second archive request.
FILLER_WORDS = frozenset(
    {
        "please",
        "pls",
        "plz",
        "kindly",
        "thanks",
        "thank",
        "thx",
        "ty",
        "hey",
        "hi",
        "hello",
        "can",
        "could",
        "would",
        "will",
        "you",
        "u",
        "this",
        "it",
        "that",
        "the",
        "a",
        "for",
        "me",
        "us",
        "up",
        "now",
        "again",
        "one",
    }
)

WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# "opt-out", "opt out", "Opt_Out" → "optout" before splitting into words
OPT_PHRASE = re.compile(r"\bopt[\s\-_]*(out|in)\b", re.IGNORECASE)
# a handle typed in the text (the bot's own, other people's; Bluesky's and X's, which may
# hold underscores): not words of the command
TEXT_MENTION = re.compile(r"@[A-Za-z0-9_](?:[A-Za-z0-9._\-]*[A-Za-z0-9_])?")

NOT_BOT_NAMES = frozenset({"abbot", "cabot", "jabot", "sabot", "talbot", "turbot"})


@dataclass(frozen=True)
class Request:
    """What a mention asked the bot to do."""

    mention: Mention
    command: Command
    # archive: the post whose thread to archive (the quoted post, else the reply's parent:
    # the source walks up to the root). optout/optin: the mention itself, since it concerns
    # its author and no thread.
    target_post_id: str


def interpret(mention: Mention) -> Request | None:
    """The request a mention makes, or None if it asks nothing: other words than one command
    and politeness ("@bot what do you think?"), or an archive request that neither replies
    to nor quotes a post. A bare mention, or one with only punctuation or emoji, means
    archive; optout and optin work anywhere, top-level posts included."""
    command = parse_command(mention.text)
    if command is None:
        return None
    if command != "archive":
        return Request(mention, command, mention.post_id)
    if mention.target_post_id is None:
        return None  # a top-level mention: there is no thread to archive
    return Request(mention, command, mention.target_post_id)


def parse_command(text: str) -> Command | None:
    """The one command a mention's text gives the bot, or None if it says something else."""
    words = WORD.findall(OPT_PHRASE.sub(r"opt\1", TEXT_MENTION.sub(" ", text)).lower())
    commands = {COMMAND_WORDS[w] for w in words if w in COMMAND_WORDS}
    others = [w for w in words if w not in COMMAND_WORDS and w not in FILLER_WORDS]
    if others or len(commands) > 1:
        return None  # a question, a conversation, or two contradicting commands
    if commands:
        return commands.pop()
    return "archive" if not words else None  # the bare mention; "@bot thanks!" asks nothing


def looks_like_bot(mention: Mention) -> bool:
    """Whether the mention's author is (most likely) a bot, so the daemon never answers it:
    no loops. The platform's own mark (mention.author_is_bot), or a handle whose first label
    ends in "bot" ("newsbot.bsky.social", "court-bot.example.com"). The handle rule is kept
    narrow on purpose: a person must never be ignored for a name like "talbot"."""
    return mention.author_is_bot or handle_looks_like_bot(mention.author.handle)


def handle_looks_like_bot(handle: str) -> bool:
    if not isinstance(handle, str) or not handle:
        return False
    first = handle.split(".", 1)[0].lower()
    return first.endswith("bot") and first not in NOT_BOT_NAMES
