"""Bluesky: post URLs → PostRef, and the AppView (through the atproto SDK) → a Thread.

Reading needs no login: every call goes to the configured `bluesky.service` (the public
AppView by default, the local dev-env AppView in tests).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import unquote, urlsplit

from atproto import Client, models
from atproto_client.exceptions import (
    AtProtocolError,
    BadRequestError,
    NetworkError,
    RateLimitExceededError,
    RequestErrorBase,
)
from atproto_client.models.common import XrpcError
from atproto_client.request import Request

from bot.errors import BadInput, RateLimited, ServiceError
from bot.models import Post, PostRef, Thread
from bot.sources.bluesky_records import ThreadViewParts, parse_post_view, parse_thread_view
from bot.threads import reconstruct

log = logging.getLogger(__name__)

WEB_HOSTS = {"bsky.app", "www.bsky.app", "staging.bsky.app"}
POST_COLLECTION = "app.bsky.feed.post"
# How far one getPostThread reaches down and up. The lexicon allows 1000, but every level
# of replies nests the JSON two deeper and the SDK's JSON parser stops at a nesting of 200:
# we ask for less and continue from where the answer stops (see _continue_truncated).
MAX_DEPTH = 60
MAX_PARENT_HEIGHT = 150
# Services cap how deep one getPostThread goes; we continue from where it stopped, up to this
# many extra calls per thread.
MAX_CONTINUATIONS = 200
GET_POSTS_BATCH = 25

HANDLE_RE = re.compile(
    r"^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$"
)
DID_RE = re.compile(r"^did:[a-z]+:[a-zA-Z0-9._:%-]*[a-zA-Z0-9._-]$")
RKEY_RE = re.compile(r"^[A-Za-z0-9._:~-]{1,512}$")


def parse_post_url(text: str) -> PostRef | None:
    """A bsky.app post URL or an at:// post URI → PostRef; None if it is not Bluesky at all.

    Raises BadInput for something that is clearly meant as Bluesky but names no post.
    """
    if text.startswith("at://"):
        parts = text.removeprefix("at://").split("?")[0].split("#")[0].strip("/").split("/")
        if len(parts) != 3 or parts[1] != POST_COLLECTION:
            raise BadInput(
                f"not an at:// URI of a post (at://<did>/{POST_COLLECTION}/<rkey>): {text}"
            )
        return _ref(parts[0], parts[2], text)
    split = urlsplit(text if "://" in text else f"https://{text}")
    if (split.hostname or "").lower() not in WEB_HOSTS or split.scheme not in ("http", "https"):
        return None
    parts = [unquote(p) for p in split.path.split("/") if p]
    if len(parts) != 4 or parts[0] != "profile" or parts[2] != "post":
        raise BadInput(
            f"not a Bluesky post URL (https://bsky.app/profile/<handle>/post/<id>): {text}"
        )
    return _ref(parts[1], parts[3], text)


def _ref(author: str, rkey: str, text: str) -> PostRef:
    author = author.lower() if not author.startswith("did:") else author
    author = author.removeprefix("@")
    if not (DID_RE.match(author) or HANDLE_RE.match(author)):
        raise BadInput(f"not a valid Bluesky handle or DID: {author!r} in {text}")
    if not RKEY_RE.match(rkey) or rkey in (".", ".."):
        raise BadInput(f"not a valid Bluesky post id: {rkey!r} in {text}")
    return PostRef(platform="bluesky", author=author, post_id=rkey, url=text)


class BlueskySource:
    """Reads threads from an AppView. One instance per run; it holds one HTTP connection pool."""

    def __init__(self, service: str, timeout: float = 20.0) -> None:
        self.service = service.rstrip("/")
        self._client = Client(base_url=self.service, request=Request(timeout=timeout))
        self.calls = 0  # requests made, for logs and benchmarks

    def close(self) -> None:
        self._client.request.close()

    def post_uri(self, ref: PostRef) -> str:
        did = ref.author if ref.author.startswith("did:") else self.resolve_handle(ref.author)
        return f"at://{did}/{POST_COLLECTION}/{ref.post_id}"

    def resolve_handle(self, handle: str) -> str:
        try:
            response = self._call(
                lambda: self._client.com.atproto.identity.resolve_handle({"handle": handle})
            )
        except _NotFound:
            raise BadInput(f"unknown Bluesky handle: {handle}") from None
        return response.did

    def author_feed(
        self, actor: str, cursor: str | None = None, limit: int = 50
    ) -> tuple[list[Post], str | None]:
        """One page of an account's own posts and replies, newest first (reposts left out)."""
        params = models.AppBskyFeedGetAuthorFeed.Params(
            actor=actor, cursor=cursor, limit=limit, filter="posts_with_replies"
        )
        response = self._call(
            lambda: self._client.invoke_query("app.bsky.feed.getAuthorFeed", params=params)
        )
        content = response.content if isinstance(response.content, dict) else {}
        items = content.get("feed") if isinstance(content.get("feed"), list) else []
        posts = [
            parse_post_view(item["post"])
            for item in items
            if isinstance(item, dict)
            and isinstance(item.get("post"), dict)
            and not item.get("reason")
        ]
        next_cursor = content.get("cursor")
        return posts, next_cursor if isinstance(next_cursor, str) and next_cursor else None

    def fetch_thread(
        self, ref: PostRef, known: Callable[[str], Iterable[Post]] = lambda root_id: ()
    ) -> Thread:
        """The whole thread containing the post `ref` names, as the root author wrote it.

        `known(root_id)` gives the posts archived earlier for that thread: any the service no
        longer returns are looked up, and those gone come back with status "deleted".
        """
        uri = self.post_uri(ref)
        try:
            first = self._thread_view(uri, MAX_DEPTH, MAX_PARENT_HEIGHT)
        except _NotFound:
            raise BadInput(f"post not found: {ref.url}") from None
        parts = parse_thread_view(first)
        requested = parts.posts.get(uri)
        if requested is None or requested.status != "ok":
            status = requested.status if requested else "not_found"
            raise BadInput(f"post {status.replace('_', ' ')}: {ref.url}")

        root_id = requested.reply_root_id or _top_of_chain(parts, uri)
        if root_id != uri:
            try:
                self._merge(parts, self._thread_view(root_id, MAX_DEPTH, 0))
            except _NotFound:
                log.info("thread root %s is gone; archiving what remains", root_id)
        self._continue_truncated(parts, root_id)
        missing = [p for p in known(root_id) if p.id not in parts.posts]
        self._check_known(parts, missing, root_id)
        return reconstruct(parts.posts.values(), root_id)

    def _continue_truncated(self, parts: ThreadViewParts, root_id: str) -> None:
        author = _did(root_id)
        done: set[str] = set()
        for _ in range(MAX_CONTINUATIONS):
            pending = sorted(
                uri
                for uri in parts.truncated - parts.expanded - done
                if parts.posts[uri].author_id == author
            )
            if not pending:
                return
            done.add(pending[0])
            try:
                self._merge(parts, self._thread_view(pending[0], MAX_DEPTH, 0))
            except _NotFound:
                continue
        log.warning("thread %s: stopped after %d continuation calls", root_id, MAX_CONTINUATIONS)

    def _check_known(self, parts: ThreadViewParts, missing: list[Post], root_id: str) -> None:
        """Posts archived before but not reached now: still there (unreachable) or deleted."""
        for post in missing:
            if post.status == "deleted":  # known gone: keep its place without asking again
                parts.posts[post.id] = post
        missing = [p for p in missing if p.status != "deleted"]
        for i in range(0, len(missing), GET_POSTS_BATCH):
            batch = missing[i : i + GET_POSTS_BATCH]
            params = models.AppBskyFeedGetPosts.Params(uris=[p.id for p in batch])
            response = self._call(
                lambda p=params: self._client.invoke_query("app.bsky.feed.getPosts", params=p)
            )
            content = response.content if isinstance(response.content, dict) else {}
            views = content.get("posts") if isinstance(content.get("posts"), list) else []
            found = {v["uri"]: v for v in views if isinstance(v, dict) and "uri" in v}
            for post in batch:
                if post.id in found:
                    fresh = parse_post_view(found[post.id])
                    parts.posts[post.id] = fresh
                    if fresh.reply_count:
                        parts.truncated.add(post.id)
                else:
                    post.status = "deleted"
                    parts.posts[post.id] = post
        if missing:
            self._continue_truncated(parts, root_id)

    def _merge(self, parts: ThreadViewParts, view: dict[str, Any]) -> None:
        more = parse_thread_view(view)
        for uri, post in more.posts.items():
            # a real post beats a gap for the same URI; otherwise the first answer stands
            if uri not in parts.posts or (parts.posts[uri].status != "ok" and post.status == "ok"):
                parts.posts[uri] = post
        parts.truncated |= more.truncated
        parts.expanded |= more.expanded

    def _thread_view(self, uri: str, depth: int, parent_height: int) -> dict[str, Any]:
        params = models.AppBskyFeedGetPostThread.Params(
            uri=uri, depth=depth, parent_height=parent_height
        )
        response = self._call(
            lambda: self._client.invoke_query("app.bsky.feed.getPostThread", params=params)
        )
        content = response.content
        if not isinstance(content, dict) or not isinstance(content.get("thread"), dict):
            raise ServiceError(f"unexpected answer from {self.service} for {uri}")
        return content["thread"]

    def _call(self, fn: Any) -> Any:
        """Run one XRPC call, turning SDK errors into the project's errors."""
        self.calls += 1
        try:
            return fn()
        except BadRequestError as e:
            name, message = _xrpc_error(e)
            if name in ("NotFound", "InvalidRequest") and "not found" in message.lower():
                raise _NotFound(message) from None
            if "Unable to resolve handle" in message or name == "HandleNotFound":
                raise _NotFound(message) from None
            raise ServiceError(
                f"{self.service} refused the request: {name} {message}".strip()
            ) from None
        except RateLimitExceededError as e:
            raise rate_limited(self.service, e) from None
        except NetworkError as e:
            if e.response is None:
                raise ServiceError(f"cannot reach the Bluesky service at {self.service}") from None
            raise ServiceError(f"{self.service} failed: HTTP {e.response.status_code}") from None
        except RequestErrorBase as e:
            status = e.response.status_code if e.response is not None else "?"
            name, message = _xrpc_error(e)
            raise ServiceError(
                f"{self.service} answered HTTP {status} {name} {message}".strip()
            ) from None
        except AtProtocolError as e:
            raise ServiceError(f"unexpected answer from {self.service}: {e}") from None


def rate_limited(service: str, e: RateLimitExceededError) -> RateLimited:
    reset = e.reset_at
    when = f" until {reset.isoformat()}" if reset else ""
    return RateLimited(f"{service} is rate limiting us{when}", reset.timestamp() if reset else None)


class _NotFound(Exception):
    pass


def _xrpc_error(e: RequestErrorBase) -> tuple[str, str]:
    content = e.response.content if e.response is not None else None
    if isinstance(content, XrpcError):
        return content.error or "", content.message or ""
    return "", ""


def _did(uri: str) -> str:
    return uri.removeprefix("at://").split("/")[0]


def _top_of_chain(parts: ThreadViewParts, uri: str) -> str:
    """Walk parent references as far as the fetched nodes go."""
    seen = {uri}
    current = parts.posts[uri]
    while current.reply_parent_id and current.reply_parent_id in parts.posts:
        if current.reply_parent_id in seen:
            break
        seen.add(current.reply_parent_id)
        current = parts.posts[current.reply_parent_id]
    return current.reply_parent_id or current.id
