"""What a user can type to name a post, and what they are told when it names none.

`parse_post_url` accepts bsky.app links (with a handle or a DID) and at:// URIs; anything else
is a BadInput whose one-line message says what was wrong and exits with code 2.
"""

from __future__ import annotations

import pytest

from bot.errors import BadInput
from bot.models import PostRef
from bot.sources.registry import parse_post_url

DID_PLC = "did:plc:ewvi7nxzyoun6zhxrhs64oiz"
DID_WEB = "did:web:reporter.example.com"
RKEY = "3kxyz7lmnop2a"


@pytest.mark.parametrize(
    ("text", "author"),
    [
        (f"https://bsky.app/profile/reporter.bsky.social/post/{RKEY}", "reporter.bsky.social"),
        (f"https://bsky.app/profile/{DID_PLC}/post/{RKEY}", DID_PLC),
        (f"https://bsky.app/profile/{DID_WEB}/post/{RKEY}", DID_WEB),
        (f"https://bsky.app/profile/reporter.bsky.social/post/{RKEY}/", "reporter.bsky.social"),
        (
            f"https://bsky.app/profile/reporter.bsky.social/post/{RKEY}?ref_src=embed",
            "reporter.bsky.social",
        ),
        (f"https://bsky.app/profile/reporter.bsky.social/post/{RKEY}#top", "reporter.bsky.social"),
        (f"https://bsky.app/profile/@reporter.bsky.social/post/{RKEY}", "reporter.bsky.social"),
        (f"https://bsky.app/profile/%40reporter.bsky.social/post/{RKEY}", "reporter.bsky.social"),
        (f"https://bsky.app/profile/Reporter.Bsky.Social/post/{RKEY}", "reporter.bsky.social"),
        (
            f"https://staging.bsky.app/profile/reporter.bsky.social/post/{RKEY}",
            "reporter.bsky.social",
        ),
        (f"https://www.bsky.app/profile/reporter.bsky.social/post/{RKEY}", "reporter.bsky.social"),
        (f"http://bsky.app/profile/reporter.bsky.social/post/{RKEY}", "reporter.bsky.social"),
        (f"bsky.app/profile/reporter.bsky.social/post/{RKEY}", "reporter.bsky.social"),
        (f"https://BSKY.APP/profile/reporter.bsky.social/post/{RKEY}", "reporter.bsky.social"),
    ],
)
def test_bsky_app_post_urls_name_the_author_and_post(text: str, author: str) -> None:
    assert parse_post_url(text) == PostRef(
        platform="bluesky", author=author, post_id=RKEY, url=text
    )


@pytest.mark.parametrize(
    ("text", "author"),
    [
        (f"at://{DID_PLC}/app.bsky.feed.post/{RKEY}", DID_PLC),
        (f"at://{DID_WEB}/app.bsky.feed.post/{RKEY}", DID_WEB),
        (f"at://reporter.bsky.social/app.bsky.feed.post/{RKEY}", "reporter.bsky.social"),
        (f"at://Reporter.Bsky.Social/app.bsky.feed.post/{RKEY}", "reporter.bsky.social"),
        (f"at://{DID_PLC}/app.bsky.feed.post/{RKEY}/", DID_PLC),
    ],
)
def test_at_uris_of_posts_are_accepted(text: str, author: str) -> None:
    assert parse_post_url(text) == PostRef(
        platform="bluesky", author=author, post_id=RKEY, url=text
    )


def test_surrounding_whitespace_is_ignored() -> None:
    ref = parse_post_url(f"  https://bsky.app/profile/reporter.bsky.social/post/{RKEY}\n")

    assert (ref.author, ref.post_id) == ("reporter.bsky.social", RKEY)


def test_a_did_keeps_its_case() -> None:
    # DIDs are case-sensitive; only handles are normalized to lowercase.
    did = "did:plc:AbCdEf123"

    assert parse_post_url(f"https://bsky.app/profile/{did}/post/{RKEY}").author == did


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty URL"),
        ("   ", "empty URL"),
        ("https://bsky.app/profile/reporter bsky/post/abc", "contains spaces"),
        ("not-a-url", "not a URL"),
        ("ftp://example.com/ruling.pdf", "not a URL"),
        (
            "https://bsky.app/profile/reporter.bsky.social",
            "https://bsky.app/profile/<handle>/post/<id>",
        ),
        (
            "https://bsky.app/profile/reporter.bsky.social/feed/whats-hot",
            "https://bsky.app/profile/<handle>/post/<id>",
        ),
        (
            f"at://{DID_PLC}/app.bsky.feed.like/{RKEY}",
            "at://<did>/app.bsky.feed.post/<rkey>",
        ),
        (f"at://{DID_PLC}", "at://<did>/app.bsky.feed.post/<rkey>"),
        (
            f"https://bsky.app/profile/reporter_bsky.social/post/{RKEY}",
            "not a valid Bluesky handle or DID: 'reporter_bsky.social'",
        ),
        (
            f"https://bsky.app/profile/reporter/post/{RKEY}",
            "not a valid Bluesky handle or DID: 'reporter'",
        ),
        (
            "https://bsky.app/profile/reporter.bsky.social/post/abc!def",
            "not a valid Bluesky post id: 'abc!def'",
        ),
        (
            f"at://{DID_PLC}/app.bsky.feed.post/a$b",
            "not a valid Bluesky post id: 'a$b'",
        ),
        ("https://example.com/page", "not a post URL of a platform threadbot reads"),
    ],
)
def test_input_that_names_no_post_is_refused_with_a_reason(text: str, message: str) -> None:
    with pytest.raises(BadInput) as caught:
        parse_post_url(text)

    assert message in str(caught.value)
    assert caught.value.exit_code == 2


def test_the_refusal_repeats_what_the_user_typed() -> None:
    with pytest.raises(BadInput, match=r"https://example\.com/page"):
        parse_post_url("https://example.com/page")


def test_a_bsky_app_path_is_not_accepted_under_a_non_web_scheme() -> None:
    # The same path under ftp:// is no web page; like any other ftp:// input it is not a URL
    # a user can open, so it should be refused rather than archived.
    with pytest.raises(BadInput):
        parse_post_url(f"ftp://bsky.app/profile/reporter.bsky.social/post/{RKEY}")
