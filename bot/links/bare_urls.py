"""URLs written out in plain text, where no facet or entity marks them: where each starts and ends.

    >>> find_bare_urls("Read https://en.wikipedia.org/wiki/Miranda_v._Arizona_(1966).")
    [(5, 60, 'https://en.wikipedia.org/wiki/Miranda_v._Arizona_(1966)')]
    >>> find_bare_urls("(order: https://example.com/a) and https://example.com/b…")
    [(8, 29, 'https://example.com/a'), (35, 56, 'https://example.com/b')]

Pure and platform-neutral: offsets are of characters in the string (a platform that counts
bytes converts them). Where a URL ends is the hard part, and the rules are those readers
expect:

- a URL starts at `http://` or `https://` (any case) not glued to a letter or digit before
  it, and needs a host: a letter, digit or `[` right after the `//`;
- it stops at whitespace, control characters, `<`, `>`, `"`, and at `…`, with which a poster
  cut a URL short (what comes before is all there is of it);
- brackets inside it must balance: `_(1966)` and `[::1]` stay, but a `)`, `]` or `}` that
  closes nothing ends the URL there, so "(see https://x.example/a)" gives the URL without
  the `)`;
- punctuation that ends the sentence is not part of it: `.,;:!?'"*` and their full-width
  forms at the end are dropped, and so is an opening bracket left unclosed at the end.

One pass over the text, with a stack for the brackets: linear time on any input, however
hostile (no regular expression that could backtrack).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.models import Link

SCHEME = re.compile(r"https?://", re.IGNORECASE)
OPENERS = {"(": ")", "[": "]", "{": "}"}
CLOSERS = frozenset(OPENERS.values())
ELLIPSIS = "\u2026"
STOP = frozenset('<>"' + ELLIPSIS)
# Sentence punctuation a URL may contain but rarely ends with, ASCII and full-width.
TRAILING = frozenset(
    ".,;:!?'\"*" + "\u3002\u3001\uff0c\uff0e\uff01\uff1f\uff1b\uff1a\u2019\u201d\u00bb"
)


def find_bare_urls(text: str) -> list[tuple[int, int, str]]:
    """Every URL in `text` as (start, end, url), in order, with `text[start:end] == url`."""
    found: list[tuple[int, int, str]] = []
    pos = 0
    while (match := SCHEME.search(text, pos)) is not None:
        start, host = match.start(), match.end()
        pos = host
        if start > 0 and text[start - 1].isalnum():
            continue  # "xhttps://…": part of a word, not a link
        if host >= len(text) or not (text[host].isalnum() or text[host] == "["):
            continue  # "https://" with no host after it
        end = _scan(text, host)
        if end > host:
            found.append((start, end, text[start:end]))
            pos = end
    return found


def _scan(text: str, host: int) -> int:
    """Where the URL whose host starts at `host` ends (exclusive), trailing punctuation dropped."""
    unclosed: list[int] = []  # positions of the brackets opened and not yet closed
    end = host
    while end < len(text):
        char = text[end]
        if char.isspace() or char in STOP or not char.isprintable():
            break
        if char in OPENERS:
            unclosed.append(end)
        elif char in CLOSERS:
            if not unclosed or OPENERS[text[unclosed[-1]]] != char:
                break  # closes nothing of the URL's: it belongs to the text around it
            unclosed.pop()
        end += 1
    # Drop sentence punctuation, and brackets opened at the very end that close nothing.
    while end > host:
        last = text[end - 1]
        if last in TRAILING:
            end -= 1
        elif unclosed and unclosed[-1] == end - 1:
            unclosed.pop()
            end -= 1
        else:
            break
    return end


def bare_links(
    text: str, covered: Iterable[tuple[int | None, int | None]] = (), known: Iterable[str] = ()
) -> list[Link]:
    """The bare URLs of a post's text as Links (origin "text", UTF-8 byte offsets, as every
    platform's link offsets are kept), leaving out those inside a byte range in `covered`
    (a facet or entity already links it) and URLs in `known`."""
    spans = [(s, e) for s, e in covered if s is not None and e is not None]
    skip = set(known)
    links = []
    byte, char = 0, 0  # offsets counted forward once: a long post is not re-encoded per URL
    for start, end, url in find_bare_urls(text):
        byte += len(text[char:start].encode("utf-8"))
        first = byte
        byte += len(url.encode("utf-8"))
        char = end
        if url in skip or any(s < byte and first < e for s, e in spans):
            continue
        links.append(
            Link(url=url, origin="text", display_text=url, byte_start=first, byte_end=byte)
        )
    return links
