"""The pipeline for one thread: source → thread → store. The CLI and the daemon call this."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from bot.models import PostRef
from bot.sources.bluesky import BlueskySource
from bot.store import SavedThread, Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ArchiveResult:
    saved: SavedThread
    page_url: str


def archive_thread(
    ref: PostRef, source: BlueskySource, store: Store, public_url: str
) -> ArchiveResult:
    """Fetch the whole thread that `ref` belongs to and save it in one transaction.

    Nothing is written unless the fetch succeeded; a failure while saving rolls back, so the
    archive is either as before or has the whole thread.
    """
    started = time.monotonic()
    calls_before = source.calls
    thread = source.fetch_thread(ref, known=store.known_posts)
    saved = store.save_thread(thread)
    log.info(
        "archived thread=%s root=%s posts=%d gaps=%d links=%d new=%d calls=%d duration=%.2fs",
        saved.id,
        saved.root_id,
        saved.post_count,
        saved.gap_count,
        saved.link_count,
        saved.new_posts,
        source.calls - calls_before,
        time.monotonic() - started,
    )
    return ArchiveResult(saved=saved, page_url=thread_page_url(public_url, store, saved.id))


def thread_page_url(public_url: str, store: Store, thread_id: int) -> str:
    """Where Datasette shows the thread: the `thread` canned query of the archive database."""
    return f"{public_url.rstrip('/')}/{store.path.stem}/thread?id={thread_id}"
