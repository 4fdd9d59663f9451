"""Bluesky's names for posts: bsky.app URLs, at:// URIs, handles and DIDs. Pure.

The one place that knows their shapes:

    >>> ref = parse_post_url("https://bsky.app/profile/Reporter.test/post/3kabc")
    >>> ref.author, ref.post_id
    ('reporter.test', '3kabc')
    >>> post_uri("did:plc:abc", "3kabc")
    'at://did:plc:abc/app.bsky.feed.post/3kabc'
    >>> AtUri.parse("at://did:plc:abc/app.bsky.feed.post/3kabc").rkey
    '3kabc'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from bot.errors import BadInput
from bot.handles import is_did, is_handle
from bot.models import PostRef

WEB_HOSTS = frozenset({"bsky.app", "www.bsky.app", "staging.bsky.app"})
POST_COLLECTION = "app.bsky.feed.post"
RKEY_RE = re.compile(r"[A-Za-z0-9._:~-]{1,512}")


@dataclass(frozen=True)
class AtUri:
    """at://<authority>/<collection>/<rkey>"""

    authority: str  # a DID (or a handle, in URIs people type)
    collection: str
    rkey: str

    @classmethod
    def parse(cls, uri: str) -> AtUri | None:
        """The parts of an at:// URI with all three, or None for anything else."""
        if not isinstance(uri, str) or not uri.startswith("at://"):
            return None
        parts = uri.removeprefix("at://").split("?")[0].split("#")[0].strip("/").split("/")
        if len(parts) != 3 or not all(parts):
            return None
        return cls(*parts)

    @property
    def is_post(self) -> bool:
        return self.collection == POST_COLLECTION


def post_uri(did: str, rkey: str) -> str:
    return f"at://{did}/{POST_COLLECTION}/{rkey}"


def is_post_uri(value: Any) -> bool:
    """An at:// URI of a post: quotes and replies may point at lists, feeds or junk."""
    uri = AtUri.parse(value) if isinstance(value, str) else None
    return uri is not None and uri.is_post


def did_of(uri: str) -> str:
    """The authority of an at:// URI (the DID of the repository the record is in)."""
    parsed = AtUri.parse(uri)
    return parsed.authority if parsed else uri.removeprefix("at://").split("/")[0]


def web_url(uri: str, handle_or_did: str | None = None) -> str:
    """https://bsky.app/profile/<handle or did>/post/<rkey> for an at:// post URI."""
    parsed = AtUri.parse(uri)
    if parsed is None:
        return ""
    return f"https://bsky.app/profile/{handle_or_did or parsed.authority}/post/{parsed.rkey}"


def parse_post_url(text: str) -> PostRef | None:
    """A bsky.app post URL or an at:// post URI → PostRef; None if it is not Bluesky at all.

    Raises BadInput for something that is clearly meant as Bluesky but names no post.
    """
    if text.startswith("at://"):
        uri = AtUri.parse(text)
        if uri is None or not uri.is_post:
            raise BadInput(
                f"not an at:// URI of a post (at://<did>/{POST_COLLECTION}/<rkey>): {_cut(text)}"
            )
        return _ref(uri.authority, uri.rkey, text)
    split = urlsplit(text if "://" in text else f"https://{text}")
    if (split.hostname or "").lower() not in WEB_HOSTS or split.scheme not in ("http", "https"):
        return None
    parts = [unquote(p) for p in split.path.split("/") if p]
    if len(parts) != 4 or parts[0] != "profile" or parts[2] != "post":
        raise BadInput(
            f"not a Bluesky post URL (https://bsky.app/profile/<handle>/post/<id>): {_cut(text)}"
        )
    return _ref(parts[1], parts[3], text)


def ref_of(post_id: str) -> PostRef:
    """The ref of a stored post: its at:// URI names the repository's DID and the rkey."""
    uri = AtUri.parse(post_id)
    if uri is None or not uri.is_post:
        raise BadInput(f"not a Bluesky post id: {_cut(post_id)}")
    return PostRef(platform="bluesky", author=uri.authority, post_id=uri.rkey, url=post_id)


def normalize_actor(actor: str) -> str:
    """A handle in lowercase without "@"; a DID as it is (DIDs are case-sensitive)."""
    actor = actor.strip().removeprefix("@")
    return actor if actor.startswith("did:") else actor.lower()


def _ref(author: str, rkey: str, text: str) -> PostRef:
    author = normalize_actor(author)
    if not (is_did(author) or is_handle(author)):
        raise BadInput(f"not a valid Bluesky handle or DID: {_cut(author)!r} in {_cut(text)}")
    if not RKEY_RE.fullmatch(rkey) or rkey in (".", ".."):
        raise BadInput(f"not a valid Bluesky post id: {_cut(rkey)!r} in {_cut(text)}")
    return PostRef(platform="bluesky", author=author, post_id=rkey, url=text)


def _cut(text: str, limit: int = 200) -> str:
    """Long input is shown shortened: one line of error, not 100 KB of it."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
