"""Plain data passed between the stages: sources build these, the store turns them into rows.

Nothing outside `bot/sources/` knows what a platform's JSON looks like; every other stage
works on these classes.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal, TypeVar

Platform = Literal["bluesky", "x"]

# A post we could read is "ok". The others are gaps the platform told us about (or that we
# noticed on a later archive run): they keep their place in the thread so nothing is silently
# dropped.
PostStatus = Literal["ok", "not_found", "blocked", "deleted"]

# Where a link came from in the post: a rich-text link facet, a link card (external embed),
# or a bare URL in the text that no facet covers.
LinkOrigin = Literal["facet", "card", "text"]

_C = TypeVar("_C", bound=type)


def _pickled_by_fields(cls: _C) -> _C:
    """Pickle instances as the class called with their fields, in order, rather than as an
    object and its dict: an import sends a hundred thousand posts between processes
    (bot/read_ahead.py), and they load five times faster so (measured: 0.24 s instead of
    1.4 s for 100,000 posts)."""
    names = [f.name for f in fields(cls)]
    assert len(names) > 1  # attrgetter of one name gives a value, not a tuple
    values: Callable[[Any], tuple[Any, ...]] = operator.attrgetter(*names)

    def __reduce__(self: Any) -> tuple[type, tuple[Any, ...]]:
        return type(self), values(self)

    cls.__reduce__ = __reduce__  # type: ignore[assignment]
    return cls


@dataclass(frozen=True)
class PostRef:
    """A post named by a user: a platform plus the parts of its URL, not yet resolved."""

    platform: Platform
    author: str  # handle or DID (Bluesky), screen name or user id (X)
    post_id: str  # record key (Bluesky) or status id (X)
    url: str  # the URL or URI as the user gave it


@_pickled_by_fields
@dataclass(frozen=True)
class Account:
    id: str  # DID on Bluesky
    platform: Platform
    handle: str
    display_name: str = ""
    avatar_url: str = ""


@_pickled_by_fields
@dataclass(frozen=True)
class Link:
    url: str  # the full URL as the post carries it (facet URI, card URI)
    origin: LinkOrigin
    display_text: str | None = None  # what the reader saw, e.g. "storage.courtlistener.com/rec…"
    byte_start: int | None = None
    byte_end: int | None = None
    title: str = ""  # link cards carry a title and description
    description: str = ""


@_pickled_by_fields
@dataclass(frozen=True)
class Image:
    url: str
    alt: str = ""
    thumb_url: str = ""
    width: int | None = None
    height: int | None = None


@_pickled_by_fields
@dataclass
class Post:
    id: str  # at:// URI on Bluesky
    platform: Platform
    author_id: str
    status: PostStatus = "ok"
    author: Account | None = None
    cid: str = ""
    url: str = ""  # where a person reads it (bsky.app)
    text: str = ""
    created_at: str | None = None  # UTC, ISO 8601, as the author's client says
    indexed_at: str | None = None  # when the platform received it (its own clock)
    reply_parent_id: str | None = None
    reply_root_id: str | None = None
    reply_root_author_id: str | None = None  # the conversation's first author, if known
    quote_id: str | None = None  # the post this one quotes
    langs: tuple[str, ...] = ()
    links: list[Link] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    reply_count: int = 0
    raw: dict[str, Any] | None = None
    # the same JSON already encoded (UTF-8 bytes or text), when the source has it so (an
    # export): the store writes it as it is instead of encoding `raw`
    raw_json: bytes | str | None = None


@_pickled_by_fields
@dataclass
class Thread:
    """One author's thread: the root and every self-reply, in reading order (index 0 is post 1)."""

    root_id: str
    platform: Platform
    author_id: str
    posts: list[Post]
    # what could not be read (a stranger's malformed reply skipped), one sentence each
    notes: list[str] = field(default_factory=list)

    @property
    def present_posts(self) -> list[Post]:
        return [p for p in self.posts if p.status == "ok"]


# --- the link stage ------------------------------------------------------------------

LinkStatus = Literal["pending", "ok", "failed", "blocked"]


@dataclass(frozen=True)
class Docket:
    """A case on CourtListener, known from a URL's parts and, with a token, from its API."""

    court_id: str  # as in RECAP paths: dcd, cand, ca9
    court: str = ""  # the court's name
    pacer_case_id: str | None = None
    courtlistener_id: int | None = None
    case_name: str = ""
    docket_number: str = ""
    assigned_to: str = ""  # the judge
    date_filed: str | None = None
    url: str = ""  # the docket's page on CourtListener


@dataclass(frozen=True)
class Document:
    """A copy of what a link points to: the bytes (in a file, until the store keeps them)
    and what we read from them."""

    url: str  # the final URL it was fetched from
    kind: str  # courtlistener_document, pdf, article, courtlistener_docket, …
    content_type: str
    file: Path  # the bytes as downloaded
    size: int
    sha256: str
    title: str = ""
    text: str = ""
    author: str = ""
    published_at: str | None = None
    site_name: str = ""
    page_count: int | None = None
    description: str = ""
    court_id: str = ""
    court: str = ""
    # as text: appellate numbers keep their leading zeros ("00803263743")
    document_number: str | None = None
    attachment_number: str | None = None
    etag: str = ""  # the server's validators, to ask later whether it changed
    last_modified: str = ""
    # False when a limit (time, memory, length) stopped reading; `text_note` says which
    text_complete: bool = True
    text_note: str = ""


@dataclass(frozen=True)
class LinkResolution:
    """What resolving one link found, ready to be saved in one transaction."""

    status: LinkStatus
    canonical_url: str = ""
    resolved_url: str = ""
    redirects: tuple[str, ...] = ()
    http_status: int | None = None
    content_type: str = ""
    kind: str = ""
    error: str | None = None
    retry_at: str | None = None  # when to try a failed link again; None: never
    document: Document | None = None
    docket: Docket | None = None


# --- mentions and replies ------------------------------------------------------------


@dataclass(frozen=True)
class FeedPage:
    """One page of an account's own posts, newest first, and where the next page starts."""

    posts: list[Post]
    cursor: str | None


@dataclass(frozen=True)
class Mention:
    """A post that addresses the bot, as any platform's connector reports it.

    The connector has already checked that the post mentions the bot; `text` is the post's
    text with the bot's own mention blanked out, ready for the mention grammar.
    """

    platform: Platform
    post_id: str
    author: Account
    text: str
    # the post whose thread an archive request means: the quoted post, else the parent
    target_post_id: str | None
    created_at: str | None = None
    indexed_at: str | None = None  # when the platform received it (orders a cursor)
    author_is_bot: bool = False  # the platform says so (a "bot" label, an automated flag)
    # what the platform needs to reply in the right conversation; opaque outside sources/
    reply_context: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class MentionPage:
    """Mentions since a cursor, oldest first, and the cursor to save once they are recorded."""

    mentions: list[Mention]
    cursor: str | None


@dataclass(frozen=True)
class ReplyLink:
    """A link in a reply: characters [start, end) of the text show `url`."""

    start: int
    end: int
    url: str


@dataclass(frozen=True)
class Reply:
    text: str
    links: tuple[ReplyLink, ...] = ()


@dataclass(frozen=True)
class ReplyLimits:
    """What a platform accepts as a reply.

    `link_length`: graphemes every URL counts for whatever its length (X counts 23), or None
    when a link counts as the text it shows. `shortened_links`: a link may show a shortened
    text and still point to the full URL (Bluesky's link facets); otherwise the full URL is in
    the text.
    """

    max_graphemes: int
    max_bytes: int | None = None
    link_length: int | None = None
    shortened_links: bool = False


# --- annotations -----------------------------------------------------------------------

SubjectType = Literal["post", "document"]


@dataclass(frozen=True)
class Annotation:
    """One fact read from a post's or a document's text.

    `value` is the text as written (characters [start, end) of the subject's text);
    `normalized` the canonical form (a register id, a court id, a docket number in one
    spelling). `annotator` names the rules and their version ("judge/1").
    """

    kind: str  # judge, appointed_by, court, case_name, docket_number, citation, outcome, topic
    value: str
    normalized: str
    start: int
    end: int
    confidence: float
    subject_type: SubjectType
    subject_id: str
    annotator: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class JudicialService:
    """One appointment of a judge to one court, as the register knows it.

    Dates are ISO (YYYY-MM-DD); `end` is empty while the judge still serves (senior status
    is still service). `court_id` is CourtListener's (courts-db) id, empty for a court it
    does not know (the circuit courts abolished in 1911, say).
    """

    court_id: str
    court: str  # the register's name: "U.S. District Court for the District of Oregon"
    title: str  # Judge, Chief Justice, Associate Justice
    appointed_by: str  # "Jimmy Carter", "George H. W. Bush"; "" for a reassignment
    start: str  # commission (or recess appointment)
    senior: str = ""
    end: str = ""
    chief: tuple[tuple[str, str], ...] = ()  # (begin, end) spans as chief judge

    def serves_on(self, day: str) -> bool:
        """True when `day` (YYYY-MM-DD) falls within this appointment (senior status too)."""
        return bool(self.start) and self.start <= day and (not self.end or day <= self.end)

    def active_on(self, day: str) -> bool:
        """Serving on `day` and not yet senior (for a justice: not yet retired)."""
        return self.serves_on(day) and (not self.senior or day < self.senior)


@dataclass(frozen=True)
class RegisterJudge:
    """One judge of the register: `id` is "fjc:<the FJC's nid>"."""

    id: str
    last: str
    first: str
    middle: str = ""
    suffix: str = ""
    service: tuple[JudicialService, ...] = ()

    @property
    def name(self) -> str:
        parts = [self.first, self.middle, self.last]
        name = " ".join(part for part in parts if part)
        return f"{name}, {self.suffix}" if self.suffix else name


@dataclass(frozen=True)
class ThreadJudge:
    """A judge named earlier in the same thread, so later posts can refer back to them."""

    normalized: str  # the earlier annotation's normalized value (a register id or a name)
    surname: str  # as first written ("Boasberg")
    name: str = ""  # the fullest form seen ("James E. Boasberg")
    register_id: str = ""
    court_id: str = ""
    appointed_by: str = ""  # the register's, for the seat held then
    appointments: tuple[str, ...] = ()  # the register's presidents for every seat


@dataclass(frozen=True)
class AnnotationContext:
    """What the annotators may know beyond the text itself.

    `posted_at`: the post's (or document's) time, ISO 8601; it picks judges who served then.
    `court_ids`: courts the subject is tied to outside its text: a linked CourtListener
    document's or docket's court. `docket_assigned_to` / `docket_court_id`: the linked
    docket's judge as CourtListener spells it ("James E. Boasberg") and its court.
    `thread_judges`: judges named earlier in the thread, latest first, and `thread_courts`:
    courts named earlier in it (`annotate_thread` fills both).
    """

    subject_type: SubjectType = "post"
    subject_id: str = ""
    posted_at: str | None = None
    court_ids: tuple[str, ...] = ()
    docket_assigned_to: str = ""
    docket_court_id: str = ""
    thread_judges: tuple[ThreadJudge, ...] = ()
    thread_courts: tuple[str, ...] = ()


@dataclass(frozen=True)
class RegisterRows:
    """A register as rows: its provenance, its judges and their appointments."""

    version: str
    as_of: str
    source: str
    source_url: str
    inputs: str  # JSON
    data: bytes  # the register itself, to load it again
    judges: list[tuple[str, str, str, str, str, str]]  # id, name, last, first, middle, suffix
    services: list[tuple[str, str, str, str, str, str, str, str]]
