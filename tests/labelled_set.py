"""The hand-labelled annotation set (tests/annotation_set/*.yaml) and how annotations score on it.

Shared by the unit tests that hold the quality thresholds and by
`scripts/bench/annotation_quality.py`, which prints the same figures. See
tests/annotation_set/README.md for what each label means.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.annotate.names import name_key
from bot.models import Annotation, AnnotationContext, Link, Post, Thread

SET_DIR = Path(__file__).parent / "annotation_set"
AUTHOR = "did:plc:labelledreporter0000000"
SET_KINDS = ("court", "case_name", "docket_number", "citation", "outcome", "topic")
_LABEL_OF_KIND = {
    "court": "courts",
    "case_name": "cases",
    "docket_number": "dockets",
    "citation": "citations",
    "outcome": "outcomes",
    "topic": "topics",
}


@dataclass(frozen=True)
class LabelledPost:
    text: str
    links: tuple[str, ...]
    judges: tuple[tuple[str, str | None], ...]
    appointed: tuple[tuple[str, str, bool | None], ...]
    sets: dict[str, frozenset[str]]


@dataclass(frozen=True)
class LabelledThread:
    id: str
    court: bool
    date: str
    posts: tuple[LabelledPost, ...]
    context: dict[str, str] = field(default_factory=dict)

    def thread(self) -> Thread:
        """The thread as the bot would have read it: posts with their links."""
        posts = [
            Post(
                id=f"at://{AUTHOR}/app.bsky.feed.post/{self.id}-{n}",
                platform="bluesky",
                author_id=AUTHOR,
                text=post.text,
                created_at=self.date,
                links=[
                    Link(url=url, origin="facet", display_text=_display(url)) for url in post.links
                ],
            )
            for n, post in enumerate(self.posts)
        ]
        return Thread(root_id=posts[0].id, platform="bluesky", author_id=AUTHOR, posts=posts)

    def annotation_context(self) -> AnnotationContext:
        return AnnotationContext(
            posted_at=self.date,
            docket_assigned_to=self.context.get("docket_assigned_to", ""),
            docket_court_id=self.context.get("docket_court_id", ""),
        )


def load_threads(directory: Path = SET_DIR) -> list[LabelledThread]:
    threads: list[LabelledThread] = []
    for path in sorted(directory.glob("*.yaml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")):
            threads.append(_thread(item))
    ids = Counter(thread.id for thread in threads)
    duplicated = [thread_id for thread_id, n in ids.items() if n > 1]
    if duplicated:
        raise ValueError(f"thread ids used twice: {duplicated}")
    return threads


def _thread(item: dict[str, Any]) -> LabelledThread:
    date = item["date"]
    return LabelledThread(
        id=item["id"],
        court=bool(item["court"]),
        date=date if isinstance(date, str) else date.strftime("%Y-%m-%dT%H:%M:%SZ"),
        posts=tuple(_post(post) for post in item["posts"]),
        context=dict(item.get("context") or {}),
    )


def _post(item: dict[str, Any]) -> LabelledPost:
    return LabelledPost(
        text=" ".join(str(item["text"]).split()),
        links=tuple(item.get("links") or ()),
        judges=tuple((str(name), judge_id) for name, judge_id in item.get("judges") or ()),
        appointed=tuple(
            (str(judge), str(president), conflict)
            for judge, president, conflict in item.get("appointed") or ()
        ),
        sets={
            label: frozenset(str(value) for value in item.get(label) or ())
            for label in _LABEL_OF_KIND.values()
        },
    )


def _display(url: str) -> str:
    """What Bluesky shows for a long link: host and path cut at about 30 characters."""
    bare = url.split("://", 1)[-1]
    return bare if len(bare) <= 30 else bare[:29] + "…"


# --- scoring -------------------------------------------------------------------------------


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Resolution:
    """Judge mentions found in both: how their register ids compare with the labels."""

    mentions: int = 0  # gold mentions the annotator also found
    correct: int = 0  # same id, or both unresolved
    resolved: int = 0  # the annotator gave an id
    resolved_right: int = 0
    resolvable: int = 0  # gold has an id
    wrong: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.correct / self.mentions if self.mentions else 1.0

    @property
    def precision(self) -> float:
        return self.resolved_right / self.resolved if self.resolved else 1.0

    @property
    def recall(self) -> float:
        return self.resolved_right / self.resolvable if self.resolvable else 1.0


@dataclass
class Appointments:
    claims: int = 0  # gold claims plus claims found that match none
    correct: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.correct / self.claims if self.claims else 1.0


@dataclass
class Report:
    posts: int = 0
    kinds: dict[str, Counts] = field(default_factory=dict)
    resolution: Resolution = field(default_factory=Resolution)
    appointments: Appointments = field(default_factory=Appointments)
    misses: dict[str, list[str]] = field(default_factory=dict)

    def miss(self, kind: str, what: str) -> None:
        self.misses.setdefault(kind, []).append(what)


AnnotateThread = Callable[[LabelledThread], list[list[Annotation]]]


def score(threads: Iterable[LabelledThread], annotate: AnnotateThread) -> Report:
    """Compare each post's annotations with its labels. `annotate` gives one list per post."""
    report = Report(kinds={kind: Counts() for kind in ("judge", *SET_KINDS)})
    for thread in threads:
        found_per_post = annotate(thread)
        for n, (post, found) in enumerate(zip(thread.posts, found_per_post, strict=True)):
            where = f"{thread.id}#{n}"
            report.posts += 1
            _score_judges(report, where, post, [a for a in found if a.kind == "judge"])
            _score_appointments(report, where, post, [a for a in found if a.kind == "appointed_by"])
            for kind in SET_KINDS:
                gold = {_norm(kind, value) for value in post.sets[_LABEL_OF_KIND[kind]]}
                got = {_norm(kind, a.normalized) for a in found if a.kind == kind}
                counts = report.kinds[kind]
                counts.tp += len(gold & got)
                counts.fp += len(got - gold)
                counts.fn += len(gold - got)
                for value in sorted(got - gold):
                    report.miss(kind, f"{where} extra {value!r}")
                for value in sorted(gold - got):
                    report.miss(kind, f"{where} missed {value!r}")
    return report


def _norm(kind: str, value: str) -> str:
    if kind == "case_name":
        return " ".join(value.casefold().replace(" vs. ", " v. ").split())
    if kind == "outcome":
        return value.casefold()
    return value


def _surname_key(name: str) -> str:
    return name_key(name.split()[-1]) if name.split() else ""


def _score_judges(report: Report, where: str, post: LabelledPost, found: list[Annotation]) -> None:
    counts = report.kinds["judge"]
    remaining = list(found)
    for name, gold_id in post.judges:
        match = next(
            (
                a
                for a in remaining
                if _surname_key(a.details.get("surname", a.value)) == _surname_key(name)
            ),
            None,
        )
        if match is None:
            counts.fn += 1
            report.miss("judge", f"{where} missed {name}")
            continue
        remaining.remove(match)
        counts.tp += 1
        got_id = match.details.get("register_id") or None
        res = report.resolution
        res.mentions += 1
        res.resolvable += gold_id is not None
        if got_id is not None:
            res.resolved += 1
            res.resolved_right += got_id == gold_id
        if got_id == gold_id:
            res.correct += 1
        elif got_id is not None:
            res.wrong.append(f"{where} {name}: {got_id} instead of {gold_id}")
        else:
            report.miss(
                "resolution",
                f"{where} {name}: unresolved ({match.details.get('resolution')}, "
                f"{match.details.get('candidates')} candidates), label {gold_id}",
            )
    for extra in remaining:
        counts.fp += 1
        report.miss("judge", f"{where} extra {extra.value!r}")


def _score_appointments(
    report: Report, where: str, post: LabelledPost, found: list[Annotation]
) -> None:
    tally = report.appointments
    remaining = list(found)
    for judge, president, conflict in post.appointed:
        tally.claims += 1
        match = next(
            (
                a
                for a in remaining
                if _surname_key(a.details.get("judge_surname", "")) == _surname_key(judge)
                and a.normalized == president
            ),
            None,
        )
        if match is None:
            got = [(a.details.get("judge_surname"), a.normalized) for a in remaining]
            tally.misses.append(f"{where} {judge}/{president}: found {got}")
            continue
        remaining.remove(match)
        if match.details.get("conflict") == conflict:
            tally.correct += 1
        else:
            tally.misses.append(
                f"{where} {judge}/{president}: conflict {match.details.get('conflict')} "
                f"instead of {conflict}"
            )
    for extra in remaining:
        tally.claims += 1
        tally.misses.append(f"{where} extra claim {extra.value!r} → {extra.normalized}")
