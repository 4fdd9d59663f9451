"""Self-threads from an X export read once, newest first (x_archive_threads)."""

from __future__ import annotations

import pytest

from bot.models import Post, Thread
from bot.sources.exports.x_archive_threads import NewestFirst, Unordered

OWNER = "x:15"


def post(number: int, parent: int | None = None) -> Post:
    return Post(
        id=f"x:{number}",
        platform="x",
        author_id=OWNER,
        text=f"post {number}",
        created_at=f"2026-02-03T15:00:{number:02d}.000Z",
        reply_parent_id=f"x:{parent}" if parent else None,
    )


def gap(number: int) -> Post:
    return Post(id=f"x:{number}", platform="x", author_id=OWNER, status="deleted")


def feed(items: list[tuple[int, int | None, list[int], bool]]) -> list[Thread]:
    """(id, the owner's post it answers, versions, kept) for each post, newest first."""
    assembler = NewestFirst(OWNER, gap)
    out: list[Thread] = []
    for number, parent, edits, kept in items:
        out += assembler.add(number, parent, edits, post(number, parent) if kept else None)
        out += assembler.passed()
    return out + assembler.finish()


def shape(threads: list[Thread]) -> list[tuple[str, list[str]]]:
    return sorted((t.root_id, [p.id for p in t.posts]) for t in threads)


def test_a_thread_comes_out_whole_when_its_first_post_is_read() -> None:
    threads = feed([(9, 8, [], True), (8, 7, [], True), (7, None, [], True), (5, None, [], True)])
    assert shape(threads) == [("x:5", ["x:5"]), ("x:7", ["x:7", "x:8", "x:9"])]
    (seven,) = [t for t in threads if t.root_id == "x:7"]
    assert [p.reply_root_id for p in seven.posts] == [None, "x:7", "x:7"]


def test_a_thread_whose_first_post_is_gone_starts_with_a_gap() -> None:
    threads = feed([(9, 6, [], True), (8, None, [], True), (5, None, [], True)])
    assert shape(threads) == [("x:5", ["x:5"]), ("x:6", ["x:6", "x:9"]), ("x:8", ["x:8"])]
    (six,) = [t for t in threads if t.root_id == "x:6"]
    assert six.posts[0].status == "deleted"


def test_a_reply_to_an_earlier_version_joins_the_last_version() -> None:
    # 7 was edited into 8: the export has both, 9 answers the first version
    threads = feed(
        [(9, 7, [], True), (8, None, [7, 8], True), (7, None, [7, 8], False), (3, None, [], True)]
    )
    assert shape(threads) == [("x:3", ["x:3"]), ("x:8", ["x:8", "x:9"])]


def test_an_export_not_newest_first_is_noticed() -> None:
    with pytest.raises(Unordered):
        feed([(5, None, [], True), (7, None, [], True)])
