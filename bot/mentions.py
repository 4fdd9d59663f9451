"""Bluesky notifications → archive, optout and optin requests. Pure: no network, no database.

Anyone asks for an archive by replying under a thread with a mention of the bot
("@threadbot.test archive", "unroll", "save", or the bare mention), or by quoting a post of
the thread while mentioning the bot. An author opts out of being archived with "optout"
anywhere, and back in with "optin".

Notifications carry records written by arbitrary clients, so every field may be missing or
of the wrong type: anything malformed is "not a request" (None), never an exception.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from bot.sources.bluesky_records import did_of, normalize_time, quoted_uri

Command = Literal["archive", "optout", "optin"]

MENTION_FEATURE = "app.bsky.richtext.facet#mention"
POST_COLLECTION = "app.bsky.feed.post"

# A post that mentions the bot notifies it as a mention; a reply to (or quote of) one of the
# bot's own posts notifies it as a reply (quote) instead, and still asks something.
REQUEST_REASONS = frozenset({"mention", "reply", "quote"})

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
# a handle typed in the text, with or without a facet behind it
TEXT_MENTION = re.compile(r"@[A-Za-z0-9](?:[A-Za-z0-9.\-]*[A-Za-z0-9])?")

# Given names and words that end in "bot" but are no bot ("talbot.bsky.social").
NOT_BOT_NAMES = frozenset({"abbot", "cabot", "jabot", "sabot", "talbot", "turbot"})


@dataclass(frozen=True)
class Request:
    """Something a mention asked the bot to do."""

    mention_uri: str
    mention_cid: str
    requester_did: str
    requester_handle: str
    command: Command
    # archive: the post whose thread to archive, the quoted post or else the reply's parent
    # (the parent, not the root: the caller walks up to the thread's root). optout/optin:
    # the mention itself, since it concerns its author and no thread.
    target_uri: str
    reply_root_uri: str | None  # the root of the conversation the mention sits in, if a reply
    created_at: str | None  # UTC, ISO 8601


def parse_notification(item: dict[str, Any], bot_did: str, bot_handle: str) -> Request | None:
    """One app.bsky.notification.listNotifications item → a Request, or None if it asks nothing.

    None when: the reason is not mention/reply/quote; the post does not mention the bot (a
    mention facet with the bot's DID, or "@handle" in the text when the post has no mention
    facets at all); the bot wrote it; it holds words other than one known command and
    politeness ("@bot what do you think?"); or it asks for an archive but neither replies
    to nor quotes a post. A bare mention, or one with only punctuation or emoji, means
    archive. optout and optin work anywhere, top-level posts included.
    """
    if not isinstance(item, dict) or item.get("reason") not in REQUEST_REASONS:
        return None
    uri, cid = item.get("uri"), item.get("cid")
    author = item.get("author")
    record = item.get("record")
    if not (_is_post_uri(uri) and isinstance(cid, str) and cid):
        return None
    if not isinstance(author, dict) or not isinstance(record, dict):
        return None
    requester = author.get("did")
    text = record.get("text")
    if not isinstance(requester, str) or not requester or not isinstance(text, str):
        return None
    if bot_did in (requester, did_of(uri)):
        return None  # the bot's own posts, so its replies never trigger it again

    facets = _mention_facets(record.get("facets"))
    command = _command(text, facets, bot_did, bot_handle)
    if command is None:
        return None

    reply = record.get("reply") if isinstance(record.get("reply"), dict) else {}
    reply_root = _post_ref_uri(reply.get("root"))
    if command == "archive":
        embed = record.get("embed") if isinstance(record.get("embed"), dict) else {}
        # Quoting is the deliberate pointer: a reply that also quotes a post asks for the
        # quoted thread, not for the conversation the reply happens to sit in.
        quoted = quoted_uri(embed)
        target = quoted if _is_post_uri(quoted) else _post_ref_uri(reply.get("parent"))
        if target is None:
            return None  # a top-level mention: there is no thread to archive
    else:
        target = uri

    handle = author.get("handle")
    return Request(
        mention_uri=uri,
        mention_cid=cid,
        requester_did=requester,
        requester_handle=handle if isinstance(handle, str) else "",
        command=command,
        target_uri=target,
        reply_root_uri=reply_root,
        created_at=normalize_time(record.get("createdAt")) or normalize_time(item.get("indexedAt")),
    )


def looks_like_bot(author: dict[str, Any]) -> bool:
    """Whether an account is (most likely) a bot, so the daemon never answers it: no loops.

    A "bot" label (the self-label Bluesky offers, or one from a labeler), a labeler service
    account, or a handle whose first label ends in "bot" ("newsbot.bsky.social",
    "court-bot.example.com"). The handle rule is kept narrow on purpose: a person must never
    be ignored for a name like "talbot" or "bot" somewhere in their domain.
    """
    if not isinstance(author, dict):
        return False
    labels = author.get("labels")
    if isinstance(labels, list) and any(
        isinstance(label, dict) and label.get("val") == "bot" and not label.get("neg")
        for label in labels
    ):
        return True
    associated = author.get("associated")
    if isinstance(associated, dict) and associated.get("labeler") is True:
        return True
    handle = author.get("handle")
    if not isinstance(handle, str) or "." not in handle:
        return False
    first = handle.split(".", 1)[0].lower()
    return first.endswith("bot") and first not in NOT_BOT_NAMES


# --- what the post says ----------------------------------------------------------------


@dataclass(frozen=True)
class _MentionFacet:
    did: str
    start: int | None  # UTF-8 byte offsets into the text; None when malformed
    end: int | None


def _mention_facets(facets: Any) -> list[_MentionFacet]:
    if not isinstance(facets, list):
        return []
    found = []
    for facet in facets:
        if not isinstance(facet, dict):
            continue
        index = facet.get("index") if isinstance(facet.get("index"), dict) else {}
        start, end = index.get("byteStart"), index.get("byteEnd")
        valid = type(start) is int and type(end) is int and 0 <= start < end
        features = facet.get("features") if isinstance(facet.get("features"), list) else []
        for feature in features:
            if not isinstance(feature, dict) or feature.get("$type") != MENTION_FEATURE:
                continue
            did = feature.get("did")
            if isinstance(did, str) and did:
                found.append(_MentionFacet(did, start if valid else None, end if valid else None))
    return found


def _command(
    text: str, facets: list[_MentionFacet], bot_did: str, bot_handle: str
) -> Command | None:
    """The one command the post gives the bot, or None if it mentions or asks something else."""
    if facets:
        # A client that writes mention facets writes one for every mention it made: without
        # one for the bot, "@threadbot.test" in the text is not addressed to the bot.
        if not any(f.did == bot_did for f in facets):
            return None
        text = _without_byte_spans(text, [(f.start, f.end) for f in facets])
    elif not _mentions_handle_in_text(text, bot_handle):
        return None

    words = WORD.findall(OPT_PHRASE.sub(r"opt\1", TEXT_MENTION.sub(" ", text)).lower())
    commands = {COMMAND_WORDS[w] for w in words if w in COMMAND_WORDS}
    others = [w for w in words if w not in COMMAND_WORDS and w not in FILLER_WORDS]
    if others or len(commands) > 1:
        return None  # a question, a conversation, or two contradicting commands
    if commands:
        return commands.pop()
    return "archive" if not words else None  # the bare mention; "@bot thanks!" asks nothing


def _mentions_handle_in_text(text: str, bot_handle: str) -> bool:
    handle = bot_handle.strip().removeprefix("@")
    if not handle:
        return False
    # not a longer handle: "@threadbot.test" is not in "@threadbot.testing" nor in
    # "@threadbot.test.example", but is in "… @threadbot.test."
    pattern = rf"(?<![\w@.\-])@{re.escape(handle)}(?![A-Za-z0-9\-])(?!\.[A-Za-z0-9])"
    return re.search(pattern, text, re.IGNORECASE) is not None


def _without_byte_spans(text: str, spans: list[tuple[int | None, int | None]]) -> str:
    """The text with these UTF-8 byte ranges blanked out (malformed ranges are ignored)."""
    data = bytearray(text.encode("utf-8"))
    for start, end in spans:
        if start is not None and end is not None and end <= len(data):
            data[start:end] = b" " * (end - start)
    # a range that split a character leaves invalid bytes: drop them rather than fail
    return data.decode("utf-8", errors="ignore")


def _post_ref_uri(ref: Any) -> str | None:
    uri = ref.get("uri") if isinstance(ref, dict) else None
    return uri if _is_post_uri(uri) else None


def _is_post_uri(uri: Any) -> bool:
    """An at:// URI of a post: quotes and replies may point at lists, feeds or junk."""
    if not isinstance(uri, str) or not uri.startswith("at://"):
        return False
    parts = uri.removeprefix("at://").split("/")
    return len(parts) == 3 and all(parts) and parts[1] == POST_COLLECTION
