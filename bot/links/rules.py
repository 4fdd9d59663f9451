"""What the link stage decides without I/O: when a failed link is tried again, what a
CourtListener URL alone says of its case, a body's charset. Pure."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.links.courtlistener_urls import DocketPage, StorageDocument, court_name
from bot.links.fetch import FetchResult
from bot.models import Docket
from bot.timestamps import from_now

MAX_ATTEMPTS = 6
FIRST_RETRY = timedelta(minutes=10)
LAST_RETRY = timedelta(days=1)


def retry_time(attempts: int, retry_after: float | None) -> str | None:
    """Exponential backoff from 10 minutes to a day; None once a link has had its tries."""
    if attempts + 1 >= MAX_ATTEMPTS:
        return None
    delay = min(FIRST_RETRY * (4**attempts), LAST_RETRY)
    if retry_after:
        delay = max(delay, timedelta(seconds=retry_after))
    return from_now(delay)


def with_court_name(docket: Docket, court_id: str) -> Docket:
    return replace(docket, court=docket.court or court_name(court_id) or "")


def as_text(number: object) -> str | None:
    return None if number is None else str(number)


def charset(result: FetchResult) -> str | None:
    content_type = result.headers.get("content-type", "")
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip('"')
    return None


def first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:200]
    return ""


def docket_from_url(parsed: object) -> Docket | None:
    """What a CourtListener URL alone says of its case."""
    if isinstance(parsed, StorageDocument):
        return Docket(
            court_id=parsed.court_id,
            court=court_name(parsed.courtlistener_court_id) or "",
            pacer_case_id=parsed.pacer_case_id,
        )
    if isinstance(parsed, DocketPage):
        return Docket(court_id="", courtlistener_id=parsed.docket_id)
    return None
