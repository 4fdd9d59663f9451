"""A post's text cut into segments, some of them marked: the links the post carries (where
readers saw "courtlistener.com/docket/6891…", the page links the full URL), and any
judge's name the annotation stage found. Pure.

Links locate themselves in UTF-8 bytes (as the platforms do), annotations in characters;
a Span is in characters. The template renders each segment escaped, a marked one inside
its element (bot/web/templates/threadbot/_post.html).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.store.reading.views import LinkView


@dataclass(frozen=True)
class Span:
    start: int  # characters
    end: int
    kind: str  # "link" or "judge"
    href: str
    title: str = ""


@dataclass(frozen=True)
class Segment:
    text: str
    span: Span | None = None


def char_range(text: str, byte_start: int | None, byte_end: int | None) -> tuple[int, int] | None:
    """UTF-8 byte offsets into `text` as character offsets; None if they do not fall on
    character boundaries inside the text.

    >>> char_range("⚖️ order", 7, 12)
    (3, 8)
    >>> char_range("⚖️ order", 1, 5) is None
    True
    """
    if byte_start is None or byte_end is None or not 0 <= byte_start < byte_end:
        return None
    data = text.encode("utf-8")
    if byte_end > len(data):
        return None
    try:
        start = len(data[:byte_start].decode("utf-8"))
        length = len(data[byte_start:byte_end].decode("utf-8"))
    except UnicodeDecodeError:
        return None
    return start, start + length


def link_spans(text: str, links: Iterable[LinkView]) -> list[Span]:
    """Where each link sits in the text: by its byte offsets, else where its displayed text
    is found (a bare URL, a platform that gives no offsets). A link card is not in the text."""
    spans = []
    for link in links:
        where = char_range(text, link.byte_start, link.byte_end)
        if where is None and link.display_text and link.origin != "card":
            at = text.find(link.display_text)
            where = (at, at + len(link.display_text)) if at >= 0 else None
        if where is not None:
            spans.append(Span(where[0], where[1], "link", link.url, title=link.url))
    return spans


def segments(text: str, spans: Sequence[Span]) -> list[Segment]:
    """`text` cut at the spans' edges, in order. Of spans that overlap, the one that starts
    first (the longer, on a tie) is kept.

    >>> cut = segments("see a.b/c… now", [Span(4, 10, "link", "https://a.b/c/d")])
    >>> [(s.text, s.span.kind if s.span else None) for s in cut]
    [('see ', None), ('a.b/c…', 'link'), (' now', None)]
    """
    out: list[Segment] = []
    at = 0
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if span.start < at or span.end > len(text) or span.start >= span.end:
            continue
        if span.start > at:
            out.append(Segment(text[at : span.start]))
        out.append(Segment(text[span.start : span.end], span))
        at = span.end
    if at < len(text):
        out.append(Segment(text[at:]))
    return out
