"""X (Twitter): post URLs, threads through the API v2 on tweepy, and the bot's account.

urls.py     X URLs and `x:` ids (pure)
records.py  tweet JSON and includes → models (pure)
client.py   tweepy bound to `x.api_base`: deadlines, size cap, errors
reader.py   the ThreadSource: threads and feeds
account.py  the BotAccount: mentions and replies
"""

from __future__ import annotations

from pathlib import Path

from bot.config import Settings
from bot.sources.base import BotAccount, Connector, ThreadSource
from bot.sources.x.account import account_from_settings
from bot.sources.x.reader import XSource
from bot.sources.x.urls import parse_post_url, ref_of


def _source(settings: Settings) -> ThreadSource:
    return XSource.from_settings(settings)


def _account(settings: Settings, session_file: Path) -> BotAccount | None:
    return account_from_settings(settings, session_file)


def _watched(settings: Settings) -> tuple[str, ...]:
    return settings.x.watch


CONNECTOR = Connector(
    platform="x",
    parse_url=parse_post_url,
    ref_of=ref_of,
    source=_source,
    account=_account,
    watched=_watched,
)

__all__ = ["CONNECTOR"]
