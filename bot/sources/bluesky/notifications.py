"""Bluesky notifications → Mentions of the bot. Pure: no network, no database.

A post asks the bot something when it mentions it (a mention facet with the bot's DID, or
"@handle" typed in a post without mention facets) and notifies it as a mention, a reply or a
quote. What it asks is the mention grammar's business (bot/daemon/mentions.py); this module
only knows Bluesky's shapes: notification items, records, mention facets, embeds, labels.

Notifications carry records written by arbitrary clients, so every field may be missing or
of the wrong type: anything malformed is "no mention" (None), never an exception.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.models import Account, Mention
from bot.sources.bluesky.records import quoted_post_uri
from bot.sources.bluesky.urls import did_of, is_post_uri
from bot.sources.json_fields import integer, obj, objects, text
from bot.timestamps import normalize_time

MENTION_FEATURE = "app.bsky.richtext.facet#mention"

# A post that mentions the bot notifies it as a mention; a reply to (or quote of) one of the
# bot's own posts notifies it as a reply (quote) instead, and still asks something.
REQUEST_REASONS = frozenset({"mention", "reply", "quote"})


@dataclass(frozen=True)
class _MentionFacet:
    did: str
    start: int | None  # UTF-8 byte offsets into the text; None when malformed
    end: int | None


def mention_from_notification(item: Any, bot_did: str, bot_handle: str) -> Mention | None:
    """One app.bsky.notification.listNotifications item → a Mention of the bot, or None.

    None when: the reason is not mention/reply/quote; the item is malformed; the bot wrote
    it; or it does not address the bot (with mention facets, one must name the bot's DID;
    without any, "@handle" must be in the text). The Mention's text has the bot's mention
    blanked out; its target is the quoted post, else the post it replies to.
    """
    if not isinstance(item, dict) or item.get("reason") not in REQUEST_REASONS:
        return None
    uri, cid = text(item, "uri"), text(item, "cid")
    author, record = obj(item, "author"), obj(item, "record")
    if not (is_post_uri(uri) and cid and author and record):
        return None
    requester = text(author, "did")
    body = record.get("text")
    if not requester or not isinstance(body, str):
        return None
    if bot_did in (requester, did_of(uri)):
        return None  # the bot's own posts, so its replies never trigger it again

    facets = _mention_facets(record.get("facets"))
    if facets:
        # A client that writes mention facets writes one for every mention it made: without
        # one for the bot, "@threadbot.test" in the text is not addressed to the bot.
        if not any(f.did == bot_did for f in facets):
            return None
        body = _without_byte_spans(body, [(f.start, f.end) for f in facets])
    elif not _mentions_handle_in_text(body, bot_handle):
        return None

    reply = obj(record, "reply")
    parent, root = obj(reply, "parent"), obj(reply, "root")
    # Quoting is the deliberate pointer: a reply that also quotes a post asks for the quoted
    # thread, not for the conversation the reply happens to sit in.
    quoted = quoted_post_uri(obj(record, "embed"))
    parent_uri = text(parent, "uri")
    target = quoted or (parent_uri if is_post_uri(parent_uri) else None)
    # the bot answers in the mention's conversation: its root, or the mention itself
    root_uri, root_cid = text(root, "uri"), text(root, "cid")
    if not (is_post_uri(root_uri) and root_cid):
        root_uri, root_cid = uri, cid
    return Mention(
        platform="bluesky",
        post_id=uri,
        author=Account(id=requester, platform="bluesky", handle=text(author, "handle").lower()),
        text=body,
        target_post_id=target,
        created_at=normalize_time(record.get("createdAt")) or normalize_time(item.get("indexedAt")),
        indexed_at=normalize_time(item.get("indexedAt")),
        author_is_bot=author_is_bot(author),
        reply_context={
            "parent_uri": uri,
            "parent_cid": cid,
            "root_uri": root_uri,
            "root_cid": root_cid,
        },
    )


def author_is_bot(author: Any) -> bool:
    """Whether Bluesky marks the account as automated: a "bot" label (the self-label the app
    offers, or one from a labeler) or a labeler service account."""
    if not isinstance(author, dict):
        return False
    if any(
        label.get("val") == "bot" and not label.get("neg") for label in objects(author, "labels")
    ):
        return True
    return obj(author, "associated").get("labeler") is True


def _mention_facets(facets: Any) -> list[_MentionFacet]:
    if not isinstance(facets, list):
        return []
    found = []
    for facet in facets:
        if not isinstance(facet, dict):
            continue
        index = obj(facet, "index")
        start, end = integer(index, "byteStart"), integer(index, "byteEnd")
        valid = start is not None and end is not None and 0 <= start < end
        for feature in objects(facet, "features"):
            did = text(feature, "did")
            if feature.get("$type") == MENTION_FEATURE and did:
                found.append(_MentionFacet(did, start if valid else None, end if valid else None))
    return found


def _mentions_handle_in_text(body: str, bot_handle: str) -> bool:
    handle = bot_handle.strip().removeprefix("@")
    if not handle:
        return False
    # not a longer handle: "@threadbot.test" is not in "@threadbot.testing" nor in
    # "@threadbot.test.example", but is in "… @threadbot.test."
    pattern = rf"(?<![\w@.\-])@{re.escape(handle)}(?![A-Za-z0-9\-])(?!\.[A-Za-z0-9])"
    return re.search(pattern, body, re.IGNORECASE) is not None


def _without_byte_spans(body: str, spans: list[tuple[int | None, int | None]]) -> str:
    """The text with these UTF-8 byte ranges blanked out (malformed ranges are ignored)."""
    data = bytearray(body.encode("utf-8"))
    for start, end in spans:
        if start is not None and end is not None and end <= len(data):
            data[start:end] = b" " * (end - start)
    # a range that split a character leaves invalid bytes: drop them rather than fail
    return data.decode("utf-8", errors="ignore")
