"""Walking a repository's Merkle search tree, and post records → Posts."""

import pytest
from car_builder import Repo

from bot.errors import BadInput
from bot.sources.exports.bluesky_car import post_of_record, to_json
from bot.sources.exports.mst import MissingBlock, walk

DID = "did:plc:reporter123"


def repo_with(n: int) -> tuple[Repo, bytes]:
    repo = Repo(DID)
    for i in range(n):
        repo.add(
            "app.bsky.feed.post", f"3k{i:05d}", {"$type": "app.bsky.feed.post", "text": str(i)}
        )
        repo.add("app.bsky.feed.like", f"3k{i:05d}", {"$type": "app.bsky.feed.like", "n": i})
        repo.add("app.bsky.graph.follow", f"3k{i:05d}", {"$type": "app.bsky.graph.follow", "n": i})
    repo.car()  # builds the tree
    commit = repo.order[-1]
    import libipld

    root = libipld.decode_dag_cbor(repo.blocks[commit])["data"]
    return repo, root


def loader(repo: Repo, seen: list[bytes] | None = None):  # type: ignore[no-untyped-def]
    import libipld

    def load(cid: bytes):  # type: ignore[no-untyped-def]
        if seen is not None:
            seen.append(cid)
        return libipld.decode_dag_cbor(repo.blocks[cid])

    return load


def test_the_walk_gives_every_key_in_order_with_its_record() -> None:
    repo, root = repo_with(200)
    found = list(walk(loader(repo), root))
    assert [k for k, _ in found] == sorted(repo.records)
    assert dict(found) == repo.records


def test_one_collection_is_walked_without_loading_the_others() -> None:
    repo, root = repo_with(300)
    seen: list[bytes] = []
    posts = list(walk(loader(repo, seen), root, b"app.bsky.feed.post/", b"app.bsky.feed.post0"))
    assert [k for k, _ in posts] == [f"app.bsky.feed.post/3k{i:05d}" for i in range(300)]
    nodes = sum(1 for cid in repo.blocks if cid not in repo.records.values()) - 1  # no commit
    assert len(seen) < nodes  # subtrees of likes and follows alone were never read


def test_a_missing_block_stops_the_walk_after_what_came_before() -> None:
    repo, root = repo_with(150)
    keys = [k for k, _ in walk(loader(repo), root)]
    import libipld

    # drop a subtree that holds later keys
    node = libipld.decode_dag_cbor(repo.blocks[root])
    last_subtree = next(e["t"] for e in reversed(node["e"]) if e["t"]) if node["e"] else node["l"]
    del repo.blocks[last_subtree]

    def load(cid: bytes):  # type: ignore[no-untyped-def]
        return libipld.decode_dag_cbor(repo.blocks[cid])

    got = []
    with pytest.raises(MissingBlock, match="incomplete"):
        for key, _ in walk(load, root):
            got.append(key)
    assert got and got == keys[: len(got)]


def test_a_node_of_the_wrong_shape_is_damage_not_a_crash() -> None:
    blocks = {b"root": {"l": None, "e": [{"p": 5, "k": b"a", "v": b"\x01q"}]}}
    with pytest.raises(BadInput, match="damaged"):
        list(walk(blocks.__getitem__, b"root"))
    unordered = {
        b"root": {
            "l": None,
            "e": [
                {"p": 0, "k": b"b/1", "v": b"x", "t": None},
                {"p": 0, "k": b"a/1", "v": b"y", "t": None},
            ],
        }
    }
    with pytest.raises(BadInput, match="out of order"):
        list(walk(unordered.__getitem__, b"root"))


def test_a_post_record_becomes_a_post_like_the_appviews() -> None:
    text = "Order: storage.courtlistener.com/recap/gov.usco… 🧵"
    start = text.encode().index(b"storage")
    end = start + len("storage.courtlistener.com/recap/gov.usco…".encode())
    blob = bytes([1, 0x55, 0x12, 0x20]) + bytes(32)
    record = to_json(
        {
            "$type": "app.bsky.feed.post",
            "text": text,
            "createdAt": "2026-02-03T15:00:00.000Z",
            "langs": ["en"],
            "facets": [
                {
                    "index": {"byteStart": start, "byteEnd": end},
                    "features": [
                        {
                            "$type": "app.bsky.richtext.facet#link",
                            "uri": "https://storage.courtlistener.com/a.pdf",
                        }
                    ],
                }
            ],
            "reply": {
                "root": {"uri": f"at://{DID}/app.bsky.feed.post/3kroot", "cid": "bafy"},
                "parent": {"uri": f"at://{DID}/app.bsky.feed.post/3kparent", "cid": "bafy"},
            },
            "embed": {
                "$type": "app.bsky.embed.images",
                "images": [
                    {
                        "alt": "Page 31 of the order.",
                        "image": {"$type": "blob", "ref": blob, "mimeType": "image/png", "size": 9},
                        "aspectRatio": {"width": 64, "height": 40},
                    }
                ],
            },
        }
    )
    post = post_of_record(DID, "3kchild", "bafychild", record, handle="dana.test")
    assert post is not None
    assert post.id == f"at://{DID}/app.bsky.feed.post/3kchild"
    assert post.url == "https://bsky.app/profile/dana.test/post/3kchild"
    assert post.text == text and post.created_at == "2026-02-03T15:00:00.000Z"
    assert post.reply_parent_id.endswith("/3kparent") and post.reply_root_id.endswith("/3kroot")  # type: ignore[union-attr]
    assert [(lk.url, lk.display_text) for lk in post.links] == [
        ("https://storage.courtlistener.com/a.pdf", "storage.courtlistener.com/recap/gov.usco…")
    ]
    (image,) = post.images
    link = record["embed"]["images"][0]["image"]["ref"]["$link"]
    assert image.alt == "Page 31 of the order." and (image.width, image.height) == (64, 40)
    assert image.url == f"https://cdn.bsky.app/img/feed_fullsize/plain/{DID}/{link}@jpeg"
    assert post.raw is not None and post.raw["record"]["embed"]["images"][0]["image"]["ref"] == {
        "$link": link
    }


def test_records_that_are_no_posts_are_skipped() -> None:
    assert post_of_record(DID, "3k", "bafy", {"$type": "app.bsky.feed.like"}) is None
    assert post_of_record(DID, "3k", "bafy", ["junk"]) is None


def test_bytes_that_are_no_link_stay_bytes_in_json() -> None:
    assert to_json({"sig": b"\x00\xff"}) == {"sig": {"$bytes": "AP8"}}
