"""The loop a document reader process runs: take one request from its pipe, read the file it
names, send the text back as it is read, and wait for the next.

Runs only in a worker started by `bot.documents.pool`. Messages back, in order:

    ("ready", pid)                       once, when pypdf and trafilatura are imported
    ("opened", page_count, title)        a PDF that opened
    ("page", text | None)                each page as it is done (None: unreadable page)
    ("article", Article)                 an article
    ("done", "text" | "pages" | None)    the end; which cap stopped it early, if one did
    ("failed", sentence)                 ExtractError: not a PDF, damaged, encrypted, ...
    ("memory",)                          the memory limit was hit; the process then exits
    ("error", description)               a bug in the reading code, logged here

The memory limit is this process's own address-space limit (RLIMIT_AS), lowered for each
request and raised again after it: an allocation past it raises MemoryError here rather than
bringing the machine to the kernel's OOM killer.
"""

from __future__ import annotations

import logging
import os
import resource
import sys
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Literal

from bot.documents.extract import PAGE_BREAK, ExtractError, PdfPages, article_text
from bot.documents.limits import ReadLimits

log = logging.getLogger(__name__)

# The exit status of a worker that ran out of memory and could not even say so.
OUT_OF_MEMORY = 3


@dataclass(frozen=True)
class Request:
    kind: Literal["pdf", "article"]
    path: str
    limits: ReadLimits
    url: str = ""  # articles: the page's final URL, for metadata and relative links
    charset: str | None = None  # articles: the Content-Type header's charset


def serve(conn: Connection, log_level: int) -> None:
    """Answer requests on `conn` until it closes or sends None."""
    logging.basicConfig(
        level=log_level, stream=sys.stderr, format="%(asctime)s reader %(name)s: %(message)s"
    )
    logging.getLogger("pypdf").setLevel(max(log_level, logging.ERROR))
    conn.send(("ready", os.getpid()))
    while True:
        try:
            request = conn.recv()
        except EOFError:  # the pool's process is gone
            return
        if request is None:
            return
        _limit_memory(request.limits.max_memory)
        try:
            if request.kind == "pdf":
                _read_pdf(conn, request)
            else:
                _read_article(conn, request)
        except ExtractError as e:
            conn.send(("failed", str(e)))
        except MemoryError:
            _out_of_memory(conn)
        except Exception as e:
            log.exception("reading %s failed", request.path)
            conn.send(("error", f"{type(e).__name__}: {e}"[:300]))
        finally:
            _limit_memory(None)


def _read_pdf(conn: Connection, request: Request) -> None:
    limits = request.limits
    with Path(request.path).open("rb") as file:
        pdf = PdfPages(file)
        conn.send(("opened", pdf.page_count, pdf.title))
        budget = limits.max_text
        wanted = min(pdf.page_count, limits.max_pages)
        readable = False
        for number in range(wanted):
            page = pdf.page(number, max_chars=max(budget, 0))
            conn.send(("page", page.text))
            readable = readable or page.text is not None
            if page.text:
                budget -= len(page.text) + len(PAGE_BREAK)
            if page.cut or (budget <= 0 and number + 1 < wanted):
                conn.send(("done", "text"))
                return
        if wanted and not readable:
            raise ExtractError("the PDF is damaged: no page could be read")
    conn.send(("done", "pages" if pdf.page_count > wanted else None))


def _read_article(conn: Connection, request: Request) -> None:
    html = Path(request.path).read_bytes()
    conn.send(("article", article_text(html, request.url, request.charset)))
    conn.send(("done", None))


def _limit_memory(limit: int | None) -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    soft = hard
    if limit is not None:
        soft = limit if hard == resource.RLIM_INFINITY else min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _out_of_memory(conn: Connection) -> None:
    """Say so and exit: after a MemoryError nobody knows what state the libraries are in."""
    _limit_memory(None)  # the unwinding freed the reader's memory; sending needs a little
    try:
        conn.send(("memory",))
    finally:
        os._exit(OUT_OF_MEMORY)
