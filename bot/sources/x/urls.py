"""X post URLs and ids. Pure: no network.

A user names a post with any of the URLs X and Twitter have used (x.com, twitter.com, their
www. and mobile. hosts, `/<name>/status/<id>`, `/i/web/status/<id>`, `/i/status/<id>`, with
any query string or trailing `/photo/1`). Inside threadbot an X post is `x:<tweet id>` and an
account `x:<user id>`, so they never collide with Bluesky's at:// URIs and DIDs.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from bot.errors import BadInput
from bot.models import PostRef

HOSTS = frozenset(
    {
        "x.com",
        "www.x.com",
        "mobile.x.com",
        "twitter.com",
        "www.twitter.com",
        "mobile.twitter.com",
        "m.twitter.com",
    }
)
PREFIX = "x:"
# Snowflake ids are 64-bit; the first tweets had small ids. Nothing longer than 20 digits fits.
STATUS_ID = re.compile(r"^[0-9]{1,20}$")
SCREEN_NAME = re.compile(r"^[A-Za-z0-9_]{1,50}$")
USAGE = "https://x.com/<name>/status/<id>"


def parse_post_url(text: str) -> PostRef | None:
    """An X post URL (or an `x:<id>` post id) → PostRef; None if it is not X at all.

    Raises BadInput for an X URL that names no post (a profile, a search, a malformed id).
    """
    text = text.strip()
    if text.startswith(PREFIX):
        return ref_of(text)
    split = urlsplit(text if "://" in text else f"https://{text}")
    if split.scheme not in ("http", "https") or (split.hostname or "").lower() not in HOSTS:
        return None
    path = split.path
    # old links: twitter.com/#!/name/status/123
    if split.fragment.startswith("!/") and path in ("", "/"):
        path = split.fragment[1:]
    parts = [unquote(p) for p in path.split("/") if p]
    if len(parts) >= 4 and parts[0] == "i" and parts[1] == "web" and parts[2] == "status":
        return _ref("", parts[3], text)
    if len(parts) >= 3 and parts[0] == "i" and parts[1] == "status":
        return _ref("", parts[2], text)
    if len(parts) >= 3 and parts[1] in ("status", "statuses"):
        name = parts[0].removeprefix("@")
        if not SCREEN_NAME.match(name) or name == "i":
            raise BadInput(f"not a valid X account name: {name!r} in {text}")
        return _ref(name, parts[2], text)
    raise BadInput(f"not an X post URL ({USAGE}): {text}")


def _ref(author: str, status_id: str, text: str) -> PostRef:
    if not STATUS_ID.match(status_id) or int(status_id) == 0:
        raise BadInput(f"not a valid X post id: {status_id!r} in {text}")
    return PostRef(platform="x", author=author, post_id=str(int(status_id)), url=text)


def ref_of(post_id: str) -> PostRef:
    """A stored post id (`x:<tweet id>`) → the ref to fetch it again."""
    status_id = post_id.removeprefix(PREFIX)
    if not post_id.startswith(PREFIX) or not STATUS_ID.match(status_id):
        raise BadInput(f"not an X post id (x:<digits>): {post_id!r}")
    return PostRef(platform="x", author="", post_id=status_id, url=post_url(status_id))


def post_id(status_id: str) -> str:
    """A tweet id → threadbot's post id."""
    return PREFIX + status_id


def account_id(user_id: str) -> str:
    """An X user id → threadbot's account id."""
    return PREFIX + user_id


def bare_id(namespaced: str) -> str:
    """`x:123` → `123` (a post or an account id as the X API wants it)."""
    return namespaced.removeprefix(PREFIX)


def post_url(status_id: str, screen_name: str = "") -> str:
    """Where a person reads the post: https://x.com/<name>/status/<id>."""
    if screen_name:
        return f"https://x.com/{screen_name}/status/{status_id}"
    return f"https://x.com/i/web/status/{status_id}"


def status_id_of_url(url: str) -> str | None:
    """The tweet id an X status URL points to, None for anything else (never raises)."""
    try:
        ref = parse_post_url(url)
    except BadInput:
        return None
    return ref.post_id if ref is not None else None
