"""The pipeline for one thread: source → thread → store. The CLI and the daemon call this."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from bot.models import PostRef, Thread
from bot.sources.base import ThreadSource
from bot.store import Store
from bot.store.threads import SavedThread, known_posts, save_thread

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ArchiveResult:
    saved: SavedThread
    page_url: str
    notes: tuple[str, ...] = ()  # what could not be read, one sentence each


def archive_thread(
    ref: PostRef, source: ThreadSource, store: Store, public_url: str
) -> ArchiveResult:
    """Fetch the whole thread that `ref` belongs to and save it in one transaction.

    Nothing is written unless the fetch succeeded; a failure while saving rolls back, so the
    archive is either as before or has the whole thread.
    """
    return save(fetch(ref, source, store), store, public_url)


def fetch(ref: PostRef, source: ThreadSource, store: Store) -> Thread:
    """The thread `ref` belongs to, with posts archived before and now gone marked deleted."""
    started = time.monotonic()
    calls_before = source.calls
    thread = source.fetch_thread(ref, known=lambda root_id: known_posts(store, root_id))
    log.info(
        "fetched thread root=%s posts=%d calls=%d duration=%.2fs",
        thread.root_id,
        len(thread.posts),
        source.calls - calls_before,
        time.monotonic() - started,
    )
    return thread


def save(thread: Thread, store: Store, public_url: str) -> ArchiveResult:
    """Save a fetched thread in one transaction."""
    saved = save_thread(store, thread)
    log.info(
        "archived thread=%s root=%s posts=%d gaps=%d links=%d new=%d",
        saved.id,
        saved.root_id,
        saved.post_count,
        saved.gap_count,
        saved.link_count,
        saved.new_posts,
    )
    return ArchiveResult(
        saved=saved,
        page_url=thread_page_url(public_url, store, saved.id),
        notes=tuple(thread.notes),
    )


def thread_page_url(public_url: str, store: Store, thread_id: int) -> str:
    """Where Datasette shows the thread: the `thread` canned query of the archive database."""
    return f"{public_url.rstrip('/')}/{store.path.stem}/thread?id={thread_id}"
