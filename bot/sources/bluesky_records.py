"""Bluesky JSON (thread views, post views, records) → models. Pure: no network, no database.

Everything here is defensive: records are written by arbitrary clients, so any field may be
missing, of the wrong type, or out of range. A malformed part of a post is skipped or left
empty; the post itself and its raw JSON are always kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.models import Account, Image, Link, Post, PostStatus

LINK_FEATURE = "app.bsky.richtext.facet#link"
BARE_URL = re.compile(r"https?://[^\s<>\"'()\[\]]+[^\s<>\"'()\[\].,;:!?]")


@dataclass
class ThreadViewParts:
    """What one getPostThread response told us, flattened into nodes."""

    posts: dict[str, Post] = field(default_factory=dict)
    # posts with replies the service did not include (depth cap): fetch again from them
    truncated: set[str] = field(default_factory=set)
    # posts whose replies the service did include
    expanded: set[str] = field(default_factory=set)


def post_web_url(uri: str, handle_or_did: str | None = None) -> str:
    """https://bsky.app/profile/<did>/post/<rkey> for an at:// post URI."""
    did, _, rkey = _split_uri(uri)
    return f"https://bsky.app/profile/{handle_or_did or did}/post/{rkey}"


def did_of(uri: str) -> str:
    return _split_uri(uri)[0]


def _split_uri(uri: str) -> tuple[str, str, str]:
    rest = uri.removeprefix("at://")
    parts = rest.split("/")
    if len(parts) != 3:
        return rest, "", ""
    return parts[0], parts[1], parts[2]


def parse_thread_view(view: dict[str, Any]) -> ThreadViewParts:
    """Flatten a getPostThread `thread` (with its parents and replies) into nodes."""
    parts = ThreadViewParts()
    _walk_parents(view, parts)
    _walk_replies(view, None, parts, seen=set())
    return parts


def _walk_parents(view: dict[str, Any], parts: ThreadViewParts) -> None:
    node = view.get("parent") if isinstance(view, dict) else None
    depth = 0
    # parent chains are finite on a sane service; the bound guards against a cycle in bad data
    while isinstance(node, dict) and depth < 10_000:
        post = _node_to_post(node, parent_hint=None)
        if post is not None and post.id not in parts.posts:
            parts.posts[post.id] = post
        node = node.get("parent")
        depth += 1


def _walk_replies(
    view: dict[str, Any], parent_id: str | None, parts: ThreadViewParts, seen: set[str]
) -> None:
    # Iterative walk: a long self-reply chain is deeply nested JSON, and Python's recursion
    # limit must not decide how long a thread can be.
    stack: list[tuple[dict[str, Any], str | None]] = [(view, parent_id)]
    while stack:
        node, parent = stack.pop()
        post = _node_to_post(node, parent_hint=parent)
        if post is None or post.id in seen:
            continue
        seen.add(post.id)
        parts.posts[post.id] = post
        replies = node.get("replies")
        if post.status == "ok" and post.reply_count > 0 and not replies:
            parts.truncated.add(post.id)
        if isinstance(replies, list) and replies:
            parts.expanded.add(post.id)
            stack.extend((r, post.id) for r in reversed(replies) if isinstance(r, dict))


def _node_to_post(node: dict[str, Any], parent_hint: str | None) -> Post | None:
    kind = node.get("$type", "")
    uri = node.get("uri") or (node.get("post") or {}).get("uri")
    if not isinstance(uri, str) or not uri.startswith("at://"):
        return None
    if kind.endswith("#notFoundPost") or node.get("notFound"):
        return _gap(uri, "not_found", parent_hint)
    if kind.endswith("#blockedPost") or node.get("blocked"):
        return _gap(uri, "blocked", parent_hint)
    if isinstance(node.get("post"), dict):
        return parse_post_view(node["post"])
    return None


def _gap(uri: str, status: PostStatus, parent_id: str | None) -> Post:
    return Post(
        id=uri,
        platform="bluesky",
        author_id=did_of(uri),
        status=status,
        url=post_web_url(uri),
        reply_parent_id=parent_id,
    )


def parse_post_view(view: dict[str, Any]) -> Post:
    """An app.bsky.feed.defs#postView → Post, with links, images and quote reference."""
    uri = view.get("uri", "")
    author_json = view.get("author") if isinstance(view.get("author"), dict) else {}
    author = Account(
        id=str(author_json.get("did") or did_of(uri)),
        platform="bluesky",
        handle=str(author_json.get("handle") or ""),
        display_name=str(author_json.get("displayName") or ""),
        avatar_url=str(author_json.get("avatar") or ""),
    )
    record = view.get("record") if isinstance(view.get("record"), dict) else {}
    text = record.get("text") if isinstance(record.get("text"), str) else ""
    reply = record.get("reply") if isinstance(record.get("reply"), dict) else {}
    embed_record = record.get("embed") if isinstance(record.get("embed"), dict) else {}
    embed_view = view.get("embed") if isinstance(view.get("embed"), dict) else {}
    facet_links = links_from_facets(text, record.get("facets"))
    langs = record.get("langs") if isinstance(record.get("langs"), list) else []
    return Post(
        id=uri,
        platform="bluesky",
        author_id=author.id,
        author=author,
        cid=str(view.get("cid") or ""),
        url=post_web_url(uri, author.handle or None),
        text=text,
        created_at=normalize_time(record.get("createdAt")) or normalize_time(view.get("indexedAt")),
        reply_parent_id=_ref_uri(reply.get("parent")),
        reply_root_id=_ref_uri(reply.get("root")),
        quote_id=quoted_uri(embed_record),
        langs=tuple(str(lang) for lang in langs),
        links=facet_links + links_from_card(embed_record) + bare_links(text, facet_links),
        images=images_from_embed(embed_record, embed_view),
        reply_count=view.get("replyCount") if type(view.get("replyCount")) is int else 0,
        raw=view,
    )


def _ref_uri(ref: Any) -> str | None:
    if isinstance(ref, dict) and isinstance(ref.get("uri"), str):
        return ref["uri"]
    return None


def links_from_facets(text: str, facets: Any) -> list[Link]:
    """Link facets → Links, display text cut from the UTF-8 bytes of the text.

    Facet offsets count UTF-8 bytes, not characters: "…" is 3 bytes, most emoji 4. An index
    that is missing, out of range or splits a character leaves the display text unknown
    (None); the link's full URI is kept either way.
    """
    if not isinstance(facets, list):
        return []
    data = text.encode("utf-8")
    links: list[Link] = []
    for facet in facets:
        if not isinstance(facet, dict):
            continue
        index = facet.get("index") if isinstance(facet.get("index"), dict) else {}
        start, end = index.get("byteStart"), index.get("byteEnd")
        display = _slice_utf8(data, start, end)
        features = facet.get("features") if isinstance(facet.get("features"), list) else []
        for feature in features:
            if not isinstance(feature, dict) or feature.get("$type") != LINK_FEATURE:
                continue
            uri = feature.get("uri")
            if not isinstance(uri, str) or not uri.strip():
                continue
            valid = display is not None
            links.append(
                Link(
                    url=uri.strip(),
                    origin="facet",
                    display_text=display,
                    byte_start=start if valid else None,
                    byte_end=end if valid else None,
                )
            )
    return links


def _slice_utf8(data: bytes, start: Any, end: Any) -> str | None:
    if type(start) is not int or type(end) is not int:
        return None
    if not 0 <= start < end <= len(data):
        return None
    try:
        return data[start:end].decode("utf-8")
    except UnicodeDecodeError:
        return None


def links_from_card(embed: dict[str, Any]) -> list[Link]:
    """A link card (app.bsky.embed.external), alone or beside a quote (recordWithMedia)."""
    if embed.get("$type") == "app.bsky.embed.recordWithMedia":
        media = embed.get("media")
        return links_from_card(media) if isinstance(media, dict) else []
    if embed.get("$type") != "app.bsky.embed.external":
        return []
    external = embed.get("external") if isinstance(embed.get("external"), dict) else {}
    uri = external.get("uri")
    if not isinstance(uri, str) or not uri.strip():
        return []
    return [
        Link(
            url=uri.strip(),
            origin="card",
            title=str(external.get("title") or ""),
            description=str(external.get("description") or ""),
        )
    ]


def bare_links(text: str, facet_links: list[Link]) -> list[Link]:
    """URLs typed in full that no link facet covers (some clients write no facets)."""
    known = {link.url for link in facet_links}
    covered = [
        (link.byte_start, link.byte_end)
        for link in facet_links
        if link.byte_start is not None and link.byte_end is not None
    ]
    links = []
    for match in BARE_URL.finditer(text):
        url = match.group()
        start = len(text[: match.start()].encode("utf-8"))
        end = start + len(url.encode("utf-8"))
        if url in known or any(s < end and start < e for s, e in covered):
            continue
        links.append(Link(url=url, origin="text", display_text=url, byte_start=start, byte_end=end))
    return links


def quoted_uri(embed: dict[str, Any]) -> str | None:
    kind = embed.get("$type")
    if kind == "app.bsky.embed.record":
        return _ref_uri(embed.get("record"))
    if kind == "app.bsky.embed.recordWithMedia":
        inner = embed.get("record") if isinstance(embed.get("record"), dict) else {}
        return _ref_uri(inner.get("record"))
    return None


def images_from_embed(record_embed: dict[str, Any], view_embed: dict[str, Any]) -> list[Image]:
    """Images with alt text from the record, URLs from the service's view of the embed."""
    if record_embed.get("$type") == "app.bsky.embed.recordWithMedia":
        media = record_embed.get("media") if isinstance(record_embed.get("media"), dict) else {}
        view_media = view_embed.get("media") if isinstance(view_embed.get("media"), dict) else {}
        return images_from_embed(media, view_media)
    if record_embed.get("$type") != "app.bsky.embed.images":
        return []
    records = record_embed.get("images") if isinstance(record_embed.get("images"), list) else []
    views = view_embed.get("images") if isinstance(view_embed.get("images"), list) else []
    images = []
    for i, item in enumerate(records):
        if not isinstance(item, dict):
            continue
        view = views[i] if i < len(views) and isinstance(views[i], dict) else {}
        ratio = item.get("aspectRatio") if isinstance(item.get("aspectRatio"), dict) else {}
        images.append(
            Image(
                url=str(view.get("fullsize") or ""),
                thumb_url=str(view.get("thumb") or ""),
                alt=str(item.get("alt") or ""),
                width=ratio.get("width") if type(ratio.get("width")) is int else None,
                height=ratio.get("height") if type(ratio.get("height")) is int else None,
            )
        )
    return images


def normalize_time(value: Any) -> str | None:
    """Any ISO 8601 timestamp → UTC 'YYYY-MM-DDTHH:MM:SS.mmmZ' (sortable as text)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        parsed = parsed.astimezone(UTC)
    except (ValueError, OverflowError):  # not a time, or a year UTC cannot hold
        return None
    return (
        f"{parsed.year:04d}-"
        + parsed.strftime("%m-%dT%H:%M:%S.")
        + (f"{parsed.microsecond // 1000:03d}Z")
    )
