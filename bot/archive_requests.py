"""Archive requests: someone mentions the bot under a thread; it archives the thread and
replies with the link — exactly once, politely, and never as a tool for spam or abuse.

Every mention becomes one row in `requests` before anything else happens; a mention already
there is never taken again. The reply is recorded as intended (status "replying", with its
text and facets) before it is posted, and as done after. If the daemon dies anywhere in
between, the next poll finishes the job from the row: a request not yet answered is handled
again, and an intended reply is posted only if the bot's own reply is not already there.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from bot.archive import thread_page_url
from bot.config import Settings
from bot.errors import ThreadbotError
from bot.links.resolve import resolve_due_links
from bot.mentions import looks_like_bot, parse_notification
from bot.models import PostRef
from bot.replies import archive_reply, optout_reply, refusal_reply
from bot.sources.bluesky import BlueskySource
from bot.sources.bluesky_account import BlueskyAccount
from bot.store import Store
from bot.store_daemon import (
    add_request,
    opted_out_by_request,
    requests_since,
    unanswered_requests,
    update_request,
)
from bot.timestamps import ago

log = logging.getLogger(__name__)


@dataclass
class RequestSummary:
    replied: int = 0
    refused: int = 0
    ignored: int = 0
    errors: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{self.replied} replied, {self.refused} refused, {self.ignored} ignored, "
            f"{len(self.errors)} errors"
        )


def poll_mentions(
    account: BlueskyAccount, source: BlueskySource, store: Store, settings: Settings
) -> RequestSummary:
    """Take new mentions, then answer every request not answered yet."""
    summary = RequestSummary()
    for item in reversed(account.notifications()):  # oldest first
        _take(item, account, store, settings, summary)
    for row in unanswered_requests(store):
        try:
            _answer(row, account, source, store, settings, summary)
        except ThreadbotError as e:
            update_request(store, row["id"], status="failed", error=str(e))
            summary.errors.append(str(e))
    return summary


def _take(
    item: dict[str, Any],
    account: BlueskyAccount,
    store: Store,
    settings: Settings,
    summary: RequestSummary,
) -> None:
    """Record a mention as a request, or as ignored (bots, the denylist), once."""
    request = parse_notification(item, account.did, account.handle)
    if request is None:
        return
    status, why = "received", None
    author = item.get("author") if isinstance(item.get("author"), dict) else {}
    if request.requester_did == account.did or looks_like_bot(author):
        status, why = "ignored", "from a bot"
    elif {request.requester_did, request.requester_handle} & set(settings.daemon.denylist):
        status, why = "ignored", "requester on the denylist"
    added = add_request(
        store,
        platform="bluesky",
        mention_post_id=request.mention_uri,
        mention_cid=request.mention_cid,
        requester_id=request.requester_did,
        requester_handle=request.requester_handle,
        command=request.command,
        target_post_id=request.target_uri,
        reply_root=json.dumps(_reply_root(item, request.mention_uri, request.mention_cid)),
        status=status,
        error=why,
    )
    if added is not None and status == "ignored":
        summary.ignored += 1


def _answer(
    row: dict[str, Any],
    account: BlueskyAccount,
    source: BlueskySource,
    store: Store,
    settings: Settings,
    summary: RequestSummary,
) -> None:
    if row["status"] == "replying":
        _finish_reply(row, account, store)
        summary.replied += 1
        return
    daemon = settings.daemon
    if row["command"] in ("optout", "optin"):
        _reply(row, account, store, optout_reply(row["command"] == "optin"), [], "replied")
        summary.replied += 1
        return
    hour_ago = ago(timedelta(hours=1))
    if requests_since(store, row["requester_id"], hour_ago, before_id=row["id"]) >= (
        daemon.requests_per_hour
    ):
        # no reply: a polite refusal per request would itself be a way to spam
        update_request(store, row["id"], status="refused", error="rate limited")
        summary.refused += 1
        return
    target = row["target_post_id"]
    did, rkey = target.removeprefix("at://").split("/")[0], target.rsplit("/", 1)[-1]
    thread = source.fetch_thread(PostRef("bluesky", did, rkey, target), known=store.known_posts)
    handles = {p.author.handle for p in thread.posts if p.author}
    if ({thread.author_id} | handles) & set(daemon.optout) or opted_out_by_request(
        store, thread.author_id
    ):
        _reply(row, account, store, refusal_reply("opted_out"), [], "refused")
        summary.refused += 1
        return
    saved = store.save_thread(thread)
    update_request(store, row["id"], thread_id=saved.id, status="archived")
    asyncio.run(resolve_due_links(store, settings, thread_ids=[saved.id]))
    text, facets = archive_reply(
        posts=saved.post_count,
        documents=_documents_by_kind(store, saved.id),
        page_url=thread_page_url(settings.public_url, store, saved.id),
    )
    _reply(row, account, store, text, facets, "replied")
    summary.replied += 1


def _reply(
    row: dict[str, Any],
    account: BlueskyAccount,
    store: Store,
    text: str,
    facets: list[dict[str, Any]],
    status_after: str,
) -> None:
    update_request(  # the intent, before posting
        store,
        row["id"],
        status="replying",
        reply_text=text,
        reply_facets=json.dumps(facets),
        status_after=status_after,
    )
    row = {
        **row,
        "reply_text": text,
        "reply_facets": json.dumps(facets),
        "status_after": status_after,
    }
    _finish_reply(row, account, store)


def _finish_reply(row: dict[str, Any], account: BlueskyAccount, store: Store) -> None:
    """Post the intended reply unless the bot's reply is already under the mention."""
    mention = row["mention_post_id"]
    posted = account.my_replies_to(mention)
    if posted:
        uri = posted[0]
    else:
        uri = account.reply(
            row["reply_text"],
            json.loads(row["reply_facets"] or "[]"),
            parent={"uri": mention, "cid": row["mention_cid"]},
            root=json.loads(row["reply_root"]),
        )
    update_request(store, row["id"], status=row["status_after"] or "replied", reply_post_id=uri)


def _reply_root(item: dict[str, Any], mention_uri: str, mention_cid: str) -> dict[str, str]:
    """The conversation the reply belongs to: the mention's root, or the mention itself."""
    record = item.get("record") if isinstance(item.get("record"), dict) else {}
    reply = record.get("reply") if isinstance(record.get("reply"), dict) else {}
    root = reply.get("root") if isinstance(reply.get("root"), dict) else {}
    if isinstance(root.get("uri"), str) and isinstance(root.get("cid"), str):
        return {"uri": root["uri"], "cid": root["cid"]}
    return {"uri": mention_uri, "cid": mention_cid}


def _documents_by_kind(store: Store, thread_id: int) -> dict[str, int]:
    rows = store.conn.execute(
        """
        select d.kind, count(distinct d.id) from links l
        join posts p on p.id = l.post_id join documents d on d.id = l.document_id
        where p.thread_id = ? group by d.kind
        """,
        [thread_id],
    ).fetchall()
    return dict(rows)
