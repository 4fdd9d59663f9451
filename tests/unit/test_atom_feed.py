"""Atom feeds written by the standard library: valid when empty, every time with its zone,
every text escaped."""

from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from bot.web.atom import Entry, Feed, atom_feed

A = "{http://www.w3.org/2005/Atom}"
FEED = Feed(
    id="https://a.test/feed.atom",
    title="t",
    link="https://a.test/",
    self_link="https://a.test/feed.atom",
)


def test_an_empty_feed_is_a_whole_feed() -> None:
    root = ET.fromstring(atom_feed(FEED, [], now=datetime(2026, 2, 3, 14, 5, tzinfo=UTC)))
    assert root.findtext(f"{A}updated") == "2026-02-03T14:05:00Z"
    assert root.find(f"{A}author/{A}name") is not None
    assert root.findall(f"{A}entry") == []


def test_entries_carry_zones_and_escaped_text() -> None:
    entries = [
        Entry(
            id="https://a.test/thread/1",
            title="<script>alert(1)</script> & more \x00\x0b",
            updated="2026-02-03 09:05:00",  # no zone: the archive's times are UTC
            link="https://a.test/thread/1",
            summary="]]> <b>bold</b>",
        ),
        Entry(
            id="https://a.test/thread/2",
            title="",
            updated="2026-02-04T10:00:00-05:00",
            link="https://a.test/thread/2",
        ),
    ]
    root = ET.fromstring(atom_feed(FEED, entries))
    first, second = root.findall(f"{A}entry")
    assert first.findtext(f"{A}title") == "<script>alert(1)</script> & more "
    assert first.findtext(f"{A}summary") == "]]> <b>bold</b>"
    assert first.findtext(f"{A}updated") == "2026-02-03T09:05:00Z"
    assert second.findtext(f"{A}updated") == "2026-02-04T15:00:00Z"
    assert second.findtext(f"{A}title") == "https://a.test/thread/2"  # never empty
    assert root.findtext(f"{A}updated") == "2026-02-04T15:00:00Z"  # the newest entry's
