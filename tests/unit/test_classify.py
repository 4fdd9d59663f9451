"""Each link gets a kind, which decides how it is archived and where the archive shows it.

The URL's shape decides first (CourtListener documents, dockets, opinions; PDFs; news
sites); once a link was fetched, its content type classifies what the URL left open.
"""

from __future__ import annotations

import pytest

from bot.links.classify import classify, is_news_site, is_short_link, site_name

RECAP_PDF = (
    "https://storage.courtlistener.com/recap/gov.uscourts.dcd.258148/"
    "gov.uscourts.dcd.258148.1.0_48.pdf"
)


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        # CourtListener
        (RECAP_PDF, "courtlistener_document"),
        (RECAP_PDF.replace("https://storage", "HTTP://STORAGE"), "courtlistener_document"),
        (
            "https://www.courtlistener.com/recap/gov.uscourts.insd.67065.2.0.pdf",
            "courtlistener_document",
        ),
        (
            "https://storage.courtlistener.com/recap/gov.uscourts.dcd.258148/"
            "gov.uscourts.dcd.258148.docket.html",
            "courtlistener_docket",
        ),
        (
            "https://www.courtlistener.com/docket/68305931/united-states-v-trump/",
            "courtlistener_docket",
        ),
        ("https://courtlistener.com/docket/68305931/", "courtlistener_docket"),
        # a docket entry's page is HTML about the entry, not the filing's PDF
        (
            "https://www.courtlistener.com/docket/68305931/5/2/united-states-v-trump/",
            "courtlistener_docket",
        ),
        (
            "https://www.courtlistener.com/opinion/9502621/trump-v-united-states/",
            "courtlistener_opinion",
        ),
        # other pages on CourtListener, and its storage's non-RECAP files
        ("https://www.courtlistener.com/", "other"),
        ("https://www.courtlistener.com/person/1234/some-judge/", "other"),
        ("https://storage.courtlistener.com/pdf/2024/07/01/trump_v._united_states.pdf", "pdf"),
        # PDFs anywhere
        ("https://www.supremecourt.gov/opinions/23pdf/23-939_e2pg.pdf", "pdf"),
        ("https://www.justice.gov/d9/2026-02/Order.PDF", "pdf"),
        ("https://static.politico.com/aa/bb/ruling.pdf", "pdf"),
        ("https://example.com/file.pdf?download=1#page=3", "pdf"),
        # news sites, by name and by any subdomain
        ("https://www.politico.com/news/2026/02/03/judge-blocks-order-00012345", "article"),
        ("https://politico.com/news/2026/02/03/judge-blocks-order-00012345", "article"),
        ("https://www.politico.eu/article/court-ruling/", "article"),
        ("https://www.nytimes.com/2026/02/03/us/politics/ruling.html", "article"),
        ("https://www.washingtonpost.com/national-security/2026/02/03/ruling/", "article"),
        ("https://www.reuters.com/legal/judge-rules-2026-02-03/", "article"),
        ("https://apnews.com/article/court-ruling-0123456789abcdef", "article"),
        ("https://edition.cnn.com/2026/02/03/politics/ruling/index.html", "article"),
        ("https://www.lawfaremedia.org/article/the-ruling", "article"),
        ("https://www.law360.com/articles/1234567", "article"),
        ("https://www.courthousenews.com/judge-rules/", "article"),
        ("https://www.npr.org/2026/02/03/nx-s1-123/ruling", "article"),
        ("https://abcnews.go.com/US/judge-rules/story?id=123", "article"),
        ("https://www.bloomberg.com/news/articles/2026-02-03/ruling", "article"),
        ("https://news.bloomberglaw.com/litigation/ruling", "article"),
        ("https://WWW.AXIOS.COM/2026/02/03/ruling", "article"),
        # look-alikes are not the site
        ("https://notpolitico.com/news/x", "other"),
        ("https://politico.com.evil.example/news/x", "other"),
        ("https://go.com/news/x", "other"),
        # anything else, short links and non-URLs included
        ("https://example.com/story", "other"),
        ("https://bsky.app/profile/reporter.bsky.social/post/3kxyz7lmnop2a", "other"),
        ("https://t.co/AbC123", "other"),
        ("https://politi.co/3xYz", "other"),
        ("https://bit.ly/ruling", "other"),
        ("ftp://example.com/file.pdf", "other"),
        ("politico.com/news/2026/02/0…", "other"),
        ("", "other"),
        ("garbage", "other"),
        ("https://[::1/", "other"),
    ],
)
def test_links_are_classified_by_their_url(url: str, kind: str) -> None:
    assert classify(url) == kind


@pytest.mark.parametrize(
    ("url", "content_type", "kind"),
    [
        # the content type classifies what the URL leaves open
        ("https://example.com/story", "text/html", "article"),
        ("https://example.com/story", "text/html; charset=utf-8", "article"),
        ("https://example.com/story", "TEXT/HTML;charset=UTF-8", "article"),
        ("https://example.com/story", "application/xhtml+xml", "article"),
        ("https://example.com/download?id=7", "application/pdf", "pdf"),
        ("https://example.com/download?id=7", "application/x-pdf", "pdf"),
        ("https://example.com/data.json", "application/json", "other"),
        ("https://example.com/image", "image/png", "other"),
        ("https://example.com/story", "", "other"),
        ("https://example.com/story", None, "other"),
        # the URL's shape comes first
        (RECAP_PDF, "text/html", "courtlistener_document"),
        (
            "https://www.courtlistener.com/docket/68305931/united-states-v-trump/",
            "text/html",
            "courtlistener_docket",
        ),
        ("https://example.com/order.pdf", "text/html", "pdf"),
        ("https://www.politico.com/news/x", "application/pdf", "article"),
        # a short link stays "other" until it is resolved
        ("https://t.co/AbC123", "text/html", "other"),
        ("https://nyti.ms/3abc", "text/html", "other"),
    ],
)
def test_fetched_links_are_classified_by_content_type_when_the_url_leaves_it_open(
    url: str, content_type: str | None, kind: str
) -> None:
    assert classify(url, content_type) == kind


@pytest.mark.parametrize(
    ("host", "name"),
    [
        ("politico.com", "Politico"),
        ("www.politico.com", "Politico"),
        ("WWW.POLITICO.COM", "Politico"),
        ("www.politico.com.", "Politico"),
        ("politico.eu", "Politico Europe"),
        ("www.nytimes.com", "The New York Times"),
        ("www.washingtonpost.com", "The Washington Post"),
        ("apnews.com", "The Associated Press"),
        ("edition.cnn.com", "CNN"),
        ("www.lawfaremedia.org", "Lawfare"),
        ("abcnews.go.com", "ABC News"),
        ("www.courthousenews.com", "Courthouse News Service"),
        ("www.courtlistener.com", "CourtListener"),
        ("storage.courtlistener.com", "CourtListener"),
    ],
)
def test_sites_are_named_as_readers_know_them(host: str, name: str) -> None:
    assert site_name(host) == name


@pytest.mark.parametrize("host", ["example.com", "go.com", "notpolitico.com", "com", ""])
def test_unknown_sites_have_no_name(host: str) -> None:
    assert site_name(host) is None


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("politico.com", True),
        ("www.politico.com", True),
        ("static.politico.com", True),
        ("www.politico.eu", True),
        ("www.nytimes.com", True),
        ("www.reuters.com", True),
        ("www.theguardian.com", True),
        ("www.wsj.com", True),
        ("thehill.com", True),
        ("www.cbsnews.com", True),
        ("www.usatoday.com", True),
        ("www.latimes.com", True),
        ("www.npr.org", True),
        ("WWW.NBCNEWS.COM", True),
        ("www.courtlistener.com", False),  # a named site, but not news
        ("example.com", False),
        ("politico.com.evil.example", False),
        ("mypolitico.com", False),
        ("go.com", False),
        ("", False),
    ],
)
def test_news_sites_are_recognised_with_their_subdomains(host: str, expected: bool) -> None:
    assert is_news_site(host) is expected


@pytest.mark.parametrize(
    "host",
    [
        "t.co",
        "bit.ly",
        "politi.co",
        "tinyurl.com",
        "ow.ly",
        "buff.ly",
        "trib.al",
        "lnkd.in",
        "dlvr.it",
        "j.mp",
        "goo.gl",
        "reut.rs",
        "nyti.ms",
        "wapo.st",
        "apne.ws",
        "cnn.it",
        "n.pr",
        "T.CO",
        "www.bit.ly",
    ],
)
def test_short_link_hosts_are_recognised(host: str) -> None:
    assert is_short_link(host)


@pytest.mark.parametrize(
    "host",
    ["politico.com", "www.nytimes.com", "example.com", "co", "at.co", "t.co.evil.example", ""],
)
def test_other_hosts_are_not_short_links(host: str) -> None:
    assert not is_short_link(host)
