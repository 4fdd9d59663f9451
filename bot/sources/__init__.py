"""Platforms threads come from. Each module turns URLs and platform JSON into models."""

from __future__ import annotations

from urllib.parse import urlsplit

from bot.errors import BadInput
from bot.models import PostRef
from bot.sources import bluesky

X_HOSTS = {"x.com", "www.x.com", "twitter.com", "www.twitter.com", "mobile.twitter.com"}


def parse_post_url(text: str) -> PostRef:
    """Whatever a user typed → the post it names, or BadInput saying why it names none."""
    text = text.strip()
    if not text:
        raise BadInput("empty URL")
    if any(c.isspace() for c in text):
        raise BadInput(f"not a URL (contains spaces): {text!r}")
    ref = bluesky.parse_post_url(text)
    if ref is not None:
        return ref
    split = urlsplit(text if "://" in text else f"https://{text}")
    if split.scheme not in ("http", "https") or not split.hostname or "." not in split.hostname:
        raise BadInput(f"not a URL: {text!r}")
    if split.hostname.lower() in X_HOSTS:
        raise BadInput(f"X posts cannot be archived yet, only Bluesky: {text}")
    raise BadInput(f"not a Bluesky post URL (https://bsky.app/profile/<handle>/post/<id>): {text}")
