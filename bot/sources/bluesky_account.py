"""The bot's own Bluesky account: one login, reused; notifications; replies.

createSession is rate limited (30 per 5 minutes), so the session is saved to a file that
only its owner can read (never in the archive, which Datasette serves) and reused, with
refreshed tokens saved as the SDK rotates them.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from atproto import Client, SessionEvent, models
from atproto_client.exceptions import AtProtocolError, UnauthorizedError
from atproto_client.request import Request

from bot.errors import ConfigError, ServiceError

log = logging.getLogger(__name__)


class BlueskyAccount:
    def __init__(
        self, pds: str, handle: str, password: str, session_file: Path, timeout: float = 20.0
    ) -> None:
        if not handle or not password:
            raise ConfigError("the bot account needs bluesky.handle and THREADBOT_BLUESKY_PASSWORD")
        self.pds = pds.rstrip("/")
        self.handle = handle
        self._password = password
        self.session_file = session_file
        self.client = Client(base_url=self.pds, request=Request(timeout=timeout))
        self.client.on_session_change(self._save_session)
        self.did = ""

    def login(self) -> None:
        """Reuse the saved session if it still works; log in with the password otherwise."""
        saved = self._read_session()
        if saved:
            try:
                self.client.login(session_string=saved, fetch_bsky_profile=False)
                self.did = self.client.me.did if self.client.me else _did_of(self.client)
                return
            except (UnauthorizedError, AtProtocolError, ValueError) as e:
                log.info("saved session not usable (%s); logging in again", type(e).__name__)
        try:
            self.client.login(self.handle, self._password, fetch_bsky_profile=False)
        except UnauthorizedError:
            raise ConfigError(f"Bluesky refused the login for {self.handle}") from None
        except AtProtocolError as e:
            raise ServiceError(f"cannot log in at {self.pds}: {e}") from None
        self.did = _did_of(self.client)
        self._save_session(None, None)

    def notifications(self, limit: int = 50) -> list[dict[str, Any]]:
        """The latest notifications, newest first, as the platform's JSON."""
        response = self.client.invoke_query(
            "app.bsky.notification.listNotifications",
            params=models.AppBskyNotificationListNotifications.Params(limit=limit),
        )
        content = response.content if isinstance(response.content, dict) else {}
        items = content.get("notifications")
        return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []

    def reply(
        self, text: str, facets: list[dict[str, Any]], parent: dict[str, str], root: dict[str, str]
    ) -> str:
        """Post a reply; returns its at:// URI."""
        record = {
            "$type": "app.bsky.feed.post",
            "text": text,
            "facets": facets,
            "reply": {"parent": parent, "root": root},
            "createdAt": self.client.get_current_time_iso(),
        }
        created = self.client.com.atproto.repo.create_record(
            models.ComAtprotoRepoCreateRecord.Data(
                repo=self.did, collection="app.bsky.feed.post", record=record
            )
        )
        return created.uri

    def my_replies_to(self, uri: str, limit: int = 100) -> list[str]:
        """The bot's own recent posts replying to `uri` (to reconcile after a crash)."""
        response = self.client.com.atproto.repo.list_records(
            models.ComAtprotoRepoListRecords.Params(
                repo=self.did, collection="app.bsky.feed.post", limit=limit
            )
        )
        found = []
        for item in response.records:
            value = item.value
            reply = getattr(value, "reply", None)
            if reply is not None and reply.parent.uri == uri:
                found.append(item.uri)
        return found

    def _read_session(self) -> str:
        try:
            return self.session_file.read_text().strip()
        except OSError:
            return ""

    def _save_session(self, event: SessionEvent | None, session: Any) -> None:
        """Write the session string readable by its owner only (0600), atomically."""
        if event not in (None, SessionEvent.CREATE, SessionEvent.REFRESH):
            return
        data = self.client.export_session_string()
        tmp = self.session_file.with_name(self.session_file.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(data)
        os.replace(tmp, self.session_file)


def _did_of(client: Client) -> str:
    session = getattr(client, "_session", None)
    return str(getattr(session, "did", "") or (client.me.did if client.me else ""))
