"""Who may be archived and who may ask: the same rules for watch, refresh and requests.

An author is opted out when `daemon.optout` names them (by handle or account id), or when
their own latest "optout"/"optin" mention of the bot said so. A requester on
`daemon.denylist` is ignored. Names compare without case and without a leading "@"
("@Reporter.Bsky.Social" is "reporter.bsky.social").
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.config import Settings
from bot.store import Store
from bot.store.requests import opted_out_by_request


def opted_out(store: Store, settings: Settings, account_id: str, handles: Iterable[str]) -> bool:
    """Whether the author (`account_id`, known by `handles`) must not be archived."""
    if listed(settings.daemon.optout, account_id, handles):
        return True
    return opted_out_by_request(store, account_id)


def denied(settings: Settings, account_id: str, handle: str) -> bool:
    return listed(settings.daemon.denylist, account_id, [handle])


def listed(names: Iterable[str], account_id: str, handles: Iterable[str]) -> bool:
    wanted = {_key(n) for n in names}
    return _key(account_id) in wanted or any(_key(h) in wanted for h in handles if h)


def _key(name: str) -> str:
    # Account ids in use are lowercase already (did:plc, X's numbers): compare all without
    # case rather than teach this module each platform's id syntax.
    return name.strip().removeprefix("@").lower()
