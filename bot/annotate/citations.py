"""Reporter and statute citations, through eyecite, one text at a time, with checked metadata.

    >>> subject_text = "Compare Zadvydas v. Davis, 533 U.S. 678 (2001), with 8 U.S.C. § 1226(a)."
    >>> [(c.normalized, c.details.get("first_party")) for c in find_citations(subject_text)]
    [('533 U.S. 678', 'Zadvydas'), ('8 U.S.C. § 1226', None)]

eyecite (pinned, 2.7.8) finds full case citations ("533 U.S. 678") and statutes ("8 U.S.C.
§ 1226"); short forms, "Id." and bare "§ 1983" are left out. Two of its habits are guarded
against:

- Party names, year and court it reads around a citation can belong to the neighbouring
  one (upstream issue #321: in "A v. B, 1 U.S. 1. C v. D, 2 F.3d 3 (9th Cir. 1999)" the first
  citation gets the second's court and year). So a party name is kept only when the case name
  found by `cases` ends right before the citation ("Zadvydas v. Davis, 533 U.S. 678"), and a
  year or court only when the parenthetical right after the citation says so.
- Joined texts bleed names across posts, so it is run on one post or one document at a time.

eyecite takes about a millisecond a short post; most posts have no citation, so a cheap
test (a number, a space, an abbreviation with a full stop, a number) decides whether to run
it at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from eyecite import get_citations
from eyecite.models import FullCaseCitation, FullLawCitation

from bot.annotate.base import Annotator, Subject
from bot.annotate.cases import CaseName, find_case_names
from bot.annotate.courts import find_courts
from bot.models import Annotation

VERSION = "1"

# "533 U.S. 678", "123 F.3d 456", "12 F. Supp. 3d 45", "8 U.S.C. § 1226", "2025 WL 1234567":
# a volume, a capitalised abbreviation with a full stop (or WL), then a page or a section.
_MAYBE_CITATION = re.compile(
    r"\b\d{1,4}\s+(?:[A-Z][A-Za-z0-9']*\.[A-Za-z0-9.'\s]{0,18}?(?:§+\s*)?|WL\s+)\d"
)
_PARENTHETICAL = re.compile(r"\A(?:,\s*(?:at\s+)?[\d\-–,\s]*\d)?\s*\(([^()]{0,60})\)")
_SUPREME_COURT_REPORTERS = frozenset({"U.S.", "S. Ct.", "L. Ed.", "L. Ed. 2d"})
_YEAR = re.compile(r"\b(1[789]\d\d|20\d\d)\s*$")


@dataclass(frozen=True)
class CitationMention:
    start: int
    end: int
    normalized: str
    details: dict[str, Any] = field(default_factory=dict)


def may_hold_citation(text: str) -> bool:
    """The cheap test: could eyecite find a full citation here?"""
    return _MAYBE_CITATION.search(text) is not None


def find_citations(text: str, case_names: list[CaseName] | None = None) -> list[CitationMention]:
    """Full case and statute citations in one text. `case_names` are the text's own (found
    if not given); they are what party names are checked against."""
    if not may_hold_citation(text):
        return []
    cases = find_case_names(text) if case_names is None else case_names
    found: list[CitationMention] = []
    for citation in get_citations(text):
        if isinstance(citation, FullCaseCitation):
            found.append(_case_citation(text, citation, cases))
        elif isinstance(citation, FullLawCitation):
            found.append(_law_citation(citation))
    return found


def _case_citation(text: str, citation: Any, cases: list[CaseName]) -> CitationMention:
    start, end = citation.span()
    groups = citation.groups
    details: dict[str, Any] = {
        "type": "case",
        "volume": groups.get("volume"),
        "reporter": groups.get("reporter"),
        "page": groups.get("page"),
    }
    metadata = citation.metadata
    if metadata.pin_cite:
        details["pin_cite"] = metadata.pin_cite.lstrip(", ")
    case = _case_right_before(text, start, cases)
    if case is not None:
        details["case_name"] = case.name
        details["first_party"] = case.first_party
        details["second_party"] = case.second_party
    eyecite_parties = [metadata.plaintiff, metadata.defendant]
    if any(eyecite_parties) and (case is None or not _same_parties(eyecite_parties, case)):
        # eyecite read names that are not this citation's own: a neighbour's (issue #321)
        details["eyecite_parties_discarded"] = eyecite_parties
    year, court_words = _parenthetical(text, end)
    if year:
        details["year"] = year
    if metadata.year and metadata.year != year:
        details["eyecite_year_discarded"] = metadata.year
    courts = find_courts(court_words) if court_words else []
    if courts:
        details["court_id"] = courts[0].court_id
    elif groups.get("reporter") in _SUPREME_COURT_REPORTERS:
        details["court_id"] = "scotus"
    return CitationMention(start, end, citation.corrected_citation(), details)


def _law_citation(citation: Any) -> CitationMention:
    start, end = citation.span()
    groups = citation.groups
    details: dict[str, Any] = {
        "type": "statute",
        "title": groups.get("title"),
        "code": groups.get("reporter"),
        "section": groups.get("section"),
    }
    if citation.metadata.pin_cite:
        details["pin_cite"] = citation.metadata.pin_cite
    return CitationMention(start, end, citation.corrected_citation(), details)


def _same_parties(parties: list[str | None], case: CaseName) -> bool:
    plaintiff, defendant = (name or "" for name in parties)
    return plaintiff.casefold() in case.first_party.casefold() and (
        defendant.casefold() in case.second_party.casefold()
    )


def _case_right_before(text: str, start: int, cases: list[CaseName]) -> CaseName | None:
    """The case name that ends just before the citation, separated by a comma at most."""
    for case in cases:
        between = text[case.end : start]
        if case.end <= start and re.fullmatch(r",?\s*", between):
            return case
    return None


def _parenthetical(text: str, end: int) -> tuple[str, str]:
    """(year, court words) from the parenthetical right after a citation and its pin cite."""
    match = _PARENTHETICAL.match(text[end : end + 90])
    if not match:
        return "", ""
    inside = match.group(1).strip()
    year_match = _YEAR.search(inside)
    if not year_match:
        return "", ""
    return year_match.group(1), inside[: year_match.start()].strip()


def annotate_citations(subject: Subject) -> list[Annotation]:
    cases = [
        CaseName(a.start, a.end, a.normalized, a.details.get("first_party", ""),
                 a.details.get("second_party", ""))
        for a in subject.of_kind("case_name")
    ]  # fmt: skip
    return [
        ANNOTATOR.annotation(subject, c.start, c.end, c.normalized, 0.95, c.details)
        for c in find_citations(subject.text, cases)
    ]


ANNOTATOR = Annotator(kind="citation", version=VERSION, run=annotate_citations)
