"""A Bluesky repository export's posts → the account's own threads, in batches.

    with BlueskyRepo("repo.car", handle="dana.example.com") as repo:
        for threads in repo_threads(repo):   # lists of complete threads
            ...

A thread is the account's post that answers no post of its own, and every self-reply below
it (the same rule as for X exports). A repository lists posts oldest first, so no thread is
known to be complete before the last post: a first pass reads only who answers whom (no
Post is built), a second builds the posts and hands out each thread as soon as its last post
is read. A self-reply whose parent is gone from the repository (deleted) starts its thread
with a gap, status "deleted", in the parent's place.

A damaged or cut file: every complete thread before the damage is handed out, then the
BadInput of the reader is raised.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

from bot.errors import BadInput
from bot.models import Post, Thread
from bot.sources.bluesky.urls import web_url
from bot.sources.exports.bluesky_car import POSTS, BlueskyRepo
from bot.threads import reconstruct


def repo_threads(
    repo: BlueskyRepo, batch_size: int = 500, planned: Callable[[int], None] | None = None
) -> Iterator[list[Thread]]:
    """Complete threads of the repository's account, about `batch_size` posts a batch.
    `planned` is told how many posts there are once the first pass has counted them."""
    roots, damage = _plan(repo)
    if planned is not None:
        planned(len(roots))
    sizes: dict[str, int] = defaultdict(int)
    for top in roots.values():
        sizes[top] += 1
    pending: dict[str, list[Post]] = defaultdict(list)
    done: list[Thread] = []
    posts_done = 0
    try:
        for batch in repo.posts(batch_size):
            for post in batch:
                root = roots.get(post.id)
                if root is None:
                    continue
                pending[root].append(post)
                if len(pending[root]) == sizes[root]:
                    done.append(_thread(repo, root, pending.pop(root)))
                    posts_done += sizes[root]
            if posts_done >= batch_size:
                yield done
                done, posts_done = [], 0
    except BadInput:
        if damage is None:
            raise
    done.extend(_thread(repo, root, posts) for root, posts in pending.items())
    if done:
        yield done
    if damage is not None:
        raise damage


def _plan(repo: BlueskyRepo) -> tuple[dict[str, str], BadInput | None]:
    """First pass: each post's thread root (the top of its chain of self-replies)."""
    prefix = f"at://{repo.did}/{POSTS}/"
    parents: dict[str, str | None] = {}
    damage: BadInput | None = None
    try:
        for rkey, _cid, record in repo.records(POSTS):
            if not isinstance(record, dict) or record.get("$type") != POSTS:
                continue
            parent = _parent_uri(record)
            parents[prefix + rkey] = parent if parent and parent.startswith(prefix) else None
    except BadInput as e:
        damage = e
    roots: dict[str, str] = {}
    for uri in parents:
        chain = [uri]
        current = uri
        while (parent := parents.get(current)) is not None and current not in roots:
            if parent in chain:  # a loop in bad data: stop where it closes
                break
            chain.append(parent)
            current = parent
            if parent not in parents:  # the parent is gone: the thread starts with a gap
                break
        top = roots.get(current, current)
        for link in chain:
            roots[link] = top
    return {uri: root for uri, root in roots.items() if uri in parents}, damage


def _parent_uri(record: dict[str, Any]) -> str | None:
    reply = record.get("reply")
    parent = reply.get("parent") if isinstance(reply, dict) else None
    uri = parent.get("uri") if isinstance(parent, dict) else None
    return uri if isinstance(uri, str) else None


def _thread(repo: BlueskyRepo, root: str, posts: list[Post]) -> Thread:
    if all(p.id != root for p in posts):
        # the first post was deleted before the export: keep its place, by its author
        posts.append(
            Post(
                id=root,
                platform="bluesky",
                author_id=repo.did,
                status="deleted",
                url=web_url(root, repo.handle or None),
            )
        )
    return reconstruct(posts, root)
