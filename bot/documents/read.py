"""Reading a downloaded document's text off the event loop: a PDF's text layer, a web
page's article. The bytes are in a file; what comes back is the text and what we learned.

Raises ExtractError (one sentence) for a file that cannot be read at all.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from bot.documents.extract import article_text, pdf_text


@dataclass(frozen=True)
class ReadText:
    title: str
    text: str
    page_count: int | None = None
    author: str = ""
    published: str | None = None
    site_name: str = ""
    complete: bool = True  # False when a limit stopped reading; `note` says which
    note: str = ""


async def read_pdf(path: Path) -> ReadText:
    pdf = await asyncio.to_thread(lambda: pdf_text(path.read_bytes()))
    return ReadText(title=pdf.title, text=pdf.text, page_count=pdf.page_count)


async def read_article(path: Path, url: str, charset: str | None) -> ReadText:
    article = await asyncio.to_thread(lambda: article_text(path.read_bytes(), url, charset))
    return ReadText(
        title=article.title,
        text=article.text,
        author=article.author,
        published=article.published,
        site_name=article.site_name,
    )
