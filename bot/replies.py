"""The bot's replies to requests: text, link facets, and Bluesky's length limit. Pure.

A post holds at most 300 graphemes (and 3000 UTF-8 bytes). Bluesky counts extended grapheme
clusters (Unicode UAX #29); `grapheme_length` approximates them with `unicodedata` and never
counts fewer than there are, so a reply it accepts is never rejected for length.

Replies name no one: no "@" at all in the text, so the bot never pings a third party.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Literal
from urllib.parse import urlsplit

MAX_GRAPHEMES = 300
MAX_BYTES = 3000
LINK_FEATURE = "app.bsky.richtext.facet#link"
# A link shown in full up to this many graphemes; longer ones are shortened for display (the
# facet still carries the full URL), like Bluesky's own composer does.
MAX_LINK_DISPLAY = 60
ELLIPSIS = "…"

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
    *, posts: int, documents: dict[str, int], page_url: str
) -> tuple[str, list[dict]]:
    """The reply to an archive request: its text and its link facet (lexicon JSON).

    "Archived: 12 posts, 3 court documents, 1 article. Read it here: https://…". `documents`
    counts archived documents by kind; kinds without a name of their own are summed as
    "other documents", zero counts are left out. A URL too long to show is displayed as
    host and path cut with "…"; the facet always links the full `page_url`, and its offsets
    count UTF-8 bytes, as the lexicon wants.
    """
    if not page_url or any(c.isspace() for c in page_url):
        raise ValueError(f"not a URL to link to: {page_url!r}")
    if posts < 0 or any(n < 0 for n in documents.values()):
        raise ValueError("counts cannot be negative")

    prefix = f"Archived: {_summary(posts, documents)}. Read it here: "
    room = min(MAX_LINK_DISPLAY, MAX_GRAPHEMES - grapheme_length(prefix))
    display = link_display(page_url, room)
    # a URL of huge clusters (piles of combining marks) can pass the byte limit first
    while not fits(prefix + display) and room > 1:
        room -= 1
        display = link_display(page_url, room)
    text = prefix + display
    start = len(prefix.encode("utf-8"))
    facet = {
        "index": {"byteStart": start, "byteEnd": start + len(display.encode("utf-8"))},
        "features": [{"$type": LINK_FEATURE, "uri": page_url}],
    }
    return text, [facet]


def refusal_reply(reason: RefusalReason) -> str:
    """Why the bot did not archive the thread, in one polite sentence or two."""
    try:
        return REFUSALS[reason]
    except KeyError:
        raise ValueError(f"unknown refusal reason: {reason!r}") from None


def optout_reply(optin: bool) -> str:
    """The answer to "optout" (optin=False) or "optin" (optin=True)."""
    if optin:
        return "Done — your threads can be archived again when someone asks."
    return (
        "Done — I won't archive your threads from now on. "
        'Mention me with "optin" if you change your mind.'
    )


def fits(text: str) -> bool:
    """Whether Bluesky accepts this as a post's text."""
    return grapheme_length(text) <= MAX_GRAPHEMES and len(text.encode("utf-8")) <= MAX_BYTES


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
    return "".join(list(graphemes(shown))[: max(max_graphemes - 1, 0)]) + ELLIPSIS


# --- counting graphemes ----------------------------------------------------------------
#
# Each rule below joins code points only where UAX #29 joins them too; where the rules here
# are not sure (spacing marks, prepended marks, Indic conjuncts, rarer pictographs), they
# split. So the count is exact for ordinary text and emoji, and otherwise a little high:
# safe for a limit.

ZWJ = "\u200d"
ZWNJ = "\u200c"


def grapheme_length(text: str) -> int:
    """How many graphemes Bluesky counts in `text` (never fewer than it counts)."""
    return sum(1 for _ in graphemes(text))


def graphemes(text: str) -> Iterator[str]:
    """Split text into extended grapheme clusters (approximate: never too long ones)."""
    cluster = ""
    for char in text:
        if cluster and _joins(cluster, char):
            cluster += char
            continue
        if cluster:
            yield cluster
        cluster = char
    if cluster:
        yield cluster


def _joins(cluster: str, char: str) -> bool:
    last = cluster[-1]
    if last == "\r" and char == "\n":
        return True
    if _is_control(last):
        return False
    if _is_extend(char) or char == ZWJ:
        return True
    if last == ZWJ and _is_pictographic(char):
        # emoji ZWJ sequences (👩‍💻, 🏳️‍🌈, ❤️‍🔥): a pictograph, its extenders, ZWJ, pictograph
        i = len(cluster) - 2
        while i >= 0 and _is_extend(cluster[i]):
            i -= 1
        return i >= 0 and _is_pictographic(cluster[i])
    if len(cluster) == 1 and _is_regional(last) and _is_regional(char):
        return True  # two regional indicators make one flag, a third starts the next
    return _hangul_joins(last, char)


def _is_control(char: str) -> bool:
    if char in (ZWJ, ZWNJ) or 0xE0020 <= ord(char) <= 0xE007F:
        return False
    return unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp", "Cs")


def _is_extend(char: str) -> bool:
    code = ord(char)
    return (
        unicodedata.category(char) in ("Mn", "Me")  # combining marks, variation selectors
        or char == ZWNJ
        or 0x1F3FB <= code <= 0x1F3FF  # skin tone modifiers
        or 0xE0020 <= code <= 0xE007F  # tags (subdivision flags: 🏴󠁧󠁢󠁳󠁣󠁴󠁿)
    )


def _is_regional(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


# Ranges that are Extended_Pictographic in every Unicode version since emoji ZWJ sequences
# began; a subset is enough, as a pictograph left out only splits a sequence (counts high).
PICTOGRAPHIC_RANGES = (
    (0x2600, 0x2605),
    (0x2607, 0x2612),
    (0x2614, 0x2685),
    (0x2690, 0x2705),
    (0x2708, 0x2712),
    (0x2714, 0x2714),
    (0x2716, 0x2716),
    (0x2728, 0x2728),
    (0x2744, 0x2744),
    (0x2763, 0x2767),
    (0x2B1B, 0x2B1C),
    (0x2B50, 0x2B50),
    (0x2B55, 0x2B55),
    (0x1F300, 0x1F3FA),
    (0x1F400, 0x1F53D),
    (0x1F546, 0x1F64F),
    (0x1F680, 0x1F6FF),
    (0x1F90C, 0x1F93A),
    (0x1F93C, 0x1F945),
    (0x1F947, 0x1FAFF),
)


def _is_pictographic(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in PICTOGRAPHIC_RANGES)


def _hangul_type(char: str) -> str:
    code = ord(char)
    if 0x1100 <= code <= 0x115F or 0xA960 <= code <= 0xA97C:
        return "L"
    if 0x1160 <= code <= 0x11A7 or 0xD7B0 <= code <= 0xD7C6:
        return "V"
    if 0x11A8 <= code <= 0x11FF or 0xD7CB <= code <= 0xD7FB:
        return "T"
    if 0xAC00 <= code <= 0xD7A3:
        return "LV" if (code - 0xAC00) % 28 == 0 else "LVT"
    return ""


def _hangul_joins(last: str, char: str) -> bool:
    before, after = _hangul_type(last), _hangul_type(char)
    if before == "L":
        return after in ("L", "V", "LV", "LVT")
    if before in ("LV", "V"):
        return after in ("V", "T")
    if before in ("LVT", "T"):
        return after == "T"
    return False
