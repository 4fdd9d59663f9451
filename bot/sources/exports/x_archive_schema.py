"""The fields of an X export's posts that threadbot reads, decoded by msgspec straight from
the file's bytes, and each post's JSON kept as compact text for `posts.raw`.

Decoding into these Structs builds nothing for the many fields we do not read (`source`,
counts, hashtags …), and Structs are not tracked by the garbage collector: a batch decodes
several times faster than into dicts. The raw JSON is the element as the file has it, with
the pretty-printing whitespace removed (`msgspec.json.format`) — no decode → dict → encode
round trip.

Types are those X writes (numbers as strings), with ints accepted too. A batch whose values
have other types is decoded again element by element; an element that still does not fit
keeps the fields that do (a field of the wrong type is left out, as if absent).
"""

from __future__ import annotations

from typing import Any

import msgspec

Number = str | int


class Url(msgspec.Struct, gc=False):
    url: str | None = None
    expanded_url: str | None = None
    display_url: str | None = None
    indices: list[Number] | None = None


class Size(msgspec.Struct, gc=False):
    w: Number | None = None
    h: Number | None = None


class Sizes(msgspec.Struct, gc=False):
    large: Size | None = None


class Media(msgspec.Struct, gc=False):
    url: str | None = None
    media_url_https: str | None = None
    media_url: str | None = None
    ext_alt_text: str | None = None
    indices: list[Number] | None = None
    sizes: Sizes | None = None


class Entities(msgspec.Struct, gc=False):
    urls: list[Url] | None = None
    media: list[Media] | None = None
    user_mentions: list[msgspec.Raw] | None = None  # only whether there are any


class ExtendedEntities(msgspec.Struct, gc=False):
    media: list[Media] | None = None


class EditIds(msgspec.Struct, gc=False):
    editTweetIds: list[str] | None = None


class EditPart(msgspec.Struct, gc=False):
    editTweetIds: list[str] | None = None
    editControlInitial: EditIds | None = None


class EditInfo(msgspec.Struct, gc=False):
    initial: EditPart | None = None
    edit: EditPart | None = None


class Tweet(msgspec.Struct, gc=False):
    id_str: str | None = None
    id: Number | None = None
    full_text: str | None = None
    text: str | None = None
    created_at: str | None = None
    entities: Entities | None = None
    extended_entities: ExtendedEntities | None = None
    display_text_range: list[Number] | None = None
    in_reply_to_status_id_str: str | None = None
    in_reply_to_user_id_str: str | None = None
    quoted_status_id_str: str | None = None
    lang: str | None = None
    edit_info: EditInfo | None = None


class Element(msgspec.Struct, gc=False):
    tweet: Tweet | None = None


FIELDS = tuple(Tweet.__struct_fields__)
_ELEMENTS = msgspec.json.Decoder(list[Element])
_ELEMENT = msgspec.json.Decoder(Element)
_RAWS = msgspec.json.Decoder(list[msgspec.Raw])
_ANY = msgspec.json.Decoder()


def decode_elements(data: bytes) -> list[tuple[Tweet | None, bytes]]:
    """A JSON array of `{"tweet": {...}}` elements → (the fields we read, the element's
    compact JSON, UTF-8) for each. Raises msgspec.DecodeError for what is not JSON."""
    compact = msgspec.json.format(data, indent=-1)
    raws = _RAWS.decode(compact)
    try:
        tweets = [e.tweet for e in _ELEMENTS.decode(compact)]
    except msgspec.ValidationError:
        tweets = [_lenient(raw) for raw in raws]
    return [(tweet, bytes(raw)) for tweet, raw in zip(tweets, raws, strict=True)]


def tweet_of(element: Any) -> Tweet | None:
    """A `{"tweet": {...}}` element already decoded as dicts → its fields."""
    return _lenient(msgspec.json.encode(element))


def _lenient(raw: bytes | msgspec.Raw) -> Tweet | None:
    try:
        return _ELEMENT.decode(raw).tweet
    except msgspec.ValidationError:
        pass
    element = _ANY.decode(raw)
    body = element.get("tweet") if isinstance(element, dict) else None
    if not isinstance(body, dict):
        return None
    kept: dict[str, Any] = {}
    for name in FIELDS:
        if name not in body:
            continue
        try:
            msgspec.convert({name: body[name]}, Tweet)
        except msgspec.ValidationError:
            continue  # of a type X does not write: as if absent
        kept[name] = body[name]
    return msgspec.convert(kept, Tweet)
