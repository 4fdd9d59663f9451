"""What the reading room's pages show, as plain data: the store's reading functions build
these from rows, the web layer renders them (HTML, Markdown, JSON, Atom)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class CaseSummary:
    """A case (a docket on CourtListener) as a line on another page."""

    id: int
    court: str
    court_id: str
    case_name: str
    docket_number: str
    assigned_to: str  # the judge, as CourtListener names them
    date_filed: str | None
    url: str  # the docket on CourtListener
    courtlistener_id: int | None = None

    @property
    def label(self) -> str:
        return self.case_name or self.docket_number or f"Case {self.id}"


@dataclass(frozen=True)
class DocumentSummary:
    """An archived document (one version of what a URL served) as a line on another page."""

    id: int
    kind: str
    title: str
    url: str
    content_type: str
    size: int | None
    sha256: str
    fetched_at: str
    docket_id: int | None = None
    page_count: int | None = None
    site_name: str = ""

    @property
    def label(self) -> str:
        return self.title or self.url


@dataclass(frozen=True)
class LinkView:
    """A link in a post, with what resolving it found."""

    position: int
    origin: str  # facet, card or text
    display_text: str  # what readers saw, often cut short
    url: str  # the full URL the post carries
    resolved_url: str  # where it led after redirects ('' until resolved)
    kind: str
    status: str  # pending, ok, failed, blocked
    error: str
    byte_start: int | None
    byte_end: int | None
    card_title: str = ""
    card_description: str = ""
    document: DocumentSummary | None = None
    case: CaseSummary | None = None


@dataclass(frozen=True)
class ImageView:
    url: str
    alt: str
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True)
class QuotedPost:
    """The post a post quotes: its text if the archive holds it, else only its id."""

    id: str
    archived: bool
    url: str = ""
    text: str = ""
    author_handle: str = ""
    thread_id: int | None = None
    created_at: str | None = None


@dataclass(frozen=True)
class PostView:
    id: str
    position: int
    status: str  # ok; a gap: deleted (its last text kept), not_found, blocked
    url: str
    text: str
    created_at: str | None
    author_id: str
    author_handle: str
    author_name: str
    deleted_at: str | None = None
    updated_at: str | None = None
    links: tuple[LinkView, ...] = ()
    images: tuple[ImageView, ...] = ()
    quoted: QuotedPost | None = None

    @property
    def is_gap(self) -> bool:
        return self.status != "ok"


@dataclass(frozen=True)
class ThreadSummary:
    id: int
    platform: str
    title: str
    url: str
    author_id: str
    author_handle: str
    author_name: str
    post_count: int
    link_count: int
    gap_count: int
    first_post_at: str | None
    last_post_at: str | None
    archived_at: str
    updated_at: str


@dataclass(frozen=True)
class ThreadView:
    thread: ThreadSummary
    posts: tuple[PostView, ...]
    cases: tuple[CaseSummary, ...]  # every case the thread's links lead to
    documents: tuple[DocumentSummary, ...]  # every document they archived, once each
    judges: tuple[JudgeLine, ...] = ()  # every judge its posts name, first named first
    judge_marks: dict[str, tuple[JudgeMark, ...]] = field(default_factory=dict)  # by post id


@dataclass(frozen=True)
class CitingPost:
    """A post whose link leads to a case or a document, with the thread it is in."""

    post_id: str
    thread_id: int
    thread_title: str
    position: int
    created_at: str | None
    author_handle: str
    text: str
    url: str
    link_url: str  # the link in the post
    document_id: int | None = None  # what the link archived


@dataclass(frozen=True)
class CaseView:
    case: CaseSummary
    documents: tuple[DocumentSummary, ...]  # oldest archived first
    citing: tuple[CitingPost, ...]  # oldest first
    threads: tuple[ThreadSummary, ...]  # every thread citing the case, newest first
    citing_total: int  # posts citing it (`citing` stops at a limit)
    judges: tuple[JudgeLine, ...] = ()  # the register's judges its posts and documents name


@dataclass(frozen=True)
class DocumentView:
    document: DocumentSummary
    text: str
    text_complete: bool
    text_note: str
    author: str
    published_at: str | None
    description: str
    court: str
    court_id: str
    document_number: str | None
    attachment_number: str | None
    case: CaseSummary | None
    versions: tuple[DocumentSummary, ...]  # every version of the same URL, this one too
    citing: tuple[CitingPost, ...]


@dataclass(frozen=True)
class JudgeMark:
    """Where a post's text names a judge (characters), and who the annotator took them for."""

    start: int
    end: int
    judge_id: str  # a register id ("fjc:1393651"), or the name as the posts spell it
    name: str  # the register's name; '' for a judge the register does not know

    @property
    def register_number(self) -> int | None:
        return register_number(self.judge_id)


@dataclass(frozen=True)
class JudgeLine:
    """A judge named in a thread, as a line on its page."""

    judge_id: str
    name: str
    appointed_by: str  # the register's appointing presidents, '' if not in the register

    @property
    def register_number(self) -> int | None:
        return register_number(self.judge_id)


@dataclass(frozen=True)
class JudgeService:
    """One of the judge's appointments as the register records it."""

    court: str
    court_id: str
    title: str
    appointed_by: str
    commissioned: str  # the commission date, YYYY-MM-DD
    senior: str  # the day senior status began, '' if never
    ended: str  # the day the service ended, '' if it has not


@dataclass(frozen=True)
class AppointmentClaim:
    """A post that said another president appointed the judge than the register records."""

    claimed: str  # the president the post named, normalized
    written: str  # as the post wrote it
    post: CitingPost


@dataclass(frozen=True)
class JudgeView:
    judge_id: str
    name: str
    services: tuple[JudgeService, ...]  # earliest commission first
    claims: tuple[AppointmentClaim, ...]  # only where they differ from the register
    cases: tuple[CaseSummary, ...]  # dockets the threads naming the judge lead to
    docket_numbers: tuple[str, ...]  # named beside the judge, with no docket archived
    threads: tuple[ThreadSummary, ...]  # naming the judge, newest first
    mentions: int  # times posts and documents name them

    @property
    def register_number(self) -> int | None:
        return register_number(self.judge_id)


def register_number(judge_id: str) -> int | None:
    """The FJC register's number in a judge id: the judge page's URL carries it.

    >>> register_number("fjc:1393651"), register_number("Jane Roe"), register_number("fjc:x")
    (1393651, None, None)
    """
    prefix, _, number = judge_id.partition(":")
    return int(number) if prefix == "fjc" and number.isdigit() else None


@dataclass(frozen=True)
class Counts:
    threads: int
    posts: int
    documents: int
    cases: int


@dataclass(frozen=True)
class HomeView:
    counts: Counts
    latest: tuple[ThreadSummary, ...] = field(default_factory=tuple)
