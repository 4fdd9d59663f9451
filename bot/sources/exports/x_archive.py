"""An X data export (the zip X sends, or the folder it unpacks to) → Posts and Threads,
streamed in batches in constant memory.

    with XArchive("twitter-2026-02-03.zip") as export:
        for threads in export.thread_batches():   # lists of complete threads
            ...
        export.stats                               # posts, reposts skipped, long posts …

`data/manifest.js` (`window.__THAR_CONFIG = {...}`) names the account and the files:
`data/tweets.js`, `tweets-part1.js` … and `note-tweet.js` for long posts (an export without
a manifest is read by those names; the old `tweet.js` too). Threads are rebuilt from reply
ids: a post that answers one of the owner's own posts continues that post's thread. That
takes two passes over the tweets: the first reads only who answers whom (ids in memory, a
few megabytes per 100,000 posts), the second builds the posts and hands out each thread as
soon as its last post is read. Reposts and the earlier versions of edited posts are left out.

A damaged or truncated file raises BadInput in one sentence naming the file and the post,
after every complete thread before that spot has been handed out.
"""

from __future__ import annotations

import logging
import re
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import orjson

from bot.errors import BadInput
from bot.models import Account, Post, Thread
from bot.sources.exports.js_array import DECODE_DICTS, Decode, iter_js_array, paused_gc
from bot.sources.exports.x_archive_heads import decode_heads
from bot.sources.exports.x_archive_schema import Tweet, decode_elements
from bot.sources.exports.x_archive_threads import NewestFirst, Unordered
from bot.sources.exports.x_archive_tweets import (
    Note,
    edit_ids,
    export_time,
    find_note,
    is_repost,
    parse_note,
    parse_tweet,
)
from bot.sources.x.records import obj
from bot.sources.x.urls import account_id, post_id, post_url
from bot.threads import reconstruct

log = logging.getLogger(__name__)

PART = re.compile(r"^(tweets?|note-tweet)(?:-part(\d+))?\.js$")
MANIFEST = "data/manifest.js"


@dataclass
class ExportStats:
    posts: int = 0  # posts handed out
    threads: int = 0
    reposts: int = 0  # left out
    superseded: int = 0  # earlier versions of edited posts, left out
    long_posts: int = 0  # whose full text came from note-tweet.js
    files: list[str] = field(default_factory=list)


class XArchive:
    """One X data export, opened: its owner, its files, and readers over its posts."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._zip: zipfile.ZipFile | None = None
        self._root = ""  # inside a zip: the folder holding data/, with its slash
        self._folder = self.path
        self._open_container()
        manifest = self._manifest()
        self.owner = self._owner(manifest)
        self.tweet_files = self._files(manifest, "tweets", ("tweets", "tweet"))
        self.note_files = self._files(manifest, "noteTweet", ("note-tweet",))
        if not self.tweet_files:
            raise BadInput(f"{self.path} is an X data export without tweets (no data/tweets.js)")
        self.stats = ExportStats(files=list(self.tweet_files))
        # what the manifest says the tweet files hold (reposts included), 0 if it does not
        self.listed_posts = _listed_count(manifest)
        self._notes: dict[str, list[Note]] | None = None

    def __enter__(self) -> XArchive:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    # --- readers -------------------------------------------------------------------------

    def posts(self) -> Iterator[list[Post]]:
        """Every post, a batch at a time, in the export's order. `reply_root_id` is left
        unset: only `thread_batches` knows the threads."""
        notes = self._load_notes()
        for batch in self._elements(decode=decode_elements):
            with paused_gc():
                posts = [p for p in (self._post(t, raw, notes) for t, raw in batch) if p]
            self.stats.posts += len(posts)
            if posts:
                yield posts

    def threads(self) -> Iterator[Thread]:
        """Every thread, one at a time (see `thread_batches`)."""
        for batch in self.thread_batches():
            yield from batch

    def thread_batches(self) -> Iterator[list[Thread]]:
        """Complete threads, in batches, each as soon as its last post has been read.

        A thread is the owner's post that answers no post of the owner's, and every
        self-reply below it; one whose first post is gone from the export starts with a gap
        (status "deleted"). An export listed newest first (as X writes them) is read once;
        another is read twice, and a thread handed out before its disorder was noticed may
        come again, larger.
        """
        notes = self._load_notes()
        handed_out: dict[int, int] = {}  # root → size of each thread handed out
        try:
            yield from self._one_pass(NewestFirst(self.owner.id, self._gap), notes, handed_out)
            return
        except Unordered:
            log.info("%s is not listed newest first: reading it twice", self.path)
        self.stats = ExportStats(files=list(self.tweet_files))  # counted again
        yield from self._two_passes(notes, handed_out)

    def _one_pass(
        self, assembler: NewestFirst, notes: dict[str, list[Note]], handed_out: dict[int, int]
    ) -> Iterator[list[Thread]]:
        owner = self.owner.id.removeprefix("x:")
        damage: BadInput | None = None
        try:
            for batch in self._elements(decode=decode_elements):
                done: list[Thread] = []
                with paused_gc():  # a batch's posts hold no cycles: see js_array
                    for tweet, raw in batch:
                        number = _id(tweet.id_str) if tweet is not None else None
                        if tweet is None or number is None:
                            continue
                        edits = edit_ids(tweet)
                        post = self._post(tweet, raw, notes, edits)
                        parent = None
                        if tweet.in_reply_to_user_id_str == owner:
                            parent = _id(tweet.in_reply_to_status_id_str)
                        done += assembler.add(number, parent, edits, post)
                    done += assembler.passed()
                if done:
                    handed_out.update((int(t.root_id[2:]), len(t.posts)) for t in done)
                    yield self._counted(done)
        except BadInput as e:
            damage = e
        rest = assembler.finish()
        if rest:
            handed_out.update((int(t.root_id[2:]), len(t.posts)) for t in rest)
            yield self._counted(rest)
        if damage is not None:
            raise damage

    def _two_passes(
        self, notes: dict[str, list[Note]], emitted: dict[int, int]
    ) -> Iterator[list[Thread]]:
        """Threads of an export in any order: a first pass finds each post's thread root and
        each thread's size, the second builds them. Threads in `emitted` (root → size) are
        counted but not handed out again."""
        roots, sizes, damage = self._thread_plan()
        pending: dict[int, list[Post]] = defaultdict(list)
        owner_id = self.owner.id
        try:
            for batch in self._elements(decode=decode_elements):
                done: list[Thread] = []
                with paused_gc():
                    for tweet, raw in batch:
                        number = _id(tweet.id_str) if tweet is not None else None
                        if tweet is None or number is None or number not in roots:
                            self._post(tweet, raw, notes)  # counts what is left out
                            continue
                        root = roots[number]
                        post = self._post(tweet, raw, notes, root_id=post_id(str(root)))
                        if post is None:
                            continue
                        if root == number and sizes[root] == 1:
                            done.append(Thread(post.id, "x", owner_id, [post]))
                            continue
                        pending[root].append(post)
                        if len(pending[root]) == sizes[root]:
                            done.append(self._thread(root, pending.pop(root)))
                if done:
                    yield self._new(self._counted(done), emitted)
        except BadInput:
            if damage is None:
                raise
        # the files ended, or stopped where the first pass found them damaged
        rest = [self._thread(root, posts) for root, posts in pending.items()]
        if rest:
            yield self._new(self._counted(rest), emitted)
        if damage is not None:
            raise damage

    def _counted(self, threads: list[Thread]) -> list[Thread]:
        self.stats.posts += sum(len(t.posts) for t in threads)
        self.stats.threads += len(threads)
        return threads

    @staticmethod
    def _new(threads: list[Thread], emitted: dict[int, int]) -> list[Thread]:
        """The threads not handed out already, as they are, by a first attempt."""
        return [t for t in threads if emitted.get(int(t.root_id[2:]), -1) != len(t.posts)]

    # --- threads -------------------------------------------------------------------------

    def _thread_plan(self) -> tuple[dict[int, int], dict[int, int], BadInput | None]:
        """First pass: each post's thread root and each thread's size (posts present)."""
        parents: dict[int, int] = {}
        present: set[int] = set()
        replaced: dict[int, int] = {}  # an edited post's earlier versions → its last
        owner = self.owner.id.removeprefix("x:")
        damage: BadInput | None = None
        try:
            for batch in self._elements(decode=decode_heads):
                for number, parent, parent_user, repost, edits in batch:
                    if number is None or repost:
                        continue
                    if len(edits) > 1 and number != max(edits):
                        replaced[number] = max(edits)
                        continue
                    present.add(number)
                    if parent is not None and parent_user == owner:
                        parents[number] = parent
        except BadInput as e:
            damage = e
        roots: dict[int, int] = {}
        for number in present:
            chain = [number]
            current = number
            while current in parents and current not in roots:
                parent = replaced.get(parents[current], parents[current])
                if parent in chain:  # a cycle in bad data: stop where it closes
                    break
                chain.append(parent)
                current = parent
                if parent not in present:  # the thread's first post is gone
                    break
            top = roots.get(current, current)
            for link in chain:
                roots[link] = top
        for number in list(roots):
            if number not in present:
                del roots[number]
        sizes: dict[int, int] = defaultdict(int)
        for root in roots.values():
            sizes[root] += 1
        return roots, sizes, damage

    def _thread(self, root: int, posts: list[Post]) -> Thread:
        root_id = post_id(str(root))
        if all(p.id != root_id for p in posts):
            posts.append(self._gap(root))
        return reconstruct(posts, root_id)

    def _gap(self, root: int) -> Post:
        """The first post of a thread, deleted before the export: its place, by its owner."""
        return Post(
            id=post_id(str(root)),
            platform="x",
            author_id=self.owner.id,
            status="deleted",
            url=post_url(str(root), self.owner.handle),
        )

    def _post(
        self,
        tweet: Tweet | None,
        raw: bytes,
        notes: dict[str, list[Note]],
        edits: list[int] | None = None,
        root_id: str | None = None,
    ) -> Post | None:
        """The post, or None for one left out (counted: a repost, an edit's earlier
        version)."""
        if tweet is None:
            return None
        if is_repost(tweet):
            self.stats.reposts += 1
            return None
        if edits is None:
            edits = edit_ids(tweet)
        if len(edits) > 1 and _id(tweet.id_str) != max(edits):
            self.stats.superseded += 1
            return None
        created_at = export_time(tweet.created_at)
        note = find_note(tweet, created_at, notes) if notes else None
        if note is not None:
            self.stats.long_posts += 1
        return parse_tweet(tweet, raw, self.owner, note, root_id, created_at)

    # --- files ---------------------------------------------------------------------------

    def _elements(self, decode: Decode = DECODE_DICTS) -> Iterator[list[Any]]:
        """The elements of every tweets file in turn, in batches, as `decode` makes them."""
        for name in self.tweet_files:
            with self._open(name) as stream:
                try:
                    yield from iter_js_array(stream, self._label(name), decode=decode)
                except (zipfile.BadZipFile, EOFError, zlib.error) as e:
                    raise BadInput(f"{self._label(name)} is damaged: {e}") from None

    def _load_notes(self) -> dict[str, list[Note]]:
        if self._notes is None:
            self._notes = defaultdict(list)
            for name in self.note_files:
                with self._open(name) as stream:
                    try:
                        for batch in iter_js_array(stream, self._label(name)):
                            for element in batch:
                                note = parse_note(element) if isinstance(element, dict) else None
                                if note is not None:
                                    self._notes[note.created_at].append(note)
                    except (zipfile.BadZipFile, EOFError, zlib.error) as e:
                        raise BadInput(f"{self._label(name)} is damaged: {e}") from None
        return self._notes

    def _open_container(self) -> None:
        if not self.path.exists():
            raise BadInput(f"no such file or folder: {self.path}")
        if self.path.is_file():
            try:
                self._zip = zipfile.ZipFile(self.path)
            except (zipfile.BadZipFile, OSError):
                raise BadInput(
                    f"{self.path} is not an X data export: not a complete zip file"
                ) from None
            names = self._zip.namelist()
            for candidate in ("data/manifest.js", "data/tweets.js", "data/tweet.js"):
                holders = [n for n in names if n == candidate or n.endswith("/" + candidate)]
                if holders:
                    self._root = min(holders, key=len).removesuffix(candidate)
                    return
            raise BadInput(f"{self.path} is not an X data export: it has no data/tweets.js")
        if (self.path / "data").is_dir():
            return
        if (self.path / "manifest.js").is_file() or (self.path / "tweets.js").is_file():
            self._folder = self.path.parent  # the data folder itself was named
            return
        raise BadInput(f"{self.path} is not an X data export: it has no data/ folder")

    def _exists(self, name: str) -> bool:
        if self._zip is not None:
            try:
                self._zip.getinfo(self._root + name)
            except KeyError:
                return False
            return True
        return (self._folder / name).is_file()

    def _open(self, name: str) -> IO[bytes]:
        try:
            if self._zip is not None:
                return self._zip.open(self._root + name)
            return (self._folder / name).open("rb")
        except KeyError:
            raise BadInput(f"{self.path} lists {name} but does not contain it") from None
        except (OSError, zipfile.BadZipFile) as e:
            raise BadInput(f"cannot read {self._label(name)}: {e}") from None

    def _listing(self) -> list[str]:
        if self._zip is not None:
            return [
                n.removeprefix(self._root)
                for n in self._zip.namelist()
                if n.startswith(self._root + "data/")
            ]
        folder = self._folder / "data"
        return [f"data/{p.name}" for p in folder.iterdir()] if folder.is_dir() else []

    def _label(self, name: str) -> str:
        return f"{self.path}:{name}" if self._zip is not None else str(self._folder / name)

    def _manifest(self) -> dict[str, Any]:
        if not self._exists(MANIFEST):
            return {}
        with self._open(MANIFEST) as stream:
            data = stream.read(16 * 1024 * 1024)
        _, equals, body = data.partition(b"=")
        try:
            manifest = orjson.loads(body.strip().rstrip(b";")) if equals else None
        except orjson.JSONDecodeError:
            manifest = None
        if not isinstance(manifest, dict):
            raise BadInput(f"{self._label(MANIFEST)} is damaged: it is not valid JSON")
        return manifest

    def _owner(self, manifest: dict[str, Any]) -> Account:
        info = obj(manifest, "userInfo")
        user_id, name = info.get("accountId"), info.get("userName")
        display = info.get("displayName")
        if not (isinstance(user_id, str) and user_id.isdigit()) and self._exists("data/account.js"):
            with self._open("data/account.js") as stream:
                for batch in iter_js_array(stream, self._label("data/account.js")):
                    account = (
                        obj(batch[0], "account") if batch and isinstance(batch[0], dict) else {}
                    )
                    user_id, name = account.get("accountId"), account.get("username")
                    display = account.get("accountDisplayName")
                    break
        if not (isinstance(user_id, str) and user_id.isdigit()):
            raise BadInput(
                f"{self.path} does not say whose export it is (no account in data/manifest.js "
                "or data/account.js)"
            )
        return Account(
            id=account_id(user_id),
            platform="x",
            handle=str(name or ""),
            display_name=str(display or ""),
        )

    def _files(self, manifest: dict[str, Any], kind: str, stems: tuple[str, ...]) -> list[str]:
        """The files of one data type: as the manifest lists them, else by their names."""
        listed = obj(obj(manifest, "dataTypes"), kind).get("files")
        if isinstance(listed, list):
            names = [
                str(f["fileName"]).removeprefix("./")
                for f in listed
                if isinstance(f, dict) and isinstance(f.get("fileName"), str)
            ]
            return [n for n in names if self._exists(n)] or (
                [] if kind != "tweets" else self._guess(stems)
            )
        return self._guess(stems)

    def _guess(self, stems: tuple[str, ...]) -> list[str]:
        found = []
        for name in self._listing():
            match = PART.match(name.removeprefix("data/"))
            if match and match.group(1) in stems:
                found.append((match.group(1) != stems[0], int(match.group(2) or 0), name))
        return [name for _, _, name in sorted(found)]


def _listed_count(manifest: dict[str, Any]) -> int:
    listed = obj(obj(manifest, "dataTypes"), "tweets").get("files")
    counts = (
        [f.get("count") for f in listed if isinstance(f, dict)] if isinstance(listed, list) else []
    )
    return sum(int(c) for c in counts if isinstance(c, str) and c.isdigit())


def _id(value: Any) -> int | None:
    return int(value) if isinstance(value, str) and value.isdigit() else None
