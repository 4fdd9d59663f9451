"""Judges named in a text, resolved to the register when the evidence leaves one.

    >>> from bot.annotate import annotate_post
    >>> from bot.models import AnnotationContext
    >>> post = "U.S. District Judge Karin Immergut, a Trump appointee, blocked the deployment."
    >>> [judge] = [a for a in annotate_post(post, AnnotationContext(posted_at="2026-02-11"))
    ...            if a.kind == "judge"]
    >>> judge.value, judge.normalized, judge.details["court_id"]
    ('U.S. District Judge Karin Immergut', 'fjc:6839681', 'ord')

How reporters name judges, and what is read:

- a title and a name: "Judge X", "JUDGE X", "U.S. District Judge Jane Q. Roe", "Chief Justice
  Roberts", "Senior U.S. District Judge", "Magistrate Judge", "federal judge X", "a Connecticut
  federal judge, Sarala Nagala"; panels "Judges A, B and C", "Justices Thomas, Alito and
  Kavanaugh";
- "X, a Reagan appointee" and "Trump appointee X" without a title, when X is a judge the register
  knows serving then and the text is about a court (and no "Sen." or "FCC Chair" stands
  before X);
- a judge already named, again: "X wrote", "X:" opening a quote, "X denies the motion", in the
  same text or, through `AnnotationContext.thread_judges`, earlier in the thread; in capitals
  too ("ROE: ..."), and misspelt within a small edit distance ("Boasburg" two posts after
  "Boasberg"), where it takes the judge it misspells;
- not: Aaron Judge, "Social Justice", "the Justice Department", television judges (Judge Judy,
  Judge Mathis on his show), "judge for yourself", and capitalised speaker labels of people
  never named as judges (a lawyer's "ENSIGN:", a senator's "JORDAN:").

The register resolution is `resolve.resolve_judge`; `details` keep the evidence: the
surname and given names as written, the title, how the judge was resolved or why not and
among how many candidates, and for a resolved judge the register's name, court, appointing
president (of the seat held on the text's day) and every appointment.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.annotate.base import Annotator, Subject
from bot.annotate.courts import find_courts
from bot.annotate.court_table import STATE_SUPREME_COURTS
from bot.annotate.names import given_names_agree, is_misspelling, name_key
from bot.annotate.places import find_places
from bot.annotate.register import JudgeRegister
from bot.annotate.resolve import (
    ANY,
    CIRCUIT,
    DISTRICT,
    JUSTICE,
    NOT_ARTICLE_III,
    Evidence,
    Mention,
    Resolution,
    resolve_judge,
)
from bot.annotate.text import NAME_PARTICLES, NOT_NAMES, SUFFIXES, sentence_at
from bot.models import Annotation, RegisterJudge, ThreadJudge

VERSION = "1"

_TITLE_WORD = re.compile(r"\b(?:Judges?|JUDGES?|Justices?|JUSTICES?|judges?)\b")
# Words that may stand before "Judge"/"Justice" as part of the title (lower case compared).
_TITLE_PREFIX = frozenset(
    """u.s. us united states federal senior chief presiding acting associate retired former
    late district circuit cir. appeals appellate court magistrate bankruptcy immigration
    superior county state supreme trial family probate municipal tax administrative law
    then now""".split()
)
_STATE_PREFIX = frozenset({"superior", "county", "state", "family", "probate", "municipal", "trial"})
_NOT_ARTICLE_III_PREFIX = frozenset({"magistrate", "bankruptcy", "immigration", "administrative",
                                     "tax"})  # fmt: skip
_RETIRED_PREFIX = frozenset({"retired", "former", "late"})
# Television, film and fiction: a "Judge" who is not one.
_NEVER_JUDGES = frozenset({"Judy", "Dredd", "Reinhold", "Rinder", "Wapner", "Hatchett",
                           "Jeanine", "Joe Brown", "Steve Harvey"})  # fmt: skip
_TV_JUDGES = frozenset({"Mathis", "Milian", "Faith", "Alex", "Lake", "Greg Mathis"})
_TV_WORDS = re.compile(r"\b(?:show|episode|TV|television|daytime|streaming|season|sitcom)\b")
# Before a bare name: it is someone else ("Sen. Kennedy", "FCC Chair Brendan Carr").
_HONORIFIC = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Sgt|Col|Pres|Sec|Atty)\.?|"
    r"\b(?:Senator|Representative|Governor|Mayor|Secretary|Director|Chair|Chairman|"
    r"Chairwoman|Commissioner|Administrator|Ambassador|Attorney|General|Speaker|Leader|"
    r"President|Vice|Deputy|Agent|Officer|Councilmember|Rabbi|Pastor|Coach|Manager|"
    r"prosecutor|lawyer|attorney|counsel|[A-Z]{2,5}))\s+(?:[A-Z][\w'’.-]*\s+)?$"
)
_NAME_TOKEN = re.compile(r"[A-ZÀ-Þ][\w'’.-]*")
_COURT_WORDS = re.compile(
    r"\b(?:court|courts|judge|judges|ruled|ruling|order|ordered|injunction|opinion|bench|"
    r"sentenced|appeal|hearing|lawsuit|motion|docket|jury)\b",
    re.IGNORECASE,
)
_PRESIDENT_WORD = (
    r"(?:Reagan|Carter|Ford|Nixon|Johnson|Kennedy|Eisenhower|Truman|Clinton|Obama|Bush|Trump|"
    r"Biden)"
)
_APPOINTEE_AFTER = re.compile(
    rf"\A,?\s+(?:(?:a|an|the)\s+)?(?:[\w.-]+\s+){{0,3}}?{_PRESIDENT_WORD}[-\s]appoint(?:ee|ed)\b"
)
_APPOINTEE_BEFORE = re.compile(rf"\b{_PRESIDENT_WORD}(?:-appointed|\s+appointee)\s+$")
_DATELINE = re.compile(r"\A\s*(?:In\s+)?(?P<place>[A-Z][\w.]*(?:[ ,]+[A-Z][\w.]*)*)\s*(?::|,|—|–)\s")


@dataclass
class _Found:
    start: int
    end: int
    surname: str
    given: tuple[str, ...] = ()
    title: str = ""
    title_class: str = ANY
    form: str = "title"  # title, panel, appointee, known, misspelling
    retired: bool = False
    state_court: bool = False
    near: tuple[str, ...] = ()
    known: ThreadJudge | None = None  # the judge it repeats or misspells
    details: dict[str, Any] = field(default_factory=dict)


def annotate_judges(subject: Subject) -> list[Annotation]:
    text = subject.text
    register = subject.register
    titled = _titled(text)
    taken = [(f.start, f.end) for f in titled]
    appointees = _appointees(text, subject, taken)
    taken += [(f.start, f.end) for f in appointees]
    panel = _panel_lists(text, subject, taken)
    taken += [(f.start, f.end) for f in panel]
    named = titled + appointees + panel

    day = (subject.context.posted_at or "")[:10] or None
    elsewhere = tuple(
        {a.normalized for a in subject.of_kind("court")} | set(subject.context.thread_courts)
    )
    linked = tuple({*subject.context.court_ids, subject.context.docket_court_id} - {""})
    annotations: list[Annotation] = []
    known: list[ThreadJudge] = list(subject.context.thread_judges)
    named_here: list[tuple[int, ThreadJudge]] = []
    for found in sorted(named, key=lambda f: f.start):
        if found.title_class != NOT_ARTICLE_III:
            found.near = _near_courts(text, found)
        evidence = Evidence(
            day=day,
            near=found.near,
            linked=linked,
            elsewhere=elsewhere,
            docket_assigned_to=subject.context.docket_assigned_to,
            state_court=found.state_court,
        )
        mention = Mention(found.surname, found.given, found.title_class, found.retired)
        resolution = resolve_judge(mention, evidence, register)
        earlier = _earlier_judge(found, known)
        judge = _choose(found, resolution, earlier, register)
        annotations.append(_annotation(subject, found, judge, resolution, earlier, day))
        thread_judge = _as_thread_judge(found, annotations[-1])
        known.insert(0, thread_judge)  # the latest first: "Judge Walker" again is this one
        named_here.append((found.start, thread_judge))

    # a post about the Supreme Court names justices by surname alone: "Thomas would grant"
    justices: list[ThreadJudge] = []
    if day and "scotus" in {*elsewhere, *linked}:
        justices = [_justice(j, day) for j in register.sitting("scotus", day)]

    def known_before(position: int) -> list[ThreadJudge]:
        here = [judge for start, judge in reversed(named_here) if start < position]
        return [*here, *subject.context.thread_judges, *justices]

    # the judges named so far, said again: "Boasberg wrote", "XINIS:", "Boasburg says"
    for found in _repeated(text, known_before, taken, register):
        assert found.known is not None
        if found.given:
            # "Amy Berman Jackson" after an unresolved "Judge Jackson": the names may tell
            mention = Mention(found.surname, found.given)
            evidence = Evidence(day=day, linked=linked, elsewhere=elsewhere)
            resolution = resolve_judge(mention, evidence, register)
            if resolution.judge is not None:
                found.known = None
                annotations.append(
                    _annotation(subject, found, resolution.judge, resolution, None, day)
                )
                continue
        annotations.append(_repeat_annotation(subject, found, found.known, day, register))
    annotations.sort(key=lambda a: a.start)
    return annotations


# --- titled mentions and panels ----------------------------------------------------------


def _titled(text: str) -> list[_Found]:
    found: list[_Found] = []
    for match in _TITLE_WORD.finditer(text):
        prefix_start, prefix = _title_prefix(text, match.start())
        word = match.group(0)
        if word[0].islower() and not prefix:
            continue  # "judge for yourself", "the judges were brutal"
        if not prefix and _is_part_of_a_name(text, match.start()):
            continue  # Aaron Judge, Social Justice
        names_start = match.end()
        separator = re.match(r",?[ \t]+", text[names_start:])
        if separator is None or (separator.group(0).startswith(",") and word[0].isupper()):
            continue
        names = _names_list(text, names_start + separator.end(), plural=word.lower().endswith("s"))
        if not names:
            continue
        title = " ".join(text[prefix_start : match.end()].split())
        title_class, state_court, retired = _title_class(prefix, word)
        tv = _TV_WORDS.search(text) is not None
        for i, (start, end, tokens) in enumerate(names):
            surname, given = _split_name(tokens)
            if not surname or " ".join(tokens) in _NEVER_JUDGES or surname in _NEVER_JUDGES:
                continue
            if tv and (surname in _TV_JUDGES or " ".join(tokens) in _TV_JUDGES):
                continue
            found.append(
                _Found(
                    start=prefix_start if i == 0 else start,
                    end=end,
                    surname=surname,
                    given=given,
                    title=title,
                    title_class=title_class,
                    form="title" if len(names) == 1 else "panel",
                    retired=retired,
                    state_court=state_court,
                )
            )
    return found


def _title_prefix(text: str, title_start: int) -> tuple[int, list[str]]:
    """Where the title starts and its words before "Judge": "U.S. District", "Chief"."""
    words = list(re.finditer(r"\S+", text[max(0, title_start - 60) : title_start]))
    offset = max(0, title_start - 60)
    prefix: list[str] = []
    start = title_start
    for match in reversed(words):
        word = match.group(0)
        lower = word.lower()
        if lower in _TITLE_PREFIX or lower.endswith(("-appointed",)) and False:
            prefix.insert(0, lower)
            start = offset + match.start()
            continue
        if lower == "states" or lower == "united":
            prefix.insert(0, lower)
            start = offset + match.start()
            continue
        break
    return start, prefix


def _is_part_of_a_name(text: str, title_start: int) -> bool:
    """Is the capitalised word right before "Judge" a first name (Aaron Judge) or part of a
    phrase (Social Justice)? Not if it ends a sentence, is a place, a court, or an
    appointee phrase ("Trump-appointed Judge")."""
    before = text[:title_start]
    if not before.endswith((" ", "\t")):
        return False
    words = before.split()
    if not words:
        return False
    previous = words[-1]
    if not previous[:1].isupper() or not previous[-1].isalnum():
        return False
    if previous in NOT_NAMES or previous.endswith(("-appointed", "appointee")):
        return False
    if previous.isupper() and len(previous) > 1:
        return False  # an acronym, not a first name: "CIT Judge", "SDNY Judge"
    if find_places(previous) or find_courts(previous):
        return False
    return not re.search(r"[.!?:]\s*$", " ".join(words[:-1])[-2:] + " ") or len(words) > 1


def _names_list(text: str, start: int, *, plural: bool) -> list[tuple[int, int, list[str]]]:
    """The name (or, after a plural title, the names) starting at `start`: spans and words."""
    names: list[tuple[int, int, list[str]]] = []
    position = start
    while True:
        name = _one_name(text, position)
        if name is None:
            break
        names.append(name)
        if not plural:
            break
        rest = text[name[1] :]
        joiner = re.match(r"(?:,\s+and\s+|,\s+|\s+and\s+|\s+&\s+)", rest)
        if joiner is None:
            break
        position = name[1] + joiner.end()
    return names


def _one_name(text: str, start: int) -> tuple[int, int, list[str]] | None:
    tokens: list[str] = []
    end = start
    position = start
    while len(tokens) < 6:
        match = _NAME_TOKEN.match(text, position)
        particle = None
        if match is None:
            particle = re.match(r"(?:de|van|von|la|del|da|di|der|le|St\.)[ \t]+(?=[A-Z])", text[position:])
            if particle is None or not tokens:
                break
            tokens.append(particle.group(0).strip())
            position += particle.end()
            continue
        word = match.group(0)
        bare = word
        stop = False
        for ending in ("'s", "’s"):
            if bare.endswith(ending):
                bare, stop = bare[: -len(ending)], True
        if bare.endswith(".") and not re.fullmatch(r"[A-Z]\.|(?:[A-Z]\.)+|St\.|Jr\.|Sr\.", bare):
            bare, stop = bare[:-1], True  # a sentence's full stop
        if bare in NOT_NAMES and not (tokens == [] and _given_name_first(text, match.end())):
            break
        if not bare:
            break
        tokens.append(bare)
        end = match.start() + len(bare)
        if stop or bare in SUFFIXES:
            break
        after = text[match.end() : match.end() + 2]
        suffix = re.match(r",?[ \t]+(Jr\.|Sr\.|II|III|IV)(?![\w])", text[match.end() :])
        if suffix:
            tokens.append(suffix.group(1))
            end = match.end() + suffix.end()
            break
        if not re.match(r"[ \t][A-ZÀ-Þ]|[ \t](?:de|van|von|la|del|da|di|der|le|St\.)[ \t]", after + text[match.end() + 2 : match.end() + 6]):
            break
        position = match.end() + 1
    while tokens and (tokens[-1] in NAME_PARTICLES):
        tokens.pop()
    if not tokens or all(re.fullmatch(r"[A-Z]\.", t) for t in tokens):
        return None
    return start, end, tokens


def _given_name_first(text: str, end: int) -> bool:
    """Is the word just read a given name that is also a common word ("April Perry", "May
    Smith")? Only if a name that is no common word follows it."""
    following = re.match(r"[ \t]([A-ZÀ-Þ][\w'’-]+)", text[end:])
    return following is not None and following.group(1) not in NOT_NAMES


def _split_name(tokens: list[str]) -> tuple[str, tuple[str, ...]]:
    """("James", "E.", "Boasberg") → ("Boasberg", ("James", "E.")); particles stay with the
    surname: "Ana de Alba" → ("de Alba", ("Ana",))."""
    words = [t for t in tokens if t not in SUFFIXES]
    if not words:
        return "", ()
    surname_words = [words[-1]]
    i = len(words) - 2
    while i >= 0 and words[i] in NAME_PARTICLES:
        surname_words.insert(0, words[i])
        i -= 1
    return " ".join(surname_words), tuple(words[: i + 1])


def _title_class(prefix: list[str], word: str) -> tuple[str, bool, bool]:
    """(class, a state court's title, retired) from the words of the title."""
    words = set(prefix)
    retired = bool(words & _RETIRED_PREFIX)
    if words & _NOT_ARTICLE_III_PREFIX:
        return NOT_ARTICLE_III, False, retired
    if words & _STATE_PREFIX and not words & {"u.s.", "us", "federal"}:
        return NOT_ARTICLE_III, True, retired
    if word.lower().startswith("justice"):
        if "supreme" in words:
            # "Supreme Court Justice X" after a state's name is a state justice; the court
            # annotator's state supreme courts decide that in `_near_courts`
            return JUSTICE, False, retired
        return JUSTICE, False, retired
    if words & {"circuit", "cir.", "appeals", "appellate"} and "court" not in words:
        return CIRCUIT, False, retired
    if "district" in words and "court" not in words:
        return DISTRICT, False, retired
    return ANY, False, retired


# --- "X, a Reagan appointee" without a title ------------------------------------------------


def _appointees(text: str, subject: Subject, taken: list[tuple[int, int]]) -> list[_Found]:
    if "ppoint" not in text:
        return []
    found: list[_Found] = []
    about_a_court = bool(
        [a for a in subject.found if a.kind in ("court", "docket_number", "case_name")]
    ) or bool(_COURT_WORDS.search(text))
    known_surnames = {name_key(j.surname) for j in subject.context.thread_judges}
    for match in _NAME_TOKEN.finditer(text):
        start = match.start()
        if any(s <= start < e for s, e in taken) or (start and text[start - 1].isalnum()):
            continue
        name = _one_name(text, start)
        if name is None:
            continue
        _start, end, tokens = name
        surname, given = _split_name(tokens)
        after = _APPOINTEE_AFTER.match(text[end:])
        before = _APPOINTEE_BEFORE.search(text[max(0, start - 30) : start])
        if not (after or before) or not surname or surname in NOT_NAMES:
            continue
        if _HONORIFIC.search(text[max(0, start - 40) : start]):
            continue
        if name_key(surname) not in known_surnames and not (
            about_a_court and _serving(subject.register, surname, subject.context.posted_at)
        ):
            continue
        found.append(_Found(start, end, surname, given, form="appointee"))
        taken.append((start, end))
    return found


# "9th Cir. panel (Wardlaw, Ikuta, Bumatay)", "the panel: Millett, Pillard and Garcia".
_PANEL = re.compile(r"\bpanel\s*(?:\(|:|—|–)\s*(?=[A-Z])")


def _panel_lists(text: str, subject: Subject, taken: list[tuple[int, int]]) -> list[_Found]:
    """Surnames listed after "panel", when the register has a judge of each name serving."""
    found: list[_Found] = []
    for match in _PANEL.finditer(text):
        names = _names_list(text, match.end(), plural=True)
        surnames = [_split_name(tokens) for _s, _e, tokens in names]
        if len(names) < 2 or not all(
            _serving(subject.register, surname, subject.context.posted_at)
            for surname, _given in surnames
        ):
            continue
        for (start, end, _tokens), (surname, given) in zip(names, surnames, strict=True):
            if not any(s <= start < e for s, e in taken):
                found.append(_Found(start, end, surname, given, form="panel"))
    return found


def _serving(register: JudgeRegister, surname: str, posted_at: str | None) -> bool:
    day = (posted_at or "")[:10]
    return bool(surname) and any(
        not day or any(s.serves_on(day) for s in judge.service)
        for judge in register.by_surname(surname)
    )


# --- evidence next to a name ---------------------------------------------------------------

_AFTER_PAREN = re.compile(r"\A\s*\(([^()]{1,40})\)")
_AFTER_OF = re.compile(
    r"\A,?\s+(?:of|in|from)\s+(?:the\s+)?([A-Z][\w.]*(?:\s+(?:of\s+)?[A-Z][\w.]*){0,5})"
)
_APPOSITIVE = re.compile(r"\A\s*(?:,|—|–|\()\s*((?:a|an|the|who|in|from)\b[^,;:()—–]{0,90})")


def _near_courts(text: str, found: _Found) -> tuple[str, ...]:
    """Court ids written right by the name: before the title ("4th Circuit Judge", "Brooklyn
    federal Judge"), in a dateline opening the sentence ("In Boston, Judge …"), and after the
    name ("(D. Md.)", "of Rhode Island", ", a Trump appointee in Brownsville,")."""
    pieces: list[str] = []
    before = text[max(0, found.start - 40) : found.start]
    before = re.split(r"[.;:!?()—–]\s|,\s", before)[-1]
    pieces.append(before)
    sentence_start, _end = sentence_at(text, found.start)
    dateline = _DATELINE.match(text, sentence_start, found.start)
    if dateline:
        pieces.append(dateline.group("place"))
    after = text[found.end : found.end + 200]
    for pattern in (_AFTER_PAREN, _AFTER_OF):
        match = pattern.match(after)
        if match:
            pieces.append(match.group(1))
            after = after[match.end() :]
    appositive = _APPOSITIVE.match(after)
    if appositive:
        pieces.append(appositive.group(1))
    courts: list[str] = []
    for piece in pieces:
        for court in find_courts(piece):
            if court.court_id in STATE_SUPREME_COURTS.values() and found.title_class == JUSTICE:
                found.state_court = True
            courts.append(court.court_id)
        for place in find_places(piece):
            courts.extend(place.court_ids)
    return tuple(dict.fromkeys(courts))


# --- within the thread ---------------------------------------------------------------------


def _earlier_judge(found: _Found, known: list[ThreadJudge]) -> ThreadJudge | None:
    """The judge named earlier this mention names again: same surname (or a slip of it),
    given names that fit, the same kind of title."""
    for judge in known:
        same = _same_surname(found.surname, judge.surname)
        if not same and not is_misspelling(found.surname, _last_word(judge.surname)):
            continue
        known_given = judge.name.split()[:-1] if judge.name else []
        if found.given and known_given and not _given_fit(found.given, known_given):
            continue
        return judge
    return None


def _same_surname(a: str, b: str) -> bool:
    return name_key(a) == name_key(b) or name_key(_last_word(a)) == name_key(_last_word(b))


def _last_word(name: str) -> str:
    return name.split()[-1] if name.split() else name


def _given_fit(given: tuple[str, ...], known_given: list[str]) -> bool:
    first = known_given[0]
    middle = " ".join(known_given[1:])
    return given_names_agree(list(given), first, middle) or given_names_agree(
        known_given, given[0], " ".join(given[1:])
    )


def _choose(
    found: _Found, resolution: Resolution, earlier: ThreadJudge | None, register: JudgeRegister
) -> RegisterJudge | None:
    """The text's own evidence wins when it finds a judge; else the judge named earlier."""
    if resolution.judge is not None:
        if earlier is not None and earlier.register_id and earlier.register_id != resolution.judge.id:
            found.known = None  # another judge of that name: "Justice Breyer" after Judge Breyer
        return resolution.judge
    if earlier is not None:
        found.known = earlier
        if found.title_class == NOT_ARTICLE_III and earlier.register_id:
            return None
        return register.get(earlier.register_id) if earlier.register_id else None
    return None


def _repeated(
    text: str,
    known_before: Callable[[int], list[ThreadJudge]],
    taken: list[tuple[int, int]],
    register: JudgeRegister,
) -> list[_Found]:
    """Known judges' surnames said again, in any case, and close misspellings of them:
    "Boasberg wrote", "XINIS:", "Boasburg says", "Amy Berman Jackson". `known_before(p)`: the
    judges named before position p, latest first."""
    found: list[_Found] = []
    for run in _NAME_RUN.finditer(text):
        words = [(m.start(), m.group()) for m in re.finditer(r"\S+", run.group(0))]
        words = [(run.start() + offset, word) for offset, word in words]
        while words and re.sub(r"['’]s$|[.,:]$", "", words[0][1]) in NOT_NAMES:
            words.pop(0)
        if not words:
            continue
        start, word = words[-1]
        if any(s <= start < e for s, e in taken):
            continue
        bare = re.sub(r"['’]s$", "", word)
        judge = _known_judge_named(bare, known_before(start), register)
        if judge is None or _HONORIFIC.search(text[max(0, words[0][0] - 40) : words[0][0]]):
            continue
        given = tuple(w for _s, w in words[:-1])
        if given and not given_names_agree(list(given), *_first_middle(judge)):
            continue  # "Mark Kelly" is not Judge Kelley
        first = words[0][0] if given else start
        form = "known" if _same_surname(bare, judge.surname) else "misspelling"
        found.append(_Found(first, start + len(bare), bare, given, form=form, known=judge))
        taken.append((first, start + len(bare)))
    return found


_NAME_RUN = re.compile(r"(?<![\w'’.-])[A-ZÀ-Þ][\w'’-]*(?:[ \t][A-ZÀ-Þ][\w'’.-]*){0,3}")


def _words_of(match: re.Match[str]) -> list[tuple[int, int, str]]:
    words = []
    for word in re.finditer(r"\S+", match.group(0)):
        words.append((match.start() + word.start(), match.start() + word.end(), word.group(0)))
    return words


def _first_middle(judge: ThreadJudge) -> tuple[str, str]:
    parts = judge.name.split()[:-1]
    return (parts[0] if parts else "", " ".join(parts[1:]))


def _known_judge_named(
    word: str, known: list[ThreadJudge], register: JudgeRegister
) -> ThreadJudge | None:
    if len(word) < 2 or word in NOT_NAMES or (word.title() in NOT_NAMES and word.isupper()):
        return None
    for judge in known:
        if _same_surname(word, judge.surname) or name_key(word) == name_key(judge.surname):
            return judge
    if register.has_surname(word):
        return None  # a real surname of its own, not a slip
    for judge in known:
        if is_misspelling(word, _last_word(judge.surname)):
            return judge
    return None


# --- annotations ---------------------------------------------------------------------------


def _annotation(
    subject: Subject,
    found: _Found,
    judge: RegisterJudge | None,
    resolution: Resolution,
    earlier: ThreadJudge | None,
    day: str | None,
) -> Annotation:
    written = " ".join([*found.given, found.surname])
    details: dict[str, Any] = {
        "surname": found.surname,
        "given": list(found.given),
        "title": found.title,
        "title_class": found.title_class,
        "form": found.form,
        "resolution": resolution.method,
        "candidates": resolution.candidates,
    }
    if found.near:
        details["near_courts"] = list(found.near)
    if judge is None and found.known is not None:
        normalized = found.known.normalized
        details["resolution"] = "thread"
        details["same_as"] = found.known.name or found.known.surname
    elif judge is not None:
        normalized = judge.id
        if found.known is not None and resolution.judge is None:
            details["resolution"] = "thread"
        if found.known is not None and not _same_surname(found.surname, found.known.surname):
            details["misspelling_of"] = found.known.surname
        details.update(_register_details(judge, day, subject.register))
    else:
        normalized = written
    confidence = 0.9 if judge is not None else 0.8
    return ANNOTATOR.annotation(subject, found.start, found.end, normalized, confidence, details)


def _repeat_annotation(
    subject: Subject, found: _Found, known: ThreadJudge, day: str | None, register: JudgeRegister
) -> Annotation:
    details: dict[str, Any] = {
        "surname": found.surname,
        "given": [],
        "title": "",
        "title_class": ANY,
        "form": found.form,
        "resolution": "thread",
        "candidates": 0,
        "same_as": known.name or known.surname,
    }
    if found.form == "misspelling":
        details["misspelling_of"] = known.surname
    judge = register.get(known.register_id) if known.register_id else None
    if judge is not None:
        details.update(_register_details(judge, day, register))
    confidence = 0.75 if found.form == "known" else 0.6
    return ANNOTATOR.annotation(subject, found.start, found.end, known.normalized, confidence, details)


def _register_details(judge: RegisterJudge, day: str | None, register: JudgeRegister) -> dict[str, Any]:
    service = current_service(judge, day)
    return {
        "register_id": judge.id,
        "register": register.version,
        "name": judge.name,
        "court_id": service.court_id if service else "",
        "court": service.court if service else "",
        "appointed_by": service.appointed_by if service else "",
        "appointments": [
            {"court_id": s.court_id, "appointed_by": s.appointed_by, "start": s.start, "end": s.end}
            for s in judge.service
        ],
    }


def current_service(judge: RegisterJudge, day: str | None):  # type: ignore[no-untyped-def]
    """The appointment the judge held on `day` (the latest one if none or no day)."""
    serving = [s for s in judge.service if day and s.serves_on(day)]
    if serving:
        return serving[-1]
    return judge.service[-1] if judge.service else None


def _justice(judge: RegisterJudge, day: str) -> ThreadJudge:
    service = current_service(judge, day)
    return ThreadJudge(
        normalized=judge.id,
        surname=judge.last,
        name=_plain_name(judge.name),
        register_id=judge.id,
        court_id="scotus",
        appointed_by=service.appointed_by if service else "",
        appointments=tuple(s.appointed_by for s in judge.service),
    )


def _as_thread_judge(found: _Found, annotation: Annotation) -> ThreadJudge:
    details = annotation.details
    name = details.get("name") or " ".join([*found.given, found.surname])
    return ThreadJudge(
        normalized=annotation.normalized,
        surname=found.surname,
        name=_plain_name(name),
        register_id=details.get("register_id", ""),
        court_id=details.get("court_id", ""),
        appointed_by=details.get("appointed_by", ""),
        appointments=tuple(a["appointed_by"] for a in details.get("appointments", [])),
    )


def _plain_name(name: str) -> str:
    return name.split(",")[0]


def thread_judges_of(annotations: list[Annotation]) -> list[ThreadJudge]:
    """The judges a post named, for the next posts of its thread (latest first)."""
    judges: list[ThreadJudge] = []
    for annotation in annotations:
        if annotation.kind != "judge":
            continue
        details = annotation.details
        name = details.get("name") or " ".join([*details.get("given", []), details["surname"]])
        judge = ThreadJudge(
            normalized=annotation.normalized,
            surname=details["surname"] if details.get("form") != "misspelling" else details.get(
                "misspelling_of", details["surname"]
            ),
            name=_plain_name(name),
            register_id=details.get("register_id", ""),
            court_id=details.get("court_id", ""),
            appointed_by=details.get("appointed_by", ""),
            appointments=tuple(a["appointed_by"] for a in details.get("appointments", [])),
        )
        judges = [j for j in judges if j.normalized != judge.normalized]
        judges.insert(0, judge)
    return judges


ANNOTATOR = Annotator(kind="judge", version=VERSION, run=annotate_judges)
