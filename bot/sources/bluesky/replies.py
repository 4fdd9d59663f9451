"""The bot's reply as a Bluesky post record: text, link facets, reply references. Pure.

A reply's links are given by character offsets; a link facet counts UTF-8 bytes.

    >>> from bot.models import Reply, ReplyLink
    >>> record = reply_record(
    ...     Reply("⚖️ Read: example.org/…", (ReplyLink(9, 22, "https://example.org/x"),)),
    ...     {"parent_uri": "at://p", "parent_cid": "c1", "root_uri": "at://r", "root_cid": "c2"},
    ...     "2026-02-03T14:05:00.000Z",
    ... )
    >>> record["facets"][0]["index"]
    {'byteStart': 13, 'byteEnd': 28}
"""

from __future__ import annotations

from bot.models import Reply, ReplyLimits
from bot.sources.json_fields import JSON

LINK_FEATURE = "app.bsky.richtext.facet#link"
# A post holds at most 300 graphemes and 3,000 UTF-8 bytes; a link facet may show a
# shortened text and still point to the full URL.
LIMITS = ReplyLimits(max_graphemes=300, max_bytes=3000, shortened_links=True)


def reply_record(reply: Reply, context: dict[str, str], now: str) -> JSON:
    """The app.bsky.feed.post record of `reply` in the conversation `context` names
    (parent_uri/parent_cid: the mention; root_uri/root_cid: the conversation's root)."""
    return {
        "$type": "app.bsky.feed.post",
        "text": reply.text,
        "facets": link_facets(reply),
        "reply": {
            "parent": {"uri": context["parent_uri"], "cid": context["parent_cid"]},
            "root": {"uri": context["root_uri"], "cid": context["root_cid"]},
        },
        "createdAt": now,
    }


def link_facets(reply: Reply) -> list[JSON]:
    facets = []
    for link in reply.links:
        start = len(reply.text[: link.start].encode("utf-8"))
        end = start + len(reply.text[link.start : link.end].encode("utf-8"))
        facets.append(
            {
                "index": {"byteStart": start, "byteEnd": end},
                "features": [{"$type": LINK_FEATURE, "uri": link.url}],
            }
        )
    return facets
