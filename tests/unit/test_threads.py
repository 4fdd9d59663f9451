"""Which posts make up an author's thread, and in what order a reader gets them.

The thread is the root and every reply its author wrote to their own posts, side branches
included, read depth first: where the author answered one post more than once, the asides are
read first, oldest first, and the branch carrying most of the thread (the main line) last.
Other people's replies are not part of it. Gaps (deleted, not found) keep their place; the
author's posts cut off from the root by a missing post still appear, after the main tree.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from bot.models import Post, PostStatus
from bot.threads import reconstruct

AUTHOR = "did:plc:reporter000000000000000"
OTHER = "did:plc:reader00000000000000000"
START = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def uri(rkey: str, did: str = AUTHOR) -> str:
    return f"at://{did}/app.bsky.feed.post/{rkey}"


ROOT = uri("root")


def post(
    rkey: str,
    parent: str | None = None,
    minute: int | None = 0,
    did: str = AUTHOR,
    status: PostStatus = "ok",
    root: str | None = ROOT,
) -> Post:
    """A post by `did` replying to the post with rkey `parent` (by AUTHOR unless a full URI)."""
    parent_id = None if parent is None else parent if parent.startswith("at://") else uri(parent)
    return Post(
        id=uri(rkey, did),
        platform="bluesky",
        author_id=did,
        status=status,
        text=f"post {rkey}",
        created_at=None if minute is None else (START + timedelta(minutes=minute)).isoformat(),
        reply_parent_id=parent_id,
        reply_root_id=root if parent_id else None,
    )


def rkeys(posts: list[Post]) -> list[str]:
    return [p.id.rsplit("/", 1)[1] for p in posts]


def test_a_simple_chain_reads_in_order() -> None:
    posts = [
        post("root", minute=0),
        post("p2", "root", minute=1),
        post("p3", "p2", minute=2),
        post("p4", "p3", minute=3),
    ]

    thread = reconstruct(posts, ROOT)

    assert rkeys(thread.posts) == ["root", "p2", "p3", "p4"]
    assert (thread.root_id, thread.author_id, thread.platform) == (ROOT, AUTHOR, "bluesky")


def test_a_single_post_is_a_thread_of_one() -> None:
    assert rkeys(reconstruct([post("root")], ROOT).posts) == ["root"]


def test_a_side_branch_is_read_right_after_the_post_it_answers() -> None:
    # p2 got two self-replies: an aside (two posts) and the continuation (three posts).
    posts = [
        post("root", minute=0),
        post("p2", "root", minute=1),
        post("aside", "p2", minute=2),
        post("aside-2", "aside", minute=3),
        post("p3", "p2", minute=4),
        post("p4", "p3", minute=5),
        post("p5", "p4", minute=6),
    ]

    assert rkeys(reconstruct(posts, ROOT).posts) == [
        "root",
        "p2",
        "aside",
        "aside-2",
        "p3",
        "p4",
        "p5",
    ]


def test_a_correction_added_later_is_read_before_the_thread_goes_on() -> None:
    # The author went back and replied to p2 after the thread had moved on: the main line is
    # the branch carrying most of the thread, and it is read last.
    posts = [
        post("root", minute=0),
        post("p2", "root", minute=1),
        post("p3", "p2", minute=2),
        post("p4", "p3", minute=3),
        post("correction", "p2", minute=60),
    ]

    assert rkeys(reconstruct(posts, ROOT).posts) == ["root", "p2", "correction", "p3", "p4"]


def test_several_side_branches_are_read_oldest_first_before_the_main_line() -> None:
    posts = [
        post("root", minute=0),
        post("p2", "root", minute=1),
        post("p3", "p2", minute=2),
        post("p4", "p3", minute=3),
        post("aside-late", "root", minute=50),
        post("aside-early", "root", minute=40),
    ]

    assert rkeys(reconstruct(posts, ROOT).posts) == [
        "root",
        "aside-early",
        "aside-late",
        "p2",
        "p3",
        "p4",
    ]


def test_two_equally_short_replies_to_one_post_are_read_in_the_order_written() -> None:
    # Neither reply carries more of the thread, so nothing makes the older one the "main
    # line": the reader gets them as they were written, e.g. two updates at the end.
    posts = [
        post("root", minute=0),
        post("update-1", "root", minute=1),
        post("update-2", "root", minute=2),
    ]

    assert rkeys(reconstruct(posts, ROOT).posts) == ["root", "update-1", "update-2"]


def test_two_equally_long_branches_are_read_in_the_order_written() -> None:
    posts = [
        post("root", minute=0),
        post("a1", "root", minute=1),
        post("a2", "a1", minute=2),
        post("b1", "root", minute=3),
        post("b2", "b1", minute=4),
    ]

    assert rkeys(reconstruct(posts, ROOT).posts) == ["root", "a1", "a2", "b1", "b2"]


def test_other_peoples_replies_are_not_part_of_the_thread() -> None:
    posts = [
        post("root", minute=0),
        post("question", "root", minute=1, did=OTHER),
        post("p2", "root", minute=2),
        post("follow-up", uri("question", OTHER), minute=3, did=OTHER),
    ]

    thread = reconstruct(posts, ROOT)

    assert rkeys(thread.posts) == ["root", "p2"]
    assert {p.author_id for p in thread.posts} == {AUTHOR}


def test_the_authors_answer_to_someone_elses_reply_is_not_part_of_the_thread() -> None:
    # The reader's reply is right there in the data, so this is a conversation with a reader,
    # not a part of the thread cut off by a missing post.
    posts = [
        post("root", minute=0),
        post("p2", "root", minute=1),
        post("question", "root", minute=2, did=OTHER),
        post("answer", uri("question", OTHER), minute=3),
    ]

    assert rkeys(reconstruct(posts, ROOT).posts) == ["root", "p2"]


def test_positions_are_the_list_order() -> None:
    posts = [
        post("p3", "p2", minute=2),
        post("root", minute=0),
        post("p2", "root", minute=1),
    ]

    thread = reconstruct(posts, ROOT)

    assert thread.posts[0].id == ROOT
    assert {p.id: i for i, p in enumerate(thread.posts)} == {
        ROOT: 0,
        uri("p2"): 1,
        uri("p3"): 2,
    }


def test_side_branches_written_at_the_same_time_are_ordered_by_id() -> None:
    posts = [
        post("root", minute=0),
        post("main", "root", minute=1),
        post("main-2", "main", minute=2),
        post("b", "root", minute=3),
        post("a", "root", minute=3),
    ]

    assert rkeys(reconstruct(posts, ROOT).posts) == ["root", "a", "b", "main", "main-2"]


@pytest.mark.parametrize("status", ["not_found", "deleted", "blocked"])
def test_a_gap_in_the_middle_keeps_its_place(status: PostStatus) -> None:
    posts = [
        post("root", minute=0),
        post("p2", "root", minute=1),
        post("p3", "p2", minute=None, status=status),
        post("p4", "p3", minute=3),
        post("p5", "p4", minute=4),
    ]

    thread = reconstruct(posts, ROOT)

    assert rkeys(thread.posts) == ["root", "p2", "p3", "p4", "p5"]
    assert thread.posts[2].status == status
    assert rkeys(thread.present_posts) == ["root", "p2", "p4", "p5"]


def test_a_gap_without_a_time_sorts_by_its_earliest_reply() -> None:
    # Two side branches before the main line: the gap has no time, but the reply under it
    # (minute 1) is older than the other aside (minute 2), so the gap's branch comes first.
    posts = [
        post("root", minute=0),
        post("gone", "root", minute=None, status="not_found"),
        post("after-gone", "gone", minute=1),
        post("aside", "root", minute=2),
        post("m1", "root", minute=3),
        post("m2", "m1", minute=4),
        post("m3", "m2", minute=5),
    ]

    assert rkeys(reconstruct(posts, ROOT).posts) == [
        "root",
        "gone",
        "after-gone",
        "aside",
        "m1",
        "m2",
        "m3",
    ]


def test_a_root_the_source_could_not_see_is_a_gap_read_first() -> None:
    # the source puts a not_found gap where the root was (it knows the root's author)
    root_gap = post("root", None, minute=None, status="not_found")
    posts = [root_gap, post("p2", "root", minute=1), post("p3", "p2", minute=2)]

    thread = reconstruct(posts, ROOT)

    assert rkeys(thread.posts) == ["root", "p2", "p3"]
    root = thread.posts[0]
    assert (root.id, root.status, root.author_id) == (ROOT, "not_found", AUTHOR)
    assert thread.author_id == AUTHOR
    assert thread.platform == "bluesky"


def test_a_root_gap_does_not_pull_in_other_peoples_replies() -> None:
    posts = [
        post("root", None, minute=None, status="not_found"),
        post("p2", "root", minute=1),
        post("reply", "root", minute=2, did=OTHER),
    ]

    assert rkeys(reconstruct(posts, ROOT).posts) == ["root", "p2"]


def test_orphans_are_kept_after_the_main_tree_oldest_first() -> None:
    # "gone-1" and "gone-2" are unknown: the service no longer returns them at all.
    posts = [
        post("root", minute=0),
        post("p2", "root", minute=1),
        post("orphan-late", "gone-2", minute=9),
        post("orphan-early", "gone-1", minute=5),
        post("orphan-early-2", "orphan-early", minute=6),
        post("p3", "p2", minute=10),
    ]

    assert rkeys(reconstruct(posts, ROOT).posts) == [
        "root",
        "p2",
        "p3",
        "orphan-early",
        "orphan-early-2",
        "orphan-late",
    ]


def test_posts_from_another_thread_are_not_orphans() -> None:
    other_root = uri("elsewhere")
    posts = [
        post("root", minute=0),
        post("p2", "root", minute=1),
        post("stray", "gone", minute=2, root=other_root),
    ]

    assert rkeys(reconstruct(posts, ROOT).posts) == ["root", "p2"]


def test_input_order_does_not_matter() -> None:
    posts = [
        post("root", minute=0),
        post("p2", "root", minute=1),
        post("note", "p2", minute=2),
        post("p3", "p2", minute=3),
        post("reader", "p3", minute=4, did=OTHER),
        post("gap", "p3", minute=None, status="deleted"),
        post("p5", "gap", minute=5),
        post("orphan", "unknown", minute=6),
    ]
    expected = rkeys(reconstruct(posts, ROOT).posts)
    rng = random.Random(20240501)

    for _ in range(20):
        shuffled = posts[:]
        rng.shuffle(shuffled)
        assert rkeys(reconstruct(shuffled, ROOT).posts) == expected
    assert expected == ["root", "p2", "note", "p3", "gap", "p5", "orphan"]


def test_a_300_post_thread_with_branches_reconstructs_in_reading_order() -> None:
    # 100 posts down the main chain; each has a two-post side note written before the chain
    # continues, and a reader's reply that is left out.
    posts = [post("m0", minute=0, root=None)]
    expected = ["m0"]
    minute = 0
    for i in range(100):
        posts.append(post(f"s{i}", f"m{i}", minute=minute + 1, root=uri("m0")))
        posts.append(post(f"s{i}-b", f"s{i}", minute=minute + 2, root=uri("m0")))
        posts.append(post(f"r{i}", f"m{i}", minute=minute + 2, did=OTHER, root=uri("m0")))
        expected += [f"s{i}", f"s{i}-b"]
        if i < 99:
            posts.append(post(f"m{i + 1}", f"m{i}", minute=minute + 3, root=uri("m0")))
            expected.append(f"m{i + 1}")
        minute += 3
    random.Random(7).shuffle(posts)

    thread = reconstruct(posts, uri("m0"))

    assert len(thread.posts) == 300
    assert rkeys(thread.posts) == expected


def test_a_1000_post_chain_does_not_hit_the_recursion_limit() -> None:
    posts = [post("p0", root=None)]
    posts += [post(f"p{i}", f"p{i - 1}", minute=i, root=uri("p0")) for i in range(1, 1000)]

    thread = reconstruct(posts, uri("p0"))

    assert rkeys(thread.posts) == [f"p{i}" for i in range(1000)]


@pytest.mark.timeout(5)
def test_a_root_missing_from_the_posts_is_a_caller_error() -> None:
    with pytest.raises(ValueError, match="not among its posts"):
        reconstruct([post("p2", "root", minute=1)], ROOT)


def test_a_parent_cycle_in_malformed_data_does_not_hang() -> None:
    posts = [
        post("root", minute=0),
        post("p2", "root", minute=1),
        post("loop-a", "loop-b", minute=2),
        post("loop-b", "loop-a", minute=3),
        post("self", "self", minute=4),
    ]

    thread = reconstruct(posts, ROOT)

    assert rkeys(thread.posts)[:2] == ["root", "p2"]
    assert len(thread.posts) == len({p.id for p in thread.posts})


@pytest.mark.timeout(5)
def test_a_root_that_claims_to_reply_to_its_own_reply_does_not_hang() -> None:
    posts = [post("root", "p2", minute=0), post("p2", "root", minute=1)]

    assert rkeys(reconstruct(posts, ROOT).posts) == ["root", "p2"]
