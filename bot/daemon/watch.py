"""Watched reporters: find their new threads, archive those about court rulings.

The first poll of an account looks back `daemon.backfill_days` (at most
`daemon.backfill_posts` posts); later polls stop at the newest post seen before, or before a
thread that failed and waits to be tried again. Each thread is scored once; a skipped thread
is scored again only when it has grown since.

Every account and every thread fails alone: its error goes on its own row (item_failures)
with a time for the next attempt, and the poll goes on with the others.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from bot.config import Settings
from bot.daemon.consent import opted_out
from bot.daemon.court_filter import is_court_thread, score_thread
from bot.errors import RateLimited, ServiceError, describe
from bot.models import Post
from bot.pipeline import fetch, save
from bot.sources.base import Connector, ThreadSource
from bot.store import Store
from bot.store.jobs import clear_item_failure, item_due, item_failure, record_item_failure
from bot.store.watch import candidate, save_candidate, save_watch_state, watch_state
from bot.timestamps import ago, iso, parse_iso, utc_now

log = logging.getLogger(__name__)
PAGE = 50
# posts one later poll reads back at most: a reporter posts far fewer between two polls; an
# account that posts more is read from its newest posts, and the rest is logged as skipped
CATCH_UP_POSTS = 5_000
# how much later than its own time a post may show up in an account's feed (the AppView
# indexes posts concurrently; the soak saw one a few seconds late, behind newer posts)
INDEX_LAG = timedelta(minutes=10)
# waits after the 1st, 2nd, … failure of one account or thread; then it is given up on
BACKOFF = [timedelta(minutes=m) for m in (5, 30, 120, 720, 1440)]


@dataclass
class WatchSummary:
    archived: list[int] = field(default_factory=list)  # thread ids
    skipped: int = 0
    errors: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{len(self.archived)} archived, {self.skipped} skipped, {len(self.errors)} errors"


def poll_watched(
    connector: Connector, source: ThreadSource, store: Store, settings: Settings
) -> WatchSummary:
    """Poll every watched account of one platform whose turn it is."""
    summary = WatchSummary()
    watched = connector.watched(settings)
    actors = [a for a in watched if item_due(store, "watch", _item(connector, a))]
    for actor in actors:
        item = _item(connector, actor)
        try:
            poll_account(connector, source, store, settings, actor, summary)
            clear_item_failure(store, "watch", item)
        except RateLimited:
            raise  # the whole job waits for the service's reset
        except Exception as e:  # one account's trouble must not stop the others
            error = describe(e)
            if not isinstance(e, ServiceError):
                log.exception("watch %s failed", actor)
            failure = record_item_failure(store, "watch", item, error, BACKOFF)
            log.warning("watch %s failed (%d in a row): %s", actor, failure.attempts, error)
            summary.errors.append(f"{actor}: {error}")
    if actors and len(summary.errors) == len(actors):
        raise ServiceError(f"no watched account could be read: {summary.errors[0]}")
    return summary


def poll_account(
    connector: Connector,
    source: ThreadSource,
    store: Store,
    settings: Settings,
    actor: str,
    summary: WatchSummary,
) -> None:
    account_id = source.resolve_account(actor)
    position = watch_state(store, account_id).newest_seen_at
    since = position or ago(timedelta(days=settings.daemon.backfill_days))
    # The backfill cap is for an account's first poll; later polls read back to where the
    # last one stopped, however long the account went unread (its backoff, the daemon down).
    most = settings.daemon.backfill_posts if position is None else CATCH_UP_POSTS
    # an account whose first polls failed: what it posted since the first try is not backfill
    failed = item_failure(store, "watch", _item(connector, actor)) if position is None else None
    first_tried = failed.first_failed_at if failed else None
    roots, newest_seen, capped = new_roots(source, account_id, since, most, first_tried)
    if capped and position is not None:
        log.warning(
            "watch %s: %d new posts read; the older ones since %s are skipped", actor, most, since
        )
    held: list[str] = []  # threads to try again: the next poll must see them once more
    for root_id, newest in sorted(roots.items(), key=lambda kv: kv[1]):
        if not item_due(store, "watch-thread", root_id):
            if _tried_again_later(store, root_id):
                held.append(newest)
            continue
        try:
            _consider(connector, source, store, settings, account_id, root_id, newest, summary)
            clear_item_failure(store, "watch-thread", root_id)
        except RateLimited:
            raise
        except Exception as e:  # one thread's trouble must not stop the others
            if not isinstance(e, ServiceError):
                log.exception("watch: thread %s failed", root_id)
            failure = record_item_failure(store, "watch-thread", root_id, describe(e), BACKOFF)
            if failure.next_attempt_at is not None:
                held.append(newest)
            summary.errors.append(f"{root_id}: {describe(e)}")
    save_watch_state(store, connector.platform, account_id, actor, resume_after(newest_seen, held))


def _tried_again_later(store: Store, root_id: str) -> bool:
    failure = item_failure(store, "watch-thread", root_id)
    return failure is not None and failure.next_attempt_at is not None


def resume_after(newest_seen: str | None, held: list[str]) -> str | None:
    """Where the account's next poll stops reading back: at the newest post seen, or, while
    a thread waits to be tried again, just before its newest post, so that the poll finds
    it again (threads already decided on are not fetched again). Pure.

    >>> resume_after("2026-02-03T14:10:00.000Z", [])
    '2026-02-03T14:10:00.000Z'
    >>> resume_after("2026-02-03T14:10:00.000Z", ["2026-02-03T14:07:00.000Z"])
    '2026-02-03T14:06:59.999Z'
    """
    if not held:
        return newest_seen
    return iso(parse_iso(min(held)) - timedelta(milliseconds=1))


def _consider(
    connector: Connector,
    source: ThreadSource,
    store: Store,
    settings: Settings,
    account_id: str,
    root_id: str,
    newest: str,
    summary: WatchSummary,
) -> None:
    """Score one thread of a watched account and archive it if it is about a ruling."""
    known = candidate(store, root_id)
    if known and (known.decision == "archive" or (known.last_post_at or "") >= newest):
        return  # archived threads grow through the refresh job; unchanged ones stay
    thread = fetch(connector.ref_of(root_id), source, store)
    score = score_thread(thread)
    last = max((p.created_at for p in thread.posts if p.created_at), default=newest)
    handles = {p.author.handle for p in thread.posts if p.author}
    thread_id = None
    decision = "skip"
    if thread.author_id != account_id:
        decision = "not_own"  # a reply in someone else's conversation
    elif opted_out(store, settings, thread.author_id, handles):
        decision = "optout"
    elif is_court_thread(score, settings.daemon.court_threshold):
        thread_id = save(thread, store, settings.public_url).saved.id
        decision = "archive"
        summary.archived.append(thread_id)
        log.info("watch: archived thread %s (score %.1f)", thread_id, score.score)
    if decision != "archive":
        summary.skipped += 1
    save_candidate(
        store, root_id, account_id, score.score, score.reasons, decision, last, thread_id
    )


def new_roots(
    source: ThreadSource,
    account_id: str,
    since: str,
    max_posts: int,
    first_tried: str | None = None,
) -> tuple[dict[str, str], str | None, bool]:
    """Roots of the account's own threads with posts newer than `since`, or at most
    INDEX_LAG older (root id → its newest post); the newest time seen past `since`; and
    whether a cap stopped the reading first: `max_posts`, counted only once the posts are
    older than `first_tried` if given, and CATCH_UP_POSTS in any case. Replies in other
    people's conversations are not the account's threads.

    Times are when the service received a post, never later than now: a post dated 2099 by
    its client must not move the account's position past every post still to come.
    """
    roots: dict[str, str] = {}
    newest: str | None = None
    page_cursor: str | None = None
    seen = 0
    now = utc_now()
    # a post may reach the feed after later ones, dated before them: read back INDEX_LAG
    # past `since` (threads already decided on are not fetched again)
    floor = iso(parse_iso(since) - INDEX_LAG)
    while True:  # every page ends in a return: the cap, `floor`, or the feed's end
        page = source.author_feed(account_id, page_cursor, PAGE)
        for post in page.posts:
            when = _seen_at(post, now)
            if not when or when <= floor:
                return roots, newest, False
            backfill = first_tried is None or when <= first_tried
            if seen >= CATCH_UP_POSTS or (seen >= max_posts and backfill):
                return roots, newest, True
            seen += 1
            if when > since:
                newest = max(newest or "", when)
            root = post.reply_root_id or post.id
            if root == post.id or post.reply_root_author_id == account_id:
                roots[root] = max(roots.get(root, ""), when)
        page_cursor = page.cursor
        if not page_cursor or not page.posts:
            return roots, newest, False


def _seen_at(post: Post, now: str) -> str | None:
    when = post.indexed_at or post.created_at
    return min(when, now) if when else None


def _item(connector: Connector, actor: str) -> str:
    return f"{connector.platform}:{actor.lower()}"
