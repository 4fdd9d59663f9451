"""X API v2 JSON (tweets with their `includes`, and `errors`) → models. Pure: no network.

What a reader saw is what we keep as the text: X's t.co links are shown as their
`display_url` ("storage.courtlistener.com/recap/gov.usco…"), the link behind it is the
unwound or expanded URL, and the byte offsets of each link point into that text (UTF-8 bytes,
as on Bluesky). Media links and the permalink of a quoted post are not shown on X, so they
are cut from the text. Long posts keep their full text in `note_tweet`.

X's entity offsets count code points, but in practice some point into the HTML-escaped text
and some into the unescaped one; X's own libraries rely only on their order. We look for each
t.co where its offsets say, else at its next occurrence after the previous one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot import timestamps
from bot.links.bare_urls import bare_links
from bot.models import Account, Image, Link, Post, PostStatus
from bot.sources.x.urls import account_id, post_id, post_url, status_id_of_url

# Every tweet field the reader asks for (X sends only `id` and `text` unless asked).
TWEET_FIELDS = [
    "attachments",
    "author_id",
    "conversation_id",
    "created_at",
    "entities",
    "in_reply_to_user_id",
    "lang",
    "note_tweet",
    "public_metrics",
    "referenced_tweets",
]
USER_FIELDS = ["name", "profile_image_url", "protected", "username"]
MEDIA_FIELDS = ["alt_text", "height", "preview_image_url", "type", "url", "width"]
EXPANSIONS = [
    "attachments.media_keys",
    "author_id",
    "referenced_tweets.id",
    "referenced_tweets.id.author_id",
]

REPLY_PREFIX = re.compile(r"^(?:@[A-Za-z0-9_]{1,50}\s+)+")
MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    )
}


@dataclass(frozen=True)
class Includes:
    """A response's `includes`, indexed: users by id, media by key, tweets by id."""

    users: dict[str, dict[str, Any]]
    media: dict[str, dict[str, Any]]
    tweets: dict[str, dict[str, Any]]


@dataclass(frozen=True)
class TweetError:
    """What X said about a tweet it did not return."""

    status: PostStatus  # not_found (deleted or never there) or blocked (protected, suspended)
    reason: str  # the end of a sentence: "is protected or its account is suspended"


@dataclass(frozen=True)
class UrlEntity:
    """One t.co link of a post, in either shape (API v2 or data export)."""

    url: str  # the t.co address as it appears in the text
    start: int | None  # code points, as X counts them
    end: int | None
    target: str  # where it leads: unwound_url, else expanded_url, else the t.co itself
    display: str  # what X shows instead of the t.co
    hidden: bool = False  # a media link or a quoted post's permalink: X shows neither
    title: str = ""
    description: str = ""


def obj(parent: dict[str, Any], key: str) -> dict[str, Any]:
    """`parent[key]` if it is a JSON object, else an empty one: any field may be malformed."""
    value = parent.get(key)
    return value if isinstance(value, dict) else {}


def index_includes(response: dict[str, Any]) -> Includes:
    """The `includes` of a v2 response, indexed. Missing or malformed parts are empty."""
    includes = obj(response, "includes")

    def by(key: str, field: str) -> dict[str, dict[str, Any]]:
        items = includes.get(key)
        if not isinstance(items, list):
            return {}
        return {str(i[field]): i for i in items if isinstance(i, dict) and field in i}

    return Includes(by("users", "id"), by("media", "media_key"), by("tweets", "id"))


def tweets_of(response: dict[str, Any]) -> list[dict[str, Any]]:
    """The tweets in `data` (one object or a list) that carry an id."""
    data = response.get("data")
    items = data if isinstance(data, list) else [data]
    return [t for t in items if isinstance(t, dict) and isinstance(t.get("id"), str)]


def tweet_errors(response: dict[str, Any]) -> dict[str, TweetError]:
    """Tweet id → why X did not return it, from a response's `errors` (any section)."""
    found: dict[str, TweetError] = {}
    errors = response.get("errors")
    for error in errors if isinstance(errors, list) else []:
        if not isinstance(error, dict) or error.get("resource_type", "tweet") != "tweet":
            continue
        resource = error.get("resource_id") or error.get("value")
        if not isinstance(resource, str) or not resource.isdigit():
            continue
        found[resource] = classify_error(error)
    return found


def classify_error(error: dict[str, Any]) -> TweetError:
    """One v2 error object → a post status and the reason in words."""
    kind = str(error.get("type") or "")
    detail = str(error.get("detail") or "").lower()
    if "suspended" in detail:
        return TweetError("blocked", "cannot be read: its account is suspended")
    if kind.endswith("/not-authorized-for-resource"):
        return TweetError("blocked", "cannot be read: its account is protected or suspended")
    if kind.endswith("/resource-not-found"):
        return TweetError("not_found", "was not found: deleted, or it never existed")
    return TweetError("blocked", f"cannot be read: {error.get('title') or kind or 'unavailable'}")


def parse_tweet(tweet: dict[str, Any], includes: Includes) -> Post:
    """A v2 tweet object (with the response's includes) → Post, with links and images."""
    status_id = str(tweet["id"])
    author_json = includes.users.get(str(tweet.get("author_id") or ""), {})
    author = account_of(author_json) if author_json.get("id") else None
    refs = _referenced(tweet)
    quote = refs.get("quoted")
    note = obj(tweet, "note_tweet")
    if isinstance(note.get("text"), str) and note["text"]:
        # a post over 280 characters: `text` is cut short, the note has it all
        text, entities = note["text"], note.get("entities")
    else:
        text, entities = str(tweet.get("text") or ""), tweet.get("entities")
    entities = entities if isinstance(entities, dict) else {}
    media_keys = _media_keys(tweet)
    shown, links = render_text(
        text,
        v2_url_entities(entities, quote),
        strip_reply_prefix=_display_starts_late(tweet),
    )
    conversation = tweet.get("conversation_id")
    metrics = obj(tweet, "public_metrics")
    lang = tweet.get("lang")
    media = [includes.media[k] for k in media_keys if k in includes.media]
    return Post(
        id=post_id(status_id),
        platform="x",
        author_id=account_id(str(tweet.get("author_id") or "")),
        author=author,
        url=post_url(status_id, author.handle if author else ""),
        text=shown,
        created_at=normalize_time(tweet.get("created_at")),
        reply_parent_id=post_id(refs["replied_to"]) if "replied_to" in refs else None,
        reply_root_id=post_id(conversation)
        if isinstance(conversation, str) and conversation.isdigit() and conversation != status_id
        else None,
        quote_id=post_id(quote) if quote else None,
        langs=(lang,) if isinstance(lang, str) and lang and lang not in ("und", "zxx") else (),
        links=links,
        images=[image_of(m) for m in media],
        reply_count=_int(metrics.get("reply_count")) or 0,
        raw=_raw(
            tweet,
            author_json,
            media,
            [includes.tweets[i] for i in refs.values() if i in includes.tweets],
        ),
    )


def gap(
    status_id: str, status: PostStatus, author_id: str = "", root_id: str | None = None
) -> Post:
    """A post X did not return, holding its place: a deleted, protected or missing tweet."""
    return Post(
        id=post_id(status_id),
        platform="x",
        author_id=author_id,
        status=status,
        url=post_url(status_id),
        reply_root_id=root_id if root_id != post_id(status_id) else None,
    )


def account_of(user: dict[str, Any]) -> Account:
    """A v2 user object → Account (id `x:<user id>`)."""
    return Account(
        id=account_id(str(user.get("id") or "")),
        platform="x",
        handle=str(user.get("username") or ""),
        display_name=str(user.get("name") or ""),
        avatar_url=str(user.get("profile_image_url") or ""),
    )


def image_of(media: dict[str, Any]) -> Image:
    """A v2 media object → Image: a photo's URL, a video's or GIF's preview, alt text."""
    url = media.get("url") or media.get("preview_image_url") or ""
    return Image(
        url=str(url),
        alt=str(media.get("alt_text") or ""),
        thumb_url=str(media.get("preview_image_url") or ""),
        width=media.get("width") if type(media.get("width")) is int else None,
        height=media.get("height") if type(media.get("height")) is int else None,
    )


def referenced_ids(tweet: dict[str, Any]) -> dict[str, str]:
    """Reference type (replied_to, quoted, retweeted) → tweet id."""
    return _referenced(tweet)


def _referenced(tweet: dict[str, Any]) -> dict[str, str]:
    refs = tweet.get("referenced_tweets")
    found: dict[str, str] = {}
    for ref in refs if isinstance(refs, list) else []:
        if isinstance(ref, dict) and isinstance(ref.get("id"), str) and ref["id"].isdigit():
            found.setdefault(str(ref.get("type")), ref["id"])
    return found


def _media_keys(tweet: dict[str, Any]) -> list[str]:
    attachments = obj(tweet, "attachments")
    keys = attachments.get("media_keys")
    return [k for k in keys if isinstance(k, str)] if isinstance(keys, list) else []


def _display_starts_late(tweet: dict[str, Any]) -> bool:
    """X marks the reply's leading "@name @other " as not shown (`display_text_range`)."""
    shown = tweet.get("display_text_range")
    if not isinstance(shown, list) or not shown:
        return False
    try:
        return int(shown[0]) > 0
    except (TypeError, ValueError):
        return False


def _raw(
    tweet: dict[str, Any],
    author: dict[str, Any],
    media: list[dict[str, Any]],
    referenced: list[dict[str, Any]],
) -> dict[str, Any]:
    """The tweet as a one-tweet v2 response: `data` and the includes that concern it."""
    includes: dict[str, Any] = {}
    if author:
        includes["users"] = [author]
    if media:
        includes["media"] = media
    if referenced:
        includes["tweets"] = referenced
    return {"data": tweet, "includes": includes} if includes else {"data": tweet}


# --- text and links --------------------------------------------------------------------


def v2_url_entities(entities: dict[str, Any], quote_id: str | None = None) -> list[UrlEntity]:
    """`entities.urls` of a v2 tweet (or note_tweet) → UrlEntity, media links hidden."""
    urls = entities.get("urls")
    found = []
    for item in urls if isinstance(urls, list) else []:
        if not isinstance(item, dict) or not isinstance(item.get("url"), str):
            continue
        target = _first_str(item, "unwound_url", "expanded_url") or item["url"]
        hidden = bool(item.get("media_key")) or (
            quote_id is not None and status_id_of_url(target) == quote_id
        )
        found.append(
            UrlEntity(
                url=item["url"],
                start=_int(item.get("start")),
                end=_int(item.get("end")),
                target=target,
                display=_first_str(item, "display_url") or target,
                hidden=hidden,
                title=str(item.get("title") or ""),
                description=str(item.get("description") or ""),
            )
        )
    return found


def render_text(
    text: str, entities: list[UrlEntity], strip_reply_prefix: bool = False
) -> tuple[str, list[Link]]:
    """The text as X shows it, and its links with UTF-8 byte offsets into that text.

    `text` is as X sends it (HTML-escaped, t.co links); each entity's t.co becomes its
    display text, hidden ones (media, quoted permalink) disappear. A t.co no entity covers,
    and any other bare URL, stays in the text as a link of origin "text" (the link stage
    resolves it). `strip_reply_prefix` drops the leading "@name " run X does not display.
    """
    spans = _locate(text, entities)
    prefix_end = 0
    if strip_reply_prefix:
        match = REPLY_PREFIX.match(text)
        prefix_end = match.end() if match else 0
    pieces: list[str] = []
    size = 0  # UTF-8 bytes written so far
    links: list[Link] = []
    position = prefix_end
    for entity, start, end in spans:
        if start < position:
            continue  # inside the stripped prefix, or overlapping the one before
        piece = unescape(text[position:start])
        pieces.append(piece)
        size += len(piece.encode("utf-8"))
        position = end
        if entity.hidden:
            continue
        shown = entity.display
        length = len(shown.encode("utf-8"))
        links.append(_link(entity, shown, size, size + length))
        pieces.append(shown)
        size += length
    tail = unescape(text[position:])
    pieces.append(tail)
    rendered = "".join(pieces)
    if len(rendered) != len(rendered.rstrip()):
        # a hidden media link at the end leaves the space before it
        rendered = rendered.rstrip()
    placed = {id(e) for e, _, _ in spans}
    for entity in entities:
        # an entity whose t.co is not in the text at all still leads somewhere
        if id(entity) not in placed and not entity.hidden:
            links.append(_link(entity, None, None, None))
    # URLs in the shown text that no entity covers: a t.co without entities, an old post
    covered = [(link.byte_start, link.byte_end) for link in links]
    return rendered, links + (bare_links(rendered, covered) if "://" in rendered else [])


def _locate(text: str, entities: list[UrlEntity]) -> list[tuple[UrlEntity, int, int]]:
    """Where each entity's t.co sits in `text` (code points), in order; unplaced ones left out."""
    ordered = sorted(entities, key=lambda e: e.start if e.start is not None else 1 << 30)
    spans: list[tuple[UrlEntity, int, int]] = []
    after = 0
    for entity in ordered:
        start = entity.start
        if start is not None and start >= after and text.startswith(entity.url, start):
            found = start
        else:
            found = text.find(entity.url, after)
            if found < 0:
                continue
        spans.append((entity, found, found + len(entity.url)))
        after = found + len(entity.url)
    return spans


def _link(entity: UrlEntity, shown: str | None, start: int | None, end: int | None) -> Link:
    return Link(
        url=entity.target,
        origin="facet",
        display_text=shown if shown is not None else entity.display,
        byte_start=start,
        byte_end=end,
        title=entity.title,
        description=entity.description,
    )


def unescape(text: str) -> str:
    """X escapes exactly these three in post text; nothing else is an entity."""
    if "&" not in text:
        return text
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _first_str(item: dict[str, Any], *keys: str) -> str:
    for key in keys:
        value = item.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def _int(value: Any) -> int | None:
    """An offset as X writes it: an int in the API, a string of digits in exports."""
    if type(value) is int and value >= 0:
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


# --- times -----------------------------------------------------------------------------


def normalize_time(value: Any) -> str | None:
    """An X time → the archive's UTC form: the API's ISO 8601 ("2019-03-19T14:05:17.000Z")
    and the data export's "Tue Mar 19 14:05:17 +0000 2019"; None for anything else."""
    if isinstance(value, str) and len(value) == 30 and value[3] == " " and value[19] == " ":
        return _export_time(value)
    return timestamps.normalize_time(value)


def _export_time(value: str) -> str | None:
    """'Tue Mar 19 14:05:17 +0000 2019' → '2019-03-19T14:05:17.000Z', without strptime
    (an export has a time per post, and strptime is the slow part of reading one)."""
    month = MONTHS.get(value[4:7])
    zone, year, day, clock = value[20:25], value[26:30], value[8:10], value[11:19]
    if month is None or not (year.isdigit() and day.isdigit()):
        return None
    if zone == "+0000":
        if clock[2] != ":" or clock[5] != ":" or not clock.replace(":", "").isdigit():
            return None
        return f"{year}-{month:02d}-{day}T{clock}.000Z"
    try:
        parsed = datetime.strptime(value, "%a %b %d %H:%M:%S %z %Y").astimezone(UTC)
    except ValueError:
        return None
    return f"{parsed:%Y-%m-%dT%H:%M:%S}.000Z"
