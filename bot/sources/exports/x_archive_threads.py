"""Self-threads from an X export's posts in one pass, when the export lists them newest
first (as X writes them). Pure: posts in, threads out.

X's ids grow with time, and a reply is always newer than the post it answers. So in a file
read newest first every reply comes before its parent, and when the owner's post that
answers no post of the owner's (a thread's first post) is read, its whole thread has been
read: it is handed out at once. Replies wait in groups keyed by the post they wait for; a
group whose post was passed without being read (deleted before the export) is handed out
with a gap in its place as soon as an older post shows the parent can no longer come.

An edited post appears once per version; only the last is kept, and a reply to an earlier
version belongs with the last. A file not newest first is noticed at the first post newer
than the one before it: `Unordered` is raised, and the reader falls back to two passes.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.models import Post, Thread
from bot.threads import reconstruct


class Unordered(Exception):
    """The export is not newest first: threads cannot be known complete in one pass."""


class NewestFirst:
    """Feed every post with `add`, then `passed` after each batch and `finish` at the end;
    each returns the threads it completed."""

    def __init__(self, owner_id: str, gap: Callable[[int], Post]) -> None:
        self.owner_id = owner_id
        self._gap = gap  # the Post standing in for a thread's missing first post
        self._waiting: dict[int, list[tuple[int, Post]]] = {}  # awaited id → its replies
        self._answers: dict[int, int] = {}  # a waiting post → the id it waits for
        self._latest: dict[int, int] = {}  # an edit's earlier version → its last
        self._previous: int | None = None
        self._done: set[int] = set()  # roots of the threads completed

    def add(
        self, number: int, parent: int | None, edits: list[int], post: Post | None
    ) -> list[Thread]:
        """One post: its id, the id of the owner's post it answers, its versions' ids, and
        the Post (None for a post left out: a repost, an earlier version)."""
        if self._previous is not None and number >= self._previous:
            raise Unordered
        self._previous = number
        newest = max(edits) if len(edits) > 1 else number
        if post is None:
            if newest != number:
                # an earlier version: replies to it wait for its last version
                self._latest[number] = newest
                self._join(self._waiting.pop(number, []), newest)
            return []
        group = [(number, post)]
        waiting = self._waiting.pop(number, None)
        if waiting:
            group += waiting
        if len(edits) > 1:  # the last version of an edited post
            for version in edits:
                if version != number:
                    self._latest[version] = number
                    group += self._waiting.pop(version, [])
        if parent is None:
            return [self._thread(number, group)]
        parent = self._latest.get(parent, parent)
        if parent > number:  # answers a post already read: an edit's last version
            parent = self._group_of(parent)
        self._answers[number] = parent
        self._join(group, parent)
        return []

    def passed(self) -> list[Thread]:
        """Threads whose first post should have been read by now: it is gone."""
        if self._previous is None:
            return []
        gone = [awaited for awaited in self._waiting if awaited > self._previous]
        return [self._thread(awaited, self._waiting.pop(awaited)) for awaited in gone]

    def finish(self) -> list[Thread]:
        """Every thread still waiting: its first post is not in the export."""
        return [self._thread(awaited, group) for awaited, group in self._waiting.items()]

    def _join(self, group: list[tuple[int, Post]], awaited: int) -> None:
        if group:
            self._waiting.setdefault(awaited, []).extend(group)

    def _group_of(self, number: int) -> int:
        """The id the group holding post `number` waits for."""
        seen = 0
        while number in self._answers and number not in self._waiting:
            number = self._answers[number]
            seen += 1
            if seen > len(self._answers):  # a loop: bad data
                break
        if number not in self._waiting and number in self._done:
            raise Unordered  # its thread is already out
        return number

    def _thread(self, root: int, group: list[tuple[int, Post]]) -> Thread:
        if len(group) > 1 or group[0][0] != root:
            for number, _ in group:
                self._answers.pop(number, None)
        posts = [post for _, post in group]
        root = self._latest.get(root, root)
        root_id = f"x:{root}"
        if len(posts) == 1 and posts[0].id == root_id:
            posts[0].reply_root_id = None
            thread = Thread(root_id, "x", self.owner_id, posts)
        else:
            if all(p.id != root_id for p in posts):
                posts.append(self._gap(root))
            for post in posts:
                post.reply_root_id = root_id if post.id != root_id else None
            thread = reconstruct(posts, root_id)
        self._done.add(root)
        return thread
