"""The same link posted in different spellings is recognised as one link, and archived once.

`canonical_url` keeps what can change the page (path, kept parameters, their order, their
percent-encoding) and drops what cannot (case of scheme and host, default ports, fragments,
tracking parameters). What is not an absolute http(s) URL is refused with a clear message.
"""

from __future__ import annotations

import re

import pytest

from bot.links.canonical import canonical_url, has_userinfo

ORDER = "https://storage.courtlistener.com/recap/gov.uscourts.dcd.258148/gov.uscourts.dcd.258148.1.0.pdf"


@pytest.mark.parametrize(
    ("posted", "canonical"),
    [
        (ORDER, ORDER),
        # case of scheme and host
        (
            ORDER.replace("https://storage.courtlistener.com", "HTTPS://Storage.CourtListener.COM"),
            ORDER,
        ),
        ("https://WWW.POLITICO.COM/news/A", "https://www.politico.com/news/A"),
        # default ports dropped, others kept
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("http://example.com:443/a", "http://example.com:443/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        ("https://example.com:/a", "https://example.com/a"),
        # http is not upgraded: the two may serve different things
        ("http://example.com/a", "http://example.com/a"),
        # fragment dropped
        (ORDER + "#page=3", ORDER),
        ("https://example.com/a?b=1#top", "https://example.com/a?b=1"),
        ("https://example.com/a#", "https://example.com/a"),
        # empty path
        ("https://example.com", "https://example.com/"),
        ("https://example.com?page=2", "https://example.com/?page=2"),
        ("https://example.com#x", "https://example.com/"),
        # a trailing slash is part of the path
        ("https://example.com/a/", "https://example.com/a/"),
        # percent-encoding kept as posted, path case kept
        ("https://example.com/a%2Fb/C%20d", "https://example.com/a%2Fb/C%20d"),
        ("https://example.com/?q=a%26b", "https://example.com/?q=a%26b"),
        # international host in punycode
        ("https://bücher.example/katalog", "https://xn--bcher-kva.example/katalog"),
        ("https://BÜCHER.example/", "https://xn--bcher-kva.example/"),
        ("https://xn--bcher-kva.example/", "https://xn--bcher-kva.example/"),
        # a root-dot host is the same host
        ("https://example.com./a", "https://example.com/a"),
        # IP hosts
        ("http://127.0.0.1:8000/x", "http://127.0.0.1:8000/x"),
        ("http://[::1]:80/x", "http://[::1]/x"),
        ("http://[2001:DB8::1]/x", "http://[2001:db8::1]/x"),
        # surrounding whitespace, as pasted
        ("  https://example.com/a\n", "https://example.com/a"),
    ],
)
def test_spellings_of_one_link_share_one_canonical_form(posted: str, canonical: str) -> None:
    assert canonical_url(posted) == canonical


@pytest.mark.parametrize(
    ("posted", "canonical"),
    [
        (
            "https://www.politico.com/news/2026/02/03/ruling-00012345?utm_source=bsky&utm_medium=social",
            "https://www.politico.com/news/2026/02/03/ruling-00012345",
        ),
        # utm_* in any case, wherever it stands; other parameters keep their order
        (
            "https://example.com/a?z=1&UTM_Campaign=x&a=2&Utm_Content=y&m=3",
            "https://example.com/a?z=1&a=2&m=3",
        ),
        ("https://example.com/a?fbclid=IwAR0abc", "https://example.com/a"),
        (
            "https://example.com/a?gclid=1&dclid=2&gbraid=3&wbraid=4&msclkid=5",
            "https://example.com/a",
        ),
        ("https://example.com/a?mc_cid=1&mc_eid=2&id=7", "https://example.com/a?id=7"),
        ("https://example.com/a?igshid=1&yclid=2", "https://example.com/a"),
        ("https://example.com/a?_hsenc=1&_hsmi=2&mkt_tok=3", "https://example.com/a"),
        ("https://example.com/a?ref_src=twsrc&ref_url=x&cmpid=rss", "https://example.com/a"),
        (
            "https://www.nytimes.com/2026/02/03/us/ruling.html?smid=nytcore-ios-share",
            "https://www.nytimes.com/2026/02/03/us/ruling.html",
        ),
        ("https://example.com/a?FBCLID=1&Page=2", "https://example.com/a?Page=2"),
        # a parameter that only looks like one is kept
        (
            "https://example.com/a?utm=1&source=2&xfbclid=3",
            "https://example.com/a?utm=1&source=2&xfbclid=3",
        ),
        # values are not parameter names
        (
            "https://example.com/a?q=fbclid&tag=utm_source",
            "https://example.com/a?q=fbclid&tag=utm_source",
        ),
        # repeated and valueless parameters are kept as posted
        ("https://example.com/a?t=1&t=2&flag", "https://example.com/a?t=1&t=2&flag"),
        ("https://example.com/a?utm_source=x", "https://example.com/a"),
        ("https://example.com/a?&&b=1&", "https://example.com/a?b=1"),
        # X share links: s and t only on X hosts
        (
            "https://x.com/reporter/status/1888888888888888888?s=20&t=AbCdEf",
            "https://x.com/reporter/status/1888888888888888888",
        ),
        (
            "https://twitter.com/reporter/status/1888888888888888888?s=46",
            "https://twitter.com/reporter/status/1888888888888888888",
        ),
        (
            "https://mobile.twitter.com/reporter/status/1?s=21&lang=en",
            "https://mobile.twitter.com/reporter/status/1?lang=en",
        ),
        ("https://example.com/search?s=judge&t=2", "https://example.com/search?s=judge&t=2"),
    ],
)
def test_tracking_parameters_are_removed_and_the_rest_kept_in_order(
    posted: str, canonical: str
) -> None:
    assert canonical_url(posted) == canonical


def test_links_that_differ_only_by_tracking_are_one_link() -> None:
    shared = [
        "https://www.politico.com/news/2026/02/03/ruling-00012345?utm_source=bsky",
        "https://WWW.politico.com:443/news/2026/02/03/ruling-00012345#comments",
        "https://www.politico.com/news/2026/02/03/ruling-00012345?fbclid=abc",
    ]
    assert len({canonical_url(url) for url in shared}) == 1


def test_userinfo_is_kept_so_it_can_be_refused() -> None:
    assert canonical_url("https://Me:Secret@Example.com/a") == "https://Me:Secret@example.com/a"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "not an absolute http(s) URL"),
        ("   ", "not an absolute http(s) URL"),
        ("not a url", "not an absolute http(s) URL"),
        ("politico.com/news/2026/02/0…", "not an absolute http(s) URL"),
        ("//example.com/a", "not an absolute http(s) URL"),
        ("ftp://example.com/file.pdf", "not an absolute http(s) URL"),
        ("mailto:reporter@example.com", "not an absolute http(s) URL"),
        ("javascript:alert(1)", "not an absolute http(s) URL"),
        ("at://did:plc:abc/app.bsky.feed.post/3k", "not an absolute http(s) URL"),
        ("file:///etc/passwd", "not an absolute http(s) URL"),
        ("https://", "not an absolute http(s) URL"),
        ("https:///path-only", "not an absolute http(s) URL"),
        ("https://exa mple.com/", "not a valid host"),
        ("https://a..b/", "not a valid host"),
        ("https://evil.example\\@good.example/", "not a valid host"),
        ("https://example.com:99999/", "not a valid port"),
        ("https://example.com:http/", "not a valid port"),
        ("https://[::1/", "not a URL"),
    ],
)
def test_what_is_not_an_http_url_is_refused_with_a_reason(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)) as raised:
        canonical_url(text)
    assert repr(text) in str(raised.value)  # the message names what was given


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://user:password@example.com/", True),
        ("https://user@example.com/", True),
        ("https://:password@example.com/", True),
        ("https://trusted.example@evil.example/", True),
        ("https://example.com/", False),
        ("https://example.com/a@b", False),
        ("https://example.com/?email=a@b.example", False),
        ("https://example.com/#me@here", False),
    ],
)
def test_has_userinfo_spots_credentials_before_the_host(url: str, expected: bool) -> None:
    assert has_userinfo(url) is expected


def test_has_userinfo_refuses_what_is_not_an_http_url() -> None:
    with pytest.raises(ValueError, match="not an absolute http"):
        has_userinfo("ftp://user@example.com/")
