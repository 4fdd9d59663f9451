"""Courts named in a text, as CourtListener (courts-db) ids.

    >>> text = "D. Minn., S.D.N.Y. and the 8th Cir."
    >>> [(text[m.start : m.end], m.court_id) for m in find_courts(text)]
    [('D. Minn.', 'mnd'), ('S.D.N.Y.', 'nysd'), ('8th Cir.', 'ca8')]

Forms read: citation abbreviations (D. Minn., N.D. Cal., S.D.N.Y., D.D.C., Bankr. S.D. Tex.)
and reporters' squeezed ones (SDNY, EDVA); "the District of Oregon", "the Southern District
of New York"; circuits by number or name (8th Cir., the Ninth Circuit, the 4th U.S. Circuit
Court of Appeals, D.C. Circuit, Federal Circuit, CA9); the Supreme Court (the U.S. one unless a
state is named with it: "the Wisconsin Supreme Court", "Supreme Court of Texas"); the Court
of International Trade and of Federal Claims. The table is ours (`court_table`); courts-db,
whose `find_court` wants near-full names, gives the names in `details`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from bot.annotate.base import Annotator, Subject
from bot.annotate.court_table import (
    STATE_ABBREVIATIONS,
    STATE_SUPREME_COURTS,
    STATES,
    circuit_id,
    district_id,
)
from bot.annotate.names import name_key
from bot.links.courtlistener_urls import court_name
from bot.models import Annotation

VERSION = "1"

_STATE_NAME_KEYS = {name_key(state): state for state in STATES}

# After "D." (or "N.D.", "Bankr. S.D."): the state, abbreviated or not, dotted or not.
_STATE_PART = (
    r"(?:N\.\s?Mar\.\s?I\.|W\.\s?Va\.?|(?:[A-Z]\.\s?){1,2}(?![a-z])|"
    r"(?:New|North|South|West|Rhode|Puerto|Virgin)\s[A-Z][a-z]+|"
    r"[A-Z][a-z]{1,12}\.?)"
)
_ABBREVIATED_DISTRICT = re.compile(
    rf"(?<![\w.])(?P<bankr>Bankr\.\s?)?(?:(?P<dir>[NSEWMC])\.\s?)?D\.\s?(?P<state>{_STATE_PART})"
)
# Squeezed by reporters: SDNY, EDVA, NDCal, DDC, DNJ.
_SQUEEZED_DISTRICT = re.compile(
    r"(?<![\w.])(?P<dir>[NSEWMC])D(?P<state>NY|VA|CA|Cal|FL|Fla|IL|Ill|PA|WA|TX|Tex|LA|MI|GA|"
    r"OH|NC|TN|OK|WI|MO|KY|AL|MS|IN|IA|AR|WV)(?![\w])|(?<![\w.])(?P<single>DDC|DNJ|DMass)(?![\w])"
)
_POSTAL = {postal.upper(): state for state, (postal, _d) in STATES.items()}
_DIRECTION_WORDS = "Northern|Southern|Eastern|Western|Middle|Central"
_STATE_ALTERNATION = "|".join(
    re.escape(state)
    for state in sorted(STATES, key=len, reverse=True)
    if state != "District of Columbia"
)
_NAMED_DISTRICT = re.compile(
    rf"\b(?:(?P<dir>{_DIRECTION_WORDS})\s+)?District\s+of\s+(?P<state>{_STATE_ALTERNATION})\b"
)
_DC_DISTRICT = re.compile(
    r"\b(?:U\.S\.|United\s+States)\s+District\s+Court\s+for\s+the\s+District\s+of\s+Columbia\b"
)
# A document's caption, in capitals: "UNITED STATES DISTRICT COURT FOR THE DISTRICT OF
# COLUMBIA", "UNITED STATES COURT OF APPEALS FOR THE NINTH CIRCUIT".
_CAPTION_DISTRICT = re.compile(
    r"\bUNITED\s+STATES\s+DISTRICT\s+COURT\s+FOR\s+THE\s+(?:(?P<dir>NORTHERN|SOUTHERN|EASTERN|"
    r"WESTERN|MIDDLE|CENTRAL)\s+)?DISTRICT\s+OF\s+(?P<state>[A-Z]+(?:[ \t]+[A-Z]+)?)\b"
)
_CAPTION_CIRCUIT = re.compile(
    r"\bUNITED\s+STATES\s+COURT\s+OF\s+APPEALS\s+FOR\s+THE\s+"
    r"(?P<n>[A-Z.]+(?:[ \t]+OF[ \t]+COLUMBIA)?)\s+CIRCUIT\b"
)
_ORDINAL = (
    r"(?:1st|2n?d|3r?d|[4-9]th|1[01]th|First|Second|Third|Fourth|Fifth|Sixth|Seventh|Eighth|"
    r"Ninth|Tenth|Eleventh|D\.\s?C\.|DC|District\s+of\s+Columbia|Federal|Fed\.)"
)
_CIRCUIT = re.compile(
    rf"(?<![\w])(?:U\.S\.\s+Court\s+of\s+Appeals\s+for\s+the\s+)?(?P<n>{_ORDINAL})\s+"
    r"(?:U\.S\.\s+)?Cir(?:cuit\b|\.)(?:\s+Court\s+of\s+Appeals\b)?|"
    rf"(?<![\w])Court\s+of\s+Appeals\s+for\s+the\s+(?P<n2>{_ORDINAL})\s+Circuit\b|"
    r"(?<![\w])CA(?P<n3>\d{1,2}|DC)(?![\w])"
)
_STATE_SUPREME = re.compile(
    rf"\b(?P<state>{_STATE_ALTERNATION})(?:'s|’s)?\s+Supreme\s+(?:Judicial\s+)?Court\b|"
    rf"\bSupreme\s+(?:Judicial\s+)?Court\s+of\s+(?:the\s+State\s+of\s+)?(?P<state2>{_STATE_ALTERNATION})\b"
)
_SUPREME = re.compile(
    r"\b(?:U\.S\.\s+|United\s+States\s+)?Supreme\s+Court(?:\s+of\s+the\s+United\s+States)?\b"
    r"(?!\s+of\s+[a-z])|\bSCOTUS\b"
)
# "the state Supreme Court", "the state's supreme court": a state's, not named.
_STATE_WORD_BEFORE = re.compile(r"(?:\bstate(?:'s|’s)?|\bhigh)\s+$", re.IGNORECASE)
_OTHER_COURTS = [
    (re.compile(r"\bCourt\s+of\s+International\s+Trade\b|\bCIT\b"), "cit"),
    (re.compile(r"\bCourt\s+of\s+Federal\s+Claims\b"), "uscfc"),
    (re.compile(r"\bTexas\s+Court\s+of\s+Criminal\s+Appeals\b"), "texcrimapp"),
    (re.compile(r"\bNew\s+York\s+Court\s+of\s+Appeals\b"), "ny"),
]


# Every court form holds one of these: texts without any are skipped at once.
_ANY_COURT = re.compile(
    r"D\.|Cir|District|Supreme|SCOTUS|Court|UNITED STATES|CA\d|CADC|CIT|[NSEWMC]D[A-Z]|DDC|DNJ|"
    r"DMass"
)


@dataclass(frozen=True)
class CourtMention:
    start: int
    end: int
    court_id: str


def find_courts(text: str) -> list[CourtMention]:
    """Every court named in `text`, in order, overlapping matches resolved to the longest."""
    found: list[CourtMention] = []
    if not _ANY_COURT.search(text):
        return found
    for match in _ABBREVIATED_DISTRICT.finditer(text) if "D." in text else ():
        court_id = _abbreviated_district(match)
        if court_id:
            end = match.end() - (len(match.group()) - len(match.group().rstrip()))
            found.append(CourtMention(match.start(), end, court_id))
    for match in _SQUEEZED_DISTRICT.finditer(text):
        court_id = _squeezed_district(match)
        if court_id:
            found.append(CourtMention(match.start(), match.end(), court_id))
    for match in _NAMED_DISTRICT.finditer(text) if "District" in text else ():
        state = match.group("state")
        court_id = district_id(match.group("dir") or "", state)
        if court_id:
            start = _with_court_prefix(text, match.start())
            found.append(CourtMention(start, match.end(), court_id))
    for match in _DC_DISTRICT.finditer(text) if "Columbia" in text else ():
        # "the District of Columbia" alone is as often the city as the court
        found.append(CourtMention(match.start(), match.end(), "dcd"))
    for match in _CIRCUIT.finditer(text):
        number = match.group("n") or match.group("n2") or match.group("n3") or ""
        court_id = circuit_id(" ".join(number.replace(". ", ".").split()))
        if not court_id and number.isdigit():
            court_id = circuit_id(number + "th")
        if court_id:
            found.append(CourtMention(match.start(), match.end(), court_id))
    state_spans: list[tuple[int, int]] = []
    supreme = "Supreme" in text
    for match in _STATE_SUPREME.finditer(text) if supreme else ():
        state = match.group("state") or match.group("state2")
        state_spans.append((match.start(), match.end()))
        if state in STATE_SUPREME_COURTS:
            found.append(CourtMention(match.start(), match.end(), STATE_SUPREME_COURTS[state]))
    for match in _SUPREME.finditer(text) if supreme or "SCOTUS" in text else ():
        if any(s <= match.start() < e or s < match.end() <= e for s, e in state_spans):
            continue
        if _STATE_WORD_BEFORE.search(text, max(0, match.start() - 12), match.start()):
            continue
        found.append(CourtMention(match.start(), match.end(), "scotus"))
    if "UNITED STATES" in text:
        found += _captions(text)
    for pattern, court_id in _OTHER_COURTS:
        for match in pattern.finditer(text):
            found.append(CourtMention(match.start(), match.end(), court_id))
    return _longest(found)


def _captions(text: str) -> list[CourtMention]:
    found: list[CourtMention] = []
    for match in _CAPTION_DISTRICT.finditer(text):
        words = match.group("state").title().split()
        # "DISTRICT OF COLUMBIA", "DISTRICT OF NEW YORK" and "DISTRICT OF OREGON PORTLAND"
        for state in (" ".join(words), words[0]):
            name = "District of Columbia" if state == "Columbia" else state
            court_id = district_id(match.group("dir") or "", name)
            if court_id:
                found.append(CourtMention(match.start(), match.end(), court_id))
                break
    for match in _CAPTION_CIRCUIT.finditer(text):
        court_id = circuit_id(" ".join(match.group("n").title().split()))
        if court_id:
            found.append(CourtMention(match.start(), match.end(), court_id))
    return found


def _abbreviated_district(match: re.Match[str]) -> str:
    state = _state_from_abbreviation(match.group("state"))
    if not state:
        return ""
    direction = match.group("dir") or ""
    court_id = district_id(direction, state)
    if court_id and match.group("bankr"):
        return court_id[:-1] + "b"  # txsd → txsb, the district's bankruptcy court
    return court_id


def _state_from_abbreviation(written: str) -> str:
    key = name_key(written)
    if key in STATE_ABBREVIATIONS:
        return STATE_ABBREVIATIONS[key]
    return _STATE_NAME_KEYS.get(key, "")


def _squeezed_district(match: re.Match[str]) -> str:
    single = match.group("single")
    if single:
        return {"DDC": "dcd", "DNJ": "njd", "DMass": "mad"}[single]
    state_part = match.group("state")
    state = _POSTAL.get(state_part.upper()) or _state_from_abbreviation(state_part)
    return district_id(match.group("dir"), state) if state else ""


_COURT_PREFIX = re.compile(r"(?:U\.S\.|United\s+States)\s+District\s+Court\s+for\s+the\s+$")


def _with_court_prefix(text: str, start: int) -> int:
    match = _COURT_PREFIX.search(text, max(0, start - 45), start)
    return match.start() if match else start


def _longest(found: list[CourtMention]) -> list[CourtMention]:
    """Drop mentions inside a longer one ("D.C." in "D.C. Circuit"), keep text order."""
    ordered = sorted(found, key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[CourtMention] = []
    for mention in ordered:
        if kept and mention.start < kept[-1].end:
            continue
        kept.append(mention)
    return kept


def annotate_courts(subject: Subject) -> list[Annotation]:
    return [
        ANNOTATOR.annotation(
            subject,
            mention.start,
            mention.end,
            mention.court_id,
            0.95,
            {"court": _court_name(mention.court_id)},
        )
        for mention in find_courts(subject.text)
    ]


@functools.lru_cache(maxsize=512)
def _court_name(court_id: str) -> str:
    return court_name(court_id) or ""


ANNOTATOR = Annotator(kind="court", version=VERSION, run=annotate_courts)
