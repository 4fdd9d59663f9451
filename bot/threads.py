"""Reconstruct an author's thread from a tree of posts. Pure: no network, no database.

The thread is the root author's own posts: the root and every self-reply, including
self-replies on side branches, in reading order. Other people's replies are not part of the
thread. Gaps (deleted, blocked, not found) keep their place.

Reading order is depth first. Where the author replied to one post more than once, the
reply that carries the most of the thread is the main line and is read last; the side
branches (a correction, an aside) are read first, oldest first, right after the post they
answer. A thread without branches is simply read in order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from bot.models import Post, Thread


def reconstruct(posts: Iterable[Post], root_id: str) -> Thread:
    """Order the root author's posts under `root_id`, which must be among `posts` (a gap
    when the platform could not show it: the source knows its author).

    Posts of the author that reply to the same thread but hang below a post we could not
    see (their parent is gone and unknown) follow the main tree, oldest first, so nothing
    the author wrote is dropped.
    """
    by_id = {p.id: p for p in posts}
    if root_id not in by_id:
        raise ValueError(f"the thread's root {root_id} is not among its posts")
    author = by_id[root_id].author_id

    children: dict[str, list[Post]] = defaultdict(list)
    for post in by_id.values():
        if post.id != root_id and post.reply_parent_id and post.author_id == author:
            children[post.reply_parent_id].append(post)
    branched = any(len(siblings) > 1 for siblings in children.values())
    # most threads are one line of replies: no branch to weigh
    sizes = _subtree_sizes(by_id[root_id], children, by_id) if branched else {}
    for siblings in children.values():
        if len(siblings) > 1:
            siblings.sort(key=lambda p: (_sort_time(p, children), p.id))
            # the largest branch; of equals, the latest, so equals keep the order written
            main = max(reversed(siblings), key=lambda p: sizes.get(p.id, 1))
            siblings.remove(main)
            siblings.append(main)

    ordered: list[Post] = []
    seen: set[str] = set()
    _visit(by_id[root_id], children, ordered, seen)

    # Orphans: the author's posts in this thread whose parent chain does not reach the root
    # (a post in between is gone), with the gaps above them.
    belongs = {
        p.id
        for p in by_id.values()
        if p.id not in seen
        and p.author_id == author
        and p.reply_root_id == root_id
        # an answer to someone else's reply is conversation, not thread
        and (p.reply_parent_id not in by_id or by_id[p.reply_parent_id].author_id == author)
    }
    for post_id in list(belongs):
        parent = by_id[post_id].reply_parent_id
        while (
            parent in by_id
            and parent not in seen
            and parent not in belongs
            and by_id[parent].author_id == author
        ):
            belongs.add(parent)
            parent = by_id[parent].reply_parent_id
    tops = [by_id[i] for i in belongs if by_id[i].reply_parent_id not in belongs]
    tops.sort(key=lambda p: (_sort_time(p, children), p.id))
    # posts caught in a parent-pointer cycle (malformed data) have no top: keep them too
    rest = sorted(
        (by_id[i] for i in belongs if i not in {t.id for t in tops}),
        key=lambda p: (_sort_time(p, children), p.id),
    )
    for top in [*tops, *rest]:
        _visit(top, children, ordered, seen)

    return Thread(
        root_id=root_id, platform=by_id[root_id].platform, author_id=author, posts=ordered
    )


def _visit(
    start: Post, children: dict[str, list[Post]], ordered: list[Post], seen: set[str]
) -> None:
    # Iterative depth-first walk: a 1,000-post chain must not hit the recursion limit.
    stack = [start]
    while stack:
        post = stack.pop()
        if post.id in seen:
            continue
        seen.add(post.id)
        ordered.append(post)
        stack.extend(reversed(children.get(post.id, [])))


def _subtree_sizes(
    root: Post, children: dict[str, list[Post]], by_id: dict[str, Post]
) -> dict[str, int]:
    """Posts under each post, itself included (iterative post-order, cycle-safe)."""
    sizes: dict[str, int] = {}
    for start in [root, *by_id.values()]:
        stack: list[tuple[Post, bool]] = [(start, False)]
        while stack:
            post, done = stack.pop()
            if done:
                sizes[post.id] = 1 + sum(sizes.get(c.id, 0) for c in children.get(post.id, []))
                continue
            if post.id in sizes:
                continue
            sizes[post.id] = 0  # in progress: a cycle back here counts nothing
            stack.append((post, True))
            stack.extend((c, False) for c in children.get(post.id, []) if c.id not in sizes)
    return sizes


def _sort_time(post: Post, children: dict[str, list[Post]]) -> str:
    """A gap has no time of its own: it sorts by its earliest reply."""
    if post.created_at:
        return post.created_at
    times = [c.created_at for c in children.get(post.id, []) if c.created_at]
    return min(times) if times else "9999"
