"""X (Twitter): post URLs, threads through the API v2 on tweepy, and the bot's account.

urls.py     X URLs and `x:` ids (pure)
records.py  tweet JSON and includes → models (pure)
client.py   tweepy bound to `x.api_base`: deadlines, size cap, errors
reader.py   the ThreadSource: threads and feeds
account.py  the BotAccount: mentions and replies
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from bot.sources.base import BotAccount, Connector, ThreadSource
from bot.sources.x.urls import parse_post_url, ref_of

if TYPE_CHECKING:
    from bot.config import Settings


# tweepy is imported only when X is used: a Bluesky-only run does not pay for it
def _source(settings: Settings) -> ThreadSource:
    from bot.sources.x.reader import XSource

    return XSource.from_settings(settings)


def _account(settings: Settings, archive: Path) -> BotAccount | None:
    from bot.sources.x.account import account_from_settings

    return account_from_settings(settings, archive)


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
