"""Which URLs the fetcher may request at all. Pure.

http or https, no user name or password, a valid host name or address, a usable port, not
absurdly long; international names become punycode, old-style IPv4 forms (2130706433) the
usual dotted form. Anything else is a `BadURL` whose message says why — a permanent failure:
a URL that can never work is never retried.
"""

from __future__ import annotations

import re
import urllib.parse

import httpx

from bot.links.fetch.guard import parse_ip_literal

# Browsers and servers stop somewhere near here; a longer "link" is junk or an attack.
MAX_URL_LENGTH = 8192
_HOST_NAME = re.compile(
    r"(?=.{1,253}\.?$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?"
    r"(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*\.?",
    re.IGNORECASE,
)


class BadURL(ValueError):
    """The URL cannot be fetched as written; the message says why."""


def parse_url(text: str) -> httpx.URL:
    """`text` as a URL the fetcher may request, or BadURL with the reason."""
    text = text.strip()
    if not text:
        raise BadURL("empty URL")
    if len(text) > MAX_URL_LENGTH:
        raise BadURL(f"URL longer than {MAX_URL_LENGTH:,} characters")
    if "\\" in text.split("?", 1)[0].split("#", 1)[0]:
        # Browsers read a backslash as a slash (http:\\host\page), so the host they would
        # reach is not the one a parser sees: refuse rather than guess.
        raise BadURL("malformed URL: a backslash where a slash belongs")
    try:
        url = httpx.URL(text)
    except httpx.InvalidURL as e:
        fixed = _with_old_ipv4_form(text)
        if fixed is None:
            raise BadURL(f"malformed URL: {e}") from None
        url = fixed
    if url.scheme not in ("http", "https"):
        raise BadURL("not an http(s) URL")
    if url.userinfo:
        raise BadURL("URL contains a user name or password")
    host = url.raw_host.decode("ascii")
    if not host:
        raise BadURL("URL has no host name")
    if url.port is not None and not 0 < url.port < 65536:
        raise BadURL(f"invalid port {url.port}")
    literal = parse_ip_literal(host)
    if literal is None and not _HOST_NAME.fullmatch(host):
        raise BadURL(f"invalid host name {urllib.parse.unquote(url.host)[:100]!r}")
    if literal is not None and ":" not in host and literal != host:
        url = url.copy_with(host=literal)  # 0x7f.1 → 127.0.0.1
    return url


def _with_old_ipv4_form(text: str) -> httpx.URL | None:
    """`text` with a host httpx refuses but C libraries accept (0177.0.0.1) made dotted."""
    try:
        parts = urllib.parse.urlsplit(text)
        host = parts.hostname
    except ValueError:
        return None
    literal = parse_ip_literal(host) if host else None
    if literal is None or ":" in literal:
        return None
    userinfo, at, host_and_port = parts.netloc.rpartition("@")
    _, colon, port = host_and_port.partition(":")
    netloc = f"{userinfo}{at}{literal}{colon}{port}"
    try:
        return httpx.URL(parts._replace(netloc=netloc).geturl())
    except httpx.InvalidURL:
        return None
