"""The canonical form of a link: one spelling for the same link posted in different ways.

Two reporters may post the same order as `HTTPS://Storage.CourtListener.com:443/recap/…#page=3`
and `https://storage.courtlistener.com/recap/…?utm_source=bsky`; both become
`https://storage.courtlistener.com/recap/…`, so the link is fetched and archived once.

    >>> canonical_url("HTTPS://WWW.Politico.com:443/news/x?utm_source=bsky&page=2#top")
    'https://www.politico.com/news/x?page=2'

Only what cannot change the page is normalised. The path and the kept query parameters stay
byte for byte as posted: decoding `%2F` or reordering parameters can name a different page.
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult, unquote, urlsplit

DEFAULT_PORTS = {"http": 80, "https": 443}

# Parameters that only say where a click came from. Compared without case.
TRACKING_PARAMETERS = frozenset(
    {
        # ad and social click ids
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "igshid",
        "igsh",
        "ttclid",
        "twclid",
        "li_fat_id",
        "srsltid",
        # newsletters and marketing automation (Mailchimp, HubSpot, Marketo, Vero)
        "mc_cid",
        "mc_eid",
        "_hsenc",
        "_hsmi",
        "__hstc",
        "__hssc",
        "__hsfp",
        "hsctatracking",
        "mkt_tok",
        "vero_id",
        "vero_conv",
        "oly_anon_id",
        "oly_enc_id",
        # analytics
        "_ga",
        "_gl",
        "wt.mc_id",
        "wt_mc",
        # embeds and share buttons
        "ref_src",
        "ref_url",
        "cmpid",
        "ocid",
        "smid",  # New York Times share links
    }
)
TRACKING_PREFIXES = ("utm_",)

# X share links add `?s=20&t=…` (which app shared it, and a share token): never the post.
X_HOSTS = frozenset({"x.com", "twitter.com", "mobile.twitter.com", "mobile.x.com"})
X_TRACKING_PARAMETERS = frozenset({"s", "t"})

# What is left of a host once it is lowercase ASCII: a DNS name or an IPv4 address.
HOST_NAME = re.compile(r"[a-z0-9_-]+(?:\.[a-z0-9_-]+)*")


def canonical_url(url: str) -> str:
    """The canonical form of an absolute http(s) URL, or ValueError saying why there is none.

    Lowercases the scheme and host, writes an international host in punycode, drops the
    default port, the fragment and tracking parameters (see TRACKING_PARAMETERS), and turns an
    empty path into "/". Everything else is kept as posted, in its order.
    """
    split = _split(url)
    host = _host(split, url)
    try:
        port = split.port
    except ValueError:
        raise ValueError(f"not a valid port in URL: {url!r}") from None
    scheme = split.scheme.lower()
    authority = f"{userinfo}@" if (userinfo := split.netloc.rpartition("@")[0]) else ""
    authority += host
    if port is not None and port != DEFAULT_PORTS[scheme]:
        authority += f":{port}"
    query = _without_tracking(split.query, host)
    return f"{scheme}://{authority}{split.path or '/'}{'?' + query if query else ''}"


def has_userinfo(url: str) -> bool:
    """Whether the URL carries a user name or password before its host (`https://me:pw@host/`).

    Such links are refused rather than fetched: the bot must never send credentials it found
    in a post, and `https://trusted.example@evil.example/` reads like the wrong host.
    """
    return "@" in _split(url).netloc


def _split(url: str) -> SplitResult:
    text = url.strip()
    try:
        split = urlsplit(text)
    except ValueError as e:  # e.g. an unclosed IPv6 bracket
        raise ValueError(f"not a URL ({e}): {url!r}") from None
    if split.scheme.lower() not in DEFAULT_PORTS or not split.netloc:
        raise ValueError(f"not an absolute http(s) URL: {url!r}")
    if "\\" in split.netloc:
        # Browsers read a backslash as a slash, so the host they see differs from ours.
        raise ValueError(f"not a valid host in URL: {url!r}")
    return split


def _host(split: SplitResult, url: str) -> str:
    """The lowercase ASCII host: an IPv6 literal in brackets, or a name in punycode."""
    host = split.hostname or ""  # already lowercase, without brackets and port
    if ":" in host:
        return f"[{host}]"
    host = host.rstrip(".")  # "example.com." is the same host as "example.com"
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise ValueError(f"not a valid international host name in URL: {url!r}") from None
    if not HOST_NAME.fullmatch(host):
        raise ValueError(f"not a valid host in URL: {url!r}")
    return host


def _without_tracking(query: str, host: str) -> str:
    bare_host = host.removeprefix("www.")
    kept = []
    for pair in query.split("&"):
        if not pair:
            continue
        name = unquote(pair.partition("=")[0]).lower()
        if name in TRACKING_PARAMETERS or name.startswith(TRACKING_PREFIXES):
            continue
        if bare_host in X_HOSTS and name in X_TRACKING_PARAMETERS:
            continue
        kept.append(pair)
    return "&".join(kept)
