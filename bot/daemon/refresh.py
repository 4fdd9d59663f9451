"""Refresh: archive growing threads again, so posts added after the first archive are kept.

A thread grows for hours: it is refreshed at every run while its last post is under 6 hours
old, hourly until 2 days, then left alone. A thread that fails (its root was deleted, the
service failed) fails alone, on its own row, and waits before it is tried again; a thread
whose author opted out is not refreshed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.config import Settings
from bot.daemon.consent import opted_out
from bot.errors import BadInput, ConfigError, RateLimited, ServiceError, describe
from bot.pipeline import archive_thread
from bot.sources.base import ThreadSource
from bot.sources.registry import connectors
from bot.store import Store
from bot.store.jobs import clear_item_failure, item_due, record_item_failure
from bot.store.watch import young_threads
from bot.timestamps import iso, parse_iso

log = logging.getLogger(__name__)

YOUNG = timedelta(hours=6)
AGING = timedelta(days=2)
# waits after the 1st, 2nd, … failure of one thread; within two days it is given up on
BACKOFF = [timedelta(minutes=m) for m in (15, 60, 240, 720)]


@dataclass
class RefreshSummary:
    refreshed: int = 0
    errors: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.refreshed} threads refreshed, {len(self.errors)} errors"


def refresh_threads(
    source_for: Callable[[str], ThreadSource], store: Store, settings: Settings
) -> RefreshSummary:
    """Archive again every young thread whose turn it is; `source_for(platform)` gives the
    platform's source (ConfigError when the settings give it none: its threads wait)."""
    now = datetime.now(UTC)
    summary = RefreshSummary()
    unavailable: set[str] = set()
    for thread in young_threads(store, since=iso(now - AGING)):
        if thread.platform in unavailable:
            continue
        if not refresh_due(thread.last_post_at, thread.updated_at, now):
            continue
        try:
            source = source_for(thread.platform)
        except ConfigError as e:
            log.warning("refresh: %s threads wait: %s", thread.platform, e)
            unavailable.add(thread.platform)
            continue
        if not item_due(store, "refresh", thread.root_post_id):
            continue
        if opted_out(store, settings, thread.author_id, [thread.author_handle]):
            continue
        try:
            ref = connectors()[thread.platform].ref_of(thread.root_post_id)
            archive_thread(ref, source, store, settings.public_url)
            clear_item_failure(store, "refresh", thread.root_post_id)
            summary.refreshed += 1
        except RateLimited:
            raise
        except Exception as e:  # one thread's trouble must not stop the others
            if not isinstance(e, BadInput | ServiceError):
                log.exception("refresh: thread %s failed", thread.root_post_id)
            record_item_failure(store, "refresh", thread.root_post_id, describe(e), BACKOFF)
            summary.errors.append(f"{thread.root_post_id}: {describe(e)}")
            log.info("refresh: thread %s failed: %s", thread.root_post_id, describe(e))
    return summary


def refresh_due(last_post_at: str | None, updated_at: str | None, now: datetime) -> bool:
    """Young threads every time; aging ones hourly; old ones not at all."""
    if not last_post_at:
        return False
    age = now - parse_iso(last_post_at)
    if age < YOUNG:
        return True
    if age < AGING:
        return not updated_at or now - parse_iso(updated_at) >= timedelta(hours=1)
    return False
