"""Turn fetched bytes into text: a PDF's text layer (pypdf) and a web page's article
(trafilatura).

Pure functions, bytes in and dataclasses out: no network, no disk. Whatever the bytes a
server sent, the result is either text or an `ExtractError` whose message is one sentence a
user can read in the archive ("the PDF is encrypted"); nothing else escapes from a bad file.
"""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass
from datetime import date
from io import SEEK_END, BytesIO
from typing import Any, BinaryIO
from urllib.parse import urlsplit

import trafilatura
from pypdf import PageObject, PasswordType, PdfReader
from pypdf.constants import PageAttributes
from pypdf.errors import PyPdfError
from pypdf.generic import NameObject

log = logging.getLogger(__name__)

PDF_MAGIC = b"%PDF-"
MAGIC_WINDOW = 1024  # readers accept the header anywhere in the first KiB
# Extraction time grows faster than linearly with the number of elements (trafilatura's
# pruning XPaths): ~0.2 s at 5,000 elements, ~2 s at 40,000, ~80 s for a 9 MB page of short
# paragraphs. News pages have a few thousand; past these caps a page is refused, not read.
MAX_HTML_BYTES = 10 * 1024 * 1024
MAX_ELEMENTS = 50_000


class ExtractError(Exception):
    """The bytes could not be turned into text; the message is one sentence for a user."""


@dataclass(frozen=True)
class PdfText:
    text: str  # pages joined by a blank line; "" for a scan with no text layer
    page_count: int  # every page in the file, even past `max_pages`
    title: str  # from the document information dictionary; often ""


@dataclass(frozen=True)
class Article:
    title: str
    author: str  # "" when the page names nobody; several authors are joined with "; "
    published: str | None  # ISO date, "2026-02-03"
    site_name: str  # the site's own name, else the URL's host
    text: str  # the story's paragraphs, one per line, without the headline


# -- PDF --------------------------------------------------------------------------------------


def pdf_text(data: bytes, max_pages: int = 2000) -> PdfText:
    """The text of a PDF, page by page, with its page count and title.

    Reads at most `max_pages` pages (a 10,000-page exhibit dump should not stall the
    pipeline). An encrypted PDF is read only if it opens with the empty password, as many
    "protected" court filings do. A scan without a text layer gives `text == ""`: that is a
    fact about the document, not a failure.
    """
    pdf = PdfPages(data)
    pages = [pdf.page(number).text for number in range(min(pdf.page_count, max_pages))]
    if pdf.page_count and all(text is None for text in pages):
        raise ExtractError("the PDF is damaged: no page could be read")
    if pdf.page_count > max_pages:
        log.info("read the first %d of %d pages", max_pages, pdf.page_count)
    text = PAGE_BREAK.join(text for text in pages if text)
    return PdfText(text=text, page_count=pdf.page_count, title=pdf.title)


PAGE_BREAK = "\n\n"  # between pages in a document's text


@dataclass(frozen=True)
class PageText:
    text: str | None  # tidied; "" for a page without a text layer, None if it could not be read
    cut: bool = False  # stopped at `max_chars`: the page shows more text than this


class PdfPages:
    """A PDF opened to be read one page at a time, so a reader stopped on page 4 keeps pages
    1-3, and a page that shows millions of characters is stopped at a cap.

    `source` is the whole file, or a binary file positioned at its start (read from as pages
    need it, never held whole in memory). Anything that is not a PDF that opens raises
    `ExtractError`, with the same sentences as `pdf_text`.
    """

    def __init__(self, source: bytes | BinaryIO) -> None:
        stream, size = _from_header(source)
        try:
            self._reader = PdfReader(stream, strict=False)
            _unlock(self._reader)
            self.page_count = len(self._reader.pages)
        except (ExtractError, MemoryError):
            raise
        except PyPdfError as e:
            raise ExtractError(f"the PDF is damaged: {_one_line(e)}") from e
        except Exception as e:
            # pypdf meets corrupt files with all sorts of exceptions (KeyError, TypeError, ...)
            log.warning("pypdf failed on a %d-byte PDF", size, exc_info=True)
            raise ExtractError("the PDF is damaged and could not be read") from e
        self.title = _pdf_title(self._reader)

    def page(self, number: int, max_chars: int | None = None) -> PageText:
        """The text of page `number` (from 0), at most `max_chars` characters of it.

        With a cap, the page's content stream is parsed first and the operators past the one
        that shows the `max_chars`-th character are dropped before extraction: pypdf's time
        grows with the operators it interprets, so a page of 200,000 one-letter strings costs
        what its first `max_chars` cost.
        """
        # One broken page (a bad content stream, a missing font) should not cost the others.
        try:
            page = self._reader.pages[number]
            if max_chars is None:
                raw, cut = page.extract_text(), False
            else:
                raw, cut = _capped_page_text(page, max_chars)
        except (ExtractError, MemoryError):
            raise
        except Exception:
            log.info("could not read page %d of a PDF", number + 1, exc_info=True)
            return PageText(None)
        text = _tidy(raw) if raw else ""
        if max_chars is not None and len(text) > max_chars:
            text, cut = text[:max_chars], True
        return PageText(text, cut)


def _from_header(source: bytes | BinaryIO) -> tuple[BinaryIO, int]:
    """The PDF as a stream starting at its header, and the size of what was given."""
    if isinstance(source, bytes):
        head, size = source[:MAGIC_WINDOW], len(source)
    else:
        head, size = source.read(MAGIC_WINDOW), source.seek(0, SEEK_END)
    if not size:
        raise ExtractError("the file is empty")
    start = head.find(PDF_MAGIC)
    if start < 0:
        raise ExtractError(f"not a PDF (starts with {_opening(head)!r})")
    # byte offsets inside a PDF count from its header, not from any junk before it
    if isinstance(source, bytes):
        return BytesIO(source[start:]), size
    source.seek(start)
    if start == 0:
        return source, size
    return BytesIO(source.read()), size  # junk before the header is rare: read it whole


# Operators that show strings (PDF 32000-1, 9.4.3); their operands are what becomes text.
_SHOWS_TEXT = frozenset({b"Tj", b"TJ", b"'", b'"'})


def _capped_page_text(page: PageObject, max_chars: int) -> tuple[str, bool]:
    contents = page.get_contents()
    if contents is None:
        return "", False
    operations = contents.operations
    cut = False
    shown = 0
    for index, (operands, operator) in enumerate(operations):
        if operator in _SHOWS_TEXT:
            shown += _shown_length(operands)
            if shown > max_chars:
                contents.operations = operations[: index + 1]
                cut = True
                break
    # Hand pypdf the stream parsed above rather than have it parse the bytes again; put the
    # page back afterwards, or every page read keeps its parsed operators alive in the reader.
    original = page[PageAttributes.CONTENTS]
    page[NameObject(PageAttributes.CONTENTS)] = contents
    try:
        # a visitor makes pypdf take the parsed operators as they are (without one it
        # serialises them again to look for text operators)
        return page.extract_text(visitor_operand_before=_ignore), cut
    finally:
        page[NameObject(PageAttributes.CONTENTS)] = original


def _shown_length(operands: list[Any]) -> int:
    """Characters an operator shows, counted as bytes: two-byte fonts count double, which
    only makes a cap stop early."""
    length = 0
    for operand in operands:
        if isinstance(operand, str | bytes):
            length += len(operand)
        elif isinstance(operand, list):  # TJ: strings mixed with kerning numbers
            length += sum(len(part) for part in operand if isinstance(part, str | bytes))
    return length


def _ignore(*_: object) -> None:
    pass


def _unlock(reader: PdfReader) -> None:
    if not reader.is_encrypted:
        return
    try:
        opened = reader.decrypt("")
    except Exception as e:  # unsupported algorithms, damaged encryption dictionaries
        log.info("could not decrypt a PDF with the empty password: %s", e)
        opened = PasswordType.NOT_DECRYPTED
    if opened == PasswordType.NOT_DECRYPTED:
        raise ExtractError("the PDF is encrypted")


def _pdf_title(reader: PdfReader) -> str:
    try:
        title = reader.metadata.title if reader.metadata else None
    except Exception:  # a damaged /Info dictionary costs the title, nothing more
        return ""
    return " ".join(str(title).replace("\x00", "").split()) if title else ""


_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u3000]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def _tidy(text: str) -> str:
    """Collapse runs of spaces and of blank lines; keep line and paragraph breaks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = text.replace("\x00", "")
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _opening(data: bytes) -> str:
    """The first few characters of a file, for saying what it is instead of a PDF."""
    head = data[:64].lstrip().decode("utf-8", errors="replace").split("\n")[0]
    return "".join(c if c.isprintable() else "?" for c in head)[:16]


def _one_line(error: Exception) -> str:
    message = " ".join(str(error).split()) or type(error).__name__
    # pypdf appends the raw bytes it choked on ("... @375: b'\\x82...'"): noise to a reader
    return re.sub(r"\s*@\d+:.*", "", message)[:200]


# -- HTML -------------------------------------------------------------------------------------


def article_text(html: bytes | str, url: str, content_type_charset: str | None = None) -> Article:
    """The main text and metadata of a news article page.

    `html` is the body as fetched; bytes are decoded with the byte-order mark, else
    `content_type_charset` (the HTTP header's), else the page's <meta charset>, else UTF-8.
    Bytes that do not decode become U+FFFD rather than an error. Navigation, sign-in
    prompts, newsletter boxes, related links and footers are left out.
    """
    size = len(html)  # characters for a str: close enough for a cap
    if size > MAX_HTML_BYTES:
        raise ExtractError(f"page too large to extract ({size / 1024 / 1024:.1f} MB)")
    text = _decode(html, content_type_charset) if isinstance(html, bytes) else html
    _refuse_non_html(text[:65536])

    try:
        tree = trafilatura.load_html(text)
    except MemoryError:
        raise
    except Exception as e:
        log.warning("lxml failed on %s", url, exc_info=True)
        raise ExtractError("the page could not be parsed as HTML") from e
    if tree is None:
        raise ExtractError("the page could not be parsed as HTML")
    elements = sum(1 for _ in tree.iter())
    if elements > MAX_ELEMENTS:
        raise ExtractError(f"page too complex to extract ({elements:,} HTML elements)")

    try:
        document = trafilatura.bare_extraction(
            tree,
            url=url,
            # A reporter's story is what we archive: leaving out a stray paragraph is better
            # than keeping a newsletter box or a related-stories list in it.
            favor_precision=True,
            include_comments=False,
            include_tables=False,
            include_images=False,
            include_links=False,
            include_formatting=False,
            with_metadata=True,
        )
    except MemoryError:
        raise
    except Exception as e:
        log.warning("trafilatura failed on %s", url, exc_info=True)
        raise ExtractError("the article could not be extracted from the page") from e
    # bare_extraction gives a dict only when asked to (as_dict)
    if document is None or isinstance(document, dict):
        raise ExtractError("no text could be read from the page")
    body = (document.text or "").strip()
    if not body:
        raise ExtractError("no text could be read from the page")

    title = _one_space(document.title)
    return Article(
        title=title,
        author=_one_space(document.author),
        published=_iso_date(document.date),
        site_name=_one_space(document.sitename) or _host(url),
        text=_without_headline(body, title),
    )


_MARKUP = re.compile(r"<\s*[a-zA-Z!?/]")


def _refuse_non_html(head: str) -> None:
    """Servers label all sorts of things text/html; say what the body really is."""
    if head[:MAGIC_WINDOW].lstrip()[:5] == PDF_MAGIC.decode():
        raise ExtractError("a PDF served as a web page")
    if "\x00" in head[:1024]:
        raise ExtractError("not a web page (binary data)")
    if not _MARKUP.search(head):
        raise ExtractError("not a web page (no HTML markup)")


_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_BOMS = [
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]


def _decode(data: bytes, declared: str | None) -> str:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, errors="replace")
    meta: str | None = None
    if "\x00" not in data[:1024].decode("latin-1"):  # skip the meta scan on binary junk
        match = _META_CHARSET.search(data[:4096])
        meta = match.group(1).decode("ascii") if match else None
    for name, from_meta in ((declared, False), (meta, True)):
        found = _codec(name, from_meta)
        if found:
            return data.decode(found, errors="replace")
    return data.decode("utf-8", errors="replace")


def _codec(name: str | None, from_meta: bool) -> str | None:
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None
    # As browsers do: "latin-1" and "ascii" pages are really windows-1252, and a <meta> that
    # says UTF-16 in a page that was readable as ASCII is wrong.
    if codec in ("latin-1", "iso8859-1", "ascii"):
        return "cp1252"
    if from_meta and codec.startswith("utf-16"):
        return "utf-8"
    return codec


def _one_space(value: str | None) -> str:
    return " ".join(value.split()) if value else ""


def _iso_date(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        return None


def _host(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


def _without_headline(body: str, title: str) -> str:
    # trafilatura keeps the <h1> as the first line; the title is stored on its own
    first, _, rest = body.partition("\n")
    if title and _one_space(first) == title:
        return rest.strip()
    return body
