"""Search snippets as safe HTML: the text escaped, the matched words in <mark>. Pure.

The store marks matches with two private-use characters (bot/store/reading/search.py), not
with tags, so that the text around them can be escaped whole; the marks become tags after.
A text that itself contains those characters cannot open a tag it does not close.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from bot.store.reading.search import MARK_END, MARK_START


def marked(snippet: str) -> Markup:
    """`snippet` with MARK_START … MARK_END as <mark>…</mark>, everything else escaped.

    >>> marked("a <b> \\ue000judge\\ue001 & \\ue001c")
    Markup('a &lt;b&gt; <mark>judge</mark> &amp; c')
    """
    parts: list[str] = []
    open_ = False
    for char_run in _runs(snippet):
        if char_run == MARK_START:
            if not open_:
                parts.append("<mark>")
                open_ = True
        elif char_run == MARK_END:
            if open_:
                parts.append("</mark>")
                open_ = False
        else:
            parts.append(str(escape(char_run)))
    if open_:
        parts.append("</mark>")
    return Markup("".join(parts))


def plain(snippet: str) -> str:
    """The snippet without marks (for feeds and exports)."""
    return snippet.replace(MARK_START, "").replace(MARK_END, "")


def _runs(text: str) -> list[str]:
    """Text split into marks and the runs between them."""
    out: list[str] = []
    run = ""
    for char in text:
        if char in (MARK_START, MARK_END):
            if run:
                out.append(run)
                run = ""
            out.append(char)
        else:
            run += char
    if run:
        out.append(run)
    return out
