"""X threads and feeds through the API v2 (app-only bearer token): the ThreadSource for X.

A thread is the root author's posts in one conversation (`conversation_id` is the root's
id). Recent search (`conversation_id:<root> from:<author>`) finds them while the root is
younger than seven days, X's search window; for older threads the author's timeline around
the root's time stands in, as far back as X keeps it (its 3,200 latest posts). Either way the
chain from the post the user named up to the root is walked by id, two levels per call
(the parent comes along in `includes`). What X withholds becomes a gap in its place
(deleted: not_found, protected or suspended: blocked), and what cannot be reached at all is
said in the log.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.config import Settings
from bot.errors import BadInput, ConfigError
from bot.models import FeedPage, Platform, Post, PostRef, Thread
from bot.sources.base import KnownPosts
from bot.sources.json_fields import obj
from bot.sources.x.client import UserContext, XApi
from bot.sources.x.records import (
    EXPANSIONS,
    MEDIA_FIELDS,
    TWEET_FIELDS,
    USER_FIELDS,
    TweetError,
    gap,
    index_includes,
    parse_tweet,
    tweet_errors,
    tweets_of,
)
from bot.sources.x.urls import PREFIX, SCREEN_NAME, bare_id, post_id
from bot.threads import reconstruct

log = logging.getLogger(__name__)

SEARCH_WINDOW = timedelta(days=7)  # what recent search covers
# An old thread is looked for in the author's timeline from its root's time to this much
# later: a thread grows over hours or days, not weeks.
THREAD_SPAN = timedelta(days=7)
LOOKUP_BATCH = 100  # ids per GET /2/tweets
MAX_PAGES = 50  # pages of 100 per search or timeline walk: 5,000 posts
MAX_WALK_CALLS = 200  # lookups walking a chain upwards: at least 400 posts

FIELDS: dict[str, Any] = {
    "tweet_fields": TWEET_FIELDS,
    "expansions": EXPANSIONS,
    "media_fields": MEDIA_FIELDS,
    "user_fields": USER_FIELDS,
}


def secret(value: object) -> str:
    """A secret setting as text, whether it is a plain string or a masked Secret."""
    reveal = getattr(value, "reveal", None)
    return str(reveal() if callable(reveal) else value or "")


def api_from_settings(settings: Settings, user: UserContext | None = None) -> XApi:
    x = settings.x
    return XApi(x.api_base, secret(x.bearer_token), user, timeout=x.timeout)


class XSource:
    """Reads X threads and feeds. One instance per run; it holds one connection pool."""

    platform: Platform = "x"

    def __init__(self, api: XApi, now: datetime | None = None) -> None:
        if not api.has_bearer:
            raise ConfigError("reading X needs a bearer token: set THREADBOT_X_BEARER_TOKEN")
        self.api = api
        self._now = now  # fixed in tests; the clock otherwise

    @classmethod
    def from_settings(cls, settings: Settings) -> XSource:
        return cls(api_from_settings(settings))

    @property
    def calls(self) -> int:
        return self.api.calls

    @calls.setter
    def calls(self, value: int) -> None:
        self.api.calls = value

    def close(self) -> None:
        self.api.close()

    # --- accounts and feeds ------------------------------------------------------------

    def resolve_account(self, handle_or_id: str) -> str:
        """`x:<user id>` for a screen name ("@name" or "name"); an `x:` id as it is."""
        if handle_or_id.startswith(PREFIX):
            return handle_or_id
        name = handle_or_id.strip().removeprefix("@")
        if not SCREEN_NAME.match(name):
            raise BadInput(f"not a valid X account name: {handle_or_id!r}")
        answer = self.api.call(
            f"looking up @{name}",
            self.api.client.get_user,
            username=name,
            user_fields=USER_FIELDS,
        )
        user = answer.get("data") if isinstance(answer.get("data"), dict) else None
        if user is None or not isinstance(user.get("id"), str):
            details = " ".join(
                str(e.get("detail", "")) for e in answer.get("errors", []) if isinstance(e, dict)
            )
            if "suspended" in details.lower():
                raise BadInput(f"the X account @{name} is suspended")
            raise BadInput(f"unknown X account: @{name}")
        return PREFIX + user["id"]

    def author_feed(self, account_id: str, cursor: str | None, limit: int) -> FeedPage:
        """One page of the account's own posts and replies (no reposts), newest first."""
        answer = self.api.call(
            f"reading the posts of {account_id}",
            self.api.client.get_users_tweets,
            bare_id(account_id),
            exclude=["retweets"],
            max_results=max(5, min(100, limit)),
            pagination_token=cursor,
            **FIELDS,
        )
        includes = index_includes(answer)
        posts = [parse_tweet(t, includes) for t in tweets_of(answer)]
        meta = obj(answer, "meta")
        token = meta.get("next_token")
        return FeedPage(posts, token if isinstance(token, str) and token else None)

    # --- threads -----------------------------------------------------------------------

    def fetch_thread(self, ref: PostRef, known: KnownPosts = lambda root_id: ()) -> Thread:
        """The whole thread containing the post `ref` names, as its root author wrote it.

        `known(root_id)` gives posts archived earlier for that thread: those X no longer
        returns are asked for by id, and come back "deleted" (or "blocked") when they are gone.
        Raises BadInput when the named post cannot be read (deleted, protected, suspended).
        """
        found = _Found()
        self._lookup(found, [ref.post_id], f"reading post {ref.post_id}")
        named = found.posts.get(post_id(ref.post_id))
        if named is None or named.status != "ok":
            error = found.errors.get(ref.post_id)
            reason = error.reason if error else "was not found: deleted, or it never existed"
            raise BadInput(f"the X post {ref.post_id} {reason}: {ref.url}")
        root_id = named.reply_root_id or named.id
        if root_id not in found.posts:
            self._lookup(found, [bare_id(root_id)], f"reading the root of {ref.url}")
        author = self._root_author(found, root_id, named)
        root = found.posts[root_id]

        started = _parse_time(root.created_at) if root.status == "ok" else None
        if started is None or self.now() - started < SEARCH_WINDOW:
            self._search(found, root_id, author)
        else:
            self._timeline(found, root_id, author, started)
        self._check_known(found, [p for p in known(root_id) if not _read(found, p.id)])
        self._walk_up(found, root_id)
        if root.status != "ok":
            log.info(
                "X thread %s: its first post %s; archiving the posts that remain",
                root_id,
                (found.errors.get(bare_id(root_id)) or _GONE).reason,
            )
        return reconstruct(_conversation(found, root_id), root_id)

    def now(self) -> datetime:
        return self._now or datetime.now(UTC)

    def _root_author(self, found: _Found, root_id: str, named: Post) -> str:
        """The root's author; for a root X withholds, the author its replies answered."""
        root = found.posts.get(root_id)
        if root is not None and root.status == "ok":
            return root.author_id
        for post in found.posts.values():
            if post.status == "ok" and post.reply_parent_id == root_id:
                replied_to = _in_reply_to_user(post)
                if replied_to:
                    found.posts[root_id] = _with_author(
                        found.posts.get(root_id), root_id, replied_to
                    )
                    return replied_to
        # nothing tells: the named post's author is the best guess
        found.posts[root_id] = _with_author(found.posts.get(root_id), root_id, named.author_id)
        return named.author_id

    def _search(self, found: _Found, root_id: str, author: str) -> None:
        query = f"conversation_id:{bare_id(root_id)} from:{bare_id(author)}"
        token: str | None = None
        for _ in range(MAX_PAGES):
            answer = self.api.call(
                f"searching the thread {root_id}",
                self.api.client.search_recent_tweets,
                query,
                max_results=100,
                next_token=token,
                **FIELDS,
            )
            found.add(answer)
            token = _next_token(answer)
            if token is None:
                return
        log.warning("X thread %s: stopped searching after %d pages", root_id, MAX_PAGES)

    def _timeline(self, found: _Found, root_id: str, author: str, started: datetime) -> None:
        """An old thread: the author's timeline from the root's time to THREAD_SPAN later."""
        until = min(started + THREAD_SPAN, self.now())
        log.info(
            "X thread %s began %s, before recent search reaches (7 days): reading the author's "
            "timeline up to %s instead; posts added later, or beyond the 3,200 posts X keeps "
            "in a timeline, cannot be reached",
            root_id,
            f"{started:%Y-%m-%d}",
            f"{until:%Y-%m-%d}",
        )
        token: str | None = None
        before = len(found.posts)
        for _ in range(MAX_PAGES):
            answer = self.api.call(
                f"reading the timeline of {author}",
                self.api.client.get_users_tweets,
                bare_id(author),
                exclude=["retweets"],
                start_time=started - timedelta(seconds=1),
                end_time=until,
                max_results=100,
                pagination_token=token,
                **FIELDS,
            )
            found.add(answer, only_conversation=bare_id(root_id))
            token = _next_token(answer)
            if token is None:
                break
        if len(found.posts) == before:
            log.warning(
                "X thread %s: the author's timeline no longer reaches %s; only the posts "
                "from the root to the one asked for (and those archived before) are archived",
                root_id,
                f"{started:%Y-%m-%d}",
            )

    def _walk_up(self, found: _Found, root_id: str) -> None:
        """Ask for every parent not seen yet, level by level, until the root or a gap."""
        for _ in range(MAX_WALK_CALLS):
            missing = sorted(
                {
                    p.reply_parent_id
                    for p in found.posts.values()
                    if p.status == "ok"
                    and p.reply_parent_id
                    and p.reply_parent_id not in found.posts
                    and (p.reply_root_id or p.id) == root_id
                }
            )
            if not missing:
                return
            self._lookup(
                found, [bare_id(i) for i in missing[:LOOKUP_BATCH]], f"walking up {root_id}"
            )
            for parent in missing[:LOOKUP_BATCH]:
                if parent not in found.posts:  # X said nothing at all: keep its place
                    found.gap(bare_id(parent), _GONE, root_id)
        log.warning("X thread %s: stopped walking up after %d calls", root_id, MAX_WALK_CALLS)

    def _check_known(self, found: _Found, missing: Iterable[Post]) -> None:
        """Posts archived before and not seen now: still there, or gone ("deleted")."""
        pending: list[Post] = []
        for post in missing:
            error = found.errors.get(bare_id(post.id))
            if post.status == "deleted":
                found.posts[post.id] = post  # known gone: keep its place without asking again
            elif error is not None:  # X just said so: the archived copy keeps its place
                post.status = "blocked" if error.status == "blocked" else "deleted"
                found.posts[post.id] = post
            else:
                pending.append(post)
        for i in range(0, len(pending), LOOKUP_BATCH):
            batch = pending[i : i + LOOKUP_BATCH]
            self._lookup(found, [bare_id(p.id) for p in batch], "checking archived posts")
            for post in batch:
                fresh = found.posts.get(post.id)
                if fresh is None or fresh.status != "ok":
                    error = found.errors.get(bare_id(post.id))
                    post.status = "blocked" if error and error.status == "blocked" else "deleted"
                    found.posts[post.id] = post

    def _lookup(self, found: _Found, ids: list[str], what: str) -> None:
        answer = self.api.call(what, self.api.client.get_tweets, ids, **FIELDS)
        found.add(answer)


class _Found:
    """Everything the calls for one thread returned: posts (gaps included) and X's errors."""

    def __init__(self) -> None:
        self.posts: dict[str, Post] = {}
        self.errors: dict[str, TweetError] = {}

    def add(self, answer: dict[str, Any], only_conversation: str | None = None) -> None:
        includes = index_includes(answer)
        errors = tweet_errors(answer)
        self.errors.update(errors)
        # the answer's tweets first, then the ones it included (parents, quoted posts)
        tweets = tweets_of(answer)
        if only_conversation is not None:
            tweets = [t for t in tweets if t.get("conversation_id") == only_conversation]
        listed = {t["id"] for t in tweets}
        extra = [t for i, t in includes.tweets.items() if i not in listed]
        for tweet in [*tweets, *extra]:
            post = parse_tweet(tweet, includes)
            current = self.posts.get(post.id)
            if current is None or current.status != "ok":
                self.posts[post.id] = post
        for status_id, error in errors.items():
            if post_id(status_id) not in self.posts:
                self.gap(status_id, error, None)

    def gap(self, status_id: str, error: TweetError, root_id: str | None) -> None:
        """A post X withholds, by whom we can tell: the author its replies answered."""
        pid = post_id(status_id)
        author = ""
        for post in self.posts.values():
            if post.reply_parent_id == pid:
                author = _in_reply_to_user(post) or author
                root_id = root_id or post.reply_root_id
        self.posts[pid] = gap(status_id, error.status, author, root_id)


_GONE = TweetError("not_found", "was not found: deleted, or it never existed")


def _read(found: _Found, pid: str) -> bool:
    post = found.posts.get(pid)
    return post is not None and post.status == "ok"


def _conversation(found: _Found, root_id: str) -> list[Post]:
    """The posts of this conversation; quoted posts from elsewhere stay out."""
    return [p for p in found.posts.values() if p.id == root_id or p.reply_root_id == root_id]


def _with_author(current: Post | None, root_id: str, author: str) -> Post:
    if current is None:
        return gap(bare_id(root_id), "not_found", author)
    current.author_id = current.author_id or author
    return current


def _in_reply_to_user(post: Post) -> str:
    tweet = (post.raw or {}).get("data") or {}
    user = tweet.get("in_reply_to_user_id") if isinstance(tweet, dict) else None
    return PREFIX + user if isinstance(user, str) and user.isdigit() else ""


def _next_token(answer: dict[str, Any]) -> str | None:
    meta = obj(answer, "meta")
    token = meta.get("next_token")
    return token if isinstance(token, str) and token else None


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
