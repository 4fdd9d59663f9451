"""The pipeline: archive one thread (source → thread → store), and annotate what was
archived (store → annotators → store). The CLI and the daemon call these; the link stage
(bot/links/stage.py) runs between them."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from bot.annotate import (
    annotate_document,
    annotate_thread,
    load_register,
    register_rows,
    rules_version,
)
from bot.annotate.register import JudgeRegister, register_from_bytes, register_to_bytes
from bot.models import AnnotationContext, PostRef, Thread
from bot.sources.base import ThreadSource
from bot.store import Store
from bot.store.annotations import (
    current_register,
    document_to_annotate,
    documents_due,
    save_document_annotations,
    save_register,
    save_thread_annotations,
    thread_to_annotate,
    threads_due,
)
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
        page_url=thread_page_url(public_url, saved.id),
        notes=tuple(thread.notes),
    )


def thread_page_url(public_url: str, thread_id: int) -> str:
    """The thread's page in the reading room (bot/web/paths.py). Replies made before it
    carried /<archive>/thread?id=N, which leads there too."""
    return f"{public_url.rstrip('/')}/thread/{thread_id}"


# --- annotate ----------------------------------------------------------------------------

# A document's text past this is not annotated: the facts a ruling's annotations are about
# (judge, court, case, outcome) are on its first pages, and a 2 MB exhibit dump must not
# cost minutes.
DOCUMENT_TEXT_ANNOTATED = 200_000


@dataclass
class AnnotateSummary:
    threads: int = 0
    documents: int = 0
    annotations: int = 0

    def __str__(self) -> str:
        return (
            f"{self.threads} threads and {self.documents} documents annotated "
            f"({self.annotations} annotations)"
        )


def register_in_use(store: Store) -> JudgeRegister:
    """The archive's judges register: the one `threadbot judges update` loaded, else the
    one that ships with threadbot (put in the archive the first time, for SQL)."""
    stored = current_register(store)
    if stored is not None:
        return register_from_bytes(stored.data)
    register = load_register()
    save_register(store, register_rows(register, register_to_bytes(register)))
    return register


def annotate_due(
    store: Store, *, everything: bool = False, limit: int | None = None
) -> AnnotateSummary:
    """Annotate every thread and document not annotated yet by these rules and this
    register (`everything`: all of them again). Each thread, each document in one
    transaction; running it again does nothing."""
    summary = AnnotateSummary()
    if not store.exists:
        return summary
    register = register_in_use(store)
    version = rules_version(register)
    due = "" if everything else version  # no thread is annotated with "": all are due
    for thread_id in threads_due(store, due, limit):
        thread = thread_to_annotate(store, thread_id)
        context = AnnotationContext(
            court_ids=thread.court_ids,
            docket_assigned_to=thread.docket_assigned_to,
            docket_court_id=thread.docket_court_id,
        )
        found = annotate_thread(thread.posts, context, register=register)
        summary.annotations += save_thread_annotations(
            store, thread_id, [p.id for p in thread.posts], found, version
        )
        summary.threads += 1
    for document_id in documents_due(store, due, limit):
        document = document_to_annotate(store, document_id, DOCUMENT_TEXT_ANNOTATED)
        context = AnnotationContext(
            subject_id=str(document_id),
            posted_at=document.fetched_at,
            court_ids=tuple(c for c in (document.court_id, document.docket_court_id) if c),
            docket_assigned_to=document.docket_assigned_to,
            docket_court_id=document.docket_court_id,
        )
        found_in = annotate_document(document.text, context, register=register)
        summary.annotations += save_document_annotations(store, document_id, found_in, version)
        summary.documents += 1
    log.info("annotated: %s", summary)
    return summary
