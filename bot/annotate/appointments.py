"""Who a text says appointed a judge: the post's claim, beside the register's record.

    >>> from bot.annotate import annotate_post
    >>> from bot.models import AnnotationContext
    >>> found = annotate_post("Judge Immergut, an Obama appointee, ruled.",
    ...                       AnnotationContext(posted_at="2026-02-11"))
    >>> [claim] = [a for a in found if a.kind == "appointed_by"]
    >>> claim.value, claim.normalized, claim.details["register_appointed_by"]
    ('an Obama appointee', 'Barack Obama', 'Donald J. Trump')
    >>> claim.details["conflict"]
    True

Read: "a Reagan appointee", "Trump-appointed Judge X", "Trump appointee X", "appointed by
President Obama", "first appointed to the district bench by Bush", "Mehta (Obama)", "all Trump
appointees" after a panel, "Both are Trump appointees" after two judges. Each claim belongs to
one judge annotation (the judge annotator runs first): the one it names, else the nearest
before it in the text, else the latest named in the thread.

The claim is kept as the post's (`normalized`: the president in the register's spelling), the
register's president beside it; `conflict` says whether they differ: compared with the seat
the judge held on the post's day, or with every seat when the post speaks of an earlier
appointment ("first appointed … by Bush"). A bare "Bush" becomes George H. W. or George W.
Bush only from the register; for a judge the register does not hold it stays "Bush" and
`conflict` is None. Party claims ("a Democratic appointee") are not read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.annotate.base import Annotator, Subject
from bot.annotate.text import sentence_at
from bot.models import Annotation

VERSION = "1"

# Written forms → the register's (FJC's) spelling; "Bush" is ambiguous on purpose.
PRESIDENTS: dict[str, str] = {
    "George H. W. Bush": "George H. W. Bush", "George H.W. Bush": "George H. W. Bush",
    "H. W. Bush": "George H. W. Bush", "H.W. Bush": "George H. W. Bush",
    "George W. Bush": "George W. Bush", "W. Bush": "George W. Bush", "Bush": "Bush",
    "Ronald Reagan": "Ronald Reagan", "Reagan": "Ronald Reagan",
    "Jimmy Carter": "Jimmy Carter", "Carter": "Jimmy Carter",
    "Gerald Ford": "Gerald Ford", "Ford": "Gerald Ford",
    "Richard Nixon": "Richard M. Nixon", "Nixon": "Richard M. Nixon",
    "Lyndon Johnson": "Lyndon B. Johnson", "LBJ": "Lyndon B. Johnson",
    "Johnson": "Lyndon B. Johnson", "John F. Kennedy": "John F. Kennedy",
    "JFK": "John F. Kennedy", "Kennedy": "John F. Kennedy",
    "Eisenhower": "Dwight D. Eisenhower", "Truman": "Harry S Truman",
    "Bill Clinton": "William J. Clinton", "Clinton": "William J. Clinton",
    "Barack Obama": "Barack Obama", "Obama": "Barack Obama",
    "Donald Trump": "Donald J. Trump", "Trump": "Donald J. Trump",
    "Joe Biden": "Joseph R. Biden", "Biden": "Joseph R. Biden",
}  # fmt: skip
_PRES = "|".join(
    re.escape(name).replace(r"\ ", r"\s?") if "." in name else re.escape(name)
    for name in sorted(PRESIDENTS, key=len, reverse=True)
)
_CLAIMS = [
    re.compile(
        rf"(?:\b(?:an?|the)\s+(?:(?:former\s+)?President\s+)?)?(?P<pres>{_PRES})"
        r"(?:-|\s)appoint(?:ee|ees|ed)\b"
    ),
    re.compile(
        r"\b(?P<earlier>(?:first|originally|initially)\s+)?appointed\s+"
        rf"(?:(?:to|in)\s+[^,;]{{0,40}}?\s+)?by\s+(?:then-|former\s+)?(?:President\s+)?"
        rf"(?P<pres>{_PRES})\b"
    ),
    re.compile(rf"(?<=\w)\s\((?P<pres>{_PRES})\)"),
]
_EARLIER = re.compile(
    r"\b(?:first|originally|initially)\b|\bto\s+the\s+(?:district|trial)\s+(?:bench|court)\b",
    re.IGNORECASE,
)
_PLURAL = re.compile(r"appointees\b")
_ARTICLE = re.compile(r"(?:an?|the)\s", re.IGNORECASE)


@dataclass(frozen=True)
class Claim:
    start: int
    end: int
    written: str  # the president as written: "Bush", "George W. Bush"
    plural: bool
    earlier: bool  # speaks of an earlier appointment


def find_claims(text: str) -> list[Claim]:
    """Every appointment claim in the text, in order."""
    claims: list[Claim] = []
    for pattern in _CLAIMS:
        for match in pattern.finditer(text):
            if any(c.start <= match.start() < c.end for c in claims):
                continue
            written = " ".join(match.group("pres").split())
            context = text[max(0, match.start() - 30) : match.end()]
            start = match.start() + (1 if match.group(0).startswith(" (") else 0)
            claims.append(
                Claim(
                    start=start,
                    end=match.end(),
                    written=written,
                    plural=bool(_PLURAL.search(match.group(0))),
                    earlier=bool(_EARLIER.search(context)),
                )
            )
    return sorted(claims, key=lambda c: c.start)


def annotate_appointments(subject: Subject) -> list[Annotation]:
    if "ppoint" not in subject.text and "(" not in subject.text:
        return []
    judges = subject.of_kind("judge")
    annotations: list[Annotation] = []
    for claim in find_claims(subject.text):
        for target in _targets(subject, claim, judges):
            annotations.append(_annotation(subject, claim, target))
    return annotations


def _targets(subject: Subject, claim: Claim, judges: list[Annotation]) -> list[dict[str, Any]]:
    """The judges a claim is about, as dicts of what the annotation records of each."""
    text = subject.text
    if claim.written and text[claim.start : claim.start + 1] == "(":
        before = [j for j in judges if j.end == claim.start - 1 or j.end == claim.start]
        return [_judge(j) for j in before[-1:]]
    sentence_start, sentence_end = sentence_at(text, claim.start)
    in_sentence = [j for j in judges if sentence_start <= j.start < sentence_end]
    if claim.plural:
        before = [j for j in in_sentence if j.end <= claim.start]
        if before:
            panel = [j for j in before if j.details.get("form") == "panel"] or before
            return [_judge(j) for j in panel]
        how_many = 2 if re.search(r"\bBoth\b", text[sentence_start : claim.start]) else 3
        return [_thread_judge(j) for j in subject.context.thread_judges[:how_many]]
    after = [
        j for j in in_sentence
        if claim.end <= j.start <= claim.end + 2 and not _ARTICLE.match(text, claim.start)
    ]  # fmt: skip
    if after:
        return [_judge(after[0])]  # "Trump-appointed Judge X", "Trump appointee X"
    before = [j for j in judges if j.end <= claim.start]
    if before:
        return [_judge(before[-1])]
    if in_sentence:
        return [_judge(in_sentence[0])]
    if subject.context.thread_judges:
        return [_thread_judge(subject.context.thread_judges[0])]
    return []


def _judge(annotation: Annotation) -> dict[str, Any]:
    details = annotation.details
    return {
        "judge": annotation.normalized,
        "judge_surname": details.get("misspelling_of") or details.get("surname", ""),
        "judge_start": annotation.start,
        "register_id": details.get("register_id", ""),
        "register_appointed_by": details.get("appointed_by", ""),
        "appointments": [a["appointed_by"] for a in details.get("appointments", [])],
    }


def _thread_judge(judge: Any) -> dict[str, Any]:
    return {
        "judge": judge.normalized,
        "judge_surname": judge.surname,
        "judge_start": None,
        "register_id": judge.register_id,
        "register_appointed_by": judge.appointed_by,
        "appointments": list(judge.appointments),
    }


def _annotation(subject: Subject, claim: Claim, target: dict[str, Any]) -> Annotation:
    claimed = PRESIDENTS.get(claim.written, claim.written)
    current = target["register_appointed_by"]
    appointments = [p for p in target["appointments"] if p]
    details: dict[str, Any] = {
        "claimed": claim.written,
        "judge": target["judge"],
        "judge_surname": target["judge_surname"],
        "judge_start": target["judge_start"],
        "register_id": target["register_id"],
        "register_appointed_by": current,
        "earlier_appointment": claim.earlier,
        "conflict": None,
    }
    if target["register_id"] and appointments:
        if claimed == "Bush":
            bushes = [p for p in appointments if p.endswith("Bush")]
            if current.endswith("Bush"):
                claimed = current
            elif bushes:
                claimed = bushes[-1]
        held = appointments if claim.earlier else [current]
        details["conflict"] = claimed not in held
    return ANNOTATOR.annotation(subject, claim.start, claim.end, claimed, 0.9, details)


ANNOTATOR = Annotator(kind="appointed_by", version=VERSION, run=annotate_appointments)
