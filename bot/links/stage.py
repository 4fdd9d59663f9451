"""The link stage: resolve each due link to its final URL and archive what it points to.

`resolve_due_links` is what `threadbot archive`, `threadbot resolve` and the daemon call.
Each link ends as ok, failed (with a clear error, retried later when the failure may pass)
or blocked (the address guard refused it), and is saved in its own transaction. One link's
failure, even an internal one, is recorded on that link and the others go on. A run has a
time budget: links not reached by then stay due for the next run.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from bot.config import Settings
from bot.documents.extract import PDF_MAGIC, ExtractError
from bot.documents.limits import ReadResult
from bot.documents.read import read_article, read_pdf
from bot.errors import describe
from bot.links.canonical import canonical_url
from bot.links.classify import classify
from bot.links.courtlistener_api import CourtListenerAPI, EnrichmentFailed
from bot.links.courtlistener_urls import (
    STORAGE_BASE,
    WEB_BASE,
    DocketPage,
    StorageDocument,
    parse_courtlistener_url,
)
from bot.links.fetch import Fetcher, FetchResult
from bot.links.fetch.politeness import CURRENT_SLOT, Slot, outside_slot
from bot.links.rules import (
    as_text,
    charset,
    docket_from_url,
    first_line,
    retry_time,
    with_court_name,
)
from bot.models import Docket, Document, LinkResolution
from bot.store import Store
from bot.store.links import (
    ArchivedURL,
    DueLink,
    archived_urls,
    copy_resolution,
    due_links,
    has_version,
    known_resolution,
    save_resolution,
)

log = logging.getLogger(__name__)
T = TypeVar("T")

# Links worked on at once. The fetcher itself has 8 requests on the wire at most (httpx over
# loopback: ~870 links/s at 8 in flight, ~230/s at 32); the rest of the workers may wait for
# a document reader without holding up the network. A link waiting to retry holds no worker.
WORKERS = 32


@dataclass
class ResolveSummary:
    ok: int = 0
    failed: int = 0
    blocked: int = 0
    left: int = 0  # due links not reached within the run's time budget
    errors: list[str] = field(default_factory=list)
    archived: set[tuple[str, str]] = field(default_factory=set)  # (url, sha256)

    @property
    def documents(self) -> int:
        """Documents archived, however many links pointed to each."""
        return len(self.archived)

    @property
    def total(self) -> int:
        return self.ok + self.failed + self.blocked


async def resolve_due_links(
    store: Store,
    settings: Settings,
    *,
    limit: int | None = None,
    thread_ids: list[int] | None = None,
    progress: Callable[[int, int], None] | None = None,
    fetcher: Fetcher | None = None,
    budget: float | None = None,
) -> ResolveSummary:
    """Resolve every due link (never resolved, or failed and due again), or only those of
    `thread_ids`; with a `budget` (seconds), links not done by then stay due."""
    links = due_links(store, limit=limit, thread_ids=thread_ids)
    summary = ResolveSummary()
    if not links:
        return summary
    done = 0

    async def one(stage: LinkStage, link: DueLink) -> None:
        nonlocal done
        await stage.resolve_and_save(store, link, summary)
        done += 1
        if progress:
            progress(done, len(links))

    async with _stage(settings, fetcher) as stage:
        finished = await _within_budget(links, lambda link: one(stage, link), budget)
    summary.left = len(links) - finished
    if summary.left:
        log.info("%d links left for the next run (time budget reached)", summary.left)
    return summary


@dataclass
class RefreshSummary:
    unchanged: int = 0
    changed: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


async def refresh_documents(
    store: Store, settings: Settings, *, limit: int | None = None, fetcher: Fetcher | None = None
) -> RefreshSummary:
    """Ask again for every archived URL; keep a new version only where the content changed.

    Conditional requests (If-None-Match, If-Modified-Since) let an unchanged server answer
    304 without sending the bytes again. A URL that now fails keeps its archived copy: that
    is what the archive is for.
    """
    summary = RefreshSummary()

    async def one(stage: LinkStage, target: ArchivedURL) -> None:
        headers = {}
        if target.etag:
            headers["If-None-Match"] = target.etag
        if target.last_modified:
            headers["If-Modified-Since"] = target.last_modified
        resolution = await stage.resolve_safely(target.canonical_url, 0, headers)
        try:
            if resolution.http_status == 304:
                summary.unchanged += 1
                return
            document = resolution.document
            if resolution.status != "ok" or document is None:
                summary.failed += 1
                summary.errors.append(f"{target.canonical_url}: {resolution.error}")
                return
            if has_version(store, document.url, document.sha256):
                summary.unchanged += 1
            else:
                summary.changed += 1
            for link_id in target.link_ids:
                save_resolution(store, link_id, resolution)
        finally:
            _discard(resolution)

    targets = archived_urls(store, limit)
    if targets:
        async with _stage(settings, fetcher) as stage:
            await _within_budget(targets, lambda target: one(stage, target), None)
    return summary


@asynccontextmanager
async def _stage(settings: Settings, fetcher: Fetcher | None) -> AsyncIterator[LinkStage]:
    if fetcher is not None:
        yield LinkStage(fetcher, settings)
        return
    async with Fetcher(settings.fetch) as own:
        yield LinkStage(own, settings)


async def _within_budget(
    items: Iterable[T], work: Callable[[T], Awaitable[None]], budget: float | None
) -> int:
    """`work` on each item, WORKERS at a time; after `budget` seconds start no more and stop
    those under way (their links were not saved and stay due). Returns how many finished.

    Items are taken as slots free up (a 100,000-link backlog is never 100,000 tasks at
    once). A link that only waits (a retry's pause, another link fetching the same URL)
    gives its slot back meanwhile (`outside_slot`): links waiting on a rate-limited host,
    however many, never hold up the links behind them.
    """
    slots = asyncio.Semaphore(WORKERS)
    running: set[asyncio.Task[None]] = set()
    finished = 0

    async def run(item: T) -> None:
        nonlocal finished
        slot = Slot(slots)  # acquired for it by start_all
        CURRENT_SLOT.set(slot)  # in this task's own context
        try:
            await work(item)
            finished += 1
        finally:
            slot.release()

    async def start_all() -> None:
        for item in items:
            await slots.acquire()
            task = asyncio.ensure_future(run(item))
            running.add(task)
            task.add_done_callback(running.discard)
        await asyncio.gather(*list(running))

    try:
        # on timeout the links under way are cancelled: they were not saved, and stay due
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(start_all(), budget)
    finally:
        for task in list(running):
            task.cancel()
        await asyncio.gather(*list(running), return_exceptions=True)
    return finished


class LinkStage:
    def __init__(self, fetcher: Fetcher, settings: Settings) -> None:
        self.fetcher = fetcher
        self.settings = settings
        self.courtlistener = CourtListenerAPI(
            fetcher, settings.courtlistener.api_base, settings.courtlistener.token.reveal()
        )
        # one fetch per URL per run, however many links carry it
        self._in_flight: dict[str, asyncio.Future[LinkResolution]] = {}

    async def resolve_and_save(self, store: Store, link: DueLink, summary: ResolveSummary) -> None:
        """Resolve one link and save what became of it; never raises for the link's sake."""
        try:
            await self._resolve_and_save(store, link, summary)
        except asyncio.CancelledError:
            raise
        except Exception as e:  # e.g. the save itself failed: record it on this link alone
            log.exception("link %s: saving its resolution failed", link.id)
            error = f"internal error: {describe(e)}"
            summary.failed += 1
            summary.errors.append(f"{link.url}: {error}")
            try:
                save_resolution(
                    store,
                    link.id,
                    LinkResolution(
                        status="failed", error=error, retry_at=retry_time(link.attempts, None)
                    ),
                )
            except Exception:
                log.exception("link %s: could not record its failure either", link.id)

    async def _resolve_and_save(self, store: Store, link: DueLink, summary: ResolveSummary) -> None:
        try:
            canonical = canonical_url(link.url)
        except ValueError as e:
            resolution = LinkResolution(status="failed", error=f"not a usable URL: {e}")
        else:
            earlier = known_resolution(store, canonical)
            if earlier is not None and earlier != link.id and canonical not in self._in_flight:
                copy_resolution(store, link.id, earlier)
                summary.ok += 1
                return
            resolution = await self._resolve_once(canonical, link.attempts)
        try:
            save_resolution(store, link.id, resolution)
        finally:
            # Links waiting on the same URL save after this one (without awaiting in
            # between), and find its bytes in the store already: the file can go.
            _discard(resolution)
        if resolution.status == "ok":
            summary.ok += 1
            if resolution.document is not None:
                summary.archived.add((resolution.document.url, resolution.document.sha256))
        elif resolution.status == "blocked":
            summary.blocked += 1
        else:
            summary.failed += 1
        if resolution.error:
            summary.errors.append(f"{link.url}: {resolution.error}")
            log.info("link %s %s: %s", link.id, resolution.status, resolution.error)

    async def _resolve_once(self, canonical: str, attempts: int) -> LinkResolution:
        future = self._in_flight.get(canonical)
        if future is not None:
            return await outside_slot(asyncio.shield(future))
        future = asyncio.get_running_loop().create_future()
        self._in_flight[canonical] = future
        try:
            resolution = await self.resolve_safely(canonical, attempts)
        except BaseException as e:  # cancelled: whoever waits on the same URL stops too
            future.cancel()
            del self._in_flight[canonical]
            raise e
        future.set_result(resolution)
        return resolution

    async def resolve_safely(
        self, canonical: str, attempts: int, headers: dict[str, str] | None = None
    ) -> LinkResolution:
        """`resolve`, with an internal failure recorded on the link rather than raised."""
        try:
            return await self.resolve(canonical, attempts, headers)
        except asyncio.CancelledError:
            raise
        except Exception as e:
            log.exception("resolving %s failed", canonical)
            return LinkResolution(
                status="failed",
                canonical_url=canonical,
                error=f"internal error: {describe(e)}",
                retry_at=retry_time(attempts, None),
            )

    async def resolve(
        self, canonical: str, attempts: int = 0, headers: dict[str, str] | None = None
    ) -> LinkResolution:
        """Fetch one canonical URL and read what it points to."""
        result = await self.fetcher.fetch(canonical, headers=headers)
        base: dict[str, Any] = {
            "canonical_url": canonical,
            "resolved_url": result.final_url,
            "redirects": tuple(result.redirects),
            "http_status": result.status,
            "content_type": result.content_type,
        }
        if result.outcome == "blocked":
            return LinkResolution(status="blocked", error=result.error, **base)
        if result.outcome != "ok" or result.body is None:
            retry = retry_time(attempts, result.retry_after) if result.transient else None
            return LinkResolution(status="failed", error=result.error, retry_at=retry, **base)

        as_seen = self.courtlistener_form(result.final_url)
        kind: str = classify(as_seen, result.content_type)
        try:
            document, docket, enrichment = await self.read(result, as_seen, kind)
        except ExtractError as e:
            result.body.discard()
            return LinkResolution(status="failed", kind=kind, error=str(e), **base)
        if document is None:
            result.body.discard()
        else:
            kind = document.kind
            document = replace(
                document,
                etag=result.headers.get("etag", ""),
                last_modified=result.headers.get("last-modified", ""),
            )
        return LinkResolution(
            status="ok",
            kind=kind,
            document=document,
            docket=docket,
            # details CourtListener could not give now: the document is kept, and the link
            # is resolved again later to fill them in
            error=enrichment,
            retry_at=retry_time(attempts, None) if enrichment else None,
            **base,
        )

    async def read(
        self, result: FetchResult, as_seen: str, kind: str
    ) -> tuple[Document | None, Docket | None, str | None]:
        """The document and docket a fetched body is, and why its CourtListener details are
        missing, if they are."""
        assert result.body is not None
        body = result.body
        parsed = parse_courtlistener_url(as_seen)
        is_pdf = PDF_MAGIC in body.head()  # readers accept the header anywhere in the first KB
        if kind in ("courtlistener_document", "pdf") and not is_pdf:
            raise ExtractError(f"expected a PDF, got {result.content_type or 'no content type'}")
        enrichment: str | None = None
        try:
            docket = await self.docket_for(parsed)
        except EnrichmentFailed as e:
            enrichment, docket = str(e), docket_from_url(parsed)
        storage = parsed if isinstance(parsed, StorageDocument) else None
        text: ReadResult
        extra: dict[str, Any] = {}
        if is_pdf:
            text = await read_pdf(body.path)
            try:
                extra = await self.recap_details(storage, docket)
            except EnrichmentFailed as e:
                enrichment = enrichment or str(e)
            kind = "courtlistener_document" if storage else "pdf"
            content_type = "application/pdf"
        elif kind in ("article", "courtlistener_docket", "courtlistener_opinion"):
            text = await read_article(body.path, result.final_url, charset(result))
            content_type = result.content_type
        else:
            return None, docket, enrichment
        description = str(extra.get("description") or "")
        page_count = extra.get("page_count") if type(extra.get("page_count")) is int else None
        document = Document(
            url=result.final_url,
            kind=kind,
            content_type=content_type,
            file=body.path,
            size=body.size,
            sha256=body.sha256,
            title=description or text.title or first_line(text.text),
            text=text.text,
            author=text.author,
            published_at=text.published,
            site_name=text.site_name,
            page_count=page_count or text.page_count,
            description=description,
            court_id=storage.court_id if storage else "",
            court=docket.court if docket else "",
            document_number=as_text(storage.document_number) if storage else None,
            attachment_number=as_text(storage.attachment_number) if storage else None,
            text_complete=text.complete,
            text_note=text.limit_reason or "",
        )
        return document, docket, enrichment

    async def docket_for(self, parsed: object) -> Docket | None:
        """The case a CourtListener URL belongs to: parsed from the URL, enriched by the API."""
        if isinstance(parsed, StorageDocument):
            found = await self.courtlistener.docket_by_pacer_id(
                parsed.court_id, parsed.pacer_case_id
            )
            if found is not None:
                return with_court_name(found, parsed.courtlistener_court_id)
        elif isinstance(parsed, DocketPage):
            found = await self.courtlistener.docket_by_id(parsed.docket_id)
            if found is not None:
                return with_court_name(found, found.court_id)
        return docket_from_url(parsed)

    async def recap_details(
        self, storage: StorageDocument | None, docket: Docket | None
    ) -> dict[str, Any]:
        if storage is None or docket is None or not docket.courtlistener_id:
            return {}
        found = await self.courtlistener.recap_document(
            docket.courtlistener_id,
            as_text(storage.document_number) or "",
            as_text(storage.attachment_number) or "0",
        )
        return found or {}

    def courtlistener_form(self, url: str) -> str:
        """Configured CourtListener bases (a mirror, the sandbox) stand for courtlistener.com,
        so their URLs are recognised by shape like the real ones."""
        cl = self.settings.courtlistener
        for base, real in ((cl.storage_base, STORAGE_BASE), (cl.web_base, WEB_BASE)):
            base = base.rstrip("/")
            if base and base != real and url.startswith(base + "/"):
                return real + url[len(base) :]
        return url


def _discard(resolution: LinkResolution) -> None:
    if resolution.document is not None:
        resolution.document.file.unlink(missing_ok=True)
