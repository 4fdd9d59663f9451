"""The first pass over an X export's tweets: who answers whom, without the rest of a post.

msgspec decodes only the fields named here and skips the others without building them,
about three times faster than decoding whole posts. A batch whose fields have unexpected
types falls back to decoding it whole.
"""

from __future__ import annotations

from typing import Any

import msgspec

from bot.sources.exports.js_array import DECODE_DICTS
from bot.sources.exports.x_archive_tweets import edit_ids, is_repost

# (id, the id it answers, whose post that is, is a repost, every version's id if edited)
Head = tuple[int | None, int | None, str | None, bool, list[int]]


class _Ids(msgspec.Struct, gc=False):
    editTweetIds: list[str] | None = None


class _EditPart(msgspec.Struct, gc=False):
    editTweetIds: list[str] | None = None
    editControlInitial: _Ids | None = None


class _EditInfo(msgspec.Struct, gc=False):
    initial: _EditPart | None = None
    edit: _EditPart | None = None


class _Entities(msgspec.Struct, gc=False):
    user_mentions: list[msgspec.Raw] = []


class _Tweet(msgspec.Struct, gc=False):
    id_str: str | None = None
    in_reply_to_status_id_str: str | None = None
    in_reply_to_user_id_str: str | None = None
    full_text: str = ""
    edit_info: _EditInfo | None = None
    entities: _Entities | None = None


class _Element(msgspec.Struct, gc=False):
    tweet: _Tweet | None = None


_DECODER = msgspec.json.Decoder(list[_Element])


def decode_heads(data: bytes) -> list[Head]:
    """A JSON array of `{"tweet": …}` elements → one Head per element."""
    try:
        elements = _DECODER.decode(data)
    except msgspec.ValidationError:
        return [_head_of_dict(e) for e in DECODE_DICTS(data)]
    return [_head(e.tweet) for e in elements]


def _head(tweet: _Tweet | None) -> Head:
    if tweet is None:
        return None, None, None, False, []
    repost = tweet.full_text.startswith("RT @") and bool(
        tweet.entities is not None and tweet.entities.user_mentions
    )
    edits: list[int] = []
    info = tweet.edit_info
    if info is not None:
        for part in (info.initial, info.edit):
            if part is None:
                continue
            listed = part.editTweetIds
            if listed is None and part.editControlInitial is not None:
                listed = part.editControlInitial.editTweetIds
            if listed is not None:
                edits = [int(i) for i in listed if i.isdigit()]
                break
    return (
        _int(tweet.id_str),
        _int(tweet.in_reply_to_status_id_str),
        tweet.in_reply_to_user_id_str,
        repost,
        edits,
    )


def _head_of_dict(element: Any) -> Head:
    tweet = element.get("tweet") if isinstance(element, dict) else None
    if not isinstance(tweet, dict):
        return None, None, None, False, []
    user = tweet.get("in_reply_to_user_id_str")
    return (
        _int(tweet.get("id_str")),
        _int(tweet.get("in_reply_to_status_id_str")),
        user if isinstance(user, str) else None,
        is_repost(tweet),
        edit_ids(tweet),
    )


def _int(value: Any) -> int | None:
    return int(value) if isinstance(value, str) and value.isdigit() else None
