"""PDFs and pages written by hand, byte by byte, that cost a reader far more than their size
says, for the reader pool's tests and `scripts/bench/hostile_documents.py`.

Every function returns the same bytes every time (no dates, seeded randomness).
"""

from __future__ import annotations

import random
import sys
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fixtures import SAMPLE_ARTICLE, article_html

FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"


def text_bomb_pdf(pages: int = 10, operators: int = 200_000) -> bytes:
    """~4 KB: `pages` pages that all draw one FlateDecode content stream of `operators`
    `(x) Tj` operators. pypdf parses and interprets that stream again for every page: ~6 s
    a page here, 200,000 characters of "x" each."""
    stream = _content(b"(x) Tj\n" * operators)
    # objects: 1 catalog, 2 page tree, 3 font, 4 the shared stream, 5.. the pages
    kids = [5 + n for n in range(pages)]
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        _pages(kids),
        FONT,
        _flate(stream),
        *(_page(contents=4) for _ in kids),
    ]
    return _pdf(objects)


def slow_tail_pdf(quick_pages: list[str], slow_pages: int = 7, operators: int = 200_000) -> bytes:
    """A PDF whose first pages are ordinary text (`quick_pages`, one string each) and whose
    last `slow_pages` pages share a text bomb's content stream: reading it stops on the
    first slow page, with the quick pages read."""
    # objects: 1 catalog, 2 page tree, 3 font, 4 the bomb stream, then (page, stream) pairs,
    # then the slow pages
    objects: list[bytes] = [b"", b"", FONT, _flate(_content(b"(x) Tj\n" * operators))]
    kids = []
    for text in quick_pages:
        kids.append(len(objects) + 1)
        objects += [_page(contents=len(objects) + 2), _stream(_lines(text))]
    for _ in range(slow_pages):
        kids.append(len(objects) + 1)
        objects.append(_page(contents=4))
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = _pages(kids)
    return _pdf(objects)


def memory_hog_pdf(forms: int = 8, inflated: int = 70_000_000) -> bytes:
    """~550 KB: one page that draws `forms` form XObjects, each a 68 KB FlateDecode stream
    that inflates to `inflated` bytes (an inline image of zeros). pypdf keeps every inflated
    stream while it reads the page: ~50 MB a form here, ~400 MB for eight."""
    image = b"BI /W 1000 /H %d /BPC 8 /CS /G ID " % (inflated // 1000) + bytes(inflated)
    form = zlib.compress(image + b"\nEI\n", 9)
    # objects: 1 catalog, 2 page tree, 3 font, 4 the page, 5 its contents, 6.. the forms
    names = b" ".join(b"/Fm%d Do" % n for n in range(forms))
    xobjects = b" ".join(b"/Fm%d %d 0 R" % (n, 6 + n) for n in range(forms))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        _pages([4]),
        FONT,
        _page(contents=5, extra=b"/XObject << " + xobjects + b" >>"),
        _stream(_lines("A page that needs memory") + b"q " + names + b" Q\n"),
        *(
            b"<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R >> >> "
            b"/Length %d /Filter /FlateDecode >>\nstream\n" % len(form) + form + b"\nendstream"
            for _ in range(forms)
        ),
    ]
    return _pdf(objects)


def text_pdf(pages: list[str]) -> bytes:
    """An ordinary PDF: one page of plain text per string."""
    return _pdf(_text_objects(pages))


def padded_pdf(pages: list[str], size: int, seed: int = 49) -> bytes:
    """A readable PDF of `size` bytes: the text pages plus one incompressible image stream
    (random bytes, unfiltered) that no text extraction needs to read."""
    objects = _text_objects(pages)
    padding = random.Random(seed).randbytes(max(size - len(_pdf(objects)) - 200, 0))
    objects.append(
        b"<< /Type /XObject /Subtype /Image /Width %d /Height 1 /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Length %d >>\nstream\n"
        % (len(padding), len(padding))
        + padding
        + b"\nendstream"
    )
    return _pdf(objects)


def slow_article_html(fillers: int = 24_000) -> str:
    """The sample article with `fillers` nested empty-ish blocks after it: ~48,000 elements,
    under the extractor's element cap, ~4 s of trafilatura here."""
    page = article_html(**SAMPLE_ARTICLE)
    return page.replace("</body>", "<div><p>filler words here</p></div>" * fillers + "</body>")


# -- writing PDF objects ----------------------------------------------------------------------


def _text_objects(pages: list[str]) -> list[bytes]:
    """1 catalog, 2 page tree, 3 font, then each page and its content stream."""
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b"", FONT]
    kids = []
    for text in pages:
        kids.append(len(objects) + 1)
        objects += [_page(contents=len(objects) + 2), _stream(_lines(text))]
    objects[1] = _pages(kids)
    return objects


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF file from object bodies numbered 1..n (1 is the catalog), with its xref table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def _pages(kids: list[int]) -> bytes:
    refs = b" ".join(b"%d 0 R" % kid for kid in kids)
    return b"<< /Type /Pages /Kids [%s] /Count %d >>" % (refs, len(kids))


def _page(contents: int, extra: bytes = b"") -> bytes:
    return (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 3 0 R >> %s >> /Contents %d 0 R >>" % (extra, contents)
    )


def _stream(data: bytes) -> bytes:
    return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def _flate(data: bytes) -> bytes:
    packed = zlib.compress(data, 9)
    return (
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream"
    )


def _content(operators: bytes) -> bytes:
    return b"BT /F1 12 Tf 72 720 Td\n" + operators + b"ET\n"


def _lines(text: str) -> bytes:
    """Content operators showing `text` one line per line, 14 points apart."""
    shown = b"".join(b"(%s) '\n" % _escape(line) for line in text.split("\n"))
    return b"BT /F1 12 Tf 14 TL 72 740 Td\n" + shown + b"ET\n"


def _escape(line: str) -> bytes:
    raw = line.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
