"""The canonical form of a link: one spelling for the same link posted in different ways.

Two reporters may post the same order as `HTTPS://Storage.CourtListener.com:443/recap/…#page=3`
and `https://storage.courtlistener.com/recap/…?utm_source=bsky`; both become
`https://storage.courtlistener.com/recap/…`, so the link is fetched and archived once.

    >>> canonical_url("HTTPS://WWW.Politico.com:443/news/x?utm_source=bsky&page=2#top")
    'https://www.politico.com/news/x?page=2'
    >>> canonical_url("https://www.youtube.com/watch?v=dQw4w9WgXcQ&si=Ab12Cd&t=42")
    'https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42'

Only what cannot change the page is normalised. The path and the kept query parameters stay
byte for byte as posted, in their order: decoding `%2F` or reordering parameters can name a
different page.

Which parameters go. One article shared by five readers arrives with five share ids
(`?CMP=share_btn_tw`, `?smid=nytcore-ios-share&smtyp=cur`, `?utm_source=…`, `?si=…`); each
must become the one canonical URL. A parameter is decided by its name, compared without case,
in this order:

1. SITE_RULES: what one site means by a name. `t` is a share token on X but the start time on
   YouTube; `mod` tracks on the Wall Street Journal; `ref` names a branch on GitHub.
2. KEEP_PARAMETERS: never dropped. Dropping a parameter that selects the page would merge two
   pages into one archived copy, which is worse than archiving a page twice, so this list
   wins over every rule below: access to paywalled stories (gift links: `gift`, `giftCode`,
   NYT `unlocked_article_code`, WaPo `pwapi_token`, Bloomberg and FT `accessToken`, Medium
   `sk`, `sharetoken`/`giftToken`), what a page shows (`page`, `p`, `id`, search `q`,
   `keyword`, a legislature's `session`, `source`), and courlan's own list of parameters
   that name content (ALLOWED_PARAMS: `article_id`, `itemid`, `postid` …).
3. TRACKING_PARAMETERS and TRACKING_PREFIXES: share and click ids named exactly (`cmp`, `si`,
   `share_id`, `trk`, `ito`, `smtyp`, `smid`, `sh`, `mbid`, `ns_*`, `at_medium` …).
4. courlan's TRACKERS_RE, the rule set trafilatura's URL cleaner maintains (from AdGuard's
   tracking-parameter filter, ClearURLs and Firefox's query stripping): `utm_*`, `fbclid`,
   `gclid`, `cid`, `xtor`, `mc_*`, `pk_*` …. courlan searches for its words anywhere after an
   underscore, so `case_ref` or `data_source` would go too; we take its rule only for a whole
   name or a prefix (`ref`, `utm_source`), and name the namespaced trackers in 3 ourselves.

Anything else is kept: an unknown parameter may select the page.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from urllib.parse import SplitResult, unquote, urlsplit

from bot.links.hosts import normalize_host

DEFAULT_PORTS = {"http": 80, "https": 443}

# Parameters that select or unlock the page, never dropped (see the module docstring).
KEEP_PARAMETERS = frozenset(
    {
        # gift and share links that let a reader past a paywall
        "gift",
        "giftcode",
        "gift_code",
        "giftid",  # The Economist
        "gift_id",
        "gifttoken",
        "gift_token",
        "sharetoken",
        "share_token",
        "share",  # unknown meaning, and some sites' gift links: kept
        "sharetype",  # FT: sharetype=gift goes with the accessToken
        "unlocked_article_code",  # New York Times
        "pwapi_token",  # Washington Post
        "accesstoken",  # Bloomberg, Financial Times
        "access_token",
        "token",
        "sk",  # Medium friend links
        # what the page shows
        "page",
        "p",
        "id",
        "q",
        "query",
        "search",
        "keyword",  # courlan counts keyword/source/session as trackers; for a search page, a
        "keywords",  # source listing or a legislature's session they are the page itself
        "source",
        "session",
        "v",
        "lang",
        "language",
    }
)

# Share and click ids, named exactly. Compared without case.
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
        "mibextid",  # Facebook share sheet
        "rdt",  # Reddit
        "__twitter_impression",
        "fb_action_ids",
        "fb_action_types",
        "fb_ref",
        "fb_source",
        "action_object_map",
        "action_type_map",
        "action_ref_map",
        "_branch_match_id",
        "_branch_referrer",
        # share ids that news sites and apps add
        "cmp",  # The Guardian: CMP=share_btn_tw
        "cmpid",
        "ocid",  # MSN
        "icid",
        "ncid",  # Yahoo
        "itid",  # Washington Post
        "si",  # Spotify, YouTube, Apple: the share's id
        "share_id",  # Reddit
        "trk",  # LinkedIn
        "trkcampaign",
        "trkinfo",
        "trackingid",
        "ito",  # Wall Street Journal, Barron's
        "smid",  # New York Times share links
        "smtyp",
        "sh",  # Forbes
        "mbid",
        "ftag",  # CNET, ZDNet
        "tsrc",
        "soc_src",
        "soc_trk",
        "guccounter",  # Yahoo's consent redirect
        "guce_referrer",
        "guce_referrer_sig",
        "sr_share",
        "s_cid",  # Adobe Analytics
        "s_kwcid",
        # AT Internet (the BBC): the namespaced ones courlan's rule is not taken for
        "at_medium",
        "at_campaign",
        "at_format",
        "at_link_id",
        "at_link_origin",
        "at_link_type",
        "at_ptr_name",
        "at_bbc_team",
        "at_custom1",
        "at_custom2",
        "at_custom3",
        "at_custom4",
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
        "wt_zmc",
        # embeds and share buttons
        "ref_src",
        "ref_url",
    }
)
TRACKING_PREFIXES = ("utm_", "ns_", "hsa_")  # Google Analytics, comScore (BBC), HubSpot ads


@dataclass(frozen=True)
class SiteRule:
    """What one site's parameter names mean: `drop` are trackers there, `keep` select the page."""

    drop: frozenset[str] = frozenset()
    keep: frozenset[str] = frozenset()


X_RULE = SiteRule(drop=frozenset({"s", "t"}))  # ?s=20&t=…: which app shared it, a share token
YOUTUBE_RULE = SiteRule(
    drop=frozenset({"feature", "pp", "ab_channel", "embeds_referring_euri"}),
    keep=frozenset({"v", "t", "list", "index", "start"}),  # t and start: where the video starts
)
DOW_JONES_RULE = SiteRule(drop=frozenset({"mod", "reflink"}), keep=frozenset({"st"}))  # st: gift
# A rule applies to its domain and every host under it (m.youtube.com, mobile.twitter.com).
SITE_RULES: dict[str, SiteRule] = {
    "x.com": X_RULE,
    "twitter.com": X_RULE,
    "youtube.com": YOUTUBE_RULE,
    "youtu.be": YOUTUBE_RULE,
    "youtube-nocookie.com": YOUTUBE_RULE,
    "wsj.com": DOW_JONES_RULE,
    "barrons.com": DOW_JONES_RULE,
    "marketwatch.com": DOW_JONES_RULE,
    "github.com": SiteRule(keep=frozenset({"ref"})),  # a branch or tag
    "linkedin.com": SiteRule(drop=frozenset({"lipi", "licu", "midtoken", "midsig"})),
    "tiktok.com": SiteRule(
        drop=frozenset({"_r", "_t", "is_from_webapp", "sender_device", "sender_web_id"})
    ),
    "bloomberg.com": SiteRule(drop=frozenset({"sref", "srnd", "leadsource"})),
}
NO_RULE = SiteRule()

# No tracker's name is this long; longer names are kept without running courlan's rule on them.
LONGEST_TRACKER_NAME = 64


def canonical_url(url: str) -> str:
    """The canonical form of an absolute http(s) URL, or ValueError saying why there is none.

    Lowercases the scheme and host, writes an international host in punycode, drops the
    default port, the fragment and tracking parameters (`is_tracking_parameter`), and turns an
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
    try:
        return normalize_host(split.hostname or "")
    except ValueError as e:
        what = "international host name" if "international" in str(e) else "host"
        raise ValueError(f"not a valid {what} in URL: {url!r}") from None


def is_tracking_parameter(name: str, host: str) -> bool:
    """Whether a query parameter `name` only says where a click on `host` came from.

    `name` as it stands in the URL (any case, percent-encoded or not); `host` lowercase.
    The order of the rules is the module docstring's.
    """
    name = unquote(name).lower()
    site = _site_rule(host)
    if name in site.keep:
        return False
    if name in site.drop:
        return True
    if name in KEEP_PARAMETERS or name in _courlan_content_parameters():
        return False
    if name in TRACKING_PARAMETERS or name.startswith(TRACKING_PREFIXES):
        return True
    return _courlan_says_tracking(name)


def _site_rule(host: str) -> SiteRule:
    labels = host.split(".")
    for i in range(len(labels) - 1):  # youtube.com for m.youtube.com; never the bare TLD
        rule = SITE_RULES.get(".".join(labels[i:]))
        if rule is not None:
            return rule
    return NO_RULE


def _courlan_says_tracking(name: str) -> bool:
    """courlan's TRACKERS_RE, taken for a whole name or a prefix only (see the docstring)."""
    if len(name) > LONGEST_TRACKER_NAME:
        return False
    trackers = _courlan_trackers()
    if trackers.fullmatch(name):
        return True
    match = trackers.match(name)
    return match is not None and match.group().endswith("_")  # a prefix rule: utm_, pk_, mc_


@functools.cache
def _courlan_trackers() -> re.Pattern[str]:
    # Imported on first use: courlan brings its URL toolkit (~0.2 s), which importing
    # bot.links need not pay.
    from courlan.clean import TRACKERS_RE

    return TRACKERS_RE


@functools.cache
def _courlan_content_parameters() -> frozenset[str]:
    from courlan.settings import ALLOWED_PARAMS

    return frozenset(ALLOWED_PARAMS)


def _without_tracking(query: str, host: str) -> str:
    kept = []
    for pair in query.split("&"):
        if pair and not is_tracking_parameter(pair.partition("=")[0], host):
            kept.append(pair)
    return "&".join(kept)
