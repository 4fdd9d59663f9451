"""Case names: "State v. Agency", "United States v. Abrego Garcia", "In re …", "Ex parte …".

    >>> text = "In Trump v. CASA, Inc., 606 U.S. 831 (2025), it ruled; see In re Lee Enterprises."
    >>> [(c.name, c.second_party) for c in find_case_names(text)]
    [('Trump v. CASA, Inc.', 'CASA, Inc.'), ('In re Lee Enterprises', 'Lee Enterprises')]

A party is a run of capitalised words (and initials: J.G.G., U.S.), with small words inside
it (of, the, for, and, &, de) and a company's ", Inc." or ", LLC". The first party runs back
from " v. " until a word that is not part of a name (a lower-case word, a full stop ending a
sentence); words that start sentences ("In", "See", "The") and a possessive ("Boasberg's J.G.G.
v. Trump") are dropped from its front. Courts write "v."; "vs." counts only when one party is
a government (United States, State, People, Commonwealth), since games and debates are
"vs." too. "et al." is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.annotate.base import Annotator, Subject
from bot.models import Annotation

VERSION = "1"

_CONNECTORS = frozenset({"of", "the", "for", "and", "&", "de", "la", "del", "da", "von", "van",
                         "ex", "rel."})  # fmt: skip
# "In re Search Warrant Issued to Google": a matter's name reads on through a few more.
_MATTER_CONNECTORS = _CONNECTORS | {"to", "on", "in", "from", "by"}
_COMPANY = frozenset({"Inc.", "Inc", "LLC", "L.L.C.", "LLP", "Co.", "Corp.", "Ltd.", "N.A.",
                      "P.C.", "L.P.", "PLLC"})  # fmt: skip
# Capitalised words that start a sentence or a clause rather than a party's name.
_LEADING = frozenset(
    [
        "In", "At", "On", "After", "Under", "See", "Compare", "Cf.", "From", "Today", "Yesterday",
        "And", "But", "So", "Per", "The", "Read", "Here", "Citing", "Reminder", "Also", "Like",
        "Unlike", "Following", "Before", "Since", "While", "With", "Both", "Even", "Only", "Then",
        "This", "That", "Its", "His", "Her", "Their", "Our", "Case", "Caption", "Filed", "Re",
        "Judge", "Justice", "Chief", "NEW", "BREAKING", "UPDATE", "JUST"
    ]
)  # fmt: skip
_GOVERNMENTS = ("United States", "State", "People", "Commonwealth", "U.S.")
_WORD = re.compile(r"\S+")
_SEPARATOR = re.compile(r"\s+v(s?)\.\s+")
_IN_RE = re.compile(r"\b(?:In\s+re:?|Ex\s+parte|In\s+the\s+Matter\s+of)\s+")
_PARTY_WORD = re.compile(r"^(?:[A-Z][\w'’.&-]*|(?:[A-Z]\.){2,}[A-Z]?|\d{1,4}[A-Z]?|&)$")
_MAX_WORDS = 12


@dataclass(frozen=True)
class CaseName:
    start: int
    end: int
    name: str  # as written, without "et al.", "vs." written "v."
    first_party: str
    second_party: str


def find_case_names(text: str) -> list[CaseName]:
    found: list[CaseName] = []
    for match in _SEPARATOR.finditer(text):
        left = _first_party(text, match.start())
        right = _second_party(text, match.end())
        if left is None or right is None:
            continue
        (left_start, left_text), (right_end, right_text) = left, right
        if match.group(1) and not (left_text.startswith(_GOVERNMENTS) or
                                   right_text.startswith(_GOVERNMENTS)):  # fmt: skip
            continue
        name = f"{left_text} v. {right_text}"
        found.append(CaseName(left_start, right_end, name, left_text, right_text))
    for match in _IN_RE.finditer(text):
        right = _second_party(text, match.end(), _MATTER_CONNECTORS)
        if right is None:
            continue
        right_end, right_text = right
        prefix = " ".join(match.group(0).replace("re:", "re").split())
        found.append(CaseName(match.start(), right_end, f"{prefix} {right_text}", "", right_text))
    found.sort(key=lambda case: case.start)
    kept: list[CaseName] = []
    for case in found:
        if kept and case.start < kept[-1].end:
            continue  # "In re X v. Y" read twice
        kept.append(case)
    return kept


def _first_party(text: str, separator: int) -> tuple[int, str] | None:
    """The party before " v. ": (start, text), or None if there is none."""
    if text.endswith(" et al.", 0, separator):
        separator -= len(" et al.")
    words = [
        (m.start(), m.group()) for m in _WORD.finditer(text, max(0, separator - 200), separator)
    ]
    party: list[tuple[int, str]] = []
    for start, word in reversed(words):
        if start + len(word) > separator:
            continue
        if party and _ends_clause(word, party):
            break
        if (
            _is_party_word(word)
            or (party and word in _CONNECTORS)
            or (word.rstrip(",") in _COMPANY and not party)
        ):
            party.insert(0, (start, word))
            if len(party) >= _MAX_WORDS:
                break
            continue
        if word.endswith(",") and party and party[0][1] in _COMPANY and _is_party_word(word[:-1]):
            party.insert(0, (start, word))  # "CASA, Inc."
            continue
        break
    # front: connectors, sentence words, a possessive
    while party and (
        party[0][1] in _CONNECTORS
        or party[0][1].rstrip(":,") in _LEADING
        or (len(party) > 1 and party[0][1].endswith(("'s", "’s")))
    ):
        party.pop(0)
    for i, (_start, word) in enumerate(party[:-1]):
        if word.endswith(("'s", "’s")):
            party = party[i + 1 :]
            break
    if not party or (not _is_party_word(party[-1][1].rstrip(",")) and party[-1][1] not in _COMPANY):
        return None
    start = party[0][0]
    return start, text[start:separator].strip()


def _ends_clause(word: str, party: list[tuple[int, str]]) -> bool:
    """Does `word` (before the party read so far) end a sentence or a clause?"""
    if word.endswith((":", ";", "—", ")", '"', "”")):
        return True
    if word.endswith(","):
        return party[0][1] not in _COMPANY  # "CASA, Inc." keeps its comma
    return word.endswith(".") and not _is_abbreviation(word)


def _second_party(
    text: str, start: int, connectors: frozenset[str] = _CONNECTORS
) -> tuple[int, str] | None:
    """The party after " v. " or "In re": (end, text), or None."""
    words = [
        (m.start(), m.group()) for m in _WORD.finditer(text, start, min(len(text), start + 200))
    ]
    party: list[tuple[int, str]] = []
    for word_start, word in words:
        bare = word.rstrip(",;:)\"”'’—")
        ends_sentence = bare.endswith(".") and not _is_abbreviation(bare)
        if ends_sentence:
            bare = bare[:-1]
        trailing = word[len(bare) :]
        if bare in ("et", "al") or word.startswith("et"):
            break
        if not (_is_party_word(bare) or (party and (bare in connectors or bare in _COMPANY))):
            break
        party.append((word_start, bare))
        if len(party) >= _MAX_WORDS or ends_sentence:
            break
        if trailing:
            # a comma may lead to ", Inc."; anything else ends the party
            if trailing.startswith(",") and _next_is_company(words, word_start):
                continue
            break
    while party and party[-1][1] in connectors:
        party.pop()
    if not party:
        return None
    end = party[-1][0] + len(party[-1][1])
    return end, text[start:end]


def _next_is_company(words: list[tuple[int, str]], word_start: int) -> bool:
    for i, (start, _word) in enumerate(words):
        if start == word_start and i + 1 < len(words):
            following = words[i + 1][1]
            return (
                f"{following.rstrip(',.;:)')}." in _COMPANY or following.rstrip(",;:)") in _COMPANY
            )
    return False


def _is_party_word(word: str) -> bool:
    return bool(_PARTY_WORD.match(word)) and word.rstrip(",") not in ("No.", "Nos.")


def _is_abbreviation(word: str) -> bool:
    """ "U.S.", "Inc.", "J.G.G.", "Co.": a full stop that does not end the sentence."""
    bare = word.rstrip(".")
    return (
        word in _COMPANY
        or bool(re.fullmatch(r"(?:[A-Z]\.)*[A-Z]", bare))
        or bare in ("Dept", "Dep't", "Ass'n", "Bros", "St", "Mt", "Jr", "Sr", "rel")
    )


def annotate_case_names(subject: Subject) -> list[Annotation]:
    return [
        ANNOTATOR.annotation(
            subject,
            case.start,
            case.end,
            case.name,
            0.9,
            {"first_party": case.first_party, "second_party": case.second_party},
        )
        for case in find_case_names(subject.text)
    ]


ANNOTATOR = Annotator(kind="case_name", version=VERSION, run=annotate_case_names)
