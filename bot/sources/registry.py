"""Which connector serves which platform. The CLI and the daemon ask here and never name a
platform themselves; adding a platform is adding its package and one line below."""

from __future__ import annotations

import importlib
from functools import cache
from urllib.parse import urlsplit

from bot.errors import BadInput
from bot.models import PostRef
from bot.sources.base import Connector

# Each module exposes CONNECTOR (bot.sources.base.Connector).
PLATFORM_MODULES = ("bot.sources.bluesky", "bot.sources.x")


@cache
def connectors() -> dict[str, Connector]:
    found: dict[str, Connector] = {}
    for name in PLATFORM_MODULES:
        connector: Connector = importlib.import_module(name).CONNECTOR
        found[connector.platform] = connector
    return found


def connector(platform: str) -> Connector:
    try:
        return connectors()[platform]
    except KeyError:
        raise BadInput(f"no connector for the platform {platform!r}") from None


def parse_post_url(text: str) -> PostRef:
    """Whatever a user typed → the post it names, or BadInput saying why it names none."""
    text = text.strip()
    if not text:
        raise BadInput("empty URL")
    if any(c.isspace() for c in text):
        raise BadInput(f"not a URL (contains spaces): {text[:200]!r}")
    for each in connectors().values():
        ref = each.parse_url(text)
        if ref is not None:
            return ref
    try:
        split = urlsplit(text if "://" in text else f"https://{text}")
        scheme, host = split.scheme, split.hostname
    except ValueError:
        scheme, host = "", None
    if scheme not in ("http", "https") or not host or "." not in host:
        raise BadInput(f"not a URL: {text[:200]!r}")
    names = " or ".join(sorted(connectors()))
    raise BadInput(f"not a post URL of a platform threadbot reads ({names}): {text[:200]}")
