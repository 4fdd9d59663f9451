"""One post of an X data export (`{"tweet": {...}}` in tweets.js, and its long text from
note-tweet.js) → Post. Pure: no disk.

An export's tweets are in the old API's shape: `id_str`, `full_text` (HTML-escaped),
`created_at` like "Tue Mar 19 14:05:17 +0000 2019", `entities.urls` with `expanded_url`,
`display_url` and `indices` (numbers written as strings), media in `extended_entities`,
replies by `in_reply_to_status_id_str` / `in_reply_to_user_id_str`. Long posts (over 280
characters) hold only their start in `full_text`; note-tweet.js has the whole text but no
tweet id, so a note is matched to its post by time (to the second) and the start of the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.models import Account, Image, Post
from bot.sources.x.records import (
    REPLY_PREFIX,
    UrlEntity,
    normalize_time,
    obj,
    render_text,
    unescape,
)
from bot.sources.x.urls import post_url, status_id_of_url

TCO = re.compile(r"https?://t\.co/[A-Za-z0-9]+")
MATCH_CHARS = 40  # how much of the start of a post and of a note must agree


@dataclass(frozen=True)
class Note:
    """A long post's full text from note-tweet.js."""

    created_at: str  # normalized, as Post.created_at
    text: str
    urls: tuple[UrlEntity, ...]
    raw: dict[str, Any]


def parse_note(element: dict[str, Any]) -> Note | None:
    """One `{"noteTweet": {...}}` element → Note; None when it has no text or time."""
    note = obj(element, "noteTweet")
    core = obj(note, "core")
    text = core.get("text")
    created = normalize_time(note.get("createdAt"))
    if not isinstance(text, str) or not text or created is None:
        return None
    urls = []
    listed = core.get("urls")
    for item in listed if isinstance(listed, list) else []:
        if not isinstance(item, dict) or not isinstance(item.get("shortUrl"), str):
            continue
        target = str(item.get("expandedUrl") or item["shortUrl"])
        urls.append(
            UrlEntity(
                url=item["shortUrl"],
                start=_index(item.get("fromIndex")),
                end=_index(item.get("toIndex")),
                target=target,
                display=str(item.get("displayUrl") or target),
            )
        )
    return Note(created, text, tuple(urls), element)


def match_key(text: str) -> str:
    """What a post's start and its note's start share: the words, without links or the
    handles a reply starts with."""
    text = REPLY_PREFIX.sub("", unescape(text))
    return " ".join(TCO.sub(" ", text).replace("…", " ").split())[:MATCH_CHARS]


def find_note(
    tweet: dict[str, Any], created_at: str | None, notes: dict[str, list[Note]]
) -> Note | None:
    """The note holding this post's full text, if there is one."""
    candidates = notes.get(created_at or "")
    if not candidates:
        return None
    key = match_key(str(tweet.get("full_text") or ""))
    for note in candidates:
        if key and match_key(note.text).startswith(key[: max(10, len(key) - 2)]):
            return note
    return None


def superseded(tweet: dict[str, Any]) -> bool:
    """An edited post's earlier version: the export keeps every version, we keep the last."""
    info = tweet.get("edit_info")
    initial = info.get("initial") if type(info) is dict else None
    listed = initial.get("editTweetIds") if type(initial) is dict else None
    if type(listed) is list and len(listed) < 2:
        return False  # the common case: never edited
    ids = edit_ids(tweet)
    return len(ids) > 1 and str(tweet.get("id_str")) != str(max(ids))


def edit_ids(tweet: dict[str, Any]) -> list[int]:
    """Every version's id of an edited post (one id for a post never edited)."""
    info = tweet.get("edit_info")
    if type(info) is not dict:
        return []
    for part in ("initial", "edit"):
        section = info.get(part)
        if type(section) is not dict:
            continue
        listed = section.get("editTweetIds")
        if listed is None and type(section.get("editControlInitial")) is dict:
            listed = section["editControlInitial"].get("editTweetIds")
        if type(listed) is list:
            return [int(i) for i in listed if type(i) is str and i.isdigit()]
    return []


def is_repost(tweet: dict[str, Any]) -> bool:
    """A repost (retweet): the export writes it as "RT @name: …" by the owner."""
    text = tweet.get("full_text")
    return (
        type(text) is str
        and text.startswith("RT @")
        and bool(obj(tweet, "entities").get("user_mentions"))
    )


def parse_archive_tweet(
    element: dict[str, Any],
    owner: Account,
    note: Note | None = None,
    root_id: str | None = None,
    created_at: str | None = None,
) -> Post | None:
    """One `{"tweet": {...}}` element → Post by `owner`; None if it carries no id.

    `root_id` is the thread's root, when the caller knows it (the export has no
    conversation ids); `created_at`, the post's time normalized, if the caller has it.
    This runs once per post of an export, so the common case (a post with no more than
    plain links) takes the short way.
    """
    tweet = element.get("tweet")
    if type(tweet) is not dict:
        return None
    status_id = tweet.get("id_str") or tweet.get("id")
    if type(status_id) is not str or not status_id.isdigit():
        return None
    if created_at is None:
        created_at = normalize_time(tweet.get("created_at"))
    quoted = tweet.get("quoted_status_id_str")
    quote_id = quoted if type(quoted) is str and quoted.isdigit() else None
    entities = tweet.get("entities")
    if type(entities) is not dict:
        entities = {}
    media = _media(tweet, entities)
    raw = element
    if note is not None:
        shown, links = render_text(note.text, list(note.urls))
        raw = {**element, "noteTweet": note.raw.get("noteTweet")}
    else:
        text = tweet.get("full_text") or tweet.get("text") or ""
        text = text if type(text) is str else ""
        urls = entities.get("urls")
        late = _starts_late(tweet)
        if not urls and not media and not late and "&" not in text and "://" not in text:
            shown, links = text, []  # most posts: nothing to show differently
        else:
            found = _url_entities(urls, quote_id) if urls else []
            found += [_media_entity(m) for m in media]
            shown, links = render_text(text, found, strip_reply_prefix=late)
    parent = tweet.get("in_reply_to_status_id_str")
    lang = tweet.get("lang")
    pid = "x:" + status_id
    return Post(
        id=pid,
        platform="x",
        author_id=owner.id,
        author=owner,
        url=post_url(status_id, owner.handle),
        text=shown,
        created_at=created_at,
        reply_parent_id="x:" + parent if type(parent) is str and parent.isdigit() else None,
        reply_root_id=root_id if root_id != pid else None,
        quote_id="x:" + quote_id if quote_id else None,
        langs=(lang,) if type(lang) is str and lang and lang not in ("und", "zxx") else (),
        links=links,
        images=[_image(m) for m in media] if media else [],
        raw=raw,
    )


def _url_entities(urls: Any, quote_id: str | None) -> list[UrlEntity]:
    found = []
    for item in urls if isinstance(urls, list) else []:
        if not isinstance(item, dict) or not isinstance(item.get("url"), str):
            continue
        target = str(item.get("expanded_url") or item["url"])
        start, end = _indices(item.get("indices"))
        found.append(
            UrlEntity(
                url=item["url"],
                start=start,
                end=end,
                target=target,
                display=str(item.get("display_url") or target),
                hidden=quote_id is not None and status_id_of_url(target) == quote_id,
            )
        )
    return found


def _media(tweet: dict[str, Any], entities: dict[str, Any]) -> list[dict[str, Any]]:
    """Every photo or video: `extended_entities` has them all, `entities` only the first."""
    extended = tweet.get("extended_entities")
    for holder in (extended if type(extended) is dict else {}, entities):
        items = holder.get("media")
        if type(items) is list and items:
            return [m for m in items if type(m) is dict]
    return []


def _media_entity(media: dict[str, Any]) -> UrlEntity:
    start, end = _indices(media.get("indices"))
    return UrlEntity(
        url=str(media.get("url") or "\0"),  # never found in a text when missing
        start=start,
        end=end,
        target="",
        display="",
        hidden=True,
    )


def _image(media: dict[str, Any]) -> Image:
    large = obj(obj(media, "sizes"), "large")
    return Image(
        url=str(media.get("media_url_https") or media.get("media_url") or ""),
        alt=str(media.get("ext_alt_text") or ""),
        width=_index(large.get("w")),
        height=_index(large.get("h")),
    )


def _starts_late(tweet: dict[str, Any]) -> bool:
    shown = tweet.get("display_text_range")
    if not isinstance(shown, list) or not shown:
        return False
    start = _index(shown[0])
    return start is not None and start > 0


def _indices(value: Any) -> tuple[int | None, int | None]:
    if isinstance(value, list) and len(value) == 2:
        return _index(value[0]), _index(value[1])
    return None, None


def _index(value: Any) -> int | None:
    if type(value) is int and value >= 0:
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None
