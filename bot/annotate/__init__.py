"""Annotate posts and documents: judges and who appointed them, courts, cases, dockets,
citations, outcomes and topics. Text and context in, `Annotation`s out; pure.

    >>> from bot.models import AnnotationContext
    >>> found = annotate_post(
    ...     "Judge Kate Menendez (D. Minn.) granted a TRO in Doe v. Noem, 0:26-cv-00412.",
    ...     AnnotationContext(posted_at="2026-01-30T21:15:00Z"),
    ... )
    >>> [(a.kind, a.normalized) for a in found]  # doctest: +NORMALIZE_WHITESPACE
    [('judge', 'fjc:11226646'), ('court', 'mnd'), ('outcome', 'granted'), ('outcome', 'TRO'),
     ('case_name', 'Doe v. Noem'), ('docket_number', '26-cv-00412')]

`ANNOTATORS` lists the annotators in the order they run; each sees what those before it
found (the judge annotator uses the courts, outcomes need a judge or court, citations check
their party names against the case names). Adding a kind is adding a module with an
`ANNOTATOR` (see `base.Annotator`) and a line here. Every annotation records its annotator's
name and version ("judge/1"); the register's version (`load_register().version`, the FJC
export's date) is in each resolved judge's details.

Entry points: `annotate_post` and `annotate_document` for one text, `annotate_thread` for a
thread's posts in order, where later posts refer back to the judges earlier ones named
("ROE:", a misspelt name two posts on) and to the courts of the posts' CourtListener links.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace

from bot.annotate import (
    appointments,
    cases,
    citations,
    courts,
    dockets,
    judges,
    outcomes,
    topics,
)
from bot.annotate.base import Annotator, Subject
from bot.annotate.judges import thread_judges_of
from bot.annotate.register import JudgeRegister, load_register
from bot.links.courtlistener_urls import courtlistener_court_id, parse_courtlistener_url
from bot.models import Annotation, AnnotationContext, Post, RegisterRows

# In the order they run: later annotators read what earlier ones found.
ANNOTATORS: tuple[Annotator, ...] = (
    courts.ANNOTATOR,
    dockets.ANNOTATOR,
    cases.ANNOTATOR,
    judges.ANNOTATOR,
    appointments.ANNOTATOR,
    citations.ANNOTATOR,
    outcomes.ANNOTATOR,
    topics.ANNOTATOR,
)

# Reported in this order within one text: who, where, what.
_KIND_ORDER = ("judge", "appointed_by", "court", "outcome", "case_name", "docket_number",
               "citation", "topic")  # fmt: skip


def annotate_post(
    text: str, context: AnnotationContext, *, register: JudgeRegister | None = None
) -> list[Annotation]:
    """Every annotation of one post's text, in kind order then text order."""
    return _annotate(text, replace(context, subject_type="post"), register)


def annotate_document(
    text: str, context: AnnotationContext, *, register: JudgeRegister | None = None
) -> list[Annotation]:
    """Every annotation of one document's text (an order, an opinion, an article)."""
    return _annotate(text, replace(context, subject_type="document"), register)


def annotate_thread(
    posts: Sequence[Post], context: AnnotationContext, *, register: JudgeRegister | None = None
) -> list[list[Annotation]]:
    """Annotate a thread's posts in reading order: one list per post.

    Each post gets `context` with its own id and time, the courts of its CourtListener
    links, and the judges and courts the posts before it named, so "ROE:" or "Judge Roe" in
    post 5 is the Jane Q. Roe of post 1.
    """
    register = register or load_register()
    found: list[list[Annotation]] = []
    thread_judges = list(context.thread_judges)
    thread_courts = list(context.thread_courts)
    for post in posts:
        post_context = replace(
            context,
            subject_type="post",
            subject_id=post.id,
            posted_at=post.created_at or context.posted_at,
            court_ids=tuple(dict.fromkeys([*context.court_ids, *link_court_ids(post)])),
            thread_judges=tuple(thread_judges),
            thread_courts=tuple(dict.fromkeys(thread_courts)),
        )
        annotations = _annotate(post.text, post_context, register) if post.text else []
        found.append(annotations)
        for judge in thread_judges_of(annotations):
            thread_judges = [j for j in thread_judges if j.normalized != judge.normalized]
            thread_judges.insert(0, judge)
        thread_courts += [a.normalized for a in annotations if a.kind == "court"]
        thread_courts += post_context.court_ids
    return found


def link_court_ids(post: Post) -> list[str]:
    """Courts the post's CourtListener links name in their shape (RECAP paths)."""
    ids: list[str] = []
    for link in post.links:
        parsed = parse_courtlistener_url(link.url)
        court_id = getattr(parsed, "court_id", "") if parsed is not None else ""
        if court_id:
            ids.append(courtlistener_court_id(court_id))
    return ids


def _annotate(
    text: str, context: AnnotationContext, register: JudgeRegister | None
) -> list[Annotation]:
    register = register or load_register()
    subject = Subject(text=text, context=context, register=register)
    for annotator in ANNOTATORS:
        subject = Subject(text, context, register, subject.found + tuple(annotator.run(subject)))
    order = {kind: i for i, kind in enumerate(_KIND_ORDER)}
    return sorted(subject.found, key=lambda a: (order.get(a.kind, len(order)), a.start))


__all__ = [
    "ANNOTATORS",
    "annotate_document",
    "annotate_post",
    "annotate_thread",
    "link_court_ids",
    "load_register",
    "register_rows",
    "rules_version",
]


def rules_version(register: JudgeRegister) -> str:
    """What an annotated thread or document records: every annotator's name and the
    register's version ("court/1 docket_number/1 … fjc-2023-06-06"). Rules or a register
    that change give another version, and what was annotated before is due again."""
    return " ".join([*(a.name for a in ANNOTATORS), register.version])


def register_rows(register: JudgeRegister, data: bytes) -> RegisterRows:
    """The register as the store keeps it: rows for SQL beside the bytes to load it again."""
    return RegisterRows(
        version=register.version,
        as_of=register.as_of,
        source=register.source,
        source_url=register.source_url,
        inputs=json.dumps([{"file": f, "sha256": h} for f, h in register.inputs]),
        data=data,
        judges=[(j.id, j.name, j.last, j.first, j.middle, j.suffix) for j in register.judges],
        services=[
            (j.id, s.court_id, s.court, s.title, s.appointed_by, s.start, s.senior, s.end)
            for j in register.judges
            for s in j.service
        ],
    )
