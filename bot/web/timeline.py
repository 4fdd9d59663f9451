"""A case's timeline: the filing, each document archived, each post citing the case, in
time order and grouped by day. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby
from typing import Literal

from bot.store.reading.views import CaseView, CitingPost, DocumentSummary

EventKind = Literal["filed", "document", "post"]


@dataclass(frozen=True)
class Event:
    when: str  # ISO 8601, as stored
    kind: EventKind
    document: DocumentSummary | None = None
    post: CitingPost | None = None


@dataclass(frozen=True)
class Day:
    day: str  # YYYY-MM-DD
    events: tuple[Event, ...]


def case_timeline(view: CaseView) -> list[Day]:
    """Every dated thing about the case, oldest first. Documents are dated when they were
    archived (RECAP gives no filing date per document here); posts when they were written."""
    events: list[Event] = []
    if view.case.date_filed:
        events.append(Event(view.case.date_filed, "filed"))
    events += [Event(d.fetched_at, "document", document=d) for d in view.documents if d.fetched_at]
    events += [Event(p.created_at, "post", post=p) for p in view.citing if p.created_at]
    events.sort(key=lambda e: e.when)
    return [Day(day, tuple(group)) for day, group in groupby(events, key=lambda e: e.when[:10])]
