"""Reading Bluesky: threads and feeds from an AppView, through the atproto SDK.

Reading needs no login: every call goes to the configured `bluesky.service` (the public
AppView by default, the local dev-env AppView in tests), through `BoundedRequest` (a
deadline for the whole call, a size cap, no redirects).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from atproto import Client, models
from atproto_client.exceptions import (
    AtProtocolError,
    BadRequestError,
    InvokeTimeoutError,
    NetworkError,
    RateLimitExceededError,
    RequestErrorBase,
)
from atproto_client.models.common import XrpcError

from bot.errors import BadInput, RateLimited, ServiceError, describe
from bot.models import FeedPage, Platform, Post, PostRef, Thread
from bot.sources.base import KnownPosts
from bot.sources.bluesky.records import (
    MalformedView,
    ThreadViewParts,
    gap_post,
    parse_post_view,
    parse_thread_view,
)
from bot.sources.bluesky.urls import did_of, is_did, normalize_actor, post_uri
from bot.sources.bluesky.xrpc import BoundedRequest, DeadlinePassed
from bot.sources.json_fields import JSON, obj, objects, text
from bot.threads import reconstruct

log = logging.getLogger(__name__)
T = TypeVar("T")

# How far one getPostThread reaches down and up. The lexicon allows 1000, but every level
# of replies nests the JSON two deeper: we ask for less and continue from where the answer
# stops (see _continue_truncated).
MAX_DEPTH = 60
MAX_PARENT_HEIGHT = 150
# Services cap how deep one getPostThread goes; we continue from where it stopped, up to this
# many extra calls per thread.
MAX_CONTINUATIONS = 200
GET_POSTS_BATCH = 25


class BlueskySource:
    """Reads threads from an AppView. One instance per run; it holds one HTTP connection pool.

    `timeout`: seconds for one whole call (connecting, waiting and reading the answer).
    """

    platform: Platform = "bluesky"

    def __init__(self, service: str, timeout: float = 20.0) -> None:
        self.service = service.rstrip("/")
        self._client = Client(base_url=self.service, request=BoundedRequest(deadline=timeout))
        self.calls = 0  # requests made, for logs and benchmarks

    def close(self) -> None:
        self._client.request.close()

    def resolve_account(self, handle_or_id: str) -> str:
        handle_or_id = normalize_actor(handle_or_id)
        if is_did(handle_or_id):
            return handle_or_id
        try:
            response = self._call(
                lambda: self._client.invoke_query(
                    "com.atproto.identity.resolveHandle",
                    params=models.ComAtprotoIdentityResolveHandle.Params(handle=handle_or_id),
                )
            )
        except _NotFound:
            raise BadInput(f"unknown Bluesky handle: {handle_or_id}") from None
        did = text(response.content, "did")
        if not is_did(did):
            raise ServiceError(f"{self.service} gave no DID for the handle {handle_or_id}")
        return did

    def author_feed(self, account_id: str, cursor: str | None, limit: int) -> FeedPage:
        """One page of an account's own posts and replies, newest first (reposts left out)."""
        params = models.AppBskyFeedGetAuthorFeed.Params(
            actor=account_id, cursor=cursor, limit=limit, filter="posts_with_replies"
        )
        response = self._call(
            lambda: self._client.invoke_query("app.bsky.feed.getAuthorFeed", params=params)
        )
        posts = []
        for item in objects(response.content, "feed"):
            if item.get("reason") or not obj(item, "post"):
                continue
            try:
                posts.append(parse_post_view(obj(item, "post")))
            except MalformedView as e:
                log.warning("skipped a post in %s's feed: %s", account_id, e)
        return FeedPage(posts=posts, cursor=text(response.content, "cursor") or None)

    def fetch_thread(self, ref: PostRef, known: KnownPosts = lambda root_id: ()) -> Thread:
        """The whole thread containing the post `ref` names, as the root author wrote it.

        `known(root_id)` gives the posts archived earlier for that thread: any the service no
        longer returns are looked up, and those gone come back with status "deleted".
        """
        uri = post_uri(self.resolve_account(ref.author), ref.post_id)
        try:
            first = self._thread_view(uri, MAX_DEPTH, MAX_PARENT_HEIGHT)
        except _NotFound:
            raise BadInput(f"post not found: {ref.url}") from None
        parts = parse_thread_view(first)
        requested = parts.posts.get(uri)
        if requested is None:
            why = next((s for s in parts.skipped if s.startswith(uri)), None)
            raise BadInput(f"post unreadable: {ref.url}" + (f" ({why})" if why else ""))
        if requested.status != "ok":
            raise BadInput(f"post {requested.status.replace('_', ' ')}: {ref.url}")

        root_id = requested.reply_root_id or _top_of_chain(parts, uri)
        if root_id != uri:
            try:
                self._merge(parts, self._thread_view(root_id, MAX_DEPTH, 0))
            except _NotFound:
                log.info("thread root %s is gone; archiving what remains", root_id)
        self._continue_truncated(parts, root_id)
        missing = [p for p in known(root_id) if p.id not in parts.posts]
        self._check_known(parts, missing, root_id)
        # a root we never saw is a gap, by the author its URI names
        parts.posts.setdefault(root_id, gap_post(root_id, "not_found", None))
        thread = reconstruct(parts.posts.values(), root_id)
        thread.notes.extend(parts.skipped)
        return thread

    def _continue_truncated(self, parts: ThreadViewParts, root_id: str) -> None:
        author = did_of(root_id)
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
                partial(self._client.invoke_query, "app.bsky.feed.getPosts", params=params)
            )
            found = {text(v, "uri"): v for v in objects(response.content, "posts")}
            for post in batch:
                fresh = _readable(found.get(post.id))
                if fresh is not None:
                    parts.posts[post.id] = fresh
                    if fresh.reply_count:
                        parts.truncated.add(post.id)
                else:
                    post.status = "deleted"
                    parts.posts[post.id] = post
        if missing:
            self._continue_truncated(parts, root_id)

    def _merge(self, parts: ThreadViewParts, view: JSON) -> None:
        more = parse_thread_view(view)
        for uri, post in more.posts.items():
            # a real post beats a gap for the same URI; otherwise the first answer stands
            if uri not in parts.posts or (parts.posts[uri].status != "ok" and post.status == "ok"):
                parts.posts[uri] = post
        parts.truncated |= more.truncated
        parts.expanded |= more.expanded
        parts.skipped += [s for s in more.skipped if s not in parts.skipped]

    def _thread_view(self, uri: str, depth: int, parent_height: int) -> JSON:
        params = models.AppBskyFeedGetPostThread.Params(
            uri=uri, depth=depth, parent_height=parent_height
        )
        response = self._call(
            lambda: self._client.invoke_query("app.bsky.feed.getPostThread", params=params)
        )
        thread = obj(response.content, "thread")
        if not thread:
            raise ServiceError(f"unexpected answer from {self.service} for {uri}")
        return thread

    def _call(self, fn: Callable[[], T]) -> T:
        """Run one XRPC call, turning SDK errors into the project's errors."""
        self.calls += 1
        return call_service(self.service, fn)


def call_service(service: str, fn: Callable[[], T]) -> T:
    """Run one XRPC call against `service`, its SDK errors raised as the project's."""
    try:
        return fn()
    except AtProtocolError as e:
        raise service_error(service, e) from None


def service_error(service: str, e: AtProtocolError) -> Exception:
    """An SDK error as one sentence (never empty): a ServiceError or RateLimited, or
    _NotFound for "not found" answers, which callers turn into BadInput."""
    if isinstance(e, BadRequestError):
        name, message = _xrpc_error(e)
        if name in ("NotFound", "InvalidRequest") and "not found" in message.lower():
            return _NotFound(message)
        if "Unable to resolve handle" in message or name == "HandleNotFound":
            return _NotFound(message)
        return ServiceError(f"{service} refused the request: {name} {message}".strip())
    if isinstance(e, RateLimitExceededError):
        return rate_limited(service, e)
    if isinstance(e, InvokeTimeoutError | DeadlinePassed):
        return ServiceError(f"{service} did not answer in time ({describe(e)})")
    if isinstance(e, NetworkError):
        if e.response is None:
            return ServiceError(f"cannot reach the Bluesky service at {service}")
        return ServiceError(f"{service} failed: HTTP {e.response.status_code}")
    if isinstance(e, RequestErrorBase):
        status = e.response.status_code if e.response is not None else "?"
        name, message = _xrpc_error(e)
        return ServiceError(f"{service} answered HTTP {status} {name} {message}".strip())
    return ServiceError(f"unexpected answer from {service}: {describe(e)}")


def rate_limited(service: str, e: RateLimitExceededError) -> RateLimited:
    reset = e.reset_at
    when = f" until {reset.isoformat()}" if reset else ""
    return RateLimited(f"{service} is rate limiting us{when}", reset.timestamp() if reset else None)


class _NotFound(Exception):
    pass


def _readable(view: Any) -> Post | None:
    if not isinstance(view, dict):
        return None
    try:
        return parse_post_view(view)
    except MalformedView as e:
        log.warning("an archived post came back unreadable: %s", e)
        return None


def _xrpc_error(e: RequestErrorBase) -> tuple[str, str]:
    content = e.response.content if e.response is not None else None
    if isinstance(content, XrpcError):
        return content.error or "", content.message or ""
    return "", ""


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
