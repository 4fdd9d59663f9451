"""Bluesky JSON (thread views, post views, records) → models. Pure: no network, no database.

Everything here is defensive: records are written by arbitrary clients, so any field may be
missing, of the wrong type, or out of range. A malformed part of a post is skipped or left
empty; the post itself and its raw JSON are kept. A node of a thread view that cannot be
read at all (someone else's reply with a post view that names another author than its URI,
say) is skipped and recorded in `ThreadViewParts.skipped`, never failing the thread.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from bot.links.bare_urls import bare_links
from bot.models import Account, Image, Link, Post, PostStatus
from bot.sources.bluesky.urls import AtUri, did_of, is_post_uri, web_url
from bot.sources.json_fields import JSON, array, integer, obj, objects, text
from bot.timestamps import normalize_time

log = logging.getLogger(__name__)

LINK_FEATURE = "app.bsky.richtext.facet#link"


class MalformedView(ValueError):
    """A post view that cannot stand for the post it names; the message says why."""


@dataclass
class ThreadViewParts:
    """What one getPostThread response told us, flattened into nodes."""

    posts: dict[str, Post] = field(default_factory=dict)
    # posts with replies the service did not include (depth cap): fetch again from them
    truncated: set[str] = field(default_factory=set)
    # posts whose replies the service did include
    expanded: set[str] = field(default_factory=set)
    # nodes left out, each with why ("at://…: author did:x does not match the URI")
    skipped: list[str] = field(default_factory=list)


def parse_thread_view(view: JSON) -> ThreadViewParts:
    """Flatten a getPostThread `thread` (with its parents and replies) into nodes."""
    parts = ThreadViewParts()
    _walk_parents(view, parts)
    _walk_replies(view, parts)
    return parts


def _walk_parents(view: JSON, parts: ThreadViewParts) -> None:
    node = obj(view, "parent")
    depth = 0
    # parent chains are finite on a sane service; the bound guards against a cycle in bad data
    while node and depth < 10_000:
        post = _node_to_post(node, None, parts)
        if post is not None and post.id not in parts.posts:
            parts.posts[post.id] = post
        node = obj(node, "parent")
        depth += 1


def _walk_replies(view: JSON, parts: ThreadViewParts) -> None:
    # Iterative walk: a long self-reply chain is deeply nested JSON, and Python's recursion
    # limit must not decide how long a thread can be.
    seen: set[str] = set()
    stack: list[tuple[JSON, str | None]] = [(view, None)]
    while stack:
        node, parent = stack.pop()
        post = _node_to_post(node, parent, parts)
        if post is None or post.id in seen:
            continue
        seen.add(post.id)
        parts.posts[post.id] = post
        replies = objects(node, "replies")
        if post.status == "ok" and post.reply_count > 0 and not replies:
            parts.truncated.add(post.id)
        if replies:
            parts.expanded.add(post.id)
            stack.extend((r, post.id) for r in reversed(replies))


def _node_to_post(node: JSON, parent_hint: str | None, parts: ThreadViewParts) -> Post | None:
    kind = text(node, "$type")
    uri = text(node, "uri") or text(obj(node, "post"), "uri")
    if not uri.startswith("at://"):
        return None
    if kind.endswith("#notFoundPost") or node.get("notFound"):
        return gap_post(uri, "not_found", parent_hint)
    if kind.endswith("#blockedPost") or node.get("blocked"):
        return gap_post(uri, "blocked", parent_hint)
    if not obj(node, "post"):
        return None
    try:
        return parse_post_view(obj(node, "post"))
    except MalformedView as e:
        parts.skipped.append(str(e))
        log.warning("skipped a post in a thread view: %s", e)
        return None


def gap_post(uri: str, status: PostStatus, parent_id: str | None) -> Post:
    return Post(
        id=uri,
        platform="bluesky",
        author_id=did_of(uri),
        status=status,
        url=web_url(uri),
        reply_parent_id=parent_id,
    )


def parse_post_view(view: JSON) -> Post:
    """An app.bsky.feed.defs#postView → Post, with links, images and quote reference.

    Raises MalformedView when the view cannot stand for its post: no at:// post URI, or an
    author other than the repository its URI names (a service, or whoever stands between,
    must not be able to pin one account's words on another).
    """
    uri = text(view, "uri")
    parsed = AtUri.parse(uri)
    if parsed is None or not parsed.is_post:
        raise MalformedView(f"a post view without a post URI: {uri[:200]!r}")
    author_json = obj(view, "author")
    author_did = text(author_json, "did") or parsed.authority
    if author_did != parsed.authority:
        raise MalformedView(f"{uri[:200]}: author {author_did[:200]} does not match the URI")
    author = Account(
        id=author_did,
        platform="bluesky",
        handle=text(author_json, "handle"),
        display_name=text(author_json, "displayName"),
        avatar_url=text(author_json, "avatar"),
    )
    record = obj(view, "record")
    body = text(record, "text")
    reply = obj(record, "reply")
    embed_record = obj(record, "embed")
    facet_links = links_from_facets(body, record.get("facets"))
    root_uri = _ref_uri(reply.get("root"))
    return Post(
        id=uri,
        platform="bluesky",
        author_id=author.id,
        author=author,
        cid=text(view, "cid"),
        url=web_url(uri, author.handle or None),
        text=body,
        created_at=normalize_time(record.get("createdAt")) or normalize_time(view.get("indexedAt")),
        indexed_at=normalize_time(view.get("indexedAt")),
        reply_parent_id=_ref_uri(reply.get("parent")),
        reply_root_id=root_uri,
        reply_root_author_id=did_of(root_uri) if root_uri else None,
        quote_id=quoted_uri(embed_record),
        langs=tuple(str(lang) for lang in array(record, "langs")),
        links=facet_links
        + links_from_card(embed_record)
        + bare_links(
            body,
            covered=[(link.byte_start, link.byte_end) for link in facet_links],
            known=[link.url for link in facet_links],
        ),
        images=images_from_embed(embed_record, obj(view, "embed")),
        reply_count=integer(view, "replyCount") or 0,
        raw=view,
    )


def _ref_uri(ref: Any) -> str | None:
    return text(ref, "uri") or None


def links_from_facets(body: str, facets: Any) -> list[Link]:
    """Link facets → Links, display text cut from the UTF-8 bytes of the text.

    Facet offsets count UTF-8 bytes, not characters: "…" is 3 bytes, most emoji 4. An index
    that is missing, out of range or splits a character leaves the display text unknown
    (None); the link's full URI is kept either way.
    """
    if not isinstance(facets, list):
        return []
    data = body.encode("utf-8")
    links: list[Link] = []
    for facet in facets:
        if not isinstance(facet, dict):
            continue
        index = obj(facet, "index")
        start, end = integer(index, "byteStart"), integer(index, "byteEnd")
        display = _slice_utf8(data, start, end)
        for feature in objects(facet, "features"):
            uri = text(feature, "uri").strip()
            if feature.get("$type") != LINK_FEATURE or not uri:
                continue
            valid = display is not None
            links.append(
                Link(
                    url=uri,
                    origin="facet",
                    display_text=display,
                    byte_start=start if valid else None,
                    byte_end=end if valid else None,
                )
            )
    return links


def _slice_utf8(data: bytes, start: int | None, end: int | None) -> str | None:
    if start is None or end is None or not 0 <= start < end <= len(data):
        return None
    try:
        return data[start:end].decode("utf-8")
    except UnicodeDecodeError:
        return None


def links_from_card(embed: JSON) -> list[Link]:
    """A link card (app.bsky.embed.external), alone or beside a quote (recordWithMedia)."""
    if embed.get("$type") == "app.bsky.embed.recordWithMedia":
        return links_from_card(obj(embed, "media"))
    if embed.get("$type") != "app.bsky.embed.external":
        return []
    external = obj(embed, "external")
    uri = text(external, "uri").strip()
    if not uri:
        return []
    return [
        Link(
            url=uri,
            origin="card",
            title=text(external, "title"),
            description=text(external, "description"),
        )
    ]


def quoted_uri(embed: JSON) -> str | None:
    kind = embed.get("$type")
    if kind == "app.bsky.embed.record":
        return _ref_uri(embed.get("record"))
    if kind == "app.bsky.embed.recordWithMedia":
        return _ref_uri(obj(embed, "record").get("record"))
    return None


def quoted_post_uri(embed: JSON) -> str | None:
    """The quoted record, if it is a post (a quote can also embed a list or a feed)."""
    uri = quoted_uri(embed)
    return uri if is_post_uri(uri) else None


def images_from_embed(record_embed: JSON, view_embed: JSON) -> list[Image]:
    """Images with alt text from the record, URLs from the service's view of the embed."""
    if record_embed.get("$type") == "app.bsky.embed.recordWithMedia":
        return images_from_embed(obj(record_embed, "media"), obj(view_embed, "media"))
    if record_embed.get("$type") != "app.bsky.embed.images":
        return []
    views = array(view_embed, "images")
    images = []
    for i, item in enumerate(array(record_embed, "images")):
        if not isinstance(item, dict):
            continue
        view = views[i] if i < len(views) and isinstance(views[i], dict) else {}
        ratio = obj(item, "aspectRatio")
        images.append(
            Image(
                url=text(view, "fullsize"),
                thumb_url=text(view, "thumb"),
                alt=text(item, "alt"),
                width=integer(ratio, "width"),
                height=integer(ratio, "height"),
            )
        )
    return images
