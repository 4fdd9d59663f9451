"""Import an export into the archive: years of an account's posts in one command.

    summary = import_export(store, "twitter-2026-02-03.zip")   # or a folder, or repo.car

Reads an X data export (the zip X sends, or the folder it unpacks to) or a Bluesky
repository export (a CAR file from `com.atproto.sync.getRepo`) and saves the account's
threads. Where there is a second core, the export is read in a child process while this one
writes (read_ahead.py): reading and writing take about the same time, and overlapped they
take a quarter less (measured: 27,500 posts/s instead of 19,900). A second thread instead
gained nothing: both halves hold the GIL.

Threads are saved a few thousand posts per transaction (store/bulk.py), each row as
`save_thread` writes it: importing the same export twice changes nothing, a post whose text
changed keeps its old version, and a process killed at any moment leaves the archive
consistent (a rerun finishes the import). A damaged or cut file is BadInput in one sentence,
raised after every complete thread before the damage has been saved.

Links are saved as pending, not resolved: an export can hold a hundred thousand of them, and
`threadbot resolve` fetches them within its limits.
"""

from __future__ import annotations

import contextlib
import zipfile
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypeVar

from bot import read_ahead
from bot.errors import BadInput
from bot.models import Thread
from bot.sources.exports.js_array import paused_gc
from bot.store import Store
from bot.store.bulk import import_cache, save_thread_batch

BATCH_POSTS = 5_000  # posts per transaction: larger gains little, and a kill loses more work
Progress = Callable[[int, int], None]  # (posts read, posts in the export or 0 if unknown)
ExportKind = Literal["x", "bluesky"]
S = TypeVar("S")


@dataclass
class ImportSummary:
    kind: ExportKind
    account: str  # the account's handle, else its id
    posts: int = 0  # posts saved (gaps included)
    threads: int = 0
    new_posts: int = 0  # posts the archive did not hold before
    links: int = 0  # links in the posts, waiting to be resolved
    long_posts: int = 0  # X: full text taken from note-tweet.js
    reposts: int = 0  # X: left out
    superseded: int = 0  # X: earlier versions of edited posts, left out

    def line(self, resolving: bool = False) -> str:
        """The one line `threadbot import` prints (`resolving`: links are resolved next)."""
        source = "X export" if self.kind == "x" else "Bluesky repository"
        new = "" if self.new_posts == self.posts else f" ({self.new_posts:,} new)"
        parts = [
            f"imported {self.posts:,} posts{new} in {self.threads:,} threads "
            f"from @{self.account}'s {source}"
        ]
        if self.kind == "x":
            parts.append(f"{self.long_posts:,} long posts")
            parts.append(f"{self.reposts:,} reposts left out")
        if self.links:
            parts.append(
                f"{self.links:,} links saved unresolved (`threadbot resolve` fetches them)"
            )
        return "; ".join(parts)


def export_kind(path: str | Path) -> ExportKind:
    """Which export `path` is: a .car file is a Bluesky repository, a zip or a folder an X
    data export. BadInput for anything else."""
    path = Path(path)
    if not path.exists():
        raise BadInput(f"no such file or folder: {path}")
    if path.is_dir():
        return "x"
    if path.suffix.lower() == ".car":
        return "bluesky"
    if zipfile.is_zipfile(path):
        return "x"
    raise BadInput(
        f"{path} is neither an X data export (a .zip or its folder) nor a Bluesky "
        "repository export (a .car file)"
    )


def import_export(
    store: Store,
    path: str | Path,
    handle: str = "",
    progress: Progress | None = None,
    batch_posts: int = BATCH_POSTS,
    reader_process: bool | None = None,
) -> ImportSummary:
    """Save every thread of the export at `path` into `store`; what was imported.

    `handle`: the account's handle for a Bluesky repository (a CAR file names only the
    DID). `progress` is called after each saved batch. `reader_process`: read the export
    in a child process (by default, where there is a second core for it).
    """
    ahead = read_ahead.available() if reader_process is None else reader_process
    # Nothing an import builds holds a reference cycle, and with hundreds of thousands of
    # objects alive, the collector's passes cost more than a tenth of the import.
    with paused_gc():
        if export_kind(path) == "bluesky":
            return _import_bluesky(store, Path(path), handle, progress, batch_posts, ahead)
        return _import_x(store, Path(path), progress, batch_posts, ahead)


def _import_x(
    store: Store, path: Path, progress: Progress | None, batch_posts: int, ahead: bool
) -> ImportSummary:
    from bot.sources.exports.x_archive import ExportStats, XArchive

    with XArchive(path) as export:
        summary = ImportSummary("x", export.owner.handle or export.owner.id)

        def read() -> int:
            stats = export.stats
            return stats.posts + stats.reposts + stats.superseded

        def adopt(stats: ExportStats) -> None:
            export.stats = stats

        _save_all(
            store,
            _read(export.thread_batches, lambda: export.stats, adopt, batch_posts, ahead),
            summary,
            batch_posts,
            progress,
            read,
            lambda: export.listed_posts,
        )
        stats = export.stats
        summary.long_posts, summary.reposts = stats.long_posts, stats.reposts
        summary.superseded = stats.superseded
    return summary


def _import_bluesky(
    store: Store,
    path: Path,
    handle: str,
    progress: Progress | None,
    batch_posts: int,
    ahead: bool,
) -> ImportSummary:
    from bot.sources.exports.bluesky_car import BlueskyRepo
    from bot.sources.exports.bluesky_threads import repo_threads

    with BlueskyRepo(path, handle=handle) as repo:
        summary = ImportSummary("bluesky", handle or repo.did)
        total = [0]

        def batches() -> Iterator[list[Thread]]:
            return repo_threads(repo, planned=lambda n: total.__setitem__(0, n))

        def adopt(planned: int) -> None:
            total[0] = planned

        _save_all(
            store,
            _read(batches, lambda: total[0], adopt, batch_posts, ahead),
            summary,
            batch_posts,
            progress,
            lambda: summary.posts,
            lambda: total[0],
        )
    return summary


def _read(
    batches: Callable[[], Iterator[list[Thread]]],
    state: Callable[[], S],
    adopt: Callable[[S], None],
    batch_posts: int,
    ahead: bool,
) -> Generator[list[Thread], None, None]:
    """`batches()`, read here or (`ahead`) in a child process whose reader's `state` is
    handed to `adopt` before each batch."""
    if not ahead:
        yield from batches()
        return
    for threads, now in read_ahead.read_ahead(batches, state, _size, batch_posts):
        adopt(now)
        yield threads


def _size(thread: Thread) -> int:
    return len(thread.posts)


def _save_all(
    store: Store,
    batches: Generator[list[Thread], None, None],
    summary: ImportSummary,
    batch_posts: int,
    progress: Progress | None,
    read: Callable[[], int],
    total: Callable[[], int],
) -> None:
    """Save the threads of `batches`, `batch_posts` posts a transaction, into `summary`."""
    pending: list[Thread] = []
    size = 0
    # the archive is opened (created) by the first batch, not before: an export refused
    # at its start leaves no archive behind
    opened = contextlib.ExitStack()
    opened.enter_context(contextlib.closing(batches))  # a reader process stops with us
    cached = False

    def flush() -> None:
        nonlocal pending, size, cached
        if not pending:
            return
        if not cached:
            opened.enter_context(import_cache(store))
            cached = True
        saved = save_thread_batch(store, pending)
        summary.threads += len(saved)
        summary.posts += size
        summary.new_posts += sum(s.new_posts for s in saved)
        summary.links += sum(len(p.links) for t in pending for p in t.posts if p.status == "ok")
        pending, size = [], 0
        if progress is not None:
            progress(read(), total())

    with opened:
        try:
            for threads in batches:
                for thread in threads:
                    pending.append(thread)
                    size += len(thread.posts)
                    if size >= batch_posts:
                        flush()
        except (BadInput, read_ahead.ReaderStopped) as e:  # a damaged file, a dead reader
            flush()  # the complete threads before it
            raise type(e)(
                f"{str(e).rstrip('.')}; the {summary.posts:,} posts before it are in the archive"
            ) from None
        flush()
