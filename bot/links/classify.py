"""What kind of thing a link points to, which decides how the link stage reads it.

    >>> classify("https://www.courtlistener.com/docket/68305931/united-states-v-trump/")
    'courtlistener_docket'
    >>> classify("https://www.politico.com/news/2026/02/03/judge-blocks-order-00012345")
    'article'
    >>> classify("https://example.org/story", content_type="text/html; charset=utf-8")
    'article'

The URL's shape decides first; the content type (known once the link was fetched) only
classifies what the URL leaves open. A short link is "other" until it is resolved.
"""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

from bot.links.courtlistener_urls import (
    DOMAIN,
    DocketPage,
    OpinionPage,
    StorageDocket,
    StorageDocument,
    parse_courtlistener_url,
)
from bot.links.hosts import host_of, normalize_host

LinkKind = Literal[
    "courtlistener_document",
    "courtlistener_docket",
    "courtlistener_opinion",
    "article",
    "pdf",
    "other",
]

# News sites reporters link to, by registered domain (any subdomain counts) → the site's name.
NEWS_SITES = {
    "politico.com": "Politico",
    "politico.eu": "Politico Europe",
    "politicopro.com": "Politico Pro",
    "nytimes.com": "The New York Times",
    "washingtonpost.com": "The Washington Post",
    "wsj.com": "The Wall Street Journal",
    "reuters.com": "Reuters",
    "apnews.com": "The Associated Press",
    "bloomberg.com": "Bloomberg",
    "bloomberglaw.com": "Bloomberg Law",
    "cnn.com": "CNN",
    "nbcnews.com": "NBC News",
    "msnbc.com": "MSNBC",
    "abcnews.go.com": "ABC News",
    "abcnews.com": "ABC News",
    "cbsnews.com": "CBS News",
    "foxnews.com": "Fox News",
    "npr.org": "NPR",
    "pbs.org": "PBS",
    "usatoday.com": "USA Today",
    "latimes.com": "Los Angeles Times",
    "bostonglobe.com": "The Boston Globe",
    "chicagotribune.com": "Chicago Tribune",
    "sfchronicle.com": "San Francisco Chronicle",
    "miamiherald.com": "Miami Herald",
    "texastribune.org": "The Texas Tribune",
    "nypost.com": "New York Post",
    "axios.com": "Axios",
    "thehill.com": "The Hill",
    "rollcall.com": "Roll Call",
    "semafor.com": "Semafor",
    "punchbowl.news": "Punchbowl News",
    "notus.org": "NOTUS",
    "theguardian.com": "The Guardian",
    "bbc.com": "BBC",
    "bbc.co.uk": "BBC",
    "ft.com": "Financial Times",
    "economist.com": "The Economist",
    "theatlantic.com": "The Atlantic",
    "newyorker.com": "The New Yorker",
    "newsweek.com": "Newsweek",
    "time.com": "TIME",
    "vox.com": "Vox",
    "slate.com": "Slate",
    "motherjones.com": "Mother Jones",
    "propublica.org": "ProPublica",
    "huffpost.com": "HuffPost",
    "thedailybeast.com": "The Daily Beast",
    "businessinsider.com": "Business Insider",
    "talkingpointsmemo.com": "Talking Points Memo",
    "theverge.com": "The Verge",
    "arstechnica.com": "Ars Technica",
    "wired.com": "WIRED",
    "404media.co": "404 Media",
    # courts and law
    "lawfaremedia.org": "Lawfare",
    "lawfareblog.com": "Lawfare",
    "law360.com": "Law360",
    "law.com": "Law.com",
    "courthousenews.com": "Courthouse News Service",
    "scotusblog.com": "SCOTUSblog",
    "abovethelaw.com": "Above the Law",
    "reason.com": "Reason",
}

# Sites that are not news but whose name a reader expects to see beside a link.
OTHER_SITES = {DOMAIN: "CourtListener"}

# Hosts that only redirect: what they point to is known once the link is resolved.
SHORT_LINK_HOSTS = frozenset(
    {
        "t.co",
        "bit.ly",
        "bitly.com",
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
        "bbc.in",
        "on.wsj.com",
        "bloom.bg",
        "hill.cm",
        "is.gd",
        "shorturl.at",
    }
)

PDF_TYPES = frozenset({"application/pdf", "application/x-pdf"})
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


def classify(url: str, content_type: str | None = None) -> LinkKind:
    """The kind of a link, from its URL and, once fetched, its Content-Type header.

    CourtListener shapes first (RECAP files, docket pages, opinions), then a path ending in
    ".pdf", then known news sites; a fetched HTML page is otherwise an "article" and a fetched
    PDF a "pdf". Anything else, short links and text that is no URL included, is "other".
    """
    try:
        split = urlsplit(url.strip())
    except ValueError:
        return "other"
    host = host_of(url)
    if split.scheme.lower() not in ("http", "https") or not host:
        return "other"
    if is_short_link(host):
        return "other"
    match parse_courtlistener_url(url):
        case StorageDocument():
            return "courtlistener_document"
        case StorageDocket() | DocketPage():
            # A docket page's entries have pages of their own (/docket/1/5/slug/), but those
            # are HTML pages about the docket entry; the PDF is the storage file.
            return "courtlistener_docket"
        case OpinionPage():
            return "courtlistener_opinion"
    if split.path.lower().endswith(".pdf"):
        return "pdf"
    if is_news_site(host):
        return "article"
    media_type = (content_type or "").partition(";")[0].strip().lower()
    if media_type in PDF_TYPES:
        return "pdf"
    if media_type in HTML_TYPES:
        return "article"
    return "other"


def is_news_site(host: str) -> bool:
    """Whether the host is a known news site or one of its subdomains (`www.`, `static.`)."""
    return _registered(_host(host), NEWS_SITES) is not None


def site_name(host: str) -> str | None:
    """The name readers know a site by ("Politico" for www.politico.com), None if unknown."""
    host = _host(host)
    domain = _registered(host, NEWS_SITES) or _registered(host, OTHER_SITES)
    if domain is None:
        return None
    return NEWS_SITES.get(domain) or OTHER_SITES[domain]


def is_short_link(host: str) -> bool:
    """Whether the host is a link shortener (t.co, bit.ly, politi.co, …) that only redirects."""
    host = _host(host)
    return host in SHORT_LINK_HOSTS or host.removeprefix("www.") in SHORT_LINK_HOSTS


def _host(host: str) -> str:
    try:
        return normalize_host(host)
    except ValueError:
        return ""  # no host name: matches no site


def _registered(host: str, sites: dict[str, str]) -> str | None:
    """The entry of `sites` that is the host or a parent domain of it."""
    parts = host.split(".")
    for start in range(len(parts) - 1):
        domain = ".".join(parts[start:])
        if domain in sites:
            return domain
    return None
