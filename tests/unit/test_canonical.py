"""The same link posted in different spellings is recognised as one link, and archived once.

`canonical_url` keeps what can change the page (path, kept parameters, their order, their
percent-encoding) and drops what cannot (case of scheme and host, default ports, fragments,
tracking parameters). What is not an absolute http(s) URL is refused with a clear message.
One story shared with any share id is one URL; gift links and what selects the page survive.
"""

from __future__ import annotations

import re

import pytest

from bot.links.canonical import canonical_url

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


STORY = "https://www.example-news.com/2026/02/03/judge-blocks-order"


@pytest.mark.parametrize(
    "query",
    [
        "CMP=share_btn_tw",
        "si=AbCdEf0123",
        "share_id=g7hX2",
        "trk=public_post",
        "cid=soc_tw",
        "ito=792",
        "smtyp=cur&smid=nytcore-ios-share",
        "sh=3a7c1e5f",
        "utm_source=bsky&utm_medium=social&utm_campaign=feb&utm_content=x&utm_term=y",
        "mbid=social_twitter",
        "xtor=CS1-8",
        "ns_campaign=bbcnews&ns_mchannel=social&ns_source=twitter&ns_linkname=news",
        "at_medium=custom7&at_campaign=64&at_custom1=twitter",
        "ocid=socialshare&icid=share&ncid=twitter",
        "fbclid=IwAR0&mibextid=Zxz2cZ",
        "mc_cid=abc&mc_eid=def",
        "pk_campaign=x&mtm_source=y&itm_source=z",
        "guccounter=1&guce_referrer=aHR0&guce_referrer_sig=AQAA",
        "s_cid=tw&ftag=CAD1&soc_src=social-sh",
        "_ga=2.1&_gl=1*abc",
        "ref=share&referrer=twitter",
        "hsa_acc=1&hsa_cam=2",
    ],
)
def test_one_article_shared_with_any_share_id_is_one_canonical_url(query: str) -> None:
    assert canonical_url(f"{STORY}?{query}") == STORY
    # in any case, mixed with a parameter that stays
    assert canonical_url(f"{STORY}?page=2&{query.upper()}") == f"{STORY}?page=2"


def test_the_same_story_from_five_share_buttons_is_archived_once() -> None:
    shared = [
        f"{STORY}?CMP=share_btn_tw",
        f"{STORY}?smid=nytcore-ios-share&smtyp=cur",
        f"{STORY}?utm_source=bsky&utm_medium=social",
        f"{STORY}?si=AbCdEf&xtor=CS1-8",
        f"{STORY}?ns_campaign=bbcnews&at_medium=custom7#comments",
        "HTTPS://WWW.Example-News.com:443/2026/02/03/judge-blocks-order?trk=public&sh=1a2b",
    ]
    assert {canonical_url(url) for url in shared} == {STORY}


@pytest.mark.parametrize(
    "url",
    [
        # gift and share links past a paywall: the parameter is the access
        "https://www.nytimes.com/2026/02/03/us/ruling.html?unlocked_article_code=1.xU0.AbCd",
        "https://www.washingtonpost.com/politics/2026/02/03/ruling/?pwapi_token=eyJ0eXAi",
        "https://www.theatlantic.com/politics/archive/2026/02/ruling/681234/?gift=AbC-dEf",
        "https://www.bloomberg.com/news/articles/2026-02-03/ruling?accessToken=eyJhbGci",
        "https://www.ft.com/content/0a1b2c3d?accessToken=zwAAAY&sharetype=gift&token=e5f6",
        "https://www.economist.com/united-states/2026/02/03/ruling?giftId=2b3c4d",
        "https://www.wsj.com/us-news/law/ruling-1a2b3c?st=AbCdEf123",
        "https://medium.com/@writer/ruling-1a2b3c?sk=0123456789abcdef",
        "https://news.example.com/story?giftCode=ABC123&giftToken=DEF456",
        "https://news.example.com/story?sharetoken=abc&share=gift",
        # what the page shows
        "https://www.example.com/opinions?page=3",
        "https://www.example.com/index.php?p=123",
        "https://www.example.com/view?id=42",
        "https://www.example.com/search?q=habeas+corpus",
        "https://www.example.com/search?keyword=injunction",
        "https://legislature.example.gov/bills?session=2026",
        "https://data.example.gov/table?source=census",
        "https://www.example.com/read?article_id=7&itemid=8&postid=9",
        # courlan's words are not taken inside a longer name
        "https://courts.example.gov/case?case_ref=2026-CV-001",
        "https://www.example.com/photos?gallery=5",
        "https://www.example.com/feed?refresh=1",
        "https://www.example.com/data?data_source=pacer",
        # long names are never trackers
        "https://www.example.com/a?" + "utm" * 30 + "=1",
    ],
)
def test_access_and_content_parameters_are_kept_byte_for_byte(url: str) -> None:
    assert canonical_url(url) == url


@pytest.mark.parametrize(
    ("posted", "canonical"),
    [
        # YouTube: si is the share's id, t is where the video starts
        (
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ&si=AbCdEf&t=42",
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42",
        ),
        ("https://youtu.be/dQw4w9WgXcQ?si=AbCdEf&t=42s", "https://youtu.be/dQw4w9WgXcQ?t=42s"),
        (
            "https://m.youtube.com/watch?v=x&feature=shared&pp=ygUE&ab_channel=CourtTV",
            "https://m.youtube.com/watch?v=x",
        ),
        (
            "https://www.youtube.com/watch?v=x&list=PL1&index=3&start=10",
            "https://www.youtube.com/watch?v=x&list=PL1&index=3&start=10",
        ),
        # X: s and t are the share; on YouTube t is kept, elsewhere both are kept
        ("https://www.x.com/a/status/1?s=20&t=AbC", "https://www.x.com/a/status/1"),
        ("https://example.com/watch?t=42&s=3", "https://example.com/watch?t=42&s=3"),
        # Dow Jones: mod and reflink track, st is the gift
        (
            "https://www.wsj.com/articles/ruling-1a2b?mod=hp_lead_pos1&reflink=share&st=AbC",
            "https://www.wsj.com/articles/ruling-1a2b?st=AbC",
        ),
        (
            "https://forum.example.com/viewthread?mod=view&tid=1",
            "https://forum.example.com/viewthread?mod=view&tid=1",
        ),
        # GitHub: ref is a branch; elsewhere it is where the click came from
        (
            "https://github.com/freelawproject/eyecite/blob/x/README.md?ref=main",
            "https://github.com/freelawproject/eyecite/blob/x/README.md?ref=main",
        ),
        ("https://www.example.com/story?ref=twitter", "https://www.example.com/story"),
        # LinkedIn and TikTok
        (
            "https://www.linkedin.com/posts/x?trk=public&lipi=urn",
            "https://www.linkedin.com/posts/x",
        ),
        (
            "https://www.tiktok.com/@court/video/1?_r=1&_t=8k&is_from_webapp=1",
            "https://www.tiktok.com/@court/video/1",
        ),
        # a site rule does not reach lookalike hosts
        ("https://notyoutube.com/w?v=1&feature=x", "https://notyoutube.com/w?v=1&feature=x"),
        (
            "https://youtube.com.evil.example/w?v=1&feature=x",
            "https://youtube.com.evil.example/w?v=1&feature=x",
        ),
    ],
)
def test_site_rules_say_what_a_name_means_on_that_site(posted: str, canonical: str) -> None:
    assert canonical_url(posted) == canonical


def test_kept_parameters_keep_their_order_and_encoding_between_dropped_ones() -> None:
    posted = "https://www.example.com/a?z=%2F1&CMP=x&q=a+b&si=y&gift=C%3D&utm_source=z&p=2"

    assert canonical_url(posted) == "https://www.example.com/a?z=%2F1&q=a+b&gift=C%3D&p=2"


def test_percent_encoded_tracker_names_are_recognised() -> None:
    assert canonical_url("https://example.com/a?utm%5Fsource=x&%73i=y&b=1") == (
        "https://example.com/a?b=1"
    )


def test_hostile_queries_give_a_result() -> None:
    many = "&".join(f"utm_{i}=x&k{i}=y" for i in range(20_000))
    kept = "&".join(f"k{i}=y" for i in range(20_000))
    assert canonical_url(f"https://example.com/a?{many}") == f"https://example.com/a?{kept}"

    long_name = "a_" * 50_000 + "ref"
    assert canonical_url(f"https://example.com/a?{long_name}=1") == (
        f"https://example.com/a?{long_name}=1"
    )
    assert canonical_url("https://example.com/a?" + "&" * 100_000) == "https://example.com/a"
