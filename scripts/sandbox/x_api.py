"""A loopback X API v2: the endpoints threadbot uses, with X's JSON shapes, auth and limits.

Standard library plus oauthlib (which tweepy brings) to check OAuth 1.0a signatures.

    from x_api import XApiServer, post_sample_thread
    with XApiServer() as x:                  # http://127.0.0.1:<free port>
        thread = post_sample_thread(x)       # the sample court thread, as on Bluesky
        x.threadbot_env()                    # THREADBOT_X_* settings that point threadbot here

Served: GET /2/tweets, /2/tweets/:id, /2/tweets/search/recent, /2/users/by/username/:name,
/2/users/:id/tweets, /2/users/:id/mentions, /2/users/me; POST /2/tweets. Answers carry
`data`, `includes` (users, tweets, media) for the expansions asked for, only the fields
asked for, `meta` with `next_token`, and `errors` for deleted (resource-not-found), protected
and suspended (not-authorized-for-resource) posts. Reading takes the bearer token or the
bot's user context; /2/users/me and posting take the user context only, its signature
checked against the URL requested. `rate_limit()` makes an endpoint answer 429 with
`x-rate-limit-reset`. Recent search sees 7 days back from `now`; a timeline holds the
author's 3,200 latest posts.

`python scripts/sandbox/x_api.py [--port N]` seeds the sample thread and serves until Ctrl-C.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import string
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from oauthlib.oauth1.rfc5849 import signature, utils  # type: ignore[import-untyped]

sys.path.insert(0, str(Path(__file__).parent))
from sample_thread import (
    COLLEAGUE_POST,
    POSTS,
    READER_REPLY,
    READER_REPLY_PARENT,
    READING_ORDER,
    REAL_LINKS,
)

BEARER_TOKEN = "sandbox-x-bearer-token"
CONSUMER_KEY = "sandbox-x-consumer-key"
CONSUMER_SECRET = "sandbox-x-consumer-secret"
BOT_USERNAME = "threadbot"
SEARCH_DAYS = 7
TIMELINE_KEEPS = 3200
PROBLEMS = "https://api.twitter.com/2/problems"
DEFAULT_TWEET_FIELDS = ("id", "text", "edit_history_tweet_ids")
DEFAULT_USER_FIELDS = ("id", "name", "username")
DEFAULT_MEDIA_FIELDS = ("media_key", "type")
TCO_CHARS = string.ascii_letters + string.digits
# Default sample links: the addresses seed.py uses (real-looking; nothing fetches them).


@dataclass
class Account:
    id: str
    username: str
    name: str
    protected: bool = False
    suspended: bool = False
    access_token: str = ""
    access_token_secret: str = ""

    def json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "username": self.username,
            "name": self.name,
            "protected": self.protected,
            "profile_image_url": f"https://pbs.twimg.com/profile_images/{self.id}_normal.png",
        }


@dataclass
class Link:
    """A link in a new post: `shown` is the part of the text X displays for it."""

    shown: str
    url: str
    title: str = ""
    description: str = ""


@dataclass
class Image:
    alt: str = ""
    width: int = 64
    height: int = 40


@dataclass
class PostedXThread:
    url: str  # x.com URL of the root post
    ids: list[str] = field(default_factory=list)  # the thread's tweet ids, in reading order
    others: list[str] = field(default_factory=list)  # other people's posts around it
    author: str = ""  # the reporter's user id
    posted: list[str] = field(default_factory=list)  # the thread's ids in the order posted


def _snowflake_now() -> int:
    """An X post id for this millisecond: milliseconds since X's epoch, shifted past the
    22 bits X keeps for machine and sequence."""
    return (time.time_ns() // 1_000_000 - 1_288_834_974_657) << 22


class XApiServer:
    """The loopback X API on 127.0.0.1, served from a background thread."""

    def __init__(self, port: int = 0, now: datetime | None = None) -> None:
        self.lock = threading.Lock()
        self.users: dict[str, Account] = {}
        self.tweets: dict[str, dict[str, Any]] = {}  # every field a tweet has
        self.media: dict[str, dict[str, Any]] = {}
        self.deleted: set[str] = set()
        self.requests: list[tuple[str, str, dict[str, str], str]] = []  # method, path, q, auth
        self.limits: dict[str, list[int]] = {}  # endpoint → reset times of the 429s to give
        # snowflake-like ids from the real clock, as X's: a second server (the demo run again
        # against the same archive) never hands out a post id the first one gave
        self._ids = itertools.count(_snowflake_now(), 1 << 22)
        self._users = itertools.count(4_000_000_001)
        self._tco = itertools.count(1)
        self._nonces: set[str] = set()
        self.clock = now  # a fixed "now"; the real clock when None
        handler = type("Handler", (_Handler,), {"api": self})
        self.server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.bot = self.add_user(BOT_USERNAME, "threadbot archive", tokens=True)

    # --- state -------------------------------------------------------------------------

    def now(self) -> datetime:
        return self.clock or datetime.now(UTC)

    def add_user(
        self,
        username: str,
        name: str = "",
        protected: bool = False,
        suspended: bool = False,
        tokens: bool = False,
    ) -> Account:
        user_id = str(next(self._users))
        account = Account(user_id, username, name or username, protected, suspended)
        if tokens:
            account.access_token = f"{user_id}-sandbox-access-token"
            account.access_token_secret = f"{user_id}-sandbox-access-secret"
        self.users[user_id] = account
        return account

    def user_named(self, username: str) -> Account | None:
        return next(
            (u for u in self.users.values() if u.username.lower() == username.lower()), None
        )

    def add_tweet(
        self,
        author: Account,
        text: str,
        links: list[Link] | tuple[Link, ...] = (),
        reply_to: str | None = None,
        quote: str | None = None,
        images: list[Image] | tuple[Image, ...] = (),
        created_at: datetime | None = None,
    ) -> str:
        """Post as X stores it: each link's shown text becomes a t.co with an entity,
        images and a quote add their own trailing t.co, long posts get a note_tweet."""
        with self.lock:
            tweet_id = str(next(self._ids))
            when = created_at or self.now()
            full, urls = self._wrap_links(text, links)
            tweet: dict[str, Any] = {
                "id": tweet_id,
                "edit_history_tweet_ids": [tweet_id],
                "author_id": author.id,
                "created_at": f"{when.astimezone(UTC):%Y-%m-%dT%H:%M:%S}.000Z",
                "conversation_id": tweet_id,
                "lang": "en",
                "public_metrics": {
                    "retweet_count": 0,
                    "reply_count": 0,
                    "like_count": 0,
                    "quote_count": 0,
                },
            }
            refs = []
            if reply_to is not None:
                parent = self.tweets[reply_to]
                refs.append({"type": "replied_to", "id": reply_to})
                tweet["conversation_id"] = parent["conversation_id"]
                tweet["in_reply_to_user_id"] = parent["author_id"]
                parent["public_metrics"]["reply_count"] += 1
            if quote is not None:
                refs.append({"type": "quoted", "id": quote})
                quoted = self.tweets[quote]
                full, url = self._append_tco(
                    full, f"https://x.com/{self.users[quoted['author_id']].username}/status/{quote}"
                )
                urls.append(url)
            keys = []
            for n, image in enumerate(images, start=1):
                key = f"3_{tweet_id}{n}"
                self.media[key] = {
                    "media_key": key,
                    "type": "photo",
                    "url": f"{self.base}/media/{key}.png",
                    "width": image.width,
                    "height": image.height,
                    "alt_text": image.alt,
                }
                keys.append(key)
            if keys:
                full, url = self._append_tco(
                    full, f"https://x.com/{author.username}/status/{tweet_id}/photo/1"
                )
                url["media_key"] = keys[0]
                url["display_url"] = "pic.x.com/" + url["url"].rsplit("/", 1)[1]
                urls.append(url)
                tweet["attachments"] = {"media_keys": keys}
            if refs:
                tweet["referenced_tweets"] = refs
            entities: dict[str, Any] = {"urls": urls} if urls else {}
            mentions = self._mentions(full)
            if mentions:
                entities["mentions"] = mentions
            if len(full) > 280:
                # the post's text is cut; the note carries all of it
                tweet["note_tweet"] = {"text": full, "entities": entities}
                cut = full[:279] + "…"
                entities = {k: [e for e in v if e["end"] <= 279] for k, v in entities.items()}
                full = cut
            tweet["text"] = _escape(full) if "&" in full or "<" in full else full
            if entities:
                tweet["entities"] = entities
            self.tweets[tweet_id] = tweet
            return tweet_id

    def delete(self, tweet_id: str) -> None:
        self.deleted.add(tweet_id)

    def rate_limit(self, endpoint: str, reset_at: int, times: int = 1) -> None:
        """The next `times` requests to `endpoint` ("search", "tweets", "lookup", "mentions",
        "timeline", "users", "me", "post") answer 429, resetting at `reset_at` (epoch s)."""
        self.limits[endpoint] = [reset_at] * times

    def _wrap_links(
        self, text: str, links: list[Link] | tuple[Link, ...]
    ) -> tuple[str, list[dict[str, Any]]]:
        urls = []
        for link in links:
            start = text.index(link.shown)
            tco = self._new_tco()
            text = text[:start] + tco + text[start + len(link.shown) :]
            entity: dict[str, Any] = {
                "start": start,
                "end": start + len(tco),
                "url": tco,
                "expanded_url": link.url,
                "display_url": link.shown,
                "unwound_url": link.url,
            }
            if link.title:
                entity["title"] = link.title
                entity["description"] = link.description
                entity["status"] = 200
            urls.append(entity)
        # earlier links move when a later one changes length before them: recompute offsets
        for entity in urls:
            entity["start"] = text.index(entity["url"])
            entity["end"] = entity["start"] + len(entity["url"])
        return text, sorted(urls, key=lambda e: e["start"])

    def _append_tco(self, text: str, target: str) -> tuple[str, dict[str, Any]]:
        tco = self._new_tco()
        start = len(text) + 1
        return f"{text} {tco}", {
            "start": start,
            "end": start + len(tco),
            "url": tco,
            "expanded_url": target,
            "display_url": target.removeprefix("https://"),
        }

    def _new_tco(self) -> str:
        n = next(self._tco)
        code = "".join(TCO_CHARS[(n * 7919 + i * 104729) % len(TCO_CHARS)] for i in range(10))
        return f"https://t.co/{code}"

    def _mentions(self, text: str) -> list[dict[str, Any]]:
        found = []
        for user in self.users.values():
            handle = "@" + user.username
            start = text.lower().find(handle.lower())
            while start >= 0:
                after = text[start + len(handle) : start + len(handle) + 1]
                if not (after.isalnum() or after == "_"):
                    found.append(
                        {
                            "start": start,
                            "end": start + len(handle),
                            "username": user.username,
                            "id": user.id,
                        }
                    )
                start = text.lower().find(handle.lower(), start + 1)
        return sorted(found, key=lambda m: m["start"])

    # --- the server --------------------------------------------------------------------

    def threadbot_env(self, bot: Account | None = None) -> dict[str, str]:
        """Settings that point threadbot's X connector here, with the bot's keys."""
        bot = bot or self.bot
        return {
            "THREADBOT_X_API_BASE": self.base,
            "THREADBOT_X_BEARER_TOKEN": BEARER_TOKEN,
            "THREADBOT_X_HANDLE": bot.username,
            "THREADBOT_X_CONSUMER_KEY": CONSUMER_KEY,
            "THREADBOT_X_CONSUMER_SECRET": CONSUMER_SECRET,
            "THREADBOT_X_ACCESS_TOKEN": bot.access_token,
            "THREADBOT_X_ACCESS_TOKEN_SECRET": bot.access_token_secret,
        }

    def __enter__(self) -> XApiServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def post_sample_thread(
    api: XApiServer, links: dict[str, str] | None = None, start: datetime | None = None
) -> PostedXThread:
    """The sample court thread on the loopback X API: the texts, links and order of
    `seed.post_sample_thread`, its links as t.co entities leading to `links` (default: the
    addresses seed.py uses; give SandboxWeb's URLs to have the link stage find them).
    Posts are a minute apart from `start` (default: an hour ago)."""
    links = {**REAL_LINKS, **(links or {})}
    when = start or api.now() - timedelta(hours=1)
    suffix = str(len(api.users))
    reporter = api.add_user(f"dana_whitlock{suffix}", "Dana Whitlock")
    colleague = api.add_user(f"sam_okafor{suffix}", "Sam Okafor")
    reader = api.add_user(f"river_reader{suffix}", "River Reader")
    clock = itertools.count()

    def at() -> datetime:
        return when + timedelta(minutes=next(clock))

    doj = api.add_tweet(colleague, COLLEAGUE_POST, created_at=at())
    ids: list[str] = []
    for sample in POSTS:
        parent = None if not ids else ids[-1] if sample.parent is None else ids[sample.parent]
        ids.append(
            api.add_tweet(
                reporter,
                sample.text,
                links=[
                    Link(
                        shown,
                        links[name],
                        *(sample.card if sample.card else ("", "")),
                    )
                    for shown, name in sample.links
                ],
                reply_to=parent,
                quote=doj if sample.quotes_colleague else None,
                images=[Image(sample.image_alt)] if sample.image_alt else [],
                created_at=at(),
            )
        )
    reply = api.add_tweet(reader, READER_REPLY, reply_to=ids[READER_REPLY_PARENT], created_at=at())
    return PostedXThread(
        url=f"https://x.com/{reporter.username}/status/{ids[0]}",
        ids=[ids[i] for i in READING_ORDER],
        others=[doj, reply],
        author=reporter.id,
        posted=ids,
    )


def mention_bot(
    api: XApiServer,
    author: Account,
    text: str,
    reply_to: str | None = None,
    quote: str | None = None,
) -> str:
    """A post by `author` that mentions the bot: "@threadbot <text>" (a reply, a quote)."""
    return api.add_tweet(
        author, f"@{api.bot.username} {text}".strip(), reply_to=reply_to, quote=quote
    )


# --- requests ----------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    server_version = "sandbox-x-api/1"
    api: XApiServer  # set per server

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def _handle(self, method: str) -> None:
        split = urlsplit(self.path)
        query = dict(parse_qsl(split.query, keep_blank_values=True))
        parts = [p for p in split.path.split("/") if p]
        body = b""
        if method == "POST":
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if parts[:1] == ["media"]:
            return self._send(200, b"\x89PNG\r\n\x1a\n", "image/png")
        auth = self._auth(method, split.path, query)
        with self.api.lock:
            self.api.requests.append((method, split.path, query, auth))
        if auth == "refused":
            return self._json(
                401,
                {
                    "title": "Unauthorized",
                    "type": "about:blank",
                    "status": 401,
                    "detail": "Unauthorized",
                },
            )
        route = self._route(method, parts)
        if route is None:
            return self._json(404, {"errors": [{"message": "Sorry, that page does not exist"}]})
        endpoint, handler, user_only = route
        if user_only and auth != "user":
            return self._json(
                403,
                {
                    "title": "Unsupported Authentication",
                    "detail": "Authenticating with OAuth 2.0 Application-Only is forbidden for "
                    "this endpoint.  Supported authentication types are [OAuth 1.0a User "
                    "Context, OAuth 2.0 User Context].",
                    "type": f"{PROBLEMS}/unsupported-authentication",
                    "status": 403,
                },
            )
        resets = self.api.limits.get(endpoint)
        if resets:
            reset = resets.pop(0)
            return self._json(
                429,
                {
                    "title": "Too Many Requests",
                    "detail": "Too Many Requests",
                    "type": "about:blank",
                    "status": 429,
                },
                {
                    "x-rate-limit-limit": "300",
                    "x-rate-limit-remaining": "0",
                    "x-rate-limit-reset": str(reset),
                },
            )
        try:
            status, answer = handler(parts, query, body)
        except _Invalid as e:
            status, answer = (
                400,
                {
                    "errors": [{"parameters": {}, "message": str(e)}],
                    "title": "Invalid Request",
                    "detail": "One or more parameters to your request was invalid.",
                    "type": f"{PROBLEMS}/invalid-request",
                },
            )
        self._json(status, answer)

    def _route(self, method: str, parts: list[str]) -> tuple[str, Any, bool] | None:
        api = _Endpoints(self.api, self._user_id)
        if parts[:1] != ["2"]:
            return None
        rest = parts[1:]
        if method == "POST":
            return ("post", api.create, True) if rest == ["tweets"] else None
        if rest == ["tweets"]:
            return "lookup", api.lookup, False
        if rest == ["tweets", "search", "recent"]:
            return "search", api.search, False
        if len(rest) == 2 and rest[0] == "tweets":
            return "tweets", api.tweet, False
        if rest == ["users", "me"]:
            return "me", api.me, True
        if len(rest) == 4 and rest[:3] == ["users", "by", "username"]:
            return "users", api.user_by_name, False
        if len(rest) == 3 and rest[0] == "users" and rest[2] == "tweets":
            return "timeline", api.timeline, False
        if len(rest) == 3 and rest[0] == "users" and rest[2] == "mentions":
            return "mentions", api.mentions, False
        return None

    _user_id: str = ""

    def _auth(self, method: str, path: str, query: dict[str, str]) -> str:
        """ "bearer", "user" (a valid OAuth 1.0a signature for this URL), or "refused"."""
        header = self.headers.get("Authorization", "")
        if header == f"Bearer {BEARER_TOKEN}":
            return "bearer"
        if not header.startswith("OAuth "):
            return "refused"
        params = dict(utils.parse_authorization_header(header))
        token = params.get("oauth_token", "")
        user = next((u for u in self.api.users.values() if u.access_token == token and token), None)
        nonce = params.get("oauth_nonce", "")
        if user is None or params.get("oauth_consumer_key") != CONSUMER_KEY:
            return "refused"
        # the signature covers the URL as it reached us, query and all (RFC 5849 3.4.1)
        collected = signature.collect_parameters(
            uri_query=urlsplit(self.path).query,
            headers={"Authorization": header},
            exclude_oauth_signature=True,
        )
        base = signature.signature_base_string(
            method,
            signature.base_string_uri(self.api.base + path),
            signature.normalize_parameters(collected),
        )
        keys = SimpleNamespace(
            client_secret=CONSUMER_SECRET, resource_owner_secret=user.access_token_secret
        )
        expected = signature.sign_hmac_sha1_with_client(base, keys)
        with self.api.lock:
            replay = nonce in self.api._nonces
            self.api._nonces.add(nonce)
        given = utils.unescape(params.get("oauth_signature", ""))
        if replay or not signature.safe_string_equals(expected, given):
            return "refused"
        self._user_id = user.id
        return "user"

    def _json(self, status: int, data: Any, headers: dict[str, str] | None = None) -> None:
        extra = {"x-rate-limit-limit": "300", "x-rate-limit-remaining": "299"}
        self._send(
            status,
            json.dumps(data).encode(),
            "application/json; charset=utf-8",
            {**extra, **(headers or {})},
        )

    def _send(
        self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


class _Invalid(Exception):
    pass


class _Endpoints:
    """Each endpoint: (path parts, query, body) → (HTTP status, JSON)."""

    def __init__(self, api: XApiServer, user_id: str) -> None:
        self.api = api
        self.user_id = user_id

    def tweet(self, parts: list[str], q: dict[str, str], body: bytes) -> tuple[int, Any]:
        return 200, self._answer([parts[-1]], q, "id", single=True)

    def lookup(self, parts: list[str], q: dict[str, str], body: bytes) -> tuple[int, Any]:
        ids = [i for i in q.get("ids", "").split(",") if i]
        if not ids or len(ids) > 100:
            raise _Invalid("The `ids` query parameter value [] is not between 1 and 100")
        return 200, self._answer(ids, q, "ids")

    def search(self, parts: list[str], q: dict[str, str], body: bytes) -> tuple[int, Any]:
        terms = q.get("query", "").split()
        if not terms:
            raise _Invalid("The `query` parameter can not be empty")
        since = self.api.now() - timedelta(days=SEARCH_DAYS)
        matches = []
        for tweet in self._visible():
            if _time(tweet) < since or not all(self._matches(tweet, t) for t in terms):
                continue
            matches.append(tweet["id"])
        return 200, self._page(matches, q, "next_token", 10)

    def timeline(self, parts: list[str], q: dict[str, str], body: bytes) -> tuple[int, Any]:
        user = self.api.users.get(parts[2])
        if user is None or user.suspended or user.protected:
            return 200, {"errors": [_user_error(parts[2], user, "id")]}
        excluded = q.get("exclude", "").split(",")
        own = [t for t in self._visible() if t["author_id"] == user.id]
        own = own[:TIMELINE_KEEPS]  # X keeps an account's latest 3,200 in its timeline
        chosen = []
        for tweet in own:
            if "replies" in excluded and "in_reply_to_user_id" in tweet:
                continue
            if not self._in_window(tweet, q):
                continue
            chosen.append(tweet["id"])
        return 200, self._page(chosen, q, "pagination_token", 5)

    def mentions(self, parts: list[str], q: dict[str, str], body: bytes) -> tuple[int, Any]:
        user = self.api.users.get(parts[2])
        if user is None:
            return 200, {"errors": [_user_error(parts[2], None, "id")]}
        chosen = [
            t["id"]
            for t in self._visible()
            if any(m.get("id") == user.id for m in t.get("entities", {}).get("mentions", []))
            and self._in_window(t, q)
        ]
        return 200, self._page(chosen, q, "pagination_token", 5)

    def user_by_name(self, parts: list[str], q: dict[str, str], body: bytes) -> tuple[int, Any]:
        user = self.api.user_named(parts[-1])
        if user is None or user.suspended:
            return 200, {"errors": [_user_error(parts[-1], user, "username")]}
        return 200, {"data": _pick(user.json(), q.get("user.fields"), DEFAULT_USER_FIELDS)}

    def me(self, parts: list[str], q: dict[str, str], body: bytes) -> tuple[int, Any]:
        user = self.api.users[self.user_id]
        return 200, {"data": _pick(user.json(), q.get("user.fields"), DEFAULT_USER_FIELDS)}

    def create(self, parts: list[str], q: dict[str, str], body: bytes) -> tuple[int, Any]:
        try:
            data = json.loads(body or b"{}")
        except ValueError:
            raise _Invalid("the body is not JSON") from None
        text = data.get("text") if isinstance(data, dict) else None
        if not isinstance(text, str) or not text:
            raise _Invalid("`text` is required")
        if len(text) > 280:
            return 403, {
                "detail": "You are not permitted to perform this action.",
                "type": "about:blank",
                "title": "Forbidden",
                "status": 403,
            }
        reply = data.get("reply") if isinstance(data.get("reply"), dict) else {}
        parent = reply.get("in_reply_to_tweet_id")
        if parent is not None and (parent not in self.api.tweets or parent in self.api.deleted):
            raise _Invalid(
                f"The tweet {parent} you are replying to has been deleted or is not visible"
            )
        tweet_id = self.api.add_tweet(self.api.users[self.user_id], text, reply_to=parent)
        return 201, {"data": {"id": tweet_id, "text": text, "edit_history_tweet_ids": [tweet_id]}}

    # --- shapes ------------------------------------------------------------------------

    def _visible(self) -> list[dict[str, Any]]:
        """Readable tweets, newest first."""
        with self.api.lock:
            tweets = list(self.api.tweets.values())
        return sorted(
            (t for t in tweets if self._problem(t["id"]) is None),
            key=lambda t: int(t["id"]),
            reverse=True,
        )

    def _problem(self, tweet_id: str) -> str | None:
        tweet = self.api.tweets.get(tweet_id)
        if tweet is None or tweet_id in self.api.deleted:
            return "not-found"
        author = self.api.users[tweet["author_id"]]
        if (author.protected and self.user_id != author.id) or author.suspended:
            return "not-authorized"
        return None

    def _matches(self, tweet: dict[str, Any], term: str) -> bool:
        negate = term.startswith("-")
        key, _, value = term.removeprefix("-").partition(":")
        if key == "conversation_id":
            hit = tweet["conversation_id"] == value
        elif key in ("from", "to"):
            user = self.api.users.get(value) or self.api.user_named(value)
            field_name = "author_id" if key == "from" else "in_reply_to_user_id"
            hit = user is not None and tweet.get(field_name) == user.id
        elif key == "is" and value == "retweet":
            hit = False  # the sandbox has no reposts
        elif key == "is" and value == "reply":
            hit = "in_reply_to_user_id" in tweet
        else:
            raise _Invalid(f"There were errors processing your request: unknown operator {term}")
        return hit != negate

    def _in_window(self, tweet: dict[str, Any], q: dict[str, str]) -> bool:
        tid = int(tweet["id"])
        if q.get("since_id") and tid <= int(q["since_id"]):
            return False
        if q.get("until_id") and tid >= int(q["until_id"]):
            return False
        when = _time(tweet)
        if q.get("start_time") and when < _parse(q["start_time"]):
            return False
        return not (q.get("end_time") and when > _parse(q["end_time"]))

    def _page(self, ids: list[str], q: dict[str, str], token_name: str, low: int) -> dict[str, Any]:
        size = int(q.get("max_results") or 10)
        if not low <= size <= 100:
            raise _Invalid(
                f"The `max_results` query parameter value [{size}] is not between {low} and 100"
            )
        token = q.get(token_name, "")
        offset = int(token.removeprefix("p")) if token else 0
        chunk = ids[offset : offset + size]
        answer = self._answer(chunk, q, "ids") if chunk else {}
        meta: dict[str, Any] = {"result_count": len(chunk)}
        if chunk:
            meta["newest_id"], meta["oldest_id"] = chunk[0], chunk[-1]
        if offset + size < len(ids):
            meta["next_token"] = f"p{offset + size}"
        answer["meta"] = meta
        return answer

    def _answer(
        self, ids: list[str], q: dict[str, str], parameter: str, single: bool = False
    ) -> dict[str, Any]:
        """`data` for the readable ids, `errors` for the rest, `includes` as expanded."""
        fields = q.get("tweet.fields")
        expansions = set(filter(None, q.get("expansions", "").split(",")))
        data, errors = [], []
        for tweet_id in ids:
            problem = self._problem(tweet_id)
            if problem:
                errors.append(_tweet_error(tweet_id, problem, parameter))
            else:
                data.append(_pick(self.api.tweets[tweet_id], fields, DEFAULT_TWEET_FIELDS))
        includes: dict[str, list[Any]] = {}
        included_tweets: dict[str, dict[str, Any]] = {}
        if "referenced_tweets.id" in expansions:
            for tweet in data:
                for ref in self.api.tweets[tweet["id"]].get("referenced_tweets", []):
                    problem = self._problem(ref["id"])
                    if problem:
                        errors.append(_tweet_error(ref["id"], problem, "referenced_tweets.id"))
                    elif ref["id"] not in included_tweets:
                        included_tweets[ref["id"]] = _pick(
                            self.api.tweets[ref["id"]], fields, DEFAULT_TWEET_FIELDS
                        )
        if included_tweets:
            includes["tweets"] = list(included_tweets.values())
        user_ids: list[str] = []
        if "author_id" in expansions:
            user_ids += [self.api.tweets[t["id"]]["author_id"] for t in data]
        if "referenced_tweets.id.author_id" in expansions:
            user_ids += [self.api.tweets[t]["author_id"] for t in included_tweets]
        if user_ids:
            includes["users"] = [
                _pick(self.api.users[u].json(), q.get("user.fields"), DEFAULT_USER_FIELDS)
                for u in dict.fromkeys(user_ids)
            ]
        if "attachments.media_keys" in expansions:
            keys = [
                k
                for t in [*data, *included_tweets.values()]
                for k in self.api.tweets[t["id"]].get("attachments", {}).get("media_keys", [])
            ]
            if keys:
                includes["media"] = [
                    _pick(self.api.media[k], q.get("media.fields"), DEFAULT_MEDIA_FIELDS)
                    for k in dict.fromkeys(keys)
                ]
        answer: dict[str, Any] = {}
        if data:
            answer["data"] = data[0] if single else data
        if includes:
            answer["includes"] = includes
        if errors:
            answer["errors"] = errors
        return answer


def _pick(item: dict[str, Any], requested: str | None, defaults: tuple[str, ...]) -> dict[str, Any]:
    """Only the fields asked for (and the defaults), as X answers."""
    wanted = set(defaults) | set(filter(None, (requested or "").split(",")))
    return {k: v for k, v in item.items() if k in wanted}


def _tweet_error(tweet_id: str, problem: str, parameter: str) -> dict[str, Any]:
    if problem == "not-found":
        return {
            "value": tweet_id,
            "detail": f"Could not find tweet with {parameter}: [{tweet_id}].",
            "title": "Not Found Error",
            "resource_type": "tweet",
            "parameter": parameter,
            "resource_id": tweet_id,
            "type": f"{PROBLEMS}/resource-not-found",
        }
    return {
        "value": tweet_id,
        "detail": f"Sorry, you are not authorized to see the Tweet with {parameter}: [{tweet_id}].",
        "title": "Authorization Error",
        "resource_type": "tweet",
        "parameter": parameter,
        "resource_id": tweet_id,
        "section": "data" if parameter in ("id", "ids") else "includes",
        "type": f"{PROBLEMS}/not-authorized-for-resource",
    }


def _user_error(value: str, user: Account | None, parameter: str) -> dict[str, Any]:
    if user is not None and user.suspended:
        return {
            "value": value,
            "detail": f"User has been suspended: [{value}].",
            "title": "Forbidden",
            "resource_type": "user",
            "parameter": parameter,
            "resource_id": value,
            "type": f"{PROBLEMS}/resource-not-found",
        }
    if user is not None and user.protected:
        return {
            "value": value,
            "detail": f"Sorry, you are not authorized to see the user with {parameter}: [{value}].",
            "title": "Authorization Error",
            "resource_type": "user",
            "parameter": parameter,
            "resource_id": value,
            "type": f"{PROBLEMS}/not-authorized-for-resource",
        }
    return {
        "value": value,
        "detail": f"Could not find user with {parameter}: [{value}].",
        "title": "Not Found Error",
        "resource_type": "user",
        "parameter": parameter,
        "resource_id": value,
        "type": f"{PROBLEMS}/resource-not-found",
    }


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _time(tweet: dict[str, Any]) -> datetime:
    return _parse(tweet["created_at"])


def _parse(value: str) -> datetime:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise _Invalid(f"not a time: {value}") from None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    with XApiServer(args.port) as api:
        thread = post_sample_thread(api)
        print(api.base, flush=True)
        print(f"  sample thread: {thread.url}", flush=True)
        for name, value in api.threadbot_env().items():
            print(f"  {name}={value}", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
