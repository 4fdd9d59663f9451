"""The connector interface: what a platform offers so that threadbot can archive from it and
answer on it. One package per platform under `bot/sources/` implements these; the registry
(`bot/sources/registry.py`) hands them out by platform, and nothing outside `bot/sources/`
knows which platform it is talking to.

A connector turns the platform's JSON into `bot.models` objects and the platform's failures
into `bot.errors` (BadInput for what the user got wrong, ServiceError / RateLimited for the
service), so the stages never see an SDK exception.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from bot.models import (
    FeedPage,
    Mention,
    MentionPage,
    Platform,
    Post,
    PostRef,
    Reply,
    ReplyLimits,
    Thread,
)

if TYPE_CHECKING:
    from bot.config import Settings

KnownPosts = Callable[[str], Iterable[Post]]


class ThreadSource(Protocol):
    """Reads threads and feeds from a platform; needs no login."""

    platform: Platform
    calls: int  # requests made, for logs and benchmarks

    def fetch_thread(self, ref: PostRef, known: KnownPosts) -> Thread:
        """The whole thread containing the post `ref` names, as its root author wrote it.

        Args:
            ref: a post, as `parse_url` or `ref_of` gave it.
            known: root post id → the posts archived earlier for that thread; any the
                platform no longer returns are checked, and come back with status "deleted"
                when they are gone.
        Returns:
            the thread in reading order, gaps in place.
        Raises:
            BadInput if the post does not exist or is not readable; ServiceError otherwise.
        """
        ...

    def author_feed(self, account_id: str, cursor: str | None, limit: int) -> FeedPage:
        """One page of an account's own posts and replies (no reposts), newest first."""
        ...

    def resolve_account(self, handle_or_id: str) -> str:
        """The account id (a DID on Bluesky) of a handle; an id is returned as it is."""
        ...

    def close(self) -> None: ...


class BotAccount(Protocol):
    """The bot's own account on a platform: mentions in, replies out."""

    platform: Platform
    limits: ReplyLimits
    handle: str
    account_id: str  # known after login()

    def login(self) -> None:
        """Log in, reusing a saved session while it works. Raises ConfigError if refused."""
        ...

    def mentions(self, cursor: str | None) -> MentionPage:
        """Every mention, reply to or quote of the bot since `cursor` (all recent ones when
        None), oldest first, read page by page until the cursor is reached."""
        ...

    def reply(self, mention: Mention, reply: Reply) -> str:
        """Post `reply` under `mention`; returns the new post's id."""
        ...

    def replies_to(self, post_id: str) -> list[str]:
        """Ids of the bot's own posts that reply to `post_id` (to reconcile after a crash)."""
        ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Connector:
    """A platform, as the registry knows it."""

    platform: Platform
    # a URL or URI of this platform's posts → PostRef; None if it is not this platform's.
    # Raises BadInput for something clearly meant for this platform that names no post.
    parse_url: Callable[[str], PostRef | None]
    # a stored post's id → the ref to fetch it again
    ref_of: Callable[[str], PostRef]
    source: Callable[[Settings], ThreadSource]
    # the bot account, or None when the settings configure none on this platform
    account: Callable[[Settings, Path], BotAccount | None]
    # the accounts the watch job reads on this platform
    watched: Callable[[Settings], tuple[str, ...]]
