"""Docket numbers in posts and court documents, in one spelling per case.

    >>> normalize_docket_number("1:25-cv-00766-JEB"), normalize_docket_number("25cv766")
    ('25-cv-00766', '25-cv-00766')
    >>> found = find_dockets("No. 24-5678 and Civil Action No. 25-766 (JEB)")
    >>> [(m.written, m.normalized) for m in found]
    [('24-5678', '24-5678'), ('Civil Action No. 25-766', '25-cv-00766')]

District and bankruptcy dockets (1:25-cv-00766-JEB, 26-cv-412, 2:24-cr-00123, 1:26cv412)
become yy-type-nnnnn: the office number before the colon and the judge's initials after
move to `details`, so the same case written two ways is one value and matches a
CourtListener docket's number normalized the same way. "Civil Action No. 25-766" (how the
D.C. court captions its orders) is a civil docket, "Criminal No." a criminal one. Appeals
and Supreme Court numbers count only after "No." ("No. 24-1234", "Nos. 24A884"), since a bare
24-1234 is as likely a score or a phone number; they stay as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.annotate.base import Annotator, Subject
from bot.models import Annotation

VERSION = "1"

_CASE_TYPES = "cv|cr|mc|mj|md|bk|ap|po|sw|gj|dp|ml"
_DISTRICT = re.compile(
    rf"(?<![\w:/.-])(?:(?P<office>\d{{1,2}}):)?(?P<year>\d{{2}})-?(?P<type>{_CASE_TYPES})-?"
    r"(?P<number>\d{1,6})(?P<judges>(?:-[A-Z]{2,4})*)(?![\w])",
    re.IGNORECASE,
)
# "Civil Action No. 25-766 (JEB)", "Criminal No. 24-123", "Criminal Action No. 1:25-cr-44" is
# handled above.
_CAPTIONED = re.compile(
    r"\b(?P<kind>Civil|Criminal)(?:\s+Action)?\s+No\.\s*(?:(?P<office>\d{1,2}):)?"
    r"(?P<year>\d{2})-(?P<number>\d{1,6})(?![\w-])"
)
_APPEAL = re.compile(
    r"\bNos?\.\s*(?P<first>\d{2}-\d{1,5}|\d{2}A\d{1,4})(?![\w-])"
    r"(?P<more>(?:(?:,\s*|\s+(?:and|&)\s+)(?:\d{2}-\d{1,5}|\d{2}A\d{1,4})(?![\w-]))*)"
)
_MORE = re.compile(r"\d{2}-\d{1,5}|\d{2}A\d{1,4}")


@dataclass(frozen=True)
class DocketMention:
    start: int
    end: int
    written: str
    normalized: str
    details: dict[str, str]


def normalize_docket_number(number: str) -> str:
    """One spelling of a district or bankruptcy docket number (yy-type-nnnnn); an appeals or
    Supreme Court number comes back as written (trimmed, upper case); "" if it is neither."""
    number = number.strip()
    match = _DISTRICT.fullmatch(number)
    if match:
        return _district(match.group("year"), match.group("type"), match.group("number"))
    if re.fullmatch(r"\d{2}-\d{1,5}|\d{2}[Aa]\d{1,4}", number):
        return number.upper()
    return ""


def _district(year: str, kind: str, number: str) -> str:
    return f"{year}-{kind.lower()}-{int(number):05d}"


def find_dockets(text: str) -> list[DocketMention]:
    found: list[DocketMention] = []
    for match in _DISTRICT.finditer(text):
        details = {"form": "district"}
        if match.group("office"):
            details["office"] = match.group("office")
        if match.group("judges"):
            details["judge_initials"] = match.group("judges").lstrip("-")
        found.append(
            DocketMention(
                match.start(),
                match.end(),
                match.group(0),
                _district(match.group("year"), match.group("type"), match.group("number")),
                details,
            )
        )
    for match in _CAPTIONED.finditer(text):
        kind = "cv" if match.group("kind") == "Civil" else "cr"
        found.append(
            DocketMention(
                match.start(),
                match.end(),
                match.group(0),
                _district(match.group("year"), kind, match.group("number")),
                {"form": "captioned"},
            )
        )
    for match in _APPEAL.finditer(text):
        if any(m.start <= match.start("first") < m.end for m in found):
            continue  # "Civil Action No. 25-766": already read as a district docket
        numbers = [(match.start("first"), match.end("first"))]
        tail_start = match.start("more")
        numbers += [
            (tail_start + m.start(), tail_start + m.end())
            for m in _MORE.finditer(match.group("more"))
        ]
        for start, end in numbers:
            written = text[start:end]
            found.append(DocketMention(start, end, written, written.upper(), {"form": "appellate"}))
    found.sort(key=lambda m: m.start)
    return found


def annotate_dockets(subject: Subject) -> list[Annotation]:
    return [
        ANNOTATOR.annotation(subject, m.start, m.end, m.normalized, 0.95, dict(m.details))
        for m in find_dockets(subject.text)
    ]


ANNOTATOR = Annotator(kind="docket_number", version=VERSION, run=annotate_dockets)
