"""Account names as people write them in settings: Bluesky handles and DIDs, X user names.

Pure: no network. Each function takes what was written and gives the one spelling the rest of
the bot compares with, or None when the text is no such name:

    >>> bluesky_account("@Reporter.BSKY.social")
    'reporter.bsky.social'
    >>> bluesky_account("did:plc:AbC123")
    'did:plc:AbC123'
    >>> x_username("@CourtWatcher")
    'courtwatcher'

Handles are case-insensitive (the network lowercases them), so they are lowercased here; a
DID is case-sensitive and kept as written. The rules are those of the AT Protocol
(atproto.com/specs/handle, /specs/did) and of X user names.
"""

from __future__ import annotations

import re

# A DNS name of at least two labels whose last label starts with a letter, 253 characters at
# most. Labels cannot contain dots, so the repetition is unambiguous (no backtracking blow-up).
HANDLE_MAX = 253
HANDLE = re.compile(
    r"([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?", re.ASCII
)
DID_MAX = 2048
DID = re.compile(r"did:[a-z]+:[a-zA-Z0-9._:%-]*[a-zA-Z0-9._-]", re.ASCII)
# X: 1–15 letters, digits or underscores; or a numeric user id.
X_USERNAME = re.compile(r"[A-Za-z0-9_]{1,15}|[0-9]{1,20}", re.ASCII)


def is_handle(text: str) -> bool:
    return len(text) <= HANDLE_MAX and HANDLE.fullmatch(text.lower()) is not None


def is_did(text: str) -> bool:
    return len(text) <= DID_MAX and DID.fullmatch(text) is not None


def bluesky_account(text: str) -> str | None:
    """A handle, lowercased and without a leading "@", or a DID as written; None otherwise."""
    name = text.strip()
    if is_did(name):
        return name
    name = name.removeprefix("@")
    return name.lower() if is_handle(name) else None


def x_username(text: str) -> str | None:
    """An X user name, lowercased and without a leading "@" (or a numeric id); None otherwise."""
    name = text.strip().removeprefix("@")
    return name.lower() if X_USERNAME.fullmatch(name) else None


def any_account(text: str) -> str | None:
    """A Bluesky handle or DID, or an X user name, as `bluesky_account` or `x_username` give it."""
    return bluesky_account(text) or x_username(text)
