"""Flattening one getPostThread answer: the post, its parents above, its replies below.

Posts the service could not show (not found, blocked) become gaps: Posts with a status, the
author's DID from their URI, and their place in the tree, so a thread never silently shrinks.
"""

from __future__ import annotations

from typing import Any

from bot.sources.bluesky.records import parse_thread_view

REPORTER = "did:plc:reporter000000000000000"
READER = "did:plc:reader00000000000000000"
THREAD_VIEW = "app.bsky.feed.defs#threadViewPost"


def uri(did: str, rkey: str) -> str:
    return f"at://{did}/app.bsky.feed.post/{rkey}"


ROOT = uri(REPORTER, "p1")


def post_view(
    did: str, rkey: str, parent: str | None = None, reply_count: int = 0
) -> dict[str, Any]:
    """A minimal app.bsky.feed.defs#postView; replies point at `parent` under ROOT."""
    record: dict[str, Any] = {
        "$type": "app.bsky.feed.post",
        "text": f"post {rkey}",
        "createdAt": "2024-05-01T12:00:00.000Z",
    }
    if parent:
        record["reply"] = {"root": {"uri": ROOT, "cid": "c"}, "parent": {"uri": parent, "cid": "c"}}
    return {
        "uri": uri(did, rkey),
        "cid": f"cid-{rkey}",
        "author": {"did": did, "handle": "reporter.test" if did == REPORTER else "reader.test"},
        "record": record,
        "replyCount": reply_count,
        "indexedAt": "2024-05-01T12:00:00.000Z",
    }


def node(
    view: dict[str, Any],
    replies: list[dict[str, Any]] | None = None,
    parent: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A threadViewPost; `replies=None` leaves the key out, as a service does at its depth cap."""
    result: dict[str, Any] = {"$type": THREAD_VIEW, "post": view}
    if replies is not None:
        result["replies"] = replies
    if parent is not None:
        result["parent"] = parent
    return result


def not_found(post_uri: str) -> dict[str, Any]:
    return {"$type": "app.bsky.feed.defs#notFoundPost", "uri": post_uri, "notFound": True}


def blocked(post_uri: str) -> dict[str, Any]:
    return {
        "$type": "app.bsky.feed.defs#blockedPost",
        "uri": post_uri,
        "blocked": True,
        "author": {"did": post_uri.split("/")[2], "viewer": {"blockedBy": True}},
    }


def test_the_post_its_parents_and_its_replies_are_all_flattened() -> None:
    p1, p2, p3, p4, p5 = (uri(REPORTER, f"p{i}") for i in range(1, 6))
    reader_reply = uri(READER, "r1")
    thread = node(
        post_view(REPORTER, "p3", parent=p2, reply_count=2),
        parent=node(post_view(REPORTER, "p2", parent=p1), parent=node(post_view(REPORTER, "p1"))),
        replies=[
            node(
                post_view(REPORTER, "p4", parent=p3, reply_count=1),
                replies=[
                    node(post_view(REPORTER, "p5", parent=p4), replies=[]),
                ],
            ),
            node(post_view(READER, "r1", parent=p3), replies=[]),
        ],
    )

    parts = parse_thread_view(thread)

    assert set(parts.posts) == {p1, p2, p3, p4, p5, reader_reply}
    assert parts.posts[p1].reply_parent_id is None
    assert parts.posts[p2].reply_parent_id == p1
    assert parts.posts[p5].reply_parent_id == p4
    assert parts.posts[reader_reply].author_id == READER
    assert all(post.status == "ok" for post in parts.posts.values())
    assert parts.expanded == {p3, p4}
    assert parts.truncated == set()


def test_a_deleted_reply_becomes_a_not_found_gap_under_its_parent() -> None:
    gone = uri(REPORTER, "p2")
    thread = node(
        post_view(REPORTER, "p1", reply_count=1),
        replies=[{**not_found(gone), "replies": []}],
    )

    gap = parse_thread_view(thread).posts[gone]

    assert gap.status == "not_found"
    assert gap.author_id == REPORTER
    assert gap.reply_parent_id == ROOT
    assert gap.url == "https://bsky.app/profile/did:plc:reporter000000000000000/post/p2"
    assert gap.text == ""


def test_a_blocked_reply_becomes_a_blocked_gap_by_the_author_in_its_uri() -> None:
    hidden = uri(READER, "r1")
    thread = node(post_view(REPORTER, "p1", reply_count=1), replies=[blocked(hidden)])

    gap = parse_thread_view(thread).posts[hidden]

    assert gap.status == "blocked"
    assert gap.author_id == READER
    assert gap.reply_parent_id == ROOT


def test_gaps_among_the_parents_are_kept() -> None:
    p1, p2 = uri(REPORTER, "p1"), uri(READER, "r1")
    thread = node(
        post_view(REPORTER, "p3", parent=p2),
        parent=blocked(p2) | {"parent": not_found(p1)},
        replies=[],
    )

    parts = parse_thread_view(thread)

    assert (parts.posts[p2].status, parts.posts[p2].author_id) == ("blocked", READER)
    assert (parts.posts[p1].status, parts.posts[p1].author_id) == ("not_found", REPORTER)


def test_a_post_with_replies_left_out_is_marked_truncated() -> None:
    p2 = uri(REPORTER, "p2")
    thread = node(
        post_view(REPORTER, "p1", reply_count=1),
        replies=[node(post_view(REPORTER, "p2", parent=ROOT, reply_count=3))],
    )

    parts = parse_thread_view(thread)

    assert parts.truncated == {p2}
    assert parts.expanded == {ROOT}


def test_a_post_without_replies_is_not_truncated() -> None:
    parts = parse_thread_view(node(post_view(REPORTER, "p1", reply_count=0)))

    assert parts.truncated == set()
    assert parts.expanded == set()


def test_a_post_counted_with_replies_but_given_an_empty_list_is_truncated() -> None:
    parts = parse_thread_view(node(post_view(REPORTER, "p1", reply_count=4), replies=[]))

    assert parts.truncated == {ROOT}


def test_malformed_nodes_are_skipped_and_the_rest_kept() -> None:
    p2 = uri(REPORTER, "p2")
    thread = node(
        post_view(REPORTER, "p1", reply_count=4),
        replies=[
            "not a node",
            {"$type": THREAD_VIEW},
            {"$type": THREAD_VIEW, "post": {"uri": "https://bsky.app/not-an-at-uri"}},
            {"$type": "app.bsky.feed.defs#somethingNew", "uri": uri(READER, "x")},
            node(post_view(REPORTER, "p2", parent=ROOT)),
        ],
    )

    assert set(parse_thread_view(thread).posts) == {ROOT, p2}


def test_a_post_repeated_in_the_answer_is_kept_once() -> None:
    p2 = uri(REPORTER, "p2")
    reply = node(post_view(REPORTER, "p2", parent=ROOT), replies=[])
    thread = node(post_view(REPORTER, "p1", reply_count=2), replies=[reply, reply])

    assert list(parse_thread_view(thread).posts) == [ROOT, p2]


def test_a_2000_post_reply_chain_does_not_hit_the_recursion_limit() -> None:
    count = 2000
    chain: dict[str, Any] = node(
        post_view(REPORTER, f"p{count}", parent=uri(REPORTER, f"p{count - 1}")), replies=[]
    )
    for i in range(count - 1, 0, -1):
        parent = uri(REPORTER, f"p{i - 1}") if i > 1 else None
        chain = node(post_view(REPORTER, f"p{i}", parent=parent, reply_count=1), replies=[chain])

    parts = parse_thread_view(chain)

    assert len(parts.posts) == count
    assert parts.posts[uri(REPORTER, f"p{count}")].reply_parent_id == uri(REPORTER, f"p{count - 1}")
    assert parts.truncated == set()


def test_a_2000_post_parent_chain_is_read_to_the_top() -> None:
    count = 2000
    parents: dict[str, Any] | None = None
    for i in range(1, count):
        parent = uri(REPORTER, f"p{i - 1}") if i > 1 else None
        view = post_view(REPORTER, f"p{i}", parent=parent)
        parents = node(view, parent=parents) if parents else node(view)
    thread = node(
        post_view(REPORTER, f"p{count}", parent=uri(REPORTER, f"p{count - 1}")), parent=parents
    )

    parts = parse_thread_view(thread)

    assert len(parts.posts) == count
    assert ROOT in parts.posts
