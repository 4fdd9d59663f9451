"""Atom feeds (RFC 4287), written with the standard library's XML. Pure.

Every feed is valid as written: an empty feed still has its id, title, author and updated
(the time it was built); every entry has an id, a title, an updated time with its time zone,
a link and a text summary; every text is escaped by the XML writer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

ATOM = "http://www.w3.org/2005/Atom"


@dataclass(frozen=True)
class Entry:
    id: str  # a URL or URN that never changes
    title: str
    updated: str  # RFC 3339, as the archive stores times (2026-02-03T14:05:00.000Z)
    link: str
    summary: str = ""
    author: str = ""
    published: str | None = None


@dataclass(frozen=True)
class Feed:
    id: str
    title: str
    link: str  # the page the feed is about
    self_link: str  # the feed itself
    author: str = "threadbot archive"


def rfc3339(value: str | None, default: datetime | None = None) -> str:
    """A stored time as RFC 3339 with its zone: a time without one is UTC (as every time the
    archive writes); a missing or unreadable one is `default` (now).

    >>> rfc3339("2026-02-03T14:05:00.000Z")
    '2026-02-03T14:05:00Z'
    >>> rfc3339("2026-02-03 14:05:00")
    '2026-02-03T14:05:00Z'
    >>> rfc3339("2026-02-03T09:05:00-05:00")
    '2026-02-03T14:05:00Z'
    """
    when = None
    if value:
        try:
            when = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            when = None
    if when is None:
        when = default or datetime.now(UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def atom_feed(feed: Feed, entries: Sequence[Entry], now: datetime | None = None) -> bytes:
    """The feed as UTF-8 XML. Its `updated` is its newest entry's, or `now` when empty."""
    ET.register_namespace("", ATOM)
    root = ET.Element(f"{{{ATOM}}}feed")
    _text(root, "id", feed.id)
    _text(root, "title", feed.title)
    stamps = [rfc3339(e.updated, now) for e in entries]
    _text(root, "updated", max(stamps) if stamps else rfc3339(None, now))
    ET.SubElement(root, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=feed.link)
    ET.SubElement(
        root, f"{{{ATOM}}}link", rel="self", type="application/atom+xml", href=feed.self_link
    )
    author = ET.SubElement(root, f"{{{ATOM}}}author")
    _text(author, "name", feed.author)
    _text(root, "generator", "threadbot")
    for entry, stamp in zip(entries, stamps, strict=True):
        node = ET.SubElement(root, f"{{{ATOM}}}entry")
        _text(node, "id", entry.id)
        _text(node, "title", entry.title or entry.link)
        _text(node, "updated", stamp)
        if entry.published:
            _text(node, "published", rfc3339(entry.published, now))
        ET.SubElement(node, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=entry.link)
        if entry.author:
            _text(ET.SubElement(node, f"{{{ATOM}}}author"), "name", entry.author)
        _text(node, "summary", entry.summary or entry.title or entry.link, type="text")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _text(parent: ET.Element, name: str, value: str, **attributes: str) -> None:
    ET.SubElement(parent, f"{{{ATOM}}}{name}", attributes).text = _xml_safe(value)


def _xml_safe(value: str) -> str:
    """XML 1.0 cannot carry most control characters, even escaped: a post may."""
    return "".join(c for c in value if c in "\t\n\r" or (c >= " " and c not in "\ufffe\uffff"))
