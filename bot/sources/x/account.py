"""The bot's own X account: mentions in (`GET /2/users/:id/mentions`), replies out
(`POST /2/tweets`), both with the account's OAuth 1.0a user context.

The mentions cursor is the newest mention's id: X returns what came after `since_id`, newest
first, page by page; we read every page and hand them back oldest first. An X account needs
no session file: its access token does not expire.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.errors import ConfigError
from bot.models import Mention, MentionPage, Platform, Reply, ReplyLimits
from bot.sources.json_fields import obj
from bot.sources.x.client import UserContext, XApi
from bot.sources.x.reader import FIELDS, api_from_settings, secret
from bot.sources.x.records import (
    REPLY_PREFIX,
    Includes,
    account_of,
    index_includes,
    normalize_time,
    referenced_ids,
    render_text,
    tweets_of,
    v2_url_entities,
)
from bot.sources.x.urls import PREFIX, bare_id, post_id

log = logging.getLogger(__name__)

# 280 weighted characters; every URL counts 23 whatever its length, shown in full.
LIMITS = ReplyLimits(max_graphemes=280, link_length=23, shortened_links=False)
MAX_MENTION_PAGES = 20  # 2,000 mentions between two polls is a flood: take the newest
OWN_REPLIES_PAGES = 2  # the bot's latest 200 posts are where a reply after a crash is


def user_context(settings: Settings) -> UserContext | None:
    """The bot account's keys, None when none are set; ConfigError when only some are."""
    x = settings.x
    keys = {
        "THREADBOT_X_CONSUMER_KEY": secret(x.consumer_key),
        "THREADBOT_X_CONSUMER_SECRET": secret(x.consumer_secret),
        "THREADBOT_X_ACCESS_TOKEN": secret(x.access_token),
        "THREADBOT_X_ACCESS_TOKEN_SECRET": secret(x.access_token_secret),
    }
    missing = [name for name, value in keys.items() if not value]
    if len(missing) == len(keys):
        return None
    if missing:
        raise ConfigError(f"the X bot account also needs {', '.join(missing)}")
    return UserContext(*keys.values())


def account_from_settings(settings: Settings, session_file: Path | None = None) -> XAccount | None:
    """The bot's X account, or None when the settings configure none."""
    user = user_context(settings)
    if user is None:
        if settings.x.handle:
            raise ConfigError(
                f"x.handle is {settings.x.handle!r} but the account's keys are not set: "
                "THREADBOT_X_CONSUMER_KEY, THREADBOT_X_CONSUMER_SECRET, "
                "THREADBOT_X_ACCESS_TOKEN, THREADBOT_X_ACCESS_TOKEN_SECRET"
            )
        return None
    return XAccount(api_from_settings(settings, user), settings.x.handle)


class XAccount:
    """The BotAccount for X."""

    platform: Platform = "x"
    limits = LIMITS

    def __init__(self, api: XApi, handle: str = "") -> None:
        if api.user is None:
            raise ConfigError("the X bot account needs its OAuth 1.0a keys")
        self.api = api
        self.handle = handle.removeprefix("@")
        self.account_id = ""

    def login(self) -> None:
        """Ask X who the keys belong to (`/2/users/me`); ConfigError if it refuses them."""
        answer = self.api.call("checking the bot account", self.api.client.get_me, user_auth=True)
        me = obj(answer, "data")
        if not isinstance(me.get("id"), str):
            raise ConfigError(f"the X API at {self.api.api_base} did not say who the bot is")
        username = str(me.get("username") or "")
        if self.handle and username and username.lower() != self.handle.lower():
            raise ConfigError(f"the X keys belong to @{username}, not to x.handle @{self.handle}")
        self.handle = username or self.handle
        self.account_id = PREFIX + me["id"]

    def mentions(self, cursor: str | None) -> MentionPage:
        """Mentions newer than `cursor`, oldest first (the latest page when None).

        The cursor is this connector's own: "<api base> <tweet id>". One saved for another
        X API (a sandbox started again, a different base) names ids of another series, so
        it counts as none.
        """
        self._need_login()
        base, _, since = (cursor or "").rpartition(" ")
        cursor = since if since.isdigit() and base == self.api.api_base else None
        found: dict[str, Mention] = {}
        token: str | None = None
        for page in range(MAX_MENTION_PAGES):
            answer = self.api.call(
                "reading the bot's mentions",
                self.api.client.get_users_mentions,
                bare_id(self.account_id),
                since_id=cursor,
                max_results=100,
                pagination_token=token,
                user_auth=True,
                **FIELDS,
            )
            includes = index_includes(answer)
            for tweet in tweets_of(answer):
                mention = self._mention(tweet, includes)
                if mention is not None:
                    found[mention.post_id] = mention
            meta = obj(answer, "meta")
            token = meta.get("next_token") if isinstance(meta.get("next_token"), str) else None
            if not token or cursor is None:
                break
            if page == MAX_MENTION_PAGES - 1:
                log.warning(
                    "X mentions: more than %d pages since %s; older ones are skipped",
                    MAX_MENTION_PAGES,
                    cursor,
                )
        ordered = sorted(found.values(), key=lambda m: int(bare_id(m.post_id)))
        newest = bare_id(ordered[-1].post_id) if ordered else cursor
        return MentionPage(ordered, f"{self.api.api_base} {newest}" if newest else None)

    def reply(self, mention: Mention, reply: Reply) -> str:
        """Post `reply` under the mention; returns the new post's id (`x:<id>`).

        The text carries its links in full (X shortens them itself), so `reply.links` has
        nothing to add.
        """
        self._need_login()
        target = mention.reply_context.get("in_reply_to_tweet_id") or bare_id(mention.post_id)
        answer = self.api.call(
            f"replying to {mention.post_id}",
            self.api.client.create_tweet,
            text=reply.text,
            in_reply_to_tweet_id=target,
            user_auth=True,
        )
        data = obj(answer, "data")
        if not isinstance(data.get("id"), str):
            raise ConfigError(f"the X API at {self.api.api_base} did not return the new post")
        return post_id(data["id"])

    def replies_to(self, post_id_: str) -> list[str]:
        """The bot's own recent posts that reply to `post_id_` (its own timeline)."""
        self._need_login()
        wanted = bare_id(post_id_)
        found: list[str] = []
        token: str | None = None
        for _ in range(OWN_REPLIES_PAGES):
            answer = self.api.call(
                "reading the bot's own posts",
                self.api.client.get_users_tweets,
                bare_id(self.account_id),
                max_results=100,
                pagination_token=token,
                tweet_fields=["referenced_tweets", "in_reply_to_user_id"],
                user_auth=True,
            )
            for tweet in tweets_of(answer):
                if referenced_ids(tweet).get("replied_to") == wanted:
                    found.append(post_id(tweet["id"]))
            meta = obj(answer, "meta")
            token = meta.get("next_token") if isinstance(meta.get("next_token"), str) else None
            if not token:
                break
        return found

    def close(self) -> None:
        self.api.close()

    def _need_login(self) -> None:
        if not self.account_id:
            self.login()

    def _mention(self, tweet: dict[str, Any], includes: Includes) -> Mention | None:
        """A tweet from the mentions timeline → Mention; None if it is the bot's own or does
        not name the bot after all. The text has the bot's handle and a reply's leading
        handles blanked."""
        author_json = includes.users.get(str(tweet.get("author_id") or ""), {})
        if not author_json.get("id") or PREFIX + str(author_json["id"]) == self.account_id:
            return None
        entities = obj(tweet, "entities")
        if not self._names_bot(entities):
            return None
        refs = referenced_ids(tweet)
        target = refs.get("quoted") or refs.get("replied_to")
        text, _ = render_text(str(tweet.get("text") or ""), v2_url_entities(entities))
        if "replied_to" in refs:
            # X writes the handles of the conversation before a reply; the person did not
            # type them, and the mention grammar must not read them as words
            prefix = REPLY_PREFIX.match(text)
            if prefix:
                text = " " * prefix.end() + text[prefix.end() :]
        return Mention(
            platform="x",
            post_id=post_id(tweet["id"]),
            author=account_of(author_json),
            text=blank_handle(text, self.handle),
            target_post_id=post_id(target) if target else None,
            created_at=normalize_time(tweet.get("created_at")),
            indexed_at=normalize_time(tweet.get("created_at")),
            author_is_bot=False,  # X's API v2 does not say which accounts are automated
            reply_context={"in_reply_to_tweet_id": tweet["id"]},
        )

    def _names_bot(self, entities: dict[str, Any]) -> bool:
        mentions = entities.get("mentions")
        for item in mentions if isinstance(mentions, list) else []:
            if not isinstance(item, dict):
                continue
            if PREFIX + str(item.get("id", "")) == self.account_id:
                return True
            if str(item.get("username", "")).lower() == self.handle.lower():
                return True
        return False


def blank_handle(text: str, handle: str) -> str:
    """The text with every "@handle" of the bot replaced by spaces (never "@handle_more")."""
    if not handle:
        return text
    pattern = re.compile(rf"(?<![\w@])@{re.escape(handle)}(?![A-Za-z0-9_])", re.IGNORECASE)
    return pattern.sub(lambda m: " " * len(m.group()), text)
