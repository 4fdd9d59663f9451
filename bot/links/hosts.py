"""One spelling of a URL's host, for every module that compares hosts. Pure.

>>> normalize_host("WWW.Politico.com.")
'www.politico.com'
>>> normalize_host("bücher.example")
'xn--bcher-kva.example'
>>> host_of("https://[::1]:8001/x")
'[::1]'
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# What is left of a host once it is lowercase ASCII: a DNS name or an IPv4 address.
HOST_NAME = re.compile(r"[a-z0-9_-]+(?:\.[a-z0-9_-]+)*")


def normalize_host(host: str) -> str:
    """Lowercase ASCII, no trailing dot, international names in punycode, an IPv6 literal in
    brackets; ValueError for what is no host name."""
    host = host.strip().lower().strip("[]")
    if ":" in host:
        return f"[{host}]"
    host = host.rstrip(".")  # "example.com." is the same host as "example.com"
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise ValueError(f"not a valid international host name: {host!r}") from None
    if not HOST_NAME.fullmatch(host):
        raise ValueError(f"not a valid host name: {host[:100]!r}")
    return host


def host_of(url: str) -> str:
    """The normalized host of a URL, or "" when it has none (or is no URL at all)."""
    try:
        return normalize_host(urlsplit(url.strip()).hostname or "")
    except ValueError:
        return ""


def under(host: str, domain: str) -> bool:
    """Whether `host` is `domain` or one of its subdomains ("www.politico.com", "politico.com")."""
    return host == domain or host.endswith("." + domain)
