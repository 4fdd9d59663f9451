"""Which register judge a mention names, only when the evidence leaves exactly one.

    >>> from bot.annotate.register import load_register
    >>> register = load_register()
    >>> mention = Mention(surname="Simon", title="judge")
    >>> resolve_judge(mention, Evidence(day="2026-02-08"), register).candidates
    2
    >>> found = resolve_judge(mention, Evidence(day="2026-02-08", near=("ord",)), register)
    >>> found.judge.name, found.method
    ('Michael H. Simon', 'court')
    >>> match_assigned_to("James E. Boasberg", register, court_id="dcd").id
    'fjc:1393651'

Evidence, strongest first: the docket's assigned judge; a court or place written by the name
("Judge Simon of Oregon", "(D. Md.)", "In Boston, Judge Young"); the court of a document or
docket the text links to; any other court named in the text or earlier in its thread. The
title narrows too ("Justice" → the Supreme Court, "Circuit Judge" → a court of appeals;
magistrate, bankruptcy, immigration and state judges are not in the register), and so do
the given names ("Jim", "J. Michelle") and the day: a judge who was not serving then is not
a candidate (unless the text says "retired" or "former").

Court evidence that no candidate fits leaves the mention unresolved rather than falling back
to a judge elsewhere: a wrong judge is worse than none. So does more than one candidate
(`Resolution.candidates` says how many). A surname alone resolves when exactly one judge
with it was serving and nothing in the text points to another court.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.annotate.court_table import (
    CIRCUIT_STATES,
    courts_in_state,
    is_federal_appeals_court,
    is_federal_trial_court,
    state_for_court,
)
from bot.annotate.names import given_names_agree, name_key
from bot.annotate.register import JudgeRegister
from bot.models import JudicialService, RegisterJudge

# Title classes a mention can have.
JUSTICE, CIRCUIT, DISTRICT, ANY, NOT_ARTICLE_III = (
    "justice", "circuit", "district", "judge", "not_article_iii"
)  # fmt: skip


@dataclass(frozen=True)
class Mention:
    """What the text says about one judge."""

    surname: str
    given: tuple[str, ...] = ()
    title: str = ANY  # one of the classes above
    retired: bool = False  # "retired Justice Breyer", "former Judge Luttig"


@dataclass(frozen=True)
class Evidence:
    """What points to a court. `day`: YYYY-MM-DD the text was written, or None."""

    day: str | None = None
    near: tuple[str, ...] = ()  # court ids written by the name
    linked: tuple[str, ...] = ()  # a linked document's or docket's court
    elsewhere: tuple[str, ...] = ()  # other courts in the text and its thread
    docket_assigned_to: str = ""
    # a state court is named by the name: "Wisconsin Supreme Court Justice Rebecca Bradley"
    state_court: bool = False


@dataclass(frozen=True)
class Resolution:
    judge: RegisterJudge | None
    method: str  # docket, court, linked, thread_court, unique; or why not: ambiguous, …
    candidates: int
    court_id: str = ""  # the court the judge sat on then, when resolved


def resolve_judge(mention: Mention, evidence: Evidence, register: JudgeRegister) -> Resolution:
    if mention.title == NOT_ARTICLE_III or (evidence.state_court and mention.title != CIRCUIT):
        return Resolution(None, "not_article_iii", 0)
    candidates = list(candidates_for(mention, register))
    if not candidates:
        return Resolution(None, "not_in_register", 0)
    candidates = [j for j in candidates if _given_fit(mention, j)]
    if not candidates:
        return Resolution(None, "given_names_differ", 0)
    day = None if mention.retired else evidence.day
    services = {j.id: _services(j, day, mention.title) for j in candidates}
    candidates = [j for j in candidates if services[j.id]]
    if not candidates:
        return Resolution(None, "not_serving", 0)

    resolution = _by_evidence(mention, evidence, candidates, services)
    if resolution.judge is None:
        return resolution
    seat = services[resolution.judge.id][-1]
    return Resolution(resolution.judge, resolution.method, resolution.candidates, seat.court_id)


def _by_evidence(
    mention: Mention,
    evidence: Evidence,
    candidates: list[RegisterJudge],
    services: dict[str, list[JudicialService]],
) -> Resolution:
    if evidence.docket_assigned_to:
        assigned = _assigned(evidence.docket_assigned_to, candidates)
        if assigned is not None:
            return Resolution(assigned, "docket", len(candidates))

    def on(courts: Iterable[str]) -> list[RegisterJudge]:
        wanted = set(courts)
        return [j for j in candidates if any(s.court_id in wanted for s in services[j.id])]

    if mention.title == JUSTICE:
        # a justice sits on one court; other courts near the name are earlier seats ("first
        # appointed to the D.C. Circuit") or the courts below
        return _one(candidates, "unique", len(candidates))
    if evidence.near:
        return _one(on(evidence.near), "court", len(candidates))
    if evidence.linked:
        linked = on(evidence.linked)
        if len(linked) == 1:
            return Resolution(linked[0], "linked", len(candidates))
    weak = _widen(court for court in [*evidence.elsewhere, *evidence.linked] if _regional(court))
    if weak:
        return _one(on(weak), "thread_court", len(candidates))
    return _one(candidates, "unique", len(candidates))


def candidates_for(mention: Mention, register: JudgeRegister) -> tuple[RegisterJudge, ...]:
    """Judges whose last name is the mention's surname, or its last two words: "LaShann
    DeArcy Hall" finds the register's "DeArcy Hall" as well as every Hall."""
    found = register.by_surname(mention.surname)
    if mention.given:
        longer = register.by_surname(f"{mention.given[-1]} {mention.surname}")
        if longer:
            # the given name that is part of the last name must not be asked to match
            return longer
    return found


def _regional(court_id: str) -> bool:
    """A court that says where a judge sits: a district, a circuit, a state's court. The
    Supreme Court, the Federal Circuit and the national trial courts say nothing of where
    a district judge named beside them sits."""
    return court_id not in ("scotus", "cafc", "cit", "uscfc", "cc", "cusc", "ccpa")


def _given_fit(mention: Mention, judge: RegisterJudge) -> bool:
    last = {name_key(part) for part in judge.last.split()}
    given = [word for word in mention.given if name_key(word) not in last]
    return given_names_agree(given, judge.first, judge.middle)


def _one(candidates: list[RegisterJudge], method: str, among: int) -> Resolution:
    if len(candidates) == 1:
        return Resolution(candidates[0], method, among)
    if not candidates:
        return Resolution(None, "no_candidate_on_court", among)
    return Resolution(None, "ambiguous", len(candidates))


def _services(judge: RegisterJudge, day: str | None, title: str) -> list[JudicialService]:
    services = [s for s in judge.service if day is None or s.serves_on(day)]
    if title == JUSTICE:
        return [s for s in services if s.court_id == "scotus"]
    if title == CIRCUIT:
        return [s for s in services if is_federal_appeals_court(s.court_id)]
    if title == DISTRICT:
        return [s for s in services if is_federal_trial_court(s.court_id)]
    return services


def _widen(courts: Iterable[str]) -> set[str]:
    """Courts that other courts named in a thread make plausible: a district's circuit and
    a circuit's districts (appeals travel between them), a state's courts."""
    widened: set[str] = set()
    for court in courts:
        widened.add(court)
        state = state_for_court(court)
        for circuit, states in CIRCUIT_STATES.items():
            if court == circuit:
                for name in states:
                    widened.update(courts_in_state(name))
            elif state and state in states:
                widened.add(circuit)
    return widened


def _assigned(assigned_to: str, candidates: list[RegisterJudge]) -> RegisterJudge | None:
    words = _name_words(assigned_to)
    matching = [j for j in candidates if words and _names(words, j)]
    return matching[0] if len(matching) == 1 else None


def _names(words: list[str], judge: RegisterJudge) -> bool:
    """Do these words (given names, then the last name) name this judge?"""
    last = {name_key(part) for part in judge.last.split()} | {name_key(judge.last)}
    if name_key(words[-1]) not in last and name_key(" ".join(words[-2:])) not in last:
        return False
    given = [word for word in words if name_key(word) not in last]
    return given_names_agree(given, judge.first, judge.middle)


_TITLE_WORDS = frozenset(
    [
        "hon", "honorable", "judge", "chief", "senior", "magistrate", "district", "circuit", "us",
        "u.s.", "the"
    ]
)  # fmt: skip


def _name_words(assigned_to: str) -> list[str]:
    """ "Chief Judge James E. Boasberg", "Boasberg, James E." → ["James", "E.", "Boasberg"]."""
    text = assigned_to.strip()
    if "," in text:
        last, _, rest = text.partition(",")
        text = f"{rest} {last}"
    words = [w for w in text.split() if w.casefold().strip(".") not in _TITLE_WORDS]
    return [w for w in words if w.rstrip(".,") not in ("Jr", "Sr", "II", "III", "IV")]


def match_assigned_to(
    assigned_to: str, register: JudgeRegister, *, court_id: str = "", on: str | None = None
) -> RegisterJudge | None:
    """The register judge a docket's `assigned_to` names ("James E. Boasberg", "Boasberg,
    James E."), or None unless exactly one fits its name, its court and the day `on`."""
    words = _name_words(assigned_to)
    if not words:
        return None
    candidates = list(register.by_surname(words[-1]))
    if len(words) >= 2:
        candidates += [j for j in register.by_surname(" ".join(words[-2:])) if j not in candidates]
    candidates = [
        j for j in candidates
        if _names(words, j)
        and (not court_id or any(s.court_id == court_id for s in j.service))
        and (on is None or any(s.serves_on(on) for s in j.service))
    ]  # fmt: skip
    return candidates[0] if len(candidates) == 1 else None
