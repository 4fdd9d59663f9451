"""Judges named in a text, resolved to the register when the evidence leaves one.

    >>> from bot.annotate import annotate_post
    >>> from bot.models import AnnotationContext
    >>> post = "U.S. District Judge Karin Immergut, a Trump appointee, blocked the deployment."
    >>> [judge] = [a for a in annotate_post(post, AnnotationContext(posted_at="2026-02-11"))
    ...            if a.kind == "judge"]
    >>> judge.value, judge.normalized, judge.details["court_id"]
    ('U.S. District Judge Karin Immergut', 'fjc:6839681', 'ord')

Mentions are read by `judge_mentions` (titles, panels, "X, a Reagan appointee") and resolved
by `resolve.resolve_judge`. This module adds what needs the thread:

- a judge already named, said again: "X wrote", "X:" opening a quote, "X denies the motion",
  in the same text or, through `AnnotationContext.thread_judges`, earlier in the thread; in
  capitals too ("ROE: ..."); and misspelt within a small edit distance ("Boasburg" two posts
  after "Boasberg"), where it takes the judge it misspells. A capitalised speaker label of
  someone never named as a judge (a lawyer's "ENSIGN:", a senator's "JORDAN:") is no judge.
- a titled mention the register cannot settle ("Judge Walker") takes the judge of that
  surname named earlier in the thread; a mention the text's own evidence settles keeps its
  own judge ("Justice Stephen Breyer" after Judge Charles Breyer).
- in a text about the Supreme Court, sitting justices named by surname alone ("Thomas would
  grant").

An unresolved judge's `normalized` is the name as written ("Brian Murphy"), a resolved one's
the register id; `details` keep the surname and given names as written, the title, how the
judge was resolved or why not and among how many candidates, and for a resolved judge the
register's name, court, appointing president (of the seat held on the text's day) and every
appointment.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.annotate.base import Annotator, Subject
from bot.annotate.judge_mentions import (
    HONORIFIC,
    JudgeMention,
    appointee_mentions,
    is_about_a_court,
    near_courts,
    panel_mentions,
    signature_mentions,
    titled_mentions,
)
from bot.annotate.names import given_names_agree, is_misspelling, name_key
from bot.annotate.register import JudgeRegister
from bot.annotate.resolve import ANY, NOT_ARTICLE_III, Evidence, Mention, Resolution, resolve_judge
from bot.annotate.text import NOT_NAMES
from bot.models import Annotation, JudicialService, RegisterJudge, ThreadJudge

VERSION = "1"

# A run of capitalised words, where a judge named before may be named again.
_NAME_RUN = re.compile(r"(?<![\w'’.-])[A-ZÀ-Þ][\w'’-]*(?:[ \t][A-ZÀ-Þ][\w'’.-]*){0,3}")
_WORD = re.compile(r"\S+")
_POSSESSIVE = re.compile(r"['’]s$")
_LEADING_JUNK = re.compile(r"['’]s$|[.,:]$")


@dataclass(frozen=True)
class _Where:
    """What the annotator knows about the text's place and time."""

    day: str | None
    linked: tuple[str, ...]  # courts of linked documents and dockets
    elsewhere: tuple[str, ...]  # courts named in the text and earlier in its thread
    docket_assigned_to: str


def annotate_judges(subject: Subject) -> list[Annotation]:
    text, register, context = subject.text, subject.register, subject.context
    where = _Where(
        day=(context.posted_at or "")[:10] or None,
        linked=tuple({*context.court_ids, context.docket_court_id} - {""}),
        elsewhere=tuple(
            {a.normalized for a in subject.of_kind("court")} | {*context.thread_courts}
        ),
        docket_assigned_to=context.docket_assigned_to,
    )
    mentions = _named(subject, where.day)
    taken = [(m.start, m.end) for m in mentions]

    annotations: list[Annotation] = []
    known = list(context.thread_judges)
    named_here: list[tuple[int, ThreadJudge]] = []
    resolutions = _resolve_all(text, mentions, where, register)
    for mention, resolution in zip(mentions, resolutions, strict=True):
        earlier = _earlier_judge(mention, known)
        judge, repeats = _choose(mention, resolution, earlier, register)
        annotation = _annotation(subject, mention, judge, resolution, repeats, where.day)
        annotations.append(annotation)
        thread_judge = as_thread_judge(annotation)
        known.insert(0, thread_judge)  # latest first: "Judge Walker" again is this one
        named_here.append((mention.start, thread_judge))

    justices: list[ThreadJudge] = []
    if where.day and "scotus" in {*where.elsewhere, *where.linked}:
        justices = [_justice(j, where.day) for j in register.sitting("scotus", where.day)]

    def known_before(position: int) -> list[ThreadJudge]:
        here = [judge for start, judge in reversed(named_here) if start < position]
        return [*here, *context.thread_judges, *justices]

    if named_here or context.thread_judges or justices:
        for mention, earlier in _repeated(text, known_before, taken, register):
            annotations.append(_repeat_annotation(subject, mention, earlier, where, register))
    annotations.sort(key=lambda a: a.start)
    return annotations


def _named(subject: Subject, day: str | None) -> list[JudgeMention]:
    """Titled mentions, then untitled "X, a Reagan appointee" and panel lists that name
    judges the register knows (or the thread named)."""
    text, register = subject.text, subject.register
    mentions = titled_mentions(text)
    if subject.context.subject_type == "document":
        mentions += [
            m for m in signature_mentions(text)
            if not any(t.start <= m.start < t.end for t in mentions)
        ]  # fmt: skip
    taken = [(m.start, m.end) for m in mentions]
    thread_surnames = {name_key(j.surname) for j in subject.context.thread_judges}
    about_a_court = is_about_a_court(text) or any(
        a.kind in ("court", "docket_number", "case_name") for a in subject.found
    )
    for mention in appointee_mentions(text, taken):
        if name_key(mention.surname) in thread_surnames or (
            about_a_court and _serving(register, mention.surname, day)
        ):
            mentions.append(mention)
            taken.append((mention.start, mention.end))
    for mention in panel_mentions(text, lambda surname: _serving(register, surname, day)):
        if not any(s <= mention.start < e for s, e in taken):
            mentions.append(mention)
    return sorted(mentions, key=lambda m: m.start)


def _serving(register: JudgeRegister, surname: str, day: str | None) -> bool:
    return bool(surname) and any(
        day is None or any(s.serves_on(day) for s in judge.service)
        for judge in register.by_surname(surname)
    )


def _resolve_all(
    text: str, mentions: list[JudgeMention], where: _Where, register: JudgeRegister
) -> list[Resolution]:
    """Resolve each mention; then the members of a panel the register could not settle
    alone sit on the court of those it could ("Judges Millett, Pillard and Garcia")."""
    resolutions = [_resolve(text, mention, where, register) for mention in mentions]
    panels: dict[int, list[int]] = {}
    for i, mention in enumerate(mentions):
        if mention.panel is not None:
            panels.setdefault(mention.panel, []).append(i)
    for members in panels.values():
        courts = {resolutions[i].court_id for i in members if resolutions[i].judge is not None}
        if len(courts) != 1 or "" in courts:
            continue
        for i in members:
            if resolutions[i].judge is None and resolutions[i].method == "ambiguous":
                retry = _resolve(text, mentions[i], where, register, near=tuple(courts))
                if retry.judge is not None:
                    resolutions[i] = Resolution(
                        retry.judge, "panel", retry.candidates, retry.court_id
                    )
    return resolutions


def _resolve(
    text: str,
    mention: JudgeMention,
    where: _Where,
    register: JudgeRegister,
    near: tuple[str, ...] = (),
) -> Resolution:
    if not near and mention.title_class != NOT_ARTICLE_III:
        near = near_courts(text, mention)
    evidence = Evidence(
        day=where.day,
        near=near,
        linked=where.linked,
        elsewhere=where.elsewhere,
        docket_assigned_to=where.docket_assigned_to,
        state_court=mention.state_court,
    )
    subject = Mention(mention.surname, mention.given, mention.title_class, mention.retired)
    return resolve_judge(subject, evidence, register)


# --- within the thread ---------------------------------------------------------------------


def _earlier_judge(mention: JudgeMention, known: list[ThreadJudge]) -> ThreadJudge | None:
    """The judge named earlier that this mention names again: the same surname (or a slip of
    it) and given names that fit."""
    for judge in known:
        if not _same_surname(mention.surname, judge.surname) and not is_misspelling(
            mention.surname, _last_word(judge.surname)
        ):
            continue
        known_given = judge.name.split()[:-1]
        if mention.given and known_given and not _given_fit(mention.given, known_given):
            continue
        return judge
    return None


def _same_surname(a: str, b: str) -> bool:
    return name_key(a) == name_key(b) or name_key(_last_word(a)) == name_key(_last_word(b))


def _last_word(name: str) -> str:
    words = name.split()
    return words[-1] if words else name


def _given_fit(given: tuple[str, ...], known_given: list[str]) -> bool:
    """Either list of given names fits the other ("Jim" and "James E.")."""
    return given_names_agree(list(given), known_given[0], " ".join(known_given[1:])) or (
        given_names_agree(known_given, given[0], " ".join(given[1:]))
    )


def _choose(
    mention: JudgeMention,
    resolution: Resolution,
    earlier: ThreadJudge | None,
    register: JudgeRegister,
) -> tuple[RegisterJudge | None, ThreadJudge | None]:
    """(the register judge, the earlier judge it repeats): the text's own evidence wins when
    it finds a judge; else the judge named earlier, if any."""
    if resolution.judge is not None:
        if earlier is not None and earlier.register_id not in ("", resolution.judge.id):
            return resolution.judge, None  # another judge of that name
        return resolution.judge, earlier
    if earlier is None:
        return None, None
    if mention.title_class == NOT_ARTICLE_III or not earlier.register_id:
        return None, earlier
    return register.get(earlier.register_id), earlier


def _repeated(
    text: str,
    known_before: Callable[[int], list[ThreadJudge]],
    taken: list[tuple[int, int]],
    register: JudgeRegister,
) -> list[tuple[JudgeMention, ThreadJudge]]:
    """Known judges' surnames said again, in any case, and close misspellings of them:
    "Boasberg wrote", "XINIS:", "Boasburg says", "Amy Berman Jackson". `known_before(p)`: the
    judges named before position p, latest first."""
    found: list[tuple[JudgeMention, ThreadJudge]] = []
    everyone = known_before(len(text))
    # a run's last word must be a known surname or start like one (a slip keeps the first
    # letter): a cheap test before the real one
    initials = {name_key(j.surname)[:1] for j in everyone} - {""}
    for run in _NAME_RUN.finditer(text):
        last = run.group(0).rsplit(None, 1)[-1]
        if name_key(last)[:1] not in initials:
            continue
        words = [(run.start() + m.start(), m.group()) for m in _WORD.finditer(run.group(0))]
        while words and _LEADING_JUNK.sub("", words[0][1]) in NOT_NAMES:
            words.pop(0)
        if not words:
            continue
        start, word = words[-1]
        if any(s <= start < e for s, e in taken):
            continue
        bare = _POSSESSIVE.sub("", word)
        judge = _known_judge_named(bare, known_before(start), register)
        if judge is None or HONORIFIC.search(text, max(0, words[0][0] - 40), words[0][0]):
            continue
        given = tuple(w for _s, w in words[:-1])
        parts = judge.name.split()[:-1]
        if given and not given_names_agree(
            list(given), parts[0] if parts else "", " ".join(parts[1:])
        ):
            continue  # "Mark Kelly" is not Judge Kelley
        first = words[0][0] if given else start
        form = "known" if _same_surname(bare, judge.surname) else "misspelling"
        mention = JudgeMention(first, start + len(bare), bare, given, form=form)
        found.append((mention, judge))
        taken.append((first, start + len(bare)))
    return found


def _known_judge_named(
    word: str, known: list[ThreadJudge], register: JudgeRegister
) -> ThreadJudge | None:
    if len(word) < 2 or word in NOT_NAMES or (word.isupper() and word.title() in NOT_NAMES):
        return None
    key = name_key(word)
    if not key:
        return None
    for judge in known:
        if key in (name_key(_last_word(judge.surname)), name_key(judge.surname)):
            return judge
    # a slip keeps the first letter (names.is_misspelling): test only those judges
    similar = [j for j in known if name_key(j.surname)[:1] == key[0]]
    if not similar or register.has_surname(word):
        return None  # no judge it could be a slip of, or a real surname of its own
    return next((j for j in similar if is_misspelling(word, _last_word(j.surname))), None)


# --- annotations ---------------------------------------------------------------------------


def _annotation(
    subject: Subject,
    mention: JudgeMention,
    judge: RegisterJudge | None,
    resolution: Resolution,
    repeats: ThreadJudge | None,
    day: str | None,
) -> Annotation:
    details: dict[str, Any] = {
        "surname": mention.surname,
        "given": list(mention.given),
        "title": mention.title,
        "title_class": mention.title_class,
        "form": mention.form,
        "resolution": resolution.method,
        "candidates": resolution.candidates,
    }
    if repeats is not None and resolution.judge is None:
        details["resolution"] = "thread"
        details["same_as"] = repeats.name or repeats.surname
    if repeats is not None and not _same_surname(mention.surname, repeats.surname):
        details["misspelling_of"] = repeats.surname
    if judge is not None:
        normalized = judge.id
        details.update(_register_details(judge, day, subject.register))
    elif repeats is not None:
        normalized = repeats.normalized
    else:
        normalized = " ".join([*mention.given, mention.surname])
    confidence = 0.9 if judge is not None else 0.8
    return ANNOTATOR.annotation(
        subject, mention.start, mention.end, normalized, confidence, details
    )


def _repeat_annotation(
    subject: Subject,
    mention: JudgeMention,
    known: ThreadJudge,
    where: _Where,
    register: JudgeRegister,
) -> Annotation:
    if mention.given:
        # "Amy Berman Jackson" after an unresolved "Judge Jackson": the names may tell
        evidence = Evidence(day=where.day, linked=where.linked, elsewhere=where.elsewhere)
        resolution = resolve_judge(Mention(mention.surname, mention.given), evidence, register)
        if resolution.judge is not None:
            return _annotation(subject, mention, resolution.judge, resolution, None, where.day)
    details: dict[str, Any] = {
        "surname": mention.surname,
        "given": list(mention.given),
        "title": "",
        "title_class": ANY,
        "form": mention.form,
        "resolution": "thread",
        "candidates": 0,
        "same_as": known.name or known.surname,
    }
    if mention.form == "misspelling":
        details["misspelling_of"] = known.surname
    judge = register.get(known.register_id) if known.register_id else None
    if judge is not None:
        details.update(_register_details(judge, where.day, register))
    confidence = 0.75 if mention.form == "known" else 0.6
    return ANNOTATOR.annotation(
        subject, mention.start, mention.end, known.normalized, confidence, details
    )


def _register_details(
    judge: RegisterJudge, day: str | None, register: JudgeRegister
) -> dict[str, Any]:
    service = current_service(judge, day)
    return {
        "register_id": judge.id,
        "register": register.version,
        "name": judge.name,
        "last_name": judge.last,
        "court_id": service.court_id if service else "",
        "court": service.court if service else "",
        "appointed_by": service.appointed_by if service else "",
        "appointments": [
            {"court_id": s.court_id, "appointed_by": s.appointed_by, "start": s.start, "end": s.end}
            for s in judge.service
        ],
    }


def current_service(judge: RegisterJudge, day: str | None) -> JudicialService | None:
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


def as_thread_judge(annotation: Annotation) -> ThreadJudge:
    """What later posts of the thread need to know about a judge annotation."""
    details = annotation.details
    surname = details.get("last_name") or details.get("misspelling_of") or details["surname"]
    name = details.get("name") or " ".join([*details.get("given", []), details["surname"]])
    return ThreadJudge(
        normalized=annotation.normalized,
        surname=surname,
        name=_plain_name(name),
        register_id=details.get("register_id", ""),
        court_id=details.get("court_id", ""),
        appointed_by=details.get("appointed_by", ""),
        appointments=tuple(a["appointed_by"] for a in details.get("appointments", [])),
    )


def _plain_name(name: str) -> str:
    """ "John Glover Roberts, Jr." → "John Glover Roberts"."""
    return name.split(",")[0]


def thread_judges_of(annotations: list[Annotation]) -> list[ThreadJudge]:
    """The judges a post named, for the next posts of its thread (latest first)."""
    judges: list[ThreadJudge] = []
    for annotation in annotations:
        if annotation.kind == "judge":
            judge = as_thread_judge(annotation)
            judges = [j for j in judges if j.normalized != judge.normalized]
            judges.insert(0, judge)
    return judges


ANNOTATOR = Annotator(kind="judge", version=VERSION, run=annotate_judges)
