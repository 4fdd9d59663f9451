"""Export files on disk: X data exports (zip and folder) and Bluesky repository CAR files,
and finding an account's PDS from its DID document on loopback directories."""

from __future__ import annotations

import json
import sys
import threading
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from car_builder import Repo

from bot.errors import BadInput, ServiceError
from bot.sources.exports.bluesky_car import BlueskyRepo, download_repo, resolve_pds
from bot.sources.exports.x_archive import XArchive

sys.path.insert(0, str(Path(__file__).parents[2] / "scripts" / "sandbox"))
from sample_thread import POSTS, READING_ORDER
from x_export import Owner, generated_tweets, sample_thread_tweets, write_export

OWNER = Owner("1500000000000000001", "dana_whitlock", "Dana Whitlock")


# --- X data exports --------------------------------------------------------------------


@pytest.mark.parametrize("zip_file", [True, False])
def test_the_sample_thread_exported_reads_as_one_thread_in_order(
    tmp_path: Path, zip_file: bool
) -> None:
    tweets, notes = sample_thread_tweets(OWNER)
    path = write_export(
        tmp_path / ("x.zip" if zip_file else "x"), OWNER, tweets, notes, zip_file=zip_file
    )
    with XArchive(path) as export:
        (thread,) = list(export.threads())
        assert export.owner.handle == "dana_whitlock"
    assert [p.text for p in thread.posts] == [POSTS[i].text for i in READING_ORDER]
    assert thread.author_id == "x:1500000000000000001"
    assert all(p.reply_root_id == thread.root_id for p in thread.posts[1:])
    assert thread.posts[3].images[0].alt == POSTS[2].image_alt
    assert thread.posts[0].links[0].url.startswith("https://storage.courtlistener.com/recap/")


def test_a_large_export_in_parts_gives_every_post_once_in_complete_threads(tmp_path: Path) -> None:
    tweets, notes = generated_tweets(OWNER, 3000, seed=7)
    path = write_export(tmp_path / "big", OWNER, tweets, notes, per_file=700)
    reposts = sum(1 for t in tweets if t["tweet"]["full_text"].startswith("RT @"))
    with XArchive(path) as export:
        assert export.tweet_files == [
            "data/tweets.js",
            "data/tweets-part1.js",
            "data/tweets-part2.js",
            "data/tweets-part3.js",
            "data/tweets-part4.js",
        ]
        threads = [t for batch in export.thread_batches() for t in batch]
        stats = export.stats
    seen = [p.id for t in threads for p in t.posts if p.status == "ok"]
    assert len(seen) == len(set(seen)) == 3000 - reposts == stats.posts
    assert stats.long_posts == len(notes) > 0
    by_id = {p.id: p for t in threads for p in t.posts}
    for thread in threads:
        root = thread.posts[0]
        assert root.id == thread.root_id
        for post in thread.posts[1:]:
            # every self-reply sits in its parent's thread, after it
            parent = post.reply_parent_id
            assert parent in by_id and [p.id for p in thread.posts].index(
                parent
            ) < thread.posts.index(post)
    long = [p for p in by_id.values() if len(p.text) > 300]
    assert len(long) == len(notes)


def test_an_export_without_a_manifest_is_read_by_its_file_names(tmp_path: Path) -> None:
    tweets, _ = generated_tweets(OWNER, 50)
    path = write_export(tmp_path / "x", OWNER, tweets, per_file=20, manifest=False)
    with XArchive(path / "data") as export:  # the data folder itself named
        assert export.owner.id == "x:1500000000000000001"  # from account.js
        assert sum(len(b) for b in export.posts()) == export.stats.posts > 0


def test_a_truncated_export_hands_out_what_was_whole_then_one_sentence(tmp_path: Path) -> None:
    tweets, _ = generated_tweets(OWNER, 400, seed=3)
    path = write_export(tmp_path / "x", OWNER, tweets)
    data = (path / "data/tweets.js").read_bytes()
    (path / "data/tweets.js").write_bytes(data[: len(data) * 2 // 3])
    got: list[str] = []
    with XArchive(path) as export, pytest.raises(BadInput) as error:
        for batch in export.thread_batches():
            got.extend(p.id for t in batch for p in t.posts)
    assert "tweets.js is truncated: it ends inside post" in str(error.value)
    assert "\n" not in str(error.value)
    assert len(got) == len(set(got)) > 100  # whole threads before the cut, none twice


def test_a_damaged_zip_is_refused_in_one_sentence(tmp_path: Path) -> None:
    tweets, _ = generated_tweets(OWNER, 50)
    path = write_export(tmp_path / "x.zip", OWNER, tweets, zip_file=True)
    path.write_bytes(path.read_bytes()[:-200])
    with pytest.raises(BadInput, match="not a complete zip file"):
        XArchive(path)
    with pytest.raises(BadInput, match="no such file"):
        XArchive(tmp_path / "missing.zip")
    other = tmp_path / "other.zip"
    with zipfile.ZipFile(other, "w") as z:
        z.writestr("readme.txt", "hello")
    with pytest.raises(BadInput, match="not an X data export"):
        XArchive(other)


def test_a_corrupt_member_of_a_zip_is_refused_after_what_was_whole(tmp_path: Path) -> None:
    tweets, _ = generated_tweets(OWNER, 300, seed=5)
    path = write_export(tmp_path / "x.zip", OWNER, tweets, zip_file=True)
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("data/tweets.js")
    data = bytearray(path.read_bytes())
    middle = info.header_offset + 30 + len(info.filename) + info.compress_size // 2
    data[middle : middle + 64] = bytes(64)
    path.write_bytes(bytes(data))
    with XArchive(path) as export, pytest.raises(BadInput) as error:
        for _ in export.posts():
            pass
    assert "tweets.js" in str(error.value) and "\n" not in str(error.value)


# --- Bluesky repositories --------------------------------------------------------------

DID = "did:plc:reporter123"


def repo_file(tmp_path: Path, posts: int = 120, cut: int | None = None) -> Path:
    repo = Repo(DID)
    for i in range(posts):
        record = {
            "$type": "app.bsky.feed.post",
            "text": f"post {i}",
            "createdAt": f"2026-02-03T15:{i // 60:02d}:{i % 60:02d}.000Z",
        }
        if i:
            record["reply"] = {
                "root": {"uri": f"at://{DID}/app.bsky.feed.post/3k00000", "cid": "bafy"},
                "parent": {"uri": f"at://{DID}/app.bsky.feed.post/3k{i - 1:05d}", "cid": "bafy"},
            }
        repo.add("app.bsky.feed.post", f"3k{i:05d}", record)
        repo.add("app.bsky.feed.like", f"3k{i:05d}", {"$type": "app.bsky.feed.like", "i": i})
    path = tmp_path / "repo.car"
    path.write_bytes(repo.car(cut=cut))
    return path


def test_a_repository_export_gives_every_post_in_order(tmp_path: Path) -> None:
    with BlueskyRepo(repo_file(tmp_path), handle="dana.test") as repo:
        assert repo.did == DID
        posts = [p for batch in repo.posts(batch_size=50) for p in batch]
    assert [p.text for p in posts] == [f"post {i}" for i in range(120)]
    assert posts[5].reply_parent_id == f"at://{DID}/app.bsky.feed.post/3k00004"
    assert posts[5].url == "https://bsky.app/profile/dana.test/post/3k00005"
    assert all(p.cid.startswith("bafyrei") for p in posts)


def test_a_cut_repository_gives_the_posts_before_the_cut_then_one_sentence(tmp_path: Path) -> None:
    path = repo_file(tmp_path, posts=300, cut=4000)
    got: list[str] = []
    with BlueskyRepo(path) as repo, pytest.raises(BadInput) as error:
        for batch in repo.posts(batch_size=10):
            got.extend(p.text for p in batch)
    assert "incomplete" in str(error.value) and "\n" not in str(error.value)
    assert got == [f"post {i}" for i in range(len(got))]  # whatever came, in order


def test_a_damaged_block_is_caught_by_its_hash(tmp_path: Path) -> None:
    path = repo_file(tmp_path, posts=20)
    data = bytearray(path.read_bytes())
    spot = data.index(b"post 7")
    data[spot : spot + 6] = b"POST 7"
    path.write_bytes(bytes(data))
    with BlueskyRepo(path) as repo, pytest.raises(BadInput, match="does not match its hash"):
        for _ in repo.posts():
            pass


def test_files_that_are_no_repository_are_refused(tmp_path: Path) -> None:
    junk = tmp_path / "junk.car"
    junk.write_bytes(b"\x05hello world")
    with pytest.raises(BadInput, match="not a repository"):
        BlueskyRepo(junk)
    empty = tmp_path / "empty.car"
    empty.write_bytes(b"")
    with pytest.raises(BadInput, match="empty"):
        BlueskyRepo(empty)


class _Directory(BaseHTTPRequestHandler):
    documents: dict[str, Any] = {}  # noqa: RUF012
    repos: dict[str, bytes] = {}  # noqa: RUF012

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        if self.path.startswith("/xrpc/com.atproto.sync.getRepo?did="):
            body = self.repos.get(self.path.split("=", 1)[1].replace("%3A", ":"))
            return self._send(200 if body else 400, body or b'{"error":"RepoNotFound"}')
        document = self.documents.get(self.path)
        if document is None:
            return self._send(404, b"{}")
        return self._send(200, json.dumps(document).encode())

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def directory() -> Iterator[tuple[str, type[_Directory]]]:
    handler = type("D", (_Directory,), {"documents": {}, "repos": {}})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", handler
    server.shutdown()
    server.server_close()


def did_document(did: str, pds: str) -> dict[str, Any]:
    return {
        "id": did,
        "alsoKnownAs": ["at://dana.test"],
        "service": [
            {"id": "#atproto_labeler", "type": "AtprotoLabeler", "serviceEndpoint": "https://l"},
            {"id": "#atproto_pds", "type": "AtprotoPersonalDataServer", "serviceEndpoint": pds},
        ],
    }


def test_the_pds_comes_from_the_did_document_and_the_repository_from_it(
    directory: tuple[str, type[_Directory]], tmp_path: Path
) -> None:
    base, handler = directory
    handler.documents[f"/{DID}"] = did_document(DID, base + "/")
    handler.repos[DID] = repo_file(tmp_path).read_bytes()
    pds = resolve_pds(DID, plc=base)
    assert pds == base
    saved = download_repo(pds, DID, tmp_path / "downloaded.car")
    with BlueskyRepo(saved) as repo:
        assert sum(len(b) for b in repo.posts()) == 120
    with pytest.raises(BadInput, match="has no repository"):
        download_repo(pds, "did:plc:nobody", tmp_path / "none.car")
    assert not (tmp_path / "none.car").exists()


def test_did_web_documents_live_on_their_host(directory: tuple[str, type[_Directory]]) -> None:
    base, handler = directory
    port = base.rsplit(":", 1)[1]
    did = f"did:web:127.0.0.1%3A{port}"
    handler.documents["/.well-known/did.json"] = did_document(did, "https://pds.example.com")
    assert resolve_pds(did, did_web_scheme="http") == "https://pds.example.com"


def test_unknown_or_malformed_dids_are_bad_input(directory: tuple[str, type[_Directory]]) -> None:
    base, handler = directory
    with pytest.raises(BadInput, match="unknown DID"):
        resolve_pds("did:plc:nobody", plc=base)
    with pytest.raises(BadInput, match="did:plc or did:web"):
        resolve_pds("did:key:z6Mk", plc=base)
    handler.documents["/did:plc:nopds"] = {"id": "did:plc:nopds", "service": []}
    with pytest.raises(BadInput, match="names no PDS"):
        resolve_pds("did:plc:nopds", plc=base)
    with pytest.raises(ServiceError, match="cannot read the DID document"):
        resolve_pds(DID, plc="http://127.0.0.1:9")


def test_an_export_listed_oldest_first_gives_the_same_threads(tmp_path: Path) -> None:
    tweets, notes = generated_tweets(OWNER, 800, seed=11)
    newest = write_export(tmp_path / "newest", OWNER, tweets, notes, per_file=300)
    oldest = write_export(tmp_path / "oldest", OWNER, tweets[::-1], notes, per_file=300)

    def threads(path: Path) -> tuple[list[tuple[str, list[str]]], int]:
        with XArchive(path) as export:
            got = sorted((t.root_id, [p.id for p in t.posts]) for t in export.threads())
            return got, export.stats.posts

    assert threads(oldest) == threads(newest)
    assert len(threads(newest)[0]) > 100


def test_disorder_found_late_hands_out_the_rest_and_no_thread_twice_unchanged(
    tmp_path: Path,
) -> None:
    tweets, notes = generated_tweets(OWNER, 3000, seed=5)
    clean = write_export(tmp_path / "clean", OWNER, tweets, notes)
    swapped = list(tweets)
    swapped[2500], swapped[2501] = swapped[2501], swapped[2500]  # noticed after ~4 batches
    late = write_export(tmp_path / "late", OWNER, swapped, notes)
    with XArchive(clean) as export:
        expected = {t.root_id: [p.id for p in t.posts] for t in export.threads()}
    got: dict[str, list[str]] = {}
    with XArchive(late) as export:
        for thread in export.threads():
            ids = [p.id for p in thread.posts]
            assert got.get(thread.root_id) != ids  # again only if it changed
            got[thread.root_id] = ids
        assert export.stats.threads == len(expected)
    assert got == expected
