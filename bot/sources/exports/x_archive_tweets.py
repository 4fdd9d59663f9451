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

import orjson

from bot.models import Account, Image, Post
from bot.sources.exports.x_archive_schema import Media, Tweet, Url, tweet_of
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

    @property
    def raw_json(self) -> bytes:
        """The note's JSON (`{"noteTweet": …}`'s value), as UTF-8."""
        return orjson.dumps(self.raw.get("noteTweet"))


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
    tweet: dict[str, Any] | Tweet, created_at: str | None, notes: dict[str, list[Note]]
) -> Note | None:
    """The note holding this post's full text, if there is one."""
    candidates = notes.get(created_at or "")
    if not candidates:
        return None
    text = tweet.get("full_text") if isinstance(tweet, dict) else tweet.full_text
    key = match_key(str(text or ""))
    for note in candidates:
        if key and match_key(note.text).startswith(key[: max(10, len(key) - 2)]):
            return note
    return None


_DAYS: dict[str, str] = {}  # "Mar 19 2019" → "2019-03-19T"


def export_time(value: str | None) -> str | None:
    """`normalize_time` for an export's "Tue Mar 19 14:05:17 +0000 2019", its date part
    worked out once per day (an export has a time per post)."""
    if value is None or len(value) != 30 or value[20:25] != "+0000":
        return normalize_time(value)
    clock = value[11:19]
    if clock[2] != ":" or clock[5] != ":" or not clock.replace(":", "").isdigit():
        return None
    key = value[4:10] + value[25:]
    day = _DAYS.get(key)
    if day is None:
        whole = normalize_time(value)
        if whole is None:
            return None
        day = whole[:11]
        if len(_DAYS) < 100_000:
            _DAYS[key] = day
    return day + clock + ".000Z"


def superseded(tweet: dict[str, Any] | Tweet | None) -> bool:
    """An edited post's earlier version: the export keeps every version, we keep the last."""
    fields = _fields(tweet)
    if fields is None:
        return False
    ids = edit_ids(fields)
    return len(ids) > 1 and _digits(fields.id_str) != str(max(ids))


def edit_ids(tweet: dict[str, Any] | Tweet | None) -> list[int]:
    """Every version's id of an edited post (one id for a post never edited)."""
    fields = _fields(tweet)
    info = fields.edit_info if fields is not None else None
    if info is None:
        return []
    initial = info.initial
    if initial is not None and initial.editTweetIds is not None and info.edit is None:
        # the common case: a post never edited lists its own id alone
        only = initial.editTweetIds
        if len(only) == 1:
            return [int(only[0])] if only[0].isdigit() else []
    for part in (info.initial, info.edit):
        if part is None:
            continue
        listed = part.editTweetIds
        if listed is None and part.editControlInitial is not None:
            listed = part.editControlInitial.editTweetIds
        if listed is not None:
            return [int(i) for i in listed if i.isdigit()]
    return []


def is_repost(tweet: dict[str, Any] | Tweet | None) -> bool:
    """A repost (retweet): the export writes it as "RT @name: …" by the owner."""
    fields = _fields(tweet)
    if fields is None or not (fields.full_text or "").startswith("RT @"):
        return False
    return fields.entities is not None and bool(fields.entities.user_mentions)


def parse_archive_tweet(
    element: dict[str, Any],
    owner: Account,
    note: Note | None = None,
    root_id: str | None = None,
    created_at: str | None = None,
) -> Post | None:
    """One `{"tweet": {...}}` element, as dicts → Post by `owner` (see `parse_tweet`); the
    element itself is the post's `raw`."""
    post = parse_tweet(tweet_of(element), None, owner, note, root_id, created_at)
    if post is not None:
        post.raw = {**element, "noteTweet": note.raw.get("noteTweet")} if note else element
    return post


def parse_tweet(
    tweet: Tweet | None,
    raw_json: bytes | None,
    owner: Account,
    note: Note | None = None,
    root_id: str | None = None,
    created_at: str | None = None,
) -> Post | None:
    """One post's fields (x_archive_schema) and its JSON → Post by `owner`; None if it
    carries no id.

    `root_id` is the thread's root, when the caller knows it (the export has no
    conversation ids); `created_at`, the post's time normalized, if the caller has it.
    This runs once per post of an export, so the common case (a post with no more than
    plain links) takes the short way.
    """
    if tweet is None:
        return None
    status_id = _digits(tweet.id_str) or _digits(tweet.id)
    if not status_id:
        return None
    if created_at is None:
        created_at = normalize_time(tweet.created_at)
    quote_id = _digits(tweet.quoted_status_id_str) or None
    entities = tweet.entities
    media = _media(tweet)
    if note is not None:
        shown, links = render_text(note.text, list(note.urls))
        if raw_json is not None:
            # the post and its long text, as one object: {"tweet": …, "noteTweet": …}
            raw_json = raw_json[:-1] + b',"noteTweet":' + note.raw_json + b"}"
    else:
        text = tweet.full_text or tweet.text or ""
        urls = entities.urls if entities is not None else None
        late = _starts_late(tweet)
        if not urls and not media and not late and "://" not in text:
            # most posts: nothing to show differently but X's three escapes
            shown, links = unescape(text).rstrip(), []
        else:
            found = _url_entities(urls, quote_id) if urls else []
            found += [_media_entity(m) for m in media]
            shown, links = render_text(text, found, strip_reply_prefix=late)
    parent = _digits(tweet.in_reply_to_status_id_str)
    lang = tweet.lang
    pid = "x:" + status_id
    return Post(
        id=pid,
        platform="x",
        author_id=owner.id,
        author=owner,
        url=post_url(status_id, owner.handle),
        text=shown,
        created_at=created_at,
        reply_parent_id="x:" + parent if parent else None,
        reply_root_id=root_id if root_id != pid else None,
        quote_id="x:" + quote_id if quote_id else None,
        langs=(lang,) if lang and lang not in ("und", "zxx") else (),
        links=links,
        images=[_image(m) for m in media] if media else [],
        raw_json=raw_json,
    )


def _fields(tweet: dict[str, Any] | Tweet | None) -> Tweet | None:
    if isinstance(tweet, dict):
        return tweet_of({"tweet": tweet})
    return tweet


def _digits(value: str | int | None) -> str:
    """An id as text: digits only, else ""."""
    if type(value) is str:
        return value if value.isdigit() else ""
    if type(value) is int and value >= 0:
        return str(value)
    return ""


def _url_entities(urls: list[Url], quote_id: str | None) -> list[UrlEntity]:
    found = []
    for item in urls:
        if item.url is None:
            continue
        target = item.expanded_url or item.url
        start, end = _indices(item.indices)
        found.append(
            UrlEntity(
                url=item.url,
                start=start,
                end=end,
                target=target,
                display=item.display_url or target,
                hidden=quote_id is not None and status_id_of_url(target) == quote_id,
            )
        )
    return found


def _media(tweet: Tweet) -> list[Media]:
    """Every photo or video: `extended_entities` has them all, `entities` only the first."""
    for holder in (tweet.extended_entities, tweet.entities):
        items = holder.media if holder is not None else None
        if items:
            return items
    return []


def _media_entity(media: Media) -> UrlEntity:
    start, end = _indices(media.indices)
    return UrlEntity(
        url=media.url or "\0",  # never found in a text when missing
        start=start,
        end=end,
        target="",
        display="",
        hidden=True,
    )


def _image(media: Media) -> Image:
    large = media.sizes.large if media.sizes is not None else None
    return Image(
        url=media.media_url_https or media.media_url or "",
        alt=media.ext_alt_text or "",
        width=_index(large.w) if large is not None else None,
        height=_index(large.h) if large is not None else None,
    )


def _starts_late(tweet: Tweet) -> bool:
    shown = tweet.display_text_range
    if not shown or shown[0] == "0":  # nearly every post is shown from its start
        return False
    start = _index(shown[0])
    return start is not None and start > 0


def _indices(value: list[str | int] | None) -> tuple[int | None, int | None]:
    if value is not None and len(value) == 2:
        return _index(value[0]), _index(value[1])
    return None, None


def _index(value: Any) -> int | None:
    if type(value) is int and value >= 0:
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None
