"""The bot's replies: what they say, where their link points, and each platform's limits.

Bluesky rejects a post over 300 graphemes (or 3000 UTF-8 bytes), and a link facet's offsets
count UTF-8 bytes: a reply that gets either wrong is never posted, or links the wrong text.
X counts 280 characters with every URL as 23, and shows the URL in full.
"""

from __future__ import annotations

import pytest

from bot.daemon import replies
from bot.daemon.replies import grapheme_length
from bot.models import Reply, ReplyLimits
from bot.sources.bluesky.replies import LIMITS, link_facets

MAX_GRAPHEMES = LIMITS.max_graphemes
X_LIMITS = ReplyLimits(max_graphemes=280, link_length=23)


def archive_reply(**kwargs):  # type: ignore[no-untyped-def]
    """The reply as Bluesky gets it: its text and its link facets."""
    reply = replies.archive_reply(limits=LIMITS, **kwargs)
    return reply.text, link_facets(reply)


def refusal_reply(reason):  # type: ignore[no-untyped-def]
    return replies.refusal_reply(reason).text


def optout_reply(optin):  # type: ignore[no-untyped-def]
    return replies.optout_reply(optin).text


def fits(text: str) -> bool:
    return replies.fits(Reply(text), LIMITS)


PAGE = "https://archive.example.org/threads/42"
LINK = "app.bsky.richtext.facet#link"
REASONS = ["opted_out", "rate_limited", "denied", "not_found", "failed"]


def linked_text(text: str, facet: dict) -> str:
    """The text a facet covers, cut from the UTF-8 bytes as every client does."""
    index = facet["index"]
    return text.encode("utf-8")[index["byteStart"] : index["byteEnd"]].decode("utf-8")


# --- what the archive reply says -------------------------------------------------------


def test_archive_reply_counts_posts_and_documents():
    text, facets = archive_reply(
        posts=12, documents={"courtlistener_document": 3, "article": 1}, page_url=PAGE
    )
    assert text == f"Archived: 12 posts, 3 court documents, 1 article. Read it here: {PAGE}"
    assert facets == [
        {
            "index": {"byteStart": text.index(PAGE), "byteEnd": len(text)},
            "features": [{"$type": LINK, "uri": PAGE}],
        }
    ]


def test_nothing_but_one_post():
    text, _ = archive_reply(posts=1, documents={}, page_url=PAGE)
    assert text == f"Archived: 1 post. Read it here: {PAGE}"


@pytest.mark.parametrize(
    ("documents", "summary"),
    [
        ({"courtlistener_document": 1}, "1 court document"),
        ({"courtlistener_document": 2}, "2 court documents"),
        ({"courtlistener_docket": 1}, "1 docket"),
        ({"courtlistener_docket": 4}, "4 dockets"),
        ({"pdf": 1}, "1 PDF"),
        ({"pdf": 3}, "3 PDFs"),
        ({"article": 1}, "1 article"),
        ({"article": 2}, "2 articles"),
        ({"article": 0, "pdf": 0}, None),  # zero counts are left out
        ({"webpage": 1, "image": 2}, "3 other documents"),
        (
            {"article": 2, "pdf": 1, "courtlistener_docket": 1, "courtlistener_document": 5},
            "5 court documents, 1 docket, 1 PDF, 2 articles",
        ),
    ],
)
def test_document_kinds_singular_and_plural(documents, summary):
    text, _ = archive_reply(posts=2, documents=documents, page_url=PAGE)
    expected = f"2 posts, {summary}" if summary else "2 posts"
    assert text == f"Archived: {expected}. Read it here: {PAGE}"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"posts": -1, "documents": {}, "page_url": PAGE},
        {"posts": 1, "documents": {"pdf": -2}, "page_url": PAGE},
        {"posts": 1, "documents": {}, "page_url": ""},
        {"posts": 1, "documents": {}, "page_url": "https://a.example/x y"},
    ],
)
def test_impossible_inputs_are_refused(kwargs):
    with pytest.raises(ValueError):
        archive_reply(**kwargs)


# --- the link facet --------------------------------------------------------------------


@pytest.mark.parametrize(
    "page_url",
    [
        PAGE,
        "https://archive.example.org/threads/at%3A%2F%2Fdid%3Aplc%3Areporter/3kroot",
        "https://archive.example.org/cases/Trump_v._United_States?court=dcd&judge=Chutkan#top",
        "https://архив.example/нить/42",
        "https://アーカイブ.example/スレッド/判決/" + "判" * 200,
        "https://archive.example.org/" + "x" * 500,
        "https://archive.example.org/threads/⚖️🏛/" + "👩‍⚖️" * 100,
    ],
)
def test_facet_points_exactly_at_the_displayed_url(page_url):
    text, facets = archive_reply(posts=3, documents={"pdf": 1}, page_url=page_url)
    (facet,) = facets
    display = linked_text(text, facet)
    assert text.endswith(display)  # the link is the whole tail of the text
    assert text == "Archived: 3 posts, 1 PDF. Read it here: " + display
    assert facet["features"] == [{"$type": LINK, "uri": page_url}]
    assert fits(text)


def test_a_very_long_url_is_shortened_for_display_but_linked_in_full():
    page_url = "https://archive.example.org/threads/" + "a1b2c3d4e5" * 47  # 506 characters
    text, (facet,) = archive_reply(
        posts=250, documents={"courtlistener_document": 40, "article": 12}, page_url=page_url
    )
    display = linked_text(text, facet)
    assert grapheme_length(text) <= MAX_GRAPHEMES
    assert display.startswith("archive.example.org/threads/a1b2c3")
    assert display.endswith("…")
    assert facet["features"][0]["uri"] == page_url


def test_a_short_url_is_shown_whole():
    text, (facet,) = archive_reply(posts=2, documents={}, page_url=PAGE)
    assert linked_text(text, facet) == PAGE


def test_a_huge_host_is_cut_too():
    page_url = "https://" + "a" * 400 + ".example/t/1"
    text, (facet,) = archive_reply(posts=2, documents={}, page_url=page_url)
    assert fits(text)
    assert linked_text(text, facet).endswith("…")
    assert facet["features"][0]["uri"] == page_url


def test_a_url_of_piled_combining_marks_stays_under_the_byte_limit():
    page_url = "https://archive.example.org/" + ("e" + "\u0301" * 60) * 40
    text, (facet,) = archive_reply(posts=2, documents={}, page_url=page_url)
    assert len(text.encode("utf-8")) <= 3000
    assert linked_text(text, facet).endswith("…")


# --- no mentions -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "page_url",
    [
        PAGE,
        "https://archive.example.org/profile/@alice.bsky.social/thread/1",
        "https://user@archive.example.org/threads/42",
    ],
)
def test_no_reply_ever_holds_an_at_sign(page_url):
    text, (facet,) = archive_reply(posts=4, documents={"article": 1}, page_url=page_url)
    assert "@" not in text
    assert facet["features"][0]["uri"] == page_url  # the link itself is untouched
    replies = [refusal_reply(reason) for reason in REASONS]
    replies += [optout_reply(optin=False), optout_reply(optin=True)]
    assert all("@" not in reply for reply in replies)


def test_a_url_cut_before_its_at_sign_says_so():
    text, (facet,) = archive_reply(
        posts=1, documents={}, page_url="https://archive.example.org/@alice/1"
    )
    assert linked_text(text, facet) == "archive.example.org/…"
    text, (facet,) = archive_reply(
        posts=1, documents={}, page_url="https://user@archive.example.org/t/1"
    )
    assert linked_text(text, facet) == "archive.example.org/t/1"  # the user part is dropped


# --- refusals and opt-outs -------------------------------------------------------------


@pytest.mark.parametrize("reason", REASONS)
def test_refusals_are_short_and_polite(reason):
    text = refusal_reply(reason)
    assert text.startswith("Sorry")
    assert fits(text)
    assert grapheme_length(text) < 140


def test_refusals_say_why():
    assert "asked not to be archived" in refusal_reply("opted_out")
    assert "try again" in refusal_reply("rate_limited")
    assert "couldn't find" in refusal_reply("not_found")
    assert len({refusal_reply(reason) for reason in REASONS}) == len(REASONS)


def test_an_unknown_refusal_reason_is_an_error():
    with pytest.raises(ValueError):
        refusal_reply("bored")  # type: ignore[arg-type]


def test_optout_and_optin_replies():
    optout, optin = optout_reply(optin=False), optout_reply(optin=True)
    assert "won't archive" in optout
    assert "optin" in optout  # tells the author how to undo it
    assert "again" in optin
    assert fits(optout) and fits(optin)


# --- counting graphemes ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("", 0),
        ("court", 5),
        ("café", 4),
        ("cafe\u0301", 4),  # e + combining acute is one grapheme
        ("判決が出た", 5),
        ("한국어", 3),
        ("\u1100\u1161\u11a8", 1),  # Hangul jamo L V T compose one syllable
        ("⚖️", 1),  # U+2696 + variation selector
        ("🏛", 1),
        ("👍🏽", 1),  # skin tone modifier
        ("👩‍⚖️", 1),  # ZWJ sequence: woman judge
        ("👨‍👩‍👧‍👦", 1),
        ("🏳️‍🌈", 1),
        ("🇺🇸🇫🇷", 2),  # regional indicators pair into flags
        ("🇺🇸🇫", 2),
        ("🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f", 1),  # Scotland
        ("\r\n", 1),
        ("a\u200d💻", 2),  # ZWJ joins pictographs only
        ("Archived: 1 post. ⚖️🏛 判決", 23),
    ],
)
def test_grapheme_length(text, count):
    assert grapheme_length(text) == count


# --- X: the full URL in the text, counted as 23 ------------------------------------------


def test_on_x_the_full_url_is_in_the_text_and_counts_as_23():
    page_url = "https://archive.example.org/threads/" + "a1b2c3d4e5" * 20  # 236 characters
    reply = replies.archive_reply(
        posts=250, documents={"courtlistener_document": 40}, page_url=page_url, limits=X_LIMITS
    )
    assert reply.text.endswith(page_url)
    (link,) = reply.links
    assert reply.text[link.start : link.end] == page_url == link.url
    assert len(reply.text) > 280  # longer than 280 characters as written …
    assert replies.fits(reply, X_LIMITS)  # … but X counts the URL as 23


def test_on_x_a_reply_too_long_even_so_is_refused():
    with pytest.raises(ValueError):
        replies.archive_reply(
            posts=1,
            documents={f"kind{i}": 1 for i in range(3)},
            page_url=PAGE,
            limits=ReplyLimits(max_graphemes=40, link_length=23),
        )
