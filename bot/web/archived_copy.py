"""How an archived file is served: its content type and the headers that keep a hostile file
harmless in the archive's origin. Pure.

- PDFs, images of the common raster kinds and plain text are shown inline as themselves.
- HTML (an archived article, a docket page) is shown, but under `Content-Security-Policy:
  sandbox` with nothing allowed to load: no script of it runs, it gets no origin of its own
  (so no cookie or storage of the archive's), and it fetches nothing from outside.
- Anything else (SVG, which can carry script; XML; unknown types) is a download.
- Every response says `X-Content-Type-Options: nosniff`, so a browser never second-guesses
  the type into something executable.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

INLINE_TYPES = frozenset(
    {"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp", "text/plain"}
)
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
SANDBOX = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"
_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


def serving_headers(content_type: str, url: str, sha256: str, size: int) -> list[tuple[str, str]]:
    """The response headers for an archived file fetched from `url` with `content_type`.

    >>> pdf = dict(serving_headers("application/pdf", "https://x.test/a/order%2042.pdf", "ab", 3))
    >>> pdf["content-disposition"]
    'inline; filename="order_42.pdf"'
    >>> h = dict(serving_headers("text/html; charset=utf-8", "https://x.test/", "ab", 3))
    >>> h["content-type"], h["content-security-policy"].split(";")[0]
    ('text/html; charset=utf-8', 'sandbox')
    >>> dict(serving_headers("image/svg+xml", "https://x.test/a.svg", "ab", 3))["content-type"]
    'application/octet-stream'
    """
    base, _, params = content_type.partition(";")
    base = base.strip().lower()
    charset = _charset(params)
    filename = _filename(url)
    headers = [
        ("x-content-type-options", "nosniff"),
        ("content-length", str(size)),
        ("etag", f'"{sha256}"'),
        # a document's bytes never change: a new version is a new document
        ("cache-control", "public, max-age=31536000, immutable"),
        ("referrer-policy", "no-referrer"),
        ("cross-origin-resource-policy", "same-origin"),
    ]
    if base in HTML_TYPES:
        headers += [
            ("content-type", f"text/html; charset={charset or 'utf-8'}"),
            ("content-security-policy", SANDBOX),
            ("content-disposition", f'inline; filename="{filename}"'),
        ]
    elif base in INLINE_TYPES:
        shown = f"{base}; charset={charset or 'utf-8'}" if base.startswith("text/") else base
        headers += [
            ("content-type", shown),
            ("content-disposition", f'inline; filename="{filename}"'),
        ]
        if base != "application/pdf":
            # A browser's PDF viewer does not open under a sandbox policy; nothing else needs more.
            headers.append(("content-security-policy", SANDBOX))
    else:
        headers += [
            ("content-type", "application/octet-stream"),
            ("content-disposition", f'attachment; filename="{filename}"'),
            ("content-security-policy", SANDBOX),
        ]
    return headers


def _charset(params: str) -> str:
    match = re.search(r"charset=\"?([A-Za-z0-9._-]+)", params, re.IGNORECASE)
    return match.group(1).lower() if match else ""


def _filename(url: str) -> str:
    """The URL's last path segment, reduced to characters safe in a header."""
    last = unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1])
    return _UNSAFE_FILENAME.sub("_", last).strip("._")[:120] or "document"
