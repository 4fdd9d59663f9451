"""Watched reporters: find their new threads, archive those about court rulings.

The first poll of an account looks back `daemon.backfill_days` (at most
`daemon.backfill_posts` posts); later polls stop at the newest post seen before. Each thread
is scored once; a skipped thread is scored again only when it has grown since.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from bot.config import Settings
from bot.court_filter import is_court_thread, score_thread
from bot.errors import ServiceError
from bot.models import Post, PostRef
from bot.sources.bluesky import BlueskySource
from bot.store import Store
from bot.store_daemon import candidate, save_candidate, save_watch_state, watch_state
from bot.timestamps import ago

log = logging.getLogger(__name__)
PAGE = 50


@dataclass
class WatchSummary:
    archived: list[int] = field(default_factory=list)  # thread ids
    skipped: int = 0
    errors: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{len(self.archived)} archived, {self.skipped} skipped, {len(self.errors)} errors"


def poll_watched(source: BlueskySource, store: Store, settings: Settings) -> WatchSummary:
    summary = WatchSummary()
    for actor in settings.bluesky.watch:
        try:
            poll_account(source, store, settings, actor, summary)
        except Exception as e:  # one account's trouble must not stop the others
            log.warning("watch %s: %s", actor, e)
            summary.errors.append(f"{actor}: {e}")
    if summary.errors and len(summary.errors) == len(settings.bluesky.watch):
        raise ServiceError(f"no watched account could be read: {summary.errors[0]}")
    return summary


def poll_account(
    source: BlueskySource, store: Store, settings: Settings, actor: str, summary: WatchSummary
) -> None:
    did = actor if actor.startswith("did:") else source.resolve_handle(actor)
    since = watch_state(store, did).newest_seen_at or ago(
        timedelta(days=settings.daemon.backfill_days)
    )
    roots, newest_seen = _new_roots(source, did, since, settings.daemon.backfill_posts)
    for root_id, newest in sorted(roots.items(), key=lambda kv: kv[1]):
        known = candidate(store, root_id)
        if known and (known.decision == "archive" or (known.last_post_at or "") >= newest):
            continue  # archived threads grow through the refresh job; unchanged ones stay
        rkey = root_id.rsplit("/", 1)[-1]
        thread = source.fetch_thread(
            PostRef("bluesky", did, rkey, root_id), known=store.known_posts
        )
        score = score_thread(thread)
        last = max((p.created_at for p in thread.posts if p.created_at), default=newest)
        thread_id = None
        if is_court_thread(score, settings.daemon.court_threshold):
            thread_id = store.save_thread(thread).id
            summary.archived.append(thread_id)
            log.info("watch %s: archived thread %s (score %.1f)", actor, thread_id, score.score)
        else:
            summary.skipped += 1
        save_candidate(
            store,
            root_id,
            did,
            score.score,
            score.reasons,
            "archive" if thread_id else "skip",
            last,
            thread_id,
        )
    save_watch_state(store, did, actor, newest_seen)


def _new_roots(
    source: BlueskySource, did: str, since: str, max_posts: int
) -> tuple[dict[str, str], str | None]:
    """Roots of the account's own threads with posts newer than `since` (root id → its
    newest post), and the newest post seen at all."""
    roots: dict[str, str] = {}
    newest: str | None = None
    cursor: str | None = None
    seen = 0
    while seen < max_posts:
        posts, cursor = source.author_feed(did, cursor, limit=PAGE)
        for post in posts:
            if not post.created_at or post.created_at <= since or seen >= max_posts:
                return roots, newest
            seen += 1
            newest = max(newest or "", post.created_at)
            root = _root_of(post)
            if root.startswith(f"at://{did}/"):
                roots[root] = max(roots.get(root, ""), post.created_at)
        if not cursor or not posts:
            break
    return roots, newest


def _root_of(post: Post) -> str:
    return post.reply_root_id or post.id
