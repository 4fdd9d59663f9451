"""What a document may cost to read, and what reading it gave: the text, whether it is all of
it, and if not, one sentence saying which limit stopped it.

Pure: the reader pool (`bot.documents.pool`) collects pages from its worker processes and
calls `pdf_result` / `article_result` with what arrived before the end or the limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.documents.extract import PAGE_BREAK, Article

MiB = 1024 * 1024

# Why reading stopped before the end: a limit, or the worker process died under it.
Stop = Literal["time", "memory", "text", "pages", "crash"]


@dataclass(frozen=True)
class ReadLimits:
    """Limits on reading one document (settings `documents.*`)."""

    timeout: float = 30.0  # seconds of wall time; then the worker is killed
    max_memory: int = 512 * MiB  # bytes of address space for the worker while it reads
    max_text: int = 2_000_000  # characters of text kept
    max_pages: int = 2000  # pages read; the rest are counted, not read


@dataclass(frozen=True)
class ReadResult:
    """A document's text and metadata as far as it could be read within its limits."""

    text: str  # possibly partial (`complete` False), possibly ""
    complete: bool
    limit_reason: str | None = None  # one sentence when not complete
    title: str = ""
    page_count: int | None = None  # PDFs: every page in the file, None if it never opened
    pages_read: int | None = None  # PDFs: pages whose text is in `text` (the last maybe cut)
    author: str = ""  # articles
    published: str | None = None  # articles: ISO date
    site_name: str = ""  # articles


def pdf_result(
    pages: list[str | None],
    *,
    page_count: int | None,
    title: str,
    stop: Stop | None,
    limits: ReadLimits,
    crash: str = "",
) -> ReadResult:
    """Join the pages read (None for a page that could not be read) and say why reading
    stopped, if it did. `crash` says how a worker died ("killed by signal 9")."""
    text = PAGE_BREAK.join(page for page in pages if page)
    if len(text) > limits.max_text:
        text, stop = text[: limits.max_text], stop or "text"
    if stop is None:
        return ReadResult(text, True, title=title, page_count=page_count, pages_read=len(pages))
    if stop == "pages":
        reason = (
            f"only the first {len(pages):,} of {page_count or 0:,} pages were read (page limit)"
        )
    else:
        reason = _reason(stop, "PDF", limits, crash)
        if page_count is not None:
            reason += f"; {len(pages):,} of {page_count:,} pages read"
    return ReadResult(
        text,
        False,
        reason,
        title=title,
        page_count=page_count,
        pages_read=len(pages),
    )


def article_result(
    article: Article | None, stop: Stop | None, limits: ReadLimits, crash: str = ""
) -> ReadResult:
    """An article's text cut at `max_text`, or no text and the limit that stopped it."""
    if article is None:
        return ReadResult("", False, _reason(stop or "crash", "page", limits, crash))
    text, complete = article.text, True
    if len(text) > limits.max_text:
        text, complete = text[: limits.max_text], False
    return ReadResult(
        text,
        complete,
        None if complete else _reason("text", "page", limits),
        title=article.title,
        author=article.author,
        published=article.published,
        site_name=article.site_name,
    )


def _reason(stop: Stop, what: str, limits: ReadLimits, crash: str = "") -> str:
    if stop == "time":
        task = "text extraction" if what == "PDF" else "article extraction"
        return f"{task} stopped after {limits.timeout:g} s (time limit)"
    if stop == "memory":
        return f"the {what} needed more than {limits.max_memory / MiB:g} MB to read"
    if stop == "text":
        return f"text cut at {limits.max_text:,} characters"
    if stop == "pages":
        return f"only the first {limits.max_pages:,} pages were read (page limit)"
    return f"the {what} reader stopped unexpectedly ({crash or 'no reason given'})"
