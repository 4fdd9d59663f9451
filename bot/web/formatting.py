"""How the pages write times, sizes and kinds of documents (Jinja filters). Pure."""

from __future__ import annotations

from datetime import UTC, datetime

KIND_LABELS = {
    "courtlistener_document": "court filing (RECAP)",
    "courtlistener_docket": "docket",
    "courtlistener_opinion": "opinion",
    "article": "article",
    "pdf": "PDF",
    "other": "web page",
}


def when(value: str | None) -> str:
    """A stored UTC time as readers read it.

    >>> when("2026-02-03T14:05:09.123Z")
    '3 Feb 2026, 14:05 UTC'
    >>> when("2026-01-06"), when(None), when("soon")
    ('6 Jan 2026', '', 'soon')
    """
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if len(value) <= 10:
        return f"{moment.day} {moment:%b %Y}"
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return f"{moment.day} {moment:%b %Y, %H:%M} UTC"


def day(value: str | None) -> str:
    """The date part of a stored time (for grouping a timeline)."""
    return when((value or "")[:10]) if value else ""


def size(value: int | None) -> str:
    """Bytes as readers read them.

    >>> size(3560), size(52_428_800), size(None)
    ('3.5 KB', '50.0 MB', '')
    """
    if value is None:
        return ""
    if value < 1024:
        return f"{value} bytes"
    if value < 1024 * 1024:
        return f"{value / 1024:.1f} KB"
    return f"{value / (1024 * 1024):.1f} MB"


def kind(value: str | None) -> str:
    return KIND_LABELS.get(value or "", value or "web page")


def count(value: int, cap: int | None = None) -> str:
    """A number with thousands separators, "10,000+" at a cap.

    >>> count(1234567), count(10_000, cap=10_000)
    ('1,234,567', '10,000+')
    """
    return f"{value:,}+" if cap is not None and value >= cap else f"{value:,}"


def href(url: str | None) -> str:
    """A URL from a post or a document, fit to link to: http(s) only (never `javascript:`,
    `data:` or anything else a hostile post may carry); '' otherwise.

    >>> href("https://a.test/x"), href(" JavaScript:alert(1)"), href("data:text/html,x")
    ('https://a.test/x', '', '')
    """
    url = (url or "").strip()
    return url if url.lower().startswith(("http://", "https://")) else ""


FILTERS = {
    "tb_when": when,
    "tb_day": day,
    "tb_size": size,
    "tb_kind": kind,
    "tb_count": count,
    "tb_href": href,
}
