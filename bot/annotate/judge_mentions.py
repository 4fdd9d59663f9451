"""Where a text names a judge, and what it says around the name. Reading only: which register
judge it is, is `resolve`'s; which earlier judge it repeats, `judges`'.

    >>> found = titled_mentions("U.S. District Judge Jane Q. Roe and Justices Thomas and Alito")
    >>> [(m.surname, m.given, m.title_class) for m in found]
    [('Roe', ('Jane', 'Q.'), 'district'), ('Thomas', (), 'justice'), ('Alito', (), 'justice')]
    >>> titled_mentions("Aaron Judge homered; judge for yourself; the Justice Department")
    []

Forms: a title and a name ("Judge X", "JUDGE X", "Chief Justice Roberts", "Senior U.S.
District Judge", "Magistrate Judge", "federal judge X", "a Connecticut federal judge, Sarala
Nagala"); panels after a plural title ("Judges A, B and C") or after "panel" ("9th Cir.
panel (Wardlaw, Ikuta, Bumatay)"); "X, a Reagan appointee" and "Trump appointee X" without a
title. Not: Aaron Judge, "Social Justice", "the Justice Department", "judge for yourself",
television judges (Judge Judy; Judge Mathis in a post about his show).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.annotate.court_table import STATE_SUPREME_COURTS, STATES
from bot.annotate.courts import find_courts
from bot.annotate.places import CITIES, find_places
from bot.annotate.resolve import ANY, CIRCUIT, DISTRICT, JUSTICE, NOT_ARTICLE_III
from bot.annotate.text import NAME_PARTICLES, NOT_NAMES, SUFFIXES, sentence_at


@dataclass
class JudgeMention:
    """One judge named in the text: [start, end) and what the words say."""

    start: int
    end: int
    surname: str
    given: tuple[str, ...] = ()
    title: str = ""  # as written: "U.S. District Judge"
    title_class: str = ANY  # resolve's classes: justice, circuit, district, judge, not_article_iii
    form: str = "title"  # title, panel, appointee; judges adds known, misspelling
    retired: bool = False  # "retired Justice", "former Judge"
    state_court: bool = False  # a state court's judge or justice
    panel: int | None = None  # names listed together share a number


_TITLE_WORD = re.compile(r"\b(?:Judges?|JUDGES?|Justices?|JUSTICES?|judges?)\b")
# Words that may stand before "Judge"/"Justice" as part of the title (compared lower case).
_TITLE_PREFIX = frozenset(
    [
        "u.s.", "us", "united", "states", "federal", "senior", "chief", "presiding", "acting",
        "associate", "retired", "former", "late", "district", "circuit", "cir.", "appeals",
        "appellate", "court", "magistrate", "bankruptcy", "immigration", "superior", "county",
        "state", "supreme", "trial", "family", "probate", "municipal", "tax", "administrative",
        "law", "then", "now"
    ]
)  # fmt: skip
_STATE_PREFIX = frozenset(
    {"superior", "county", "state", "family", "probate", "municipal", "trial"}
)
_NOT_ARTICLE_III_PREFIX = frozenset({"magistrate", "bankruptcy", "immigration", "administrative",
                                     "tax"})  # fmt: skip
_RETIRED_PREFIX = frozenset({"retired", "former", "late"})
# Television, film and fiction: a "Judge" who is not one.
_NEVER_JUDGES = frozenset({"Judy", "Dredd", "Reinhold", "Rinder", "Wapner", "Hatchett",
                           "Jeanine", "Joe Brown", "Steve Harvey"})  # fmt: skip
_TV_JUDGES = frozenset({"Mathis", "Milian", "Faith", "Alex", "Lake", "Greg Mathis"})
_TV_WORDS = re.compile(r"\b(?:show|episode|TV|television|daytime|streaming|season|sitcom)\b")
# Before a bare name: someone else ("Sen. Kennedy", "FCC Chair Brendan Carr", "DOJ's Ensign").
HONORIFIC = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Sgt|Col|Pres|Sec|Atty)\.?|"
    r"\b(?:Senator|Representative|Governor|Mayor|Secretary|Director|Chair|Chairman|"
    r"Chairwoman|Commissioner|Administrator|Ambassador|Attorney|General|Speaker|Leader|"
    r"President|Vice|Deputy|Agent|Officer|Councilmember|Rabbi|Pastor|Coach|Manager|"
    r"prosecutor|lawyer|attorney|counsel|[A-Z]{2,5}))\s+(?:[A-Z][\w'’.-]*\s+)?$"
)
NAME_TOKEN = re.compile(r"[A-ZÀ-Þ][\w'’.-]*")
_PARTICLE = re.compile(r"(?:de|van|von|la|del|da|di|der|le|St\.)[ \t]+(?=[A-Z])")
_INITIALS = re.compile(r"[A-Z]\.|(?:[A-Z]\.)+|St\.|Jr\.|Sr\.")
_SUFFIX = re.compile(r",?[ \t]+(Jr\.|Sr\.|II|III|IV)(?![\w])")
_NEXT_NAME = re.compile(r"[ \t](?:[A-ZÀ-Þ]|(?:de|van|von|la|del|da|di|der|le|St\.)[ \t])")
_FOLLOWING_NAME = re.compile(r"[ \t]([A-ZÀ-Þ][\w'’-]+)")
_SEPARATOR = re.compile(r",?[ \t]+")
_JOINER = re.compile(r"(?:,\s+and\s+|,\s+|\s+and\s+|\s+&\s+)")
_WORD = re.compile(r"\S+")
_COURT_WORDS = re.compile(
    r"\b(?:court|courts|judge|judges|ruled|ruling|order|ordered|injunction|opinion|bench|"
    r"sentenced|appeal|hearing|lawsuit|motion|docket|jury)\b",
    re.IGNORECASE,
)
_PRESIDENT = (
    r"(?:Reagan|Carter|Ford|Nixon|Johnson|Kennedy|Eisenhower|Truman|Clinton|Obama|Bush|Trump|"
    r"Biden)"
)
_APPOINTEE_AFTER = re.compile(
    rf",?\s+(?:(?:a|an|the)\s+)?(?:[\w.-]+\s+){{0,3}}?{_PRESIDENT}[-\s]appoint(?:ee|ed)\b"
)
_APPOINTEE_BEFORE = re.compile(rf"\b{_PRESIDENT}(?:-appointed|\s+appointee)\s+$")
# "9th Cir. panel (Wardlaw, Ikuta, Bumatay)", "the panel: Millett, Pillard and Garcia".
_PANEL = re.compile(r"\bpanel\s*(?:\(|:|—|–)\s*(?=[A-Z])")

Span = tuple[int, int]


# --- titled mentions and panels ------------------------------------------------------------


def titled_mentions(text: str) -> list[JudgeMention]:
    """Names after a title: "Judge X", "U.S. Magistrate Judge X", "Justices A, B and C"."""
    found: list[JudgeMention] = []
    tv: bool | None = None
    for match in _TITLE_WORD.finditer(text):
        prefix_start, prefix = _title_prefix(text, match.start())
        word = match.group(0)
        if word[0].islower() and not prefix:
            continue  # "judge for yourself", "the judges were brutal"
        if not prefix and _is_part_of_a_name(text, match.start()):
            continue  # Aaron Judge, Social Justice
        separator = _SEPARATOR.match(text, match.end())
        # "Judge, …" is a word; "a federal judge, Sarala Nagala," names her
        if separator is None or (separator.group(0).startswith(",") and word[0].isupper()):
            continue
        names = names_list(text, separator.end(), plural=word.lower().endswith("s"))
        if not names:
            continue
        title = " ".join(text[prefix_start : match.end()].split())
        title_class, state_court, retired = _title_class(prefix, word)
        for i, (start, end, tokens) in enumerate(names):
            surname, given = split_name(tokens)
            whole = " ".join(tokens)
            if not surname or whole in _NEVER_JUDGES or surname in _NEVER_JUDGES:
                continue
            if surname in _TV_JUDGES or whole in _TV_JUDGES:
                if tv is None:
                    tv = _TV_WORDS.search(text) is not None
                if tv:
                    continue
            found.append(
                JudgeMention(
                    start=prefix_start if i == 0 else start,
                    end=end,
                    surname=surname,
                    given=given,
                    title=title,
                    title_class=title_class,
                    form="title" if len(names) == 1 else "panel",
                    retired=retired,
                    state_court=state_court,
                    panel=match.start() if len(names) > 1 else None,
                )
            )
    return found


def panel_mentions(text: str, is_judge: Callable[[str], bool]) -> list[JudgeMention]:
    """Surnames listed after "panel" ("9th Cir. panel (Wardlaw, Ikuta, Bumatay)"), when
    `is_judge` says yes to each of them (a serving judge of that name, say)."""
    found: list[JudgeMention] = []
    for match in _PANEL.finditer(text):
        names = names_list(text, match.end(), plural=True)
        parts = [split_name(tokens) for _s, _e, tokens in names]
        if len(names) < 2 or not all(is_judge(surname) for surname, _given in parts):
            continue
        for (start, end, _tokens), (surname, given) in zip(names, parts, strict=True):
            found.append(
                JudgeMention(start, end, surname, given, form="panel", panel=match.start())
            )
    return found


def _title_prefix(text: str, title_start: int) -> tuple[int, list[str]]:
    """Where the title starts and its words before "Judge": "U.S. District", "Chief"."""
    offset = max(0, title_start - 60)
    prefix: list[str] = []
    start = title_start
    for match in reversed(list(_WORD.finditer(text, offset, title_start))):
        lower = match.group(0).lower()
        if lower not in _TITLE_PREFIX:
            break
        prefix.insert(0, lower)
        start = match.start()
    return start, prefix


def _is_part_of_a_name(text: str, title_start: int) -> bool:
    """Is the capitalised word right before "Judge" a first name (Aaron Judge) or part of a
    phrase (Social Justice)? Not if it ends a sentence, is a common word, an acronym ("CIT
    Judge"), a place ("Brooklyn federal Judge" has a title word between), a court or an
    appointee phrase ("Trump-appointed Judge")."""
    if title_start == 0 or text[title_start - 1] not in " \t":
        return False
    words = text[max(0, title_start - 40) : title_start].split()
    if not words:
        return False
    previous = words[-1]
    if not previous[:1].isupper() or not previous[-1].isalnum():
        return False
    if previous in NOT_NAMES or previous.endswith(("-appointed", "appointee")):
        return False
    if previous.isupper() and len(previous) > 1:
        return False
    return not (previous in CITIES or previous in STATES or find_courts(previous))


def names_list(text: str, start: int, *, plural: bool) -> list[tuple[int, int, list[str]]]:
    """The name (after a plural title, the names) starting at `start`: spans and words."""
    names: list[tuple[int, int, list[str]]] = []
    position = start
    while True:
        name = one_name(text, position)
        if name is None:
            break
        names.append(name)
        if not plural:
            break
        joiner = _JOINER.match(text, name[1])
        if joiner is None:
            break
        position = joiner.end()
    return names


def one_name(text: str, start: int) -> tuple[int, int, list[str]] | None:
    """A person's name starting at `start`: up to six capitalised words, initials, particles
    ("Ana de Alba") and a suffix ("Jr."); it stops at a full stop, a possessive, a common
    word ("Judge Ortega Blocks …") or the first word that is not capitalised."""
    tokens: list[str] = []
    end = start
    position = start
    while len(tokens) < 6:
        match = NAME_TOKEN.match(text, position)
        if match is None:
            particle = _PARTICLE.match(text, position)
            if particle is None or not tokens:
                break
            tokens.append(particle.group(0).strip())
            position = particle.end()
            continue
        bare, stop = match.group(0), False
        if bare.endswith(("'s", "’s")):
            bare, stop = bare[:-2], True
        if bare.endswith(".") and not _INITIALS.fullmatch(bare):
            bare, stop = bare[:-1], True  # a sentence's full stop
        if not bare or (
            bare in NOT_NAMES and not (not tokens and _given_name_first(text, match.end()))
        ):
            break
        tokens.append(bare)
        end = match.start() + len(bare)
        if stop or bare in SUFFIXES:
            break
        suffix = _SUFFIX.match(text, match.end())
        if suffix:
            tokens.append(suffix.group(1))
            end = suffix.end()
            break
        if not _NEXT_NAME.match(text, match.end()):
            break
        position = match.end() + 1
    while tokens and tokens[-1] in NAME_PARTICLES:
        tokens.pop()
    if not tokens or all(len(t) == 2 and t.endswith(".") for t in tokens):
        return None
    return start, end, tokens


def _given_name_first(text: str, end: int) -> bool:
    """Is the word just read a given name that is also a common word ("April Perry", "May
    Smith")? Only if a name that is no common word follows it."""
    following = _FOLLOWING_NAME.match(text, end)
    return following is not None and following.group(1) not in NOT_NAMES


def split_name(tokens: list[str]) -> tuple[str, tuple[str, ...]]:
    """("James", "E.", "Boasberg") → ("Boasberg", ("James", "E.")); particles stay with the
    surname: "Ana de Alba" → ("de Alba", ("Ana",))."""
    words = [t for t in tokens if t not in SUFFIXES]
    if not words:
        return "", ()
    surname = [words[-1]]
    i = len(words) - 2
    while i >= 0 and words[i] in NAME_PARTICLES:
        surname.insert(0, words[i])
        i -= 1
    return " ".join(surname), tuple(words[: i + 1])


def _title_class(prefix: list[str], word: str) -> tuple[str, bool, bool]:
    """(class, a state court's title, retired) from the words of the title."""
    words = set(prefix)
    retired = bool(words & _RETIRED_PREFIX)
    if words & _NOT_ARTICLE_III_PREFIX:
        return NOT_ARTICLE_III, False, retired
    if words & _STATE_PREFIX and not words & {"u.s.", "us", "federal"}:
        return NOT_ARTICLE_III, True, retired
    if word.lower().startswith("justice"):
        # a state's justice ("Wisconsin Supreme Court Justice") is told by the court named
        # before the title, in `near_courts`
        return JUSTICE, False, retired
    if words & {"circuit", "cir.", "appeals", "appellate"} and "court" not in words:
        return CIRCUIT, False, retired
    if "district" in words and "court" not in words:
        return DISTRICT, False, retired
    return ANY, False, retired


# --- a court document's signature block -----------------------------------------------------

# "JAMES E. BOASBERG" (or "/s/ James E. Boasberg") on one line, the title on the next.
_SIGNATURE = re.compile(
    r"^[ \t]*(?:/s/[ \t]*)?(?P<name>[A-Z][A-Za-z.'’\- ]{2,40}[A-Za-z.])[ \t]*\n[ \t]*"
    r"(?P<title>(?:Chief[ \t]+|Senior[ \t]+)?(?:United[ \t]+States[ \t]+|U\.S\.[ \t]+)?"
    r"(?:District[ \t]+|Circuit[ \t]+|Magistrate[ \t]+|Bankruptcy[ \t]+)?Judge)[ \t]*$",
    re.MULTILINE,
)


def signature_mentions(text: str) -> list[JudgeMention]:
    """The judge who signed an order or opinion: a name line above a title line."""
    found: list[JudgeMention] = []
    for match in _SIGNATURE.finditer(text):
        words = [w.capitalize() if len(w) > 2 else w for w in match.group("name").split()]
        surname, given = split_name([w for w in words if w != "/s/"])
        if not surname or surname in NOT_NAMES:
            continue
        title = " ".join(match.group("title").split())
        prefix = [w.lower() for w in title.split()[:-1]]
        title_class, state_court, retired = _title_class(prefix, "Judge")
        found.append(
            JudgeMention(
                start=match.start("name"),
                end=match.end("name"),
                surname=surname,
                given=given,
                title=title,
                title_class=title_class,
                form="signature",
                retired=retired,
                state_court=state_court,
            )
        )
    return found


# --- "X, a Reagan appointee" without a title -----------------------------------------------


def appointee_mentions(text: str, taken: list[Span]) -> list[JudgeMention]:
    """Untitled names next to an appointment claim ("Nichols, a Trump appointee, said",
    "Trump appointee Aileen Cannon") not after an honorific ("FCC Chair Brendan Carr, a Trump
    appointee"). Whether the name is a judge's is the caller's to check."""
    if "ppoint" not in text:
        return []
    found: list[JudgeMention] = []
    for match in NAME_TOKEN.finditer(text):
        start = match.start()
        if (start and text[start - 1].isalnum()) or any(s <= start < e for s, e in taken):
            continue
        name = one_name(text, start)
        if name is None:
            continue
        _start, end, tokens = name
        surname, given = split_name(tokens)
        if not surname or surname in NOT_NAMES:
            continue
        after = _APPOINTEE_AFTER.match(text, end)
        before = _APPOINTEE_BEFORE.search(text, max(0, start - 30), start)
        if not (after or before) or HONORIFIC.search(text, max(0, start - 40), start):
            continue
        found.append(JudgeMention(start, end, surname, given, form="appointee"))
    return found


def is_about_a_court(text: str) -> bool:
    return _COURT_WORDS.search(text) is not None


# --- evidence next to a name ---------------------------------------------------------------

_AFTER_PAREN = re.compile(r"\s*\(([^()]{1,40})\)")
_AFTER_OF = re.compile(
    r",?\s+(?:of|in|from)\s+(?:the\s+)?([A-Z][\w.]*(?:\s+(?:of\s+)?[A-Z][\w.]*){0,5})"
)
_APPOSITIVE = re.compile(r"\s*(?:,|—|–|\()\s*((?:a|an|the|who|in|from)\b[^,;:()—–]{0,90})")
_DATELINE = re.compile(r"\s*(?:In\s+)?(?P<place>[A-Z][\w.]*(?:[ ,]+[A-Z][\w.]*)*)\s*(?::|,|—|–)\s")
_CLAUSE_BREAK = re.compile(r"[.;:!?()—–]\s|,\s")
_STATE_COURT_IDS = frozenset(STATE_SUPREME_COURTS.values())


def near_courts(text: str, mention: JudgeMention) -> tuple[str, ...]:
    """Court ids written right by the name: before the title ("4th Circuit Judge", "Brooklyn
    federal Judge"), in a dateline opening the sentence ("In Boston, Judge …"), and after the
    name ("(D. Md.)", "of Rhode Island", ", a Trump appointee in Brownsville,"). A state's
    highest court there makes a "Justice" a state justice (`mention.state_court`)."""
    pieces: list[str] = [_CLAUSE_BREAK.split(text[max(0, mention.start - 40) : mention.start])[-1]]
    sentence_start, _end = sentence_at(text, mention.start)
    dateline = _DATELINE.match(text, sentence_start, mention.start)
    if dateline:
        pieces.append(dateline.group("place"))
    position = mention.end
    for pattern in (_AFTER_PAREN, _AFTER_OF):
        match = pattern.match(text, position)
        if match:
            pieces.append(match.group(1))
            position = match.end()
    appositive = _APPOSITIVE.match(text, position)
    if appositive:
        pieces.append(appositive.group(1))
    courts: list[str] = []
    for piece in pieces:
        for court in find_courts(piece):
            if court.court_id in _STATE_COURT_IDS and mention.title_class == JUSTICE:
                mention.state_court = True
            courts.append(court.court_id)
        for place in find_places(piece):
            courts.extend(place.court_ids)
    return tuple(dict.fromkeys(courts))
