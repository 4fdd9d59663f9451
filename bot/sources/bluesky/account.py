"""The bot's own Bluesky account: one login, reused; mentions; replies.

createSession is rate limited (30 per 5 minutes), so the session is saved to a file that
only its owner can read (never in the archive, which Datasette serves) and reused, with
refreshed tokens saved as the SDK rotates them. A saved session that no longer works (the
tokens expired, the server is another one) falls back to a fresh login.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from atproto import Client, SessionEvent, models
from atproto_client.exceptions import AtProtocolError, UnauthorizedError

from bot.errors import ConfigError, ServiceError, describe
from bot.models import Mention, MentionPage, Platform, Reply
from bot.sources.bluesky.notifications import mention_from_notification
from bot.sources.bluesky.reader import service_error
from bot.sources.bluesky.replies import LIMITS, reply_record
from bot.sources.bluesky.urls import POST_COLLECTION
from bot.sources.bluesky.xrpc import BoundedRequest
from bot.sources.json_fields import objects, text
from bot.timestamps import ago, normalize_time, utc_now

log = logging.getLogger(__name__)
T = TypeVar("T")

NOTIFICATIONS_PAGE = 100
# With no cursor yet (a new bot), mentions this far back are answered, at most this many
# pages of notifications are read.
FIRST_LOOKBACK = timedelta(days=1)
MAX_PAGES = 50
OWN_REPLIES_PAGES = 5


class BlueskyAccount:
    platform: Platform = "bluesky"
    limits = LIMITS

    def __init__(
        self, pds: str, handle: str, password: str, session_file: Path, timeout: float = 20.0
    ) -> None:
        if not handle or not password:
            raise ConfigError("the bot account needs bluesky.handle and THREADBOT_BLUESKY_PASSWORD")
        self.pds = pds.rstrip("/")
        self.handle = handle.lower()
        self._password = password
        self.session_file = session_file
        self.timeout = timeout
        self.client = self._new_client()
        self.account_id = ""

    def _new_client(self) -> Client:
        client = Client(base_url=self.pds, request=BoundedRequest(deadline=self.timeout))
        client.on_session_change(self._save_session)
        return client

    def close(self) -> None:
        self.client.request.close()

    def login(self) -> None:
        """Reuse the saved session if it still works; log in with the password otherwise."""
        saved = self._read_session()
        if saved:
            try:
                self.client.login(session_string=saved, fetch_bsky_profile=False)
                # importing a session asks nothing: ask the server whether it still holds
                self.client.com.atproto.server.get_session()
                self.account_id = _did_of(self.client)
                return
            except (AtProtocolError, ValueError) as e:
                log.info("saved session not usable (%s); logging in again", describe(e))
                # the SDK may have switched to the PDS the old session named: start afresh
                self.client.request.close()
                self.client = self._new_client()
        try:
            self.client.login(self.handle, self._password, fetch_bsky_profile=False)
        except UnauthorizedError:
            raise ConfigError(
                f"Bluesky refused the login for {self.handle} at {self.pds}"
            ) from None
        except AtProtocolError as e:
            raise ServiceError(f"cannot log in at {self.pds}: {describe(e)}") from None
        self.account_id = _did_of(self.client)
        self._save_session(None, None)

    def mentions(self, cursor: str | None) -> MentionPage:
        """Mentions, replies and quotes since `cursor` (the newest indexedAt seen before),
        read page by page until it, so a burst of likes cannot hide one."""
        since = cursor or ago(FIRST_LOOKBACK)
        found: list[Mention] = []
        newest = cursor
        page_cursor: str | None = None
        for _ in range(MAX_PAGES):
            params = models.AppBskyNotificationListNotifications.Params(
                limit=NOTIFICATIONS_PAGE, cursor=page_cursor
            )
            response = self._call(
                partial(
                    self.client.invoke_query,
                    "app.bsky.notification.listNotifications",
                    params=params,
                )
            )
            items = objects(response.content, "notifications")
            reached = False
            for item in items:
                indexed = normalize_time(item.get("indexedAt")) or ""
                if indexed and indexed <= since:
                    reached = True
                    continue
                newest = max(newest or "", indexed) or newest
                mention = mention_from_notification(item, self.account_id, self.handle)
                if mention is not None:
                    found.append(mention)
            page_cursor = text(response.content, "cursor") or None
            if reached or not items or page_cursor is None:
                break
        else:
            log.warning("read %d pages of notifications without reaching the last seen", MAX_PAGES)
        found.sort(key=lambda m: (m.indexed_at or "", m.post_id))  # oldest first
        return MentionPage(mentions=found, cursor=newest)

    def reply(self, mention: Mention, reply: Reply) -> str:
        """Post `reply` under `mention`; returns its at:// URI."""
        record = reply_record(reply, mention.reply_context, utc_now())
        created = self._call(
            lambda: self.client.com.atproto.repo.create_record(
                models.ComAtprotoRepoCreateRecord.Data(
                    repo=self.account_id, collection=POST_COLLECTION, record=record
                )
            )
        )
        return str(created.uri)

    def replies_to(self, post_id: str) -> list[str]:
        """The bot's own recent posts replying to `post_id` (to reconcile after a crash)."""
        found: list[str] = []
        page: str | None = None
        for _ in range(OWN_REPLIES_PAGES):
            params = models.ComAtprotoRepoListRecords.Params(
                repo=self.account_id, collection=POST_COLLECTION, limit=100, cursor=page
            )
            response = self._call(
                partial(self.client.invoke_query, "com.atproto.repo.listRecords", params=params)
            )
            for item in objects(response.content, "records"):
                value = item.get("value")
                parent = value.get("reply", {}).get("parent", {}) if isinstance(value, dict) else {}
                if isinstance(parent, dict) and parent.get("uri") == post_id:
                    found.append(text(item, "uri"))
            page = text(response.content, "cursor") or None
            if page is None:
                break
        return found

    def _call(self, fn: Callable[[], T]) -> T:
        """One call as the bot; a session the server no longer accepts is dropped, so the
        next job logs in afresh instead of failing the same way forever."""
        try:
            return fn()
        except UnauthorizedError:
            self.account_id = ""
            self.session_file.unlink(missing_ok=True)
            raise ServiceError(f"{self.pds} no longer accepts the bot's session") from None
        except AtProtocolError as e:
            raise service_error(self.pds, e) from None

    # --- the saved session ------------------------------------------------------------

    def _read_session(self) -> str:
        """The saved session string, if it was saved for this PDS and handle."""
        try:
            saved = json.loads(self.session_file.read_text())
        except (OSError, ValueError):
            return ""
        if not isinstance(saved, dict) or (saved.get("pds"), saved.get("handle")) != (
            self.pds,
            self.handle,
        ):
            return ""
        session = saved.get("session")
        return session if isinstance(session, str) else ""

    def _save_session(self, event: SessionEvent | None, session: Any) -> None:
        """Write the session string readable by its owner only (0600), atomically."""
        if event not in (None, SessionEvent.CREATE, SessionEvent.REFRESH):
            return
        data = json.dumps(
            {"pds": self.pds, "handle": self.handle, "session": self.client.export_session_string()}
        )
        tmp = self.session_file.with_name(self.session_file.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(data)
        os.replace(tmp, self.session_file)


def _did_of(client: Client) -> str:
    session = getattr(client, "_session", None)
    return str(getattr(session, "did", "") or (client.me.did if client.me else ""))
