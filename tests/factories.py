"""Build AppView-shaped JSON for tests: post views and thread views, as the service sends them."""

from __future__ import annotations

import hashlib
from typing import Any

from bot.models import Thread
from bot.sources.bluesky.records import parse_thread_view
from bot.threads import reconstruct

REPORTER = ("did:plc:reporter000000000000000", "reporter.test")
READER = ("did:plc:reader00000000000000000", "reader.test")


def uri(author: tuple[str, str], rkey: str) -> str:
    return f"at://{author[0]}/app.bsky.feed.post/{rkey}"


def link_facet(text: str, display: str, url: str) -> dict[str, Any]:
    start = text.encode("utf-8").index(display.encode("utf-8"))
    return {
        "index": {"byteStart": start, "byteEnd": start + len(display.encode("utf-8"))},
        "features": [{"$type": "app.bsky.richtext.facet#link", "uri": url}],
    }


def post_view(
    author: tuple[str, str],
    rkey: str,
    text: str,
    minute: int,
    parent: str | None = None,
    root: str | None = None,
    facets: list[dict[str, Any]] | None = None,
    embed: dict[str, Any] | None = None,
    cid: str | None = None,
    reply_count: int = 0,
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "$type": "app.bsky.feed.post",
        "text": text,
        "createdAt": f"2026-02-03T14:{minute // 60:02d}:{minute % 60:02d}.000Z",
        "langs": ["en"],
    }
    if facets:
        record["facets"] = facets
    if embed:
        record["embed"] = embed
    if parent:
        record["reply"] = {"parent": {"uri": parent, "cid": "c"}, "root": {"uri": root, "cid": "c"}}
    return {
        "uri": uri(author, rkey),
        "cid": cid or f"cid-{rkey}",
        "author": {"did": author[0], "handle": author[1], "displayName": author[1].split(".")[0]},
        "record": record,
        "replyCount": reply_count,
        "indexedAt": record["createdAt"],
    }


def chain_view(
    posts: list[dict[str, Any]], extra_replies: dict[int, list[dict[str, Any]]] | None = None
) -> dict[str, Any]:
    """A thread view of a self-reply chain: posts[0] is the root, each replies to the previous.

    `extra_replies[i]` are more reply nodes (already thread-view shaped) under posts[i].
    """
    extra_replies = extra_replies or {}
    node: dict[str, Any] | None = None
    for i in range(len(posts) - 1, -1, -1):
        replies = ([node] if node else []) + extra_replies.get(i, [])
        node = {"$type": "app.bsky.feed.defs#threadViewPost", "post": posts[i], "replies": replies}
    assert node is not None
    return node


def chain_thread(name: str, posts: list[tuple[str, list[dict[str, Any]]]]) -> Thread:
    """The reporter's self-reply chain of (text, facets) posts, as parsed from the AppView."""
    root = uri(REPORTER, f"{name}1")
    views = [
        post_view(
            REPORTER,
            f"{name}{i}",
            text,
            minute=i,
            parent=uri(REPORTER, f"{name}{i - 1}") if i > 1 else None,
            root=root if i > 1 else None,
            facets=facets,
            cid=f"cid-{name}{i}-{hashlib.sha1(text.encode()).hexdigest()[:8]}",
        )
        for i, (text, facets) in enumerate(posts, start=1)
    ]
    parts = parse_thread_view(chain_view(views))
    return reconstruct(parts.posts.values(), root)


def sample_thread(count: int = 5, edit: dict[int, str] | None = None) -> Thread:
    """A reporter's chain of `count` posts, each with one link; `edit` replaces some texts."""
    edit = edit or {}
    posts = []
    for i in range(1, count + 1):
        text = edit.get(
            i, f"Post {i}: the judge ruled on the motion. courtlistener.com/docket/{i}…"
        )
        display = f"courtlistener.com/docket/{i}…"
        url = f"https://www.courtlistener.com/docket/{i}/case/"
        posts.append((text, [link_facet(text, display, url)] if display in text else []))
    return chain_thread("p", posts)


def thread_linking(urls: list[str], name: str = "links") -> Thread:
    """A one-author thread with one post per URL, each a link facet over a shortened display."""
    posts = []
    for i, url in enumerate(urls, start=1):
        display = url.split("://", 1)[-1][:24] + "…"
        text = f"Post {i}: read it here {display}"
        posts.append((text, [link_facet(text, display, url)]))
    return chain_thread(name, posts)
