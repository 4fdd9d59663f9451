"""Reading an export in a child process (bot/read_ahead.py): the archive is the one a
single process writes, and a reader that fails or dies, or a writer that stops, ends the
import with one clear line, the threads before it saved, and no process left behind.

Real forked processes and a real pipe throughout; a reader's death is a real SIGKILL."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from car_builder import Repo

sys.path.insert(0, str(Path(__file__).parent))
from test_import import DID, PREFIX, assert_consistent, dump, make_export, post_record

from bot.errors import BadInput, ThreadbotError
from bot.imports import import_export
from bot.read_ahead import ReaderStopped, read_ahead
from bot.sources.exports.x_archive import XArchive
from bot.store import Store


def imported(db: Path, export: Path, **options: object) -> dict[str, list[tuple[object, ...]]]:
    """The archive, and the line `threadbot import` prints, after importing `export`."""
    store = Store(db)
    try:
        summary = import_export(store, export, **options)  # type: ignore[arg-type]
    finally:
        store.close()
    return {**dump(db), "line": [(summary.line(),)]}


def numbers(count: int, die_after: int | None = None, fail: str = "") -> Iterator[list[int]]:
    """Batches of ten numbers; the reader's faults on demand."""
    for start in range(0, count, 10):
        if die_after is not None and start >= die_after:
            os.kill(os.getpid(), signal.SIGKILL)
        if fail and start >= count // 2:
            if fail == "bad":
                raise BadInput("tweets.js is damaged at post 51")
            raise ValueError("a reader's bug")
        yield list(range(start, start + 10))


def received(
    count: int, group: int = 25, **faults: object
) -> tuple[list[int], list[int], BaseException | None]:
    """What the writer gets: the numbers, the state sent with each group, the error."""
    got: list[int] = []
    states: list[int] = []
    seen = [0]

    def batches() -> Iterator[list[int]]:
        for batch in numbers(count, **faults):  # type: ignore[arg-type]
            seen[0] += len(batch)
            yield batch

    try:
        for items, state in read_ahead(batches, lambda: seen[0], lambda _: 1, group):
            got += items
            states.append(state)
    except ThreadbotError as e:
        return got, states, e
    return got, states, None


def test_the_writer_gets_every_item_in_order_with_the_reader_s_state() -> None:
    got, states, error = received(1000, group=100)
    assert error is None
    assert got == list(range(1000))
    assert states == sorted(states) and states[-1] == 1000
    assert len(states) > 5  # in groups, not all at the end
    assert multiprocessing.active_children() == []


def test_a_damaged_spot_comes_after_every_item_before_it() -> None:
    got, _, error = received(100, fail="bad")
    assert isinstance(error, BadInput)
    assert str(error) == "tweets.js is damaged at post 51"
    assert got == list(range(50))  # every batch read before the damage
    assert multiprocessing.active_children() == []


def test_a_reader_s_bug_is_one_line_naming_it() -> None:
    got, _, error = received(100, fail="bug")
    assert type(error) is ReaderStopped
    assert str(error) == "the export reader failed: ValueError: a reader's bug"
    assert got == list(range(50))


def test_a_reader_killed_is_one_line_after_what_it_sent() -> None:
    got, _, error = received(100, group=20, die_after=60)
    assert type(error) is ReaderStopped
    assert str(error) == "the export reader stopped unexpectedly (killed by SIGKILL)"
    # the groups through the pipe before it died, whole and in order (a rerun of an
    # import reads the rest again)
    assert got == list(range(len(got))) and len(got) < 60
    assert multiprocessing.active_children() == []


def test_a_writer_that_stops_early_leaves_no_reader_behind() -> None:
    groups = read_ahead(lambda: numbers(100_000), lambda: 0, lambda _: 1, 100)
    first, _ = next(groups)
    assert first[:3] == [0, 1, 2]
    groups.close()  # the import failed, or Ctrl-C
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize("zip_file", [False, True])
def test_an_x_export_read_in_a_child_makes_the_same_archive(tmp_path: Path, zip_file: bool) -> None:
    export = make_export(tmp_path / "x", count=1500, zip_file=zip_file)
    ahead = imported(tmp_path / "ahead.db", export, reader_process=True, batch_posts=200)
    alone = imported(tmp_path / "alone.db", export, reader_process=False, batch_posts=200)
    # the rows' times differ (each import's own clock): compare what was archived
    for rows in (ahead, alone):
        rows["posts"] = [r[:14] + r[16:] for r in rows["posts"]]
        rows["links"] = [r[:10] for r in rows["links"]]
        rows["accounts"] = [r[:5] for r in rows["accounts"]]
        rows["threads"] = [r[:8] for r in rows["threads"]]
    assert len(ahead["posts"]) > 1000
    assert "long posts" in ahead["line"][0][0] and "reposts left out" in ahead["line"][0][0]
    assert ahead == alone


def test_a_bluesky_repository_read_in_a_child_makes_the_same_archive(tmp_path: Path) -> None:
    repo = Repo(DID)
    for i in range(300):  # threads of three
        parent = PREFIX + f"3k{i - 1:05d}" if i % 3 else None
        record = post_record(f"post {i} judge", 0, parent)
        record["createdAt"] = f"2026-02-03T15:{i // 60:02d}:{i % 60:02d}.000Z"
        repo.add("app.bsky.feed.post", f"3k{i:05d}", record)
    car = tmp_path / "repo.car"
    car.write_bytes(repo.car())
    ahead = imported(tmp_path / "ahead.db", car, reader_process=True, batch_posts=50)
    alone = imported(tmp_path / "alone.db", car, reader_process=False, batch_posts=50)
    assert len(ahead["posts"]) == 300 and len(ahead["threads"]) == 100
    assert ahead["line"] == alone["line"]
    assert [r[:3] for r in ahead["threads"]] == [r[:3] for r in alone["threads"]]
    assert [r[:14] for r in ahead["posts"]] == [r[:14] for r in alone["posts"]]


def test_a_reader_killed_mid_import_keeps_the_threads_before_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export = make_export(tmp_path / "x", count=900)
    real = XArchive.thread_batches

    def dies_midway(self: XArchive) -> Iterator[list[object]]:
        threads = [t for batch in real(self) for t in batch]
        for n, thread in enumerate(threads):
            if n == len(threads) // 2:
                os.kill(os.getpid(), signal.SIGKILL)  # in the reader's process
            yield [thread]

    monkeypatch.setattr(XArchive, "thread_batches", dies_midway)
    db = tmp_path / "archive.db"
    store = Store(db)
    with pytest.raises(ReaderStopped) as caught:
        import_export(store, export, reader_process=True, batch_posts=10)
    store.close()
    message = str(caught.value)
    assert message.startswith("the export reader stopped unexpectedly (killed by SIGKILL); ")
    (kept,) = sqlite3.connect(db).execute("select count(*) from posts").fetchone()
    assert message.endswith(f"the {kept:,} posts before it are in the archive")
    assert kept > 0
    assert_consistent(db)
    assert multiprocessing.active_children() == []
