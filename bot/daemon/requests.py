"""Archive requests: someone mentions the bot under a thread; it archives the thread and
replies with the link — exactly once, politely, and never as a tool for spam or abuse.

Every mention becomes one row in `requests` before anything else happens (and only then
does the mentions cursor move on), so a mention is never lost nor taken twice. A worker
claims a row with a conditional update before working on it, so two processes never answer
the same request. The reply is recorded as intended (status "replying", with its text and
links) before it is posted, and as done after; if the daemon dies in between, the next poll
posts it only if the bot's own reply is not already under the mention.

Failures: a post that is gone or no thread gets the polite refusal that exists for it; a
service failure puts the request back in the queue with backoff, at most MAX_ATTEMPTS
times, after which the requester is told it failed; a rate limit pauses the job until the
service's reset (RateLimited propagates to the scheduler).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.config import Settings
from bot.daemon.consent import denied, opted_out
from bot.daemon.mentions import interpret, looks_like_bot
from bot.daemon.replies import RefusalReason, archive_reply, optout_reply, refusal_reply
from bot.errors import BadInput, RateLimited, ServiceError, describe
from bot.links.stage import resolve_due_links
from bot.models import Account, Mention, Reply, ReplyLink
from bot.pipeline import fetch, save, thread_page_url
from bot.sources.base import BotAccount, Connector, ThreadSource
from bot.store import Store
from bot.store.links import documents_by_kind
from bot.store.requests import (
    add_request,
    claim_request,
    claimants,
    drop_claims,
    release_request,
    requests_since,
    unanswered_requests,
    update_request,
)
from bot.store.watch import cursor, save_cursor
from bot.timestamps import ago, from_now, iso

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# waits after the 1st, 2nd, … failure of a request
BACKOFF = [timedelta(minutes=m) for m in (1, 5, 30, 120)]
LEASE = timedelta(minutes=10)  # a claim outlives any one request's work by far


@dataclass
class RequestSummary:
    replied: int = 0
    refused: int = 0
    ignored: int = 0
    retrying: int = 0
    errors: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{self.replied} replied, {self.refused} refused, {self.ignored} ignored, "
            f"{self.retrying} to retry, {len(self.errors)} errors"
        )


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _alive(worker: str) -> bool:
    """Whether a claim's worker may still be working: always, for another machine's (its
    claim expires after LEASE); for one on this machine, while its process lives."""
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


def poll_requests(
    connector: Connector,
    account: BotAccount,
    source: ThreadSource,
    store: Store,
    settings: Settings,
) -> RequestSummary:
    """Take new mentions, then answer every request whose time has come."""
    summary = RequestSummary()
    cursor_name = f"mentions:{account.platform}"
    page = account.mentions(cursor(store, cursor_name))
    for mention in page.mentions:
        _take(mention, account, store, settings, summary)
    if page.cursor:
        save_cursor(store, cursor_name, page.cursor)
    worker = worker_name()
    for gone in {w for w in claimants(store) if w != worker and not _alive(w)}:
        log.info("requests claimed by %s, which is gone, are free again", gone)
        drop_claims(store, gone)
    for row in unanswered_requests(store, account.platform):
        if not claim_request(store, row["id"], worker, LEASE):
            continue  # another process has it
        try:
            _answer(row, connector, account, source, store, settings, summary)
        except RateLimited as e:
            # not the request's fault: put it back without counting it, and pause the job
            release_request(store, row["id"], error=str(e), next_attempt_at=_reset(e))
            raise
        except BadInput as e:
            _refuse_for_good(row, account, store, "not_found", str(e), summary)
        except ServiceError as e:
            _retry_or_give_up(row, account, store, str(e), summary)
        except Exception as e:  # an internal failure: one traceback in the log, one line on the row
            log.exception("request %s failed", row["id"])
            _retry_or_give_up(row, account, store, f"internal error: {describe(e)}", summary)
    return summary


def _take(
    mention: Mention,
    account: BotAccount,
    store: Store,
    settings: Settings,
    summary: RequestSummary,
) -> None:
    """Record a mention as a request, or as ignored (bots, the denylist), once."""
    request = interpret(mention)
    if request is None:
        return
    status, why = "received", None
    if mention.author.id == account.account_id or looks_like_bot(mention):
        status, why = "ignored", "from a bot"
    elif denied(settings, mention.author.id, mention.author.handle):
        status, why = "ignored", "requester on the denylist"
    added = add_request(
        store,
        platform=mention.platform,
        mention_post_id=mention.post_id,
        requester_id=mention.author.id,
        requester_handle=mention.author.handle,
        command=request.command,
        target_post_id=request.target_post_id,
        reply_root=json.dumps(mention.reply_context),
        status=status,
        error=why,
    )
    if added is not None and status == "ignored":
        summary.ignored += 1


def _answer(
    row: dict[str, Any],
    connector: Connector,
    account: BotAccount,
    source: ThreadSource,
    store: Store,
    settings: Settings,
    summary: RequestSummary,
) -> None:
    if row["status"] == "replying" and row["reply_links"] is not None:
        _finish_reply(row, account, store)
        summary.replied += 1
        return
    if row["command"] in ("optout", "optin"):
        _reply(row, account, store, optout_reply(row["command"] == "optin"), "replied")
        summary.replied += 1
        return
    if requests_since(store, row["requester_id"], ago(timedelta(hours=1)), row["id"]) >= (
        settings.daemon.requests_per_hour
    ):
        # no reply: a polite refusal per request would itself be a way to spam
        release_request(store, row["id"], status="refused", error="rate limited")
        summary.refused += 1
        return
    thread = fetch(connector.ref_of(row["target_post_id"]), source, store)
    handles = {p.author.handle for p in thread.posts if p.author}
    if opted_out(store, settings, thread.author_id, handles):
        _reply(row, account, store, refusal_reply("opted_out"), "refused")
        summary.refused += 1
        return
    saved = save(thread, store, settings.public_url).saved
    update_request(store, row["id"], thread_id=saved.id, status="archived")
    asyncio.run(
        resolve_due_links(store, settings, thread_ids=[saved.id], budget=settings.fetch.budget)
    )
    reply = archive_reply(
        posts=saved.post_count,
        documents=documents_by_kind(store, saved.id),
        page_url=thread_page_url(settings.public_url, saved.id),
        limits=account.limits,
    )
    _reply(row, account, store, reply, "replied")
    summary.replied += 1


def _refuse_for_good(
    row: dict[str, Any],
    account: BotAccount,
    store: Store,
    reason: RefusalReason,
    error: str,
    summary: RequestSummary,
) -> None:
    """A request that can never succeed: say so to the requester, record why."""
    log.info("request %s refused: %s", row["id"], error)
    update_request(store, row["id"], error=error)
    try:
        _reply(row, account, store, refusal_reply(reason), "refused")
    except ServiceError as e:  # the refusal itself could not be posted: try again later
        _retry_or_give_up({**row, "status": "replying"}, account, store, str(e), summary)
        return
    summary.refused += 1


def _retry_or_give_up(
    row: dict[str, Any], account: BotAccount, store: Store, error: str, summary: RequestSummary
) -> None:
    attempts = (row["attempts"] or 0) + 1
    summary.errors.append(f"request {row['id']}: {error}")
    if attempts < MAX_ATTEMPTS:
        log.info("request %s failed (attempt %d), will retry: %s", row["id"], attempts, error)
        release_request(
            store,
            row["id"],
            attempts=attempts,
            error=error,
            next_attempt_at=from_now(BACKOFF[min(attempts, len(BACKOFF)) - 1]),
        )
        summary.retrying += 1
        return
    log.warning("request %s failed %d times, giving up: %s", row["id"], attempts, error)
    release_request(store, row["id"], attempts=attempts, error=error, status="failed")
    if row["status"] == "replying":
        return  # the reply itself kept failing: nothing more to post
    try:
        _reply(row, account, store, refusal_reply("failed"), "failed")
    except (ServiceError, RateLimited) as e:
        log.warning("request %s: could not tell the requester: %s", row["id"], e)
        release_request(store, row["id"], status="failed", error=error)


def _reply(
    row: dict[str, Any], account: BotAccount, store: Store, reply: Reply, status_after: str
) -> None:
    links = json.dumps([[link.start, link.end, link.url] for link in reply.links])
    update_request(  # the intent, before posting
        store,
        row["id"],
        status="replying",
        reply_text=reply.text,
        reply_links=links,
        status_after=status_after,
    )
    _finish_reply(
        {**row, "reply_text": reply.text, "reply_links": links, "status_after": status_after},
        account,
        store,
    )


def _finish_reply(row: dict[str, Any], account: BotAccount, store: Store) -> None:
    """Post the intended reply unless the bot's reply is already under the mention."""
    mention_id = row["mention_post_id"]
    posted = account.replies_to(mention_id)
    if posted:
        post_id = posted[0]
    else:
        mention = Mention(
            platform=row["platform"],
            post_id=mention_id,
            author=Account(row["requester_id"], row["platform"], row["requester_handle"] or ""),
            text="",
            target_post_id=row["target_post_id"],
            reply_context=json.loads(row["reply_root"] or "{}"),
        )
        links = tuple(ReplyLink(*link) for link in json.loads(row["reply_links"] or "[]"))
        post_id = account.reply(mention, Reply(row["reply_text"], links))
    release_request(
        store, row["id"], status=row["status_after"] or "replied", reply_post_id=post_id
    )


def _reset(error: RateLimited) -> str | None:
    if error.reset_at is None:
        return None
    return iso(datetime.fromtimestamp(error.reset_at, UTC))
