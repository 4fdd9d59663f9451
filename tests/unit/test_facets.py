"""Links, quotes, images and times read from Bluesky records.

Facet offsets count UTF-8 bytes of the post text, not characters: "…" is 3 bytes, "🏛" 4,
"⚖️" 6 (U+2696 + U+FE0F), a CJK character 3. The archive keeps both the full URL the post
links to and the display text the reader saw, which is usually shortened with "…".
Records are written by arbitrary clients, so malformed parts are skipped, never fatal.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.models import Image, Link
from bot.sources.bluesky.records import (
    bare_links,
    images_from_embed,
    links_from_card,
    links_from_facets,
    normalize_time,
    parse_post_view,
    quoted_uri,
)

LINK = "app.bsky.richtext.facet#link"
RECAP_URL = "https://storage.courtlistener.com/recap/gov.uscourts.dcd.258148/gov.uscourts.dcd.258148.88.0.pdf"
RECAP_DISPLAY = "storage.courtlistener.com/recap/gov.usco…"
AUTHOR_DID = "did:plc:reporter000000000000000"
POST_URI = f"at://{AUTHOR_DID}/app.bsky.feed.post/3kpost"
QUOTED_URI = "at://did:plc:other0000000000000000000/app.bsky.feed.post/3kquoted"


def byte_range(text: str, display: str) -> tuple[int, int]:
    """UTF-8 byte offsets of the first `display` in `text`, as a facet index counts them."""
    data = text.encode("utf-8")
    start = data.index(display.encode("utf-8"))
    return start, start + len(display.encode("utf-8"))


def facet_for(text: str, display: str, uri: str) -> dict[str, Any]:
    """A link facet over `display` in `text`, pointing at `uri`."""
    start, end = byte_range(text, display)
    return {
        "index": {"byteStart": start, "byteEnd": end},
        "features": [{"$type": LINK, "uri": uri}],
    }


def facet_at(start: Any, end: Any, uri: str = RECAP_URL) -> dict[str, Any]:
    """A link facet with exactly these (possibly malformed) offsets."""
    return {
        "index": {"byteStart": start, "byteEnd": end},
        "features": [{"$type": LINK, "uri": uri}],
    }


# --- link facets ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "before",
    [
        "Ruling is out: ",
        "The judge wrote… ",
        "🏛 Opinion: ",
        "⚖️ New order: ",
        "判決 ",
        "⚖️🏛 判決… ",
    ],
    ids=["ascii", "ellipsis", "emoji-4-bytes", "emoji-6-bytes", "cjk", "all-mixed"],
)
def test_display_text_is_cut_by_utf8_bytes(before: str) -> None:
    text = f"{before}{RECAP_DISPLAY} more to follow 🧵"
    start, end = byte_range(text, RECAP_DISPLAY)

    links = links_from_facets(text, [facet_for(text, RECAP_DISPLAY, RECAP_URL)])

    assert links == [
        Link(
            url=RECAP_URL,
            origin="facet",
            display_text=RECAP_DISPLAY,
            byte_start=start,
            byte_end=end,
        )
    ]


def test_byte_offsets_differ_from_character_offsets() -> None:
    # Guards the premise of the test above: slicing by characters would give the wrong text.
    text = f"⚖️ 判決… {RECAP_DISPLAY}"
    start, end = byte_range(text, RECAP_DISPLAY)

    assert text[start:end] != RECAP_DISPLAY
    assert links_from_facets(text, [facet_for(text, RECAP_DISPLAY, RECAP_URL)])[0].display_text == (
        RECAP_DISPLAY
    )


def test_every_link_facet_is_kept_in_order() -> None:
    text = "Order: courtlistener.com/docket/1… and opinion: supremecourt.gov/opinions/2…"
    facets = [
        facet_for(text, "courtlistener.com/docket/1…", "https://www.courtlistener.com/docket/1/"),
        facet_for(
            text, "supremecourt.gov/opinions/2…", "https://www.supremecourt.gov/opinions/2.pdf"
        ),
    ]

    links = links_from_facets(text, facets)

    assert [(link.display_text, link.url) for link in links] == [
        ("courtlistener.com/docket/1…", "https://www.courtlistener.com/docket/1/"),
        ("supremecourt.gov/opinions/2…", "https://www.supremecourt.gov/opinions/2.pdf"),
    ]


def test_uri_whitespace_is_trimmed() -> None:
    text = f"See {RECAP_DISPLAY}"

    links = links_from_facets(text, [facet_for(text, RECAP_DISPLAY, f"  {RECAP_URL}\n")])

    assert links[0].url == RECAP_URL


TEXT = f"🏛 {RECAP_DISPLAY}"
TEXT_BYTES = len(TEXT.encode("utf-8"))


@pytest.mark.parametrize(
    "index",
    [
        {},
        {"byteEnd": 10},
        {"byteStart": 5},
        {"byteStart": -1, "byteEnd": 10},
        {"byteStart": 5, "byteEnd": TEXT_BYTES + 1},
        {"byteStart": 10, "byteEnd": 10},
        {"byteStart": 12, "byteEnd": 10},
        {"byteStart": "5", "byteEnd": "20"},
        {"byteStart": 5.0, "byteEnd": 20.0},
        {"byteStart": False, "byteEnd": True},
        {"byteStart": None, "byteEnd": None},
        {"byteStart": 1, "byteEnd": 10},  # starts inside the 4-byte 🏛
        {"byteStart": 0, "byteEnd": 2},  # ends inside the 4-byte 🏛
        {"byteStart": 5, "byteEnd": TEXT_BYTES - 1},  # ends inside the 3-byte …
    ],
    ids=[
        "no-offsets",
        "start-missing",
        "end-missing",
        "negative",
        "end-beyond-text",
        "empty-range",
        "start-after-end",
        "strings",
        "floats",
        "booleans",
        "nulls",
        "start-splits-emoji",
        "end-splits-emoji",
        "end-splits-ellipsis",
    ],
)
def test_bad_offsets_lose_the_display_text_but_keep_the_url(index: dict[str, Any]) -> None:
    facets = [{"index": index, "features": [{"$type": LINK, "uri": RECAP_URL}]}]

    assert links_from_facets(TEXT, facets) == [
        Link(url=RECAP_URL, origin="facet", display_text=None, byte_start=None, byte_end=None)
    ]


def test_an_index_that_is_not_an_object_keeps_the_url() -> None:
    facets = [{"index": [5, 20], "features": [{"$type": LINK, "uri": RECAP_URL}]}]

    assert links_from_facets(TEXT, facets) == [Link(url=RECAP_URL, origin="facet")]


def test_offsets_exactly_spanning_the_text_are_valid() -> None:
    text = RECAP_DISPLAY

    links = links_from_facets(text, [facet_at(0, len(text.encode("utf-8")))])

    assert links[0].display_text == RECAP_DISPLAY


@pytest.mark.parametrize(
    "facets",
    [None, {}, "facets", 7, {"index": {"byteStart": 0, "byteEnd": 4}}],
    ids=["null", "object", "string", "number", "single-facet-not-in-a-list"],
)
def test_facets_that_are_not_a_list_give_no_links(facets: Any) -> None:
    assert links_from_facets(TEXT, facets) == []


@pytest.mark.parametrize(
    "facet",
    [
        "not a facet",
        {"index": {"byteStart": 5, "byteEnd": 10}},
        {"index": {"byteStart": 5, "byteEnd": 10}, "features": {"$type": LINK, "uri": RECAP_URL}},
        {"index": {"byteStart": 5, "byteEnd": 10}, "features": ["not a feature"]},
        {"index": {"byteStart": 5, "byteEnd": 10}, "features": [{"$type": LINK}]},
        {"index": {"byteStart": 5, "byteEnd": 10}, "features": [{"$type": LINK, "uri": ""}]},
        {"index": {"byteStart": 5, "byteEnd": 10}, "features": [{"$type": LINK, "uri": "  "}]},
        {"index": {"byteStart": 5, "byteEnd": 10}, "features": [{"$type": LINK, "uri": 42}]},
        {"index": {"byteStart": 5, "byteEnd": 10}, "features": [{"uri": RECAP_URL}]},
    ],
    ids=[
        "facet-not-object",
        "features-missing",
        "features-not-list",
        "feature-not-object",
        "uri-missing",
        "uri-empty",
        "uri-blank",
        "uri-not-string",
        "type-missing",
    ],
)
def test_malformed_facets_are_skipped_and_the_rest_kept(facet: Any) -> None:
    good = facet_for(TEXT, RECAP_DISPLAY, RECAP_URL)

    links = links_from_facets(TEXT, [facet, good])

    assert [link.url for link in links] == [RECAP_URL]


def test_mentions_and_tags_are_not_links() -> None:
    text = f"@judge.bsky.social #scotus {RECAP_DISPLAY}"
    start, end = byte_range(text, "@judge.bsky.social")
    tag_start, tag_end = byte_range(text, "#scotus")
    facets = [
        {
            "index": {"byteStart": start, "byteEnd": end},
            "features": [{"$type": "app.bsky.richtext.facet#mention", "did": "did:plc:judge"}],
        },
        {
            "index": {"byteStart": tag_start, "byteEnd": tag_end},
            "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "scotus"}],
        },
        facet_for(text, RECAP_DISPLAY, RECAP_URL),
    ]

    assert [link.url for link in links_from_facets(text, facets)] == [RECAP_URL]


def test_a_facet_with_a_link_and_a_mention_keeps_the_link() -> None:
    facet = facet_for(TEXT, RECAP_DISPLAY, RECAP_URL)
    facet["features"].insert(0, {"$type": "app.bsky.richtext.facet#mention", "did": "did:plc:x"})

    assert [link.display_text for link in links_from_facets(TEXT, [facet])] == [RECAP_DISPLAY]


# --- bare URLs in the text -----------------------------------------------------------------


def test_a_bare_url_without_a_facet_is_found_in_the_text() -> None:
    text = "⚖️ Ruling: https://www.courtlistener.com/opinion/123/case/ (more below)"
    url = "https://www.courtlistener.com/opinion/123/case/"
    start, end = byte_range(text, url)

    assert bare_links(text, []) == [
        Link(url=url, origin="text", display_text=url, byte_start=start, byte_end=end)
    ]


@pytest.mark.parametrize(
    ("text", "url"),
    [
        ("Read it: https://example.com/order.", "https://example.com/order"),
        ("Read it: https://example.com/order, then", "https://example.com/order"),
        ("(https://example.com/order)", "https://example.com/order"),
        ("Is it https://example.com/order?", "https://example.com/order"),
        ('"https://example.com/order"', "https://example.com/order"),
        ("http://example.com/a?b=1&c=2", "http://example.com/a?b=1&c=2"),
    ],
)
def test_a_bare_url_stops_before_surrounding_punctuation(text: str, url: str) -> None:
    assert [link.url for link in bare_links(text, [])] == [url]


def test_several_bare_urls_are_found_in_order() -> None:
    text = "Filing https://a.example/1 and order https://b.example/2"

    assert [link.url for link in bare_links(text, [])] == [
        "https://a.example/1",
        "https://b.example/2",
    ]


def test_a_bare_url_under_a_facet_is_not_counted_twice() -> None:
    # The facet points elsewhere (a tracking-free canonical URL), but it covers the typed URL.
    text = "🏛 https://example.com/order?utm=x is out"
    facets = links_from_facets(
        text, [facet_for(text, "https://example.com/order?utm=x", "https://example.com/order")]
    )

    assert bare_links_beside(text, facets) == []


def test_a_bare_url_that_a_facet_already_links_elsewhere_in_the_text_is_skipped() -> None:
    text = f"{RECAP_DISPLAY} (full link: {RECAP_URL})"
    facets = links_from_facets(text, [facet_for(text, RECAP_DISPLAY, RECAP_URL)])

    assert bare_links_beside(text, facets) == []


def test_a_bare_url_outside_every_facet_is_still_found() -> None:
    text = f"🏛 {RECAP_DISPLAY} and https://example.com/other"
    facets = links_from_facets(text, [facet_for(text, RECAP_DISPLAY, RECAP_URL)])

    assert [link.url for link in bare_links_beside(text, facets)] == ["https://example.com/other"]


def bare_links_beside(text: str, facets: list[Link]) -> list[Link]:
    """Bare URLs as a post view's parser asks for them: beside its link facets."""
    return bare_links(
        text,
        covered=[(f.byte_start, f.byte_end) for f in facets],
        known=[f.url for f in facets],
    )


def test_text_without_urls_has_no_bare_links() -> None:
    assert bare_links("The court denied the motion. example.com is not a URL here", []) == []


# --- link cards, quotes --------------------------------------------------------------------


def external(uri: Any, title: Any = "", description: Any = "") -> dict[str, Any]:
    return {
        "$type": "app.bsky.embed.external",
        "external": {"uri": uri, "title": title, "description": description},
    }


def record_embed(uri: str) -> dict[str, Any]:
    return {"$type": "app.bsky.embed.record", "record": {"uri": uri, "cid": "bafy"}}


def record_with_media(uri: str, media: dict[str, Any]) -> dict[str, Any]:
    return {
        "$type": "app.bsky.embed.recordWithMedia",
        "record": record_embed(uri),
        "media": media,
    }


def test_a_link_card_is_a_link_with_title_and_description() -> None:
    embed = external(RECAP_URL, "Memorandum Opinion", "Order granting the motion to dismiss")

    assert links_from_card(embed) == [
        Link(
            url=RECAP_URL,
            origin="card",
            title="Memorandum Opinion",
            description="Order granting the motion to dismiss",
        )
    ]


def test_a_link_card_beside_a_quote_is_found() -> None:
    embed = record_with_media(QUOTED_URI, external(RECAP_URL, "Opinion"))

    assert links_from_card(embed) == [Link(url=RECAP_URL, origin="card", title="Opinion")]
    assert quoted_uri(embed) == QUOTED_URI


@pytest.mark.parametrize(
    "embed",
    [
        {},
        {"$type": "app.bsky.embed.images", "images": []},
        record_embed(QUOTED_URI),
        external(None),
        external(""),
        {"$type": "app.bsky.embed.external", "external": "https://example.com"},
        {"$type": "app.bsky.embed.recordWithMedia", "media": "not media"},
    ],
    ids=[
        "no-embed",
        "images",
        "quote-only",
        "uri-missing",
        "uri-empty",
        "external-not-object",
        "media-not-object",
    ],
)
def test_embeds_without_a_usable_card_give_no_card_link(embed: dict[str, Any]) -> None:
    assert links_from_card(embed) == []


def test_a_card_with_missing_title_and_description_keeps_the_url() -> None:
    assert links_from_card(external(RECAP_URL, None, None)) == [Link(url=RECAP_URL, origin="card")]


@pytest.mark.parametrize(
    ("embed", "expected"),
    [
        (record_embed(QUOTED_URI), QUOTED_URI),
        (
            record_with_media(QUOTED_URI, {"$type": "app.bsky.embed.images", "images": []}),
            QUOTED_URI,
        ),
        (external(RECAP_URL), None),
        ({}, None),
        ({"$type": "app.bsky.embed.record", "record": "at://nope"}, None),
        ({"$type": "app.bsky.embed.recordWithMedia", "record": "nope"}, None),
    ],
    ids=["quote", "quote-with-media", "card", "none", "record-not-object", "inner-not-object"],
)
def test_the_quoted_post_is_named_by_its_uri(embed: dict[str, Any], expected: str | None) -> None:
    assert quoted_uri(embed) == expected


# --- images --------------------------------------------------------------------------------

CDN = "https://cdn.bsky.app/img"


def image_record(alt: Any, ratio: Any = None) -> dict[str, Any]:
    item: dict[str, Any] = {"alt": alt, "image": {"$type": "blob", "mimeType": "image/jpeg"}}
    if ratio is not None:
        item["aspectRatio"] = ratio
    return item


def image_view(name: str) -> dict[str, Any]:
    return {
        "thumb": f"{CDN}/feed_thumbnail/plain/{AUTHOR_DID}/{name}@jpeg",
        "fullsize": f"{CDN}/feed_fullsize/plain/{AUTHOR_DID}/{name}@jpeg",
        "alt": "the view's copy of the alt text",
    }


def test_images_take_alt_text_from_the_record_and_urls_from_the_view() -> None:
    record = {
        "$type": "app.bsky.embed.images",
        "images": [
            image_record("Page 1 of the order", {"width": 1275, "height": 1650}),
            image_record("Page 2 of the order"),
        ],
    }
    view = {"$type": "app.bsky.embed.images#view", "images": [image_view("a"), image_view("b")]}

    assert images_from_embed(record, view) == [
        Image(
            url=f"{CDN}/feed_fullsize/plain/{AUTHOR_DID}/a@jpeg",
            thumb_url=f"{CDN}/feed_thumbnail/plain/{AUTHOR_DID}/a@jpeg",
            alt="Page 1 of the order",
            width=1275,
            height=1650,
        ),
        Image(
            url=f"{CDN}/feed_fullsize/plain/{AUTHOR_DID}/b@jpeg",
            thumb_url=f"{CDN}/feed_thumbnail/plain/{AUTHOR_DID}/b@jpeg",
            alt="Page 2 of the order",
        ),
    ]


def test_images_beside_a_quote_are_found() -> None:
    record = record_with_media(
        QUOTED_URI, {"$type": "app.bsky.embed.images", "images": [image_record("Exhibit A")]}
    )
    view = {
        "$type": "app.bsky.embed.recordWithMedia#view",
        "media": {"$type": "app.bsky.embed.images#view", "images": [image_view("x")]},
    }

    images = images_from_embed(record, view)

    assert [(i.alt, i.url) for i in images] == [
        ("Exhibit A", f"{CDN}/feed_fullsize/plain/{AUTHOR_DID}/x@jpeg")
    ]


def test_an_image_the_view_does_not_describe_keeps_its_alt_text() -> None:
    record = {"$type": "app.bsky.embed.images", "images": [image_record("Page 1")]}

    assert images_from_embed(record, {}) == [Image(url="", alt="Page 1")]


def test_malformed_image_entries_are_skipped_and_sizes_left_unknown() -> None:
    record = {
        "$type": "app.bsky.embed.images",
        "images": [
            "not an image",
            image_record(None, {"width": "1275", "height": 1650.0}),
            image_record("ok", "16:9"),
        ],
    }
    view = {"images": ["bad", image_view("b"), image_view("c")]}

    images = images_from_embed(record, view)

    assert [(i.alt, i.width, i.height) for i in images] == [("", None, None), ("ok", None, None)]
    assert images[0].url.endswith("/b@jpeg")


@pytest.mark.parametrize(
    "record",
    [{}, external(RECAP_URL), record_embed(QUOTED_URI), {"$type": "app.bsky.embed.images"}],
)
def test_embeds_without_images_give_none(record: dict[str, Any]) -> None:
    assert images_from_embed(record, {}) == []


# --- times ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-05-01T12:34:56.789Z", "2024-05-01T12:34:56.789Z"),
        ("2024-05-01T12:34:56Z", "2024-05-01T12:34:56.000Z"),
        ("2024-05-01T14:34:56.789+02:00", "2024-05-01T12:34:56.789Z"),
        ("2024-05-01T01:00:00-05:00", "2024-05-01T06:00:00.000Z"),
        ("2024-01-01T00:30:00+01:00", "2023-12-31T23:30:00.000Z"),
        ("2024-05-01T12:34:56", "2024-05-01T12:34:56.000Z"),
        ("2024-05-01T12:34:56.123456Z", "2024-05-01T12:34:56.123Z"),
        ("2024-05-01T12:34:56.999999Z", "2024-05-01T12:34:56.999Z"),
        ("2024-05-01T12:34:56.1Z", "2024-05-01T12:34:56.100Z"),
        ("2024-05-01T12:34:56+00:00", "2024-05-01T12:34:56.000Z"),
    ],
)
def test_times_become_utc_with_milliseconds(value: str, expected: str) -> None:
    assert normalize_time(value) == expected


@pytest.mark.parametrize(
    "value", [None, "", "yesterday", "2024-13-01T00:00:00Z", "2024-05-01T25:00:00Z", 1714566896, []]
)
def test_unreadable_times_are_unknown(value: Any) -> None:
    assert normalize_time(value) is None


@pytest.mark.parametrize(
    "value",
    ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"],
    ids=["before-year-1-in-utc", "after-year-9999-in-utc"],
)
def test_times_outside_the_representable_range_are_unknown_not_a_crash(value: str) -> None:
    # Any client can write any createdAt; one odd post must not stop a thread being archived.
    assert normalize_time(value) is None


def test_early_years_keep_four_digits_so_times_sort_as_text() -> None:
    assert normalize_time("0999-05-01T00:00:00Z") == "0999-05-01T00:00:00.000Z"


# --- a whole post view ---------------------------------------------------------------------


def post_view(record_fields: dict[str, Any], **view: Any) -> dict[str, Any]:
    """A postView by the reporter; `view` replaces top-level fields."""
    base: dict[str, Any] = {
        "uri": POST_URI,
        "cid": "bafypost",
        "author": {
            "did": AUTHOR_DID,
            "handle": "reporter.test",
            "displayName": "Court Reporter",
            "avatar": "https://cdn.bsky.app/img/avatar/plain/x@jpeg",
        },
        "record": {"$type": "app.bsky.feed.post", **record_fields},
        "replyCount": 2,
        "indexedAt": "2024-05-01T12:00:05.000Z",
    }
    return {**base, **view}


def test_a_post_view_becomes_a_post_with_everything_a_reader_sees() -> None:
    root = f"at://{AUTHOR_DID}/app.bsky.feed.post/3kroot"
    text = f"⚖️ 判決… {RECAP_DISPLAY} and https://example.com/bare"
    view = post_view(
        {
            "text": text,
            "createdAt": "2024-05-01T14:00:00.000+02:00",
            "langs": ["en", "ja"],
            "facets": [facet_for(text, RECAP_DISPLAY, RECAP_URL)],
            "reply": {"root": {"uri": root, "cid": "a"}, "parent": {"uri": root, "cid": "a"}},
            "embed": record_with_media(QUOTED_URI, external("https://example.com/card", "Card")),
        }
    )

    post = parse_post_view(view)

    assert post.id == POST_URI
    assert post.status == "ok"
    assert post.author_id == AUTHOR_DID
    assert post.author is not None
    assert (post.author.handle, post.author.display_name) == ("reporter.test", "Court Reporter")
    assert post.url == "https://bsky.app/profile/reporter.test/post/3kpost"
    assert post.cid == "bafypost"
    assert post.text == text
    assert post.created_at == "2024-05-01T12:00:00.000Z"
    assert post.langs == ("en", "ja")
    assert (post.reply_parent_id, post.reply_root_id) == (root, root)
    assert post.quote_id == QUOTED_URI
    assert [(link.origin, link.url, link.display_text) for link in post.links] == [
        ("facet", RECAP_URL, RECAP_DISPLAY),
        ("card", "https://example.com/card", None),
        ("text", "https://example.com/bare", "https://example.com/bare"),
    ]
    assert post.reply_count == 2
    assert post.raw is view


def test_a_post_without_created_at_uses_the_indexed_time() -> None:
    post = parse_post_view(post_view({"text": "hi"}))

    assert post.created_at == "2024-05-01T12:00:05.000Z"


def test_a_post_with_an_out_of_range_created_at_is_still_read() -> None:
    post = parse_post_view(post_view({"text": "hi", "createdAt": "0001-01-01T00:00:00+01:00"}))

    assert post.text == "hi"
    assert post.created_at == "2024-05-01T12:00:05.000Z"


def test_a_post_view_with_a_malformed_record_keeps_the_post() -> None:
    view = post_view({}, author="not an author", record="not a record", replyCount="many")

    post = parse_post_view(view)

    assert post.id == POST_URI
    assert post.author_id == AUTHOR_DID  # from the URI
    assert post.url == "https://bsky.app/profile/did:plc:reporter000000000000000/post/3kpost"
    assert (post.text, post.links, post.images, post.reply_count) == ("", [], [], 0)
    assert post.reply_parent_id is None
    assert post.raw is view


@pytest.mark.parametrize(
    "record",
    [
        {"text": 42},
        {"text": "hi", "reply": "at://parent"},
        {"text": "hi", "reply": {"parent": {"cid": "x"}, "root": "at://root"}},
        {"text": "hi", "facets": "bad", "embed": "bad", "langs": "en"},
    ],
    ids=["text-not-string", "reply-not-object", "reply-refs-malformed", "fields-wrong-types"],
)
def test_malformed_record_fields_are_left_empty(record: dict[str, Any]) -> None:
    post = parse_post_view(post_view(record))

    assert post.id == POST_URI
    assert post.reply_parent_id is None
    assert post.reply_root_id is None
    assert post.links == []
    assert post.langs == ()
