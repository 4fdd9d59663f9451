"""Bluesky, on the atproto SDK: urls (names of posts), records (JSON → models), reader
(threads and feeds from an AppView), notifications and replies (the bot's side, pure),
account (the bot's login, mentions and replies), xrpc (bounded HTTP for every call)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from bot.sources.base import BotAccount, Connector, ThreadSource
from bot.sources.bluesky.urls import parse_post_url, ref_of

if TYPE_CHECKING:
    from bot.config import Settings


def _source(settings: Settings) -> ThreadSource:
    from bot.sources.bluesky.reader import BlueskySource

    return BlueskySource(settings.bluesky.service, timeout=settings.bluesky.timeout)


def _account(settings: Settings, archive: Path) -> BotAccount | None:
    if not settings.bluesky.handle:
        return None
    from bot.sources.bluesky.account import BlueskyAccount

    session_file = settings.daemon.session_file or f"{archive}.bluesky-session"
    return BlueskyAccount(
        settings.bluesky.pds,
        settings.bluesky.handle,
        settings.bluesky.password.reveal(),
        Path(session_file),
        timeout=settings.bluesky.timeout,
    )


CONNECTOR = Connector(
    platform="bluesky",
    parse_url=parse_post_url,
    ref_of=ref_of,
    source=_source,
    account=_account,
    watched=lambda settings: settings.bluesky.watch,
)
