"""The bot's replies to requests: what they say, and how they fit a platform's limits. Pure.

A reply is a `Reply`: text plus the character span of each link in it. The platform's
`ReplyLimits` decide how a link is carried: Bluesky shows a shortened text behind a link
facet pointing to the full URL; X puts the full URL in the text and counts it as 23
characters whatever its length. Lengths are counted in extended grapheme clusters (what a
reader sees as one character), with the `regex` module's `\\X`.

Replies name no one: no "@" at all in the text, so the bot never pings a third party.
"""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

import regex

from bot.models import Reply, ReplyLimits, ReplyLink

# A link shown in full up to this many graphemes; longer ones are shortened for display
# where the platform allows it (the link still carries the full URL).
MAX_LINK_DISPLAY = 60
ELLIPSIS = "…"
GRAPHEME = regex.compile(r"\X")

RefusalReason = Literal["opted_out", "rate_limited", "denied", "not_found", "failed"]

# (singular, plural) per document kind, in the order the reply lists them.
DOCUMENT_NOUNS: dict[str, tuple[str, str]] = {
    "courtlistener_document": ("court document", "court documents"),
    "courtlistener_opinion": ("court opinion", "court opinions"),
    "courtlistener_docket": ("docket", "dockets"),
    "pdf": ("PDF", "PDFs"),
    "article": ("article", "articles"),
}
OTHER_DOCUMENTS = ("other document", "other documents")

REFUSALS: dict[str, str] = {
    "opted_out": "Sorry — the author of this thread has asked not to be archived.",
    "rate_limited": (
        "Sorry — I've had a lot of requests from you in a short time. "
        "Please try again in an hour or so."
    ),
    "denied": "Sorry — I can't archive this thread.",
    "not_found": "Sorry — I couldn't find that thread. It may have been deleted or hidden.",
    "failed": "Sorry — something went wrong while archiving this thread. Please try again later.",
}


def archive_reply(
    *, posts: int, documents: dict[str, int], page_url: str, limits: ReplyLimits
) -> Reply:
    """The reply to an archive request.

    "Archived: 12 posts, 3 court documents, 1 article. Read it here: https://…". `documents`
    counts archived documents by kind; kinds without a name of their own are summed as
    "other documents", zero counts are left out. Where the platform allows it, a URL too
    long to show is displayed as host and path cut with "…"; the link always points to the
    full `page_url`.
    """
    if not page_url or any(c.isspace() for c in page_url):
        raise ValueError(f"not a URL to link to: {page_url!r}")
    if posts < 0 or any(n < 0 for n in documents.values()):
        raise ValueError("counts cannot be negative")

    prefix = f"Archived: {_summary(posts, documents)}. Read it here: "
    if not limits.shortened_links:
        reply = _linked(prefix, page_url, page_url)
        if not fits(reply, limits):
            raise ValueError("the reply does not fit the platform's limits")
        return reply
    room = min(MAX_LINK_DISPLAY, limits.max_graphemes - grapheme_length(prefix))
    display = link_display(page_url, room)
    reply = _linked(prefix, display, page_url)
    # a URL of huge clusters (piles of combining marks) can pass the byte limit first
    while not fits(reply, limits) and room > 1:
        room -= 1
        reply = _linked(prefix, link_display(page_url, room), page_url)
    return reply


def _linked(prefix: str, display: str, url: str) -> Reply:
    return Reply(prefix + display, (ReplyLink(len(prefix), len(prefix) + len(display), url),))


def refusal_reply(reason: RefusalReason) -> Reply:
    """Why the bot did not archive the thread, in one polite sentence or two."""
    try:
        return Reply(REFUSALS[reason])
    except KeyError:
        raise ValueError(f"unknown refusal reason: {reason!r}") from None


def optout_reply(optin: bool) -> Reply:
    """The answer to "optout" (optin=False) or "optin" (optin=True)."""
    if optin:
        return Reply("Done — your threads can be archived again when someone asks.")
    return Reply(
        "Done — I won't archive your threads from now on. "
        'Mention me with "optin" if you change your mind.'
    )


def fits(reply: Reply, limits: ReplyLimits) -> bool:
    """Whether the platform accepts this reply's text."""
    length = grapheme_length(reply.text)
    if limits.link_length is not None:
        for link in reply.links:
            length += limits.link_length - grapheme_length(reply.text[link.start : link.end])
    if length > limits.max_graphemes:
        return False
    return limits.max_bytes is None or len(reply.text.encode("utf-8")) <= limits.max_bytes


def _summary(posts: int, documents: dict[str, int]) -> str:
    parts = [_count(posts, ("post", "posts"))]
    for kind, nouns in DOCUMENT_NOUNS.items():
        if documents.get(kind, 0) > 0:
            parts.append(_count(documents[kind], nouns))
    others = sum(n for kind, n in documents.items() if kind not in DOCUMENT_NOUNS and n > 0)
    if others:
        parts.append(_count(others, OTHER_DOCUMENTS))
    return ", ".join(parts)


def _count(n: int, nouns: tuple[str, str]) -> str:
    return f"{n} {nouns[0] if n == 1 else nouns[1]}"


def link_display(url: str, max_graphemes: int) -> str:
    """How to show a URL in at most `max_graphemes`: whole, or host + path cut with "…".

    The display never holds an "@" (a user@ before the host is dropped, a path is cut before
    one), so no client can take part of the link for a mention.
    """
    if "@" not in url and grapheme_length(url) <= max_graphemes:
        return url
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    rest = parts.path + ("?" + parts.query if parts.query else "")
    shown = host + rest if host else url
    cut = "@" in shown
    shown = shown.split("@", 1)[0]
    if not cut and grapheme_length(shown) <= max_graphemes:
        return shown
    return "".join(graphemes(shown)[: max(max_graphemes - 1, 0)]) + ELLIPSIS


def graphemes(text: str) -> list[str]:
    """The text's extended grapheme clusters (Unicode UAX #29)."""
    return GRAPHEME.findall(text)


def grapheme_length(text: str) -> int:
    """How many characters a reader sees (and Bluesky counts) in `text`."""
    return len(GRAPHEME.findall(text))
