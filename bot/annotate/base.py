"""The interface every annotator fits: a kind, a version, and a function of one `Subject`.

An annotator reads one post's or one document's text, with what is known about it
(`AnnotationContext`), the judges register, and what the annotators before it in the
registry found (so the judge annotator can use the courts found before it), and returns
the `Annotation`s of its kind. Pure: no network, no disk, no database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.annotate.register import JudgeRegister
from bot.models import Annotation, AnnotationContext


@dataclass(frozen=True)
class Subject:
    """One text to annotate and everything an annotator may use beside it."""

    text: str
    context: AnnotationContext
    register: JudgeRegister
    found: tuple[Annotation, ...] = ()  # by the annotators earlier in the registry

    def of_kind(self, kind: str) -> list[Annotation]:
        return [annotation for annotation in self.found if annotation.kind == kind]


@dataclass(frozen=True)
class Annotator:
    """`kind` it emits, `version` of its rules (bump it when the output changes), `run`."""

    kind: str
    version: str
    run: Callable[[Subject], list[Annotation]]

    @property
    def name(self) -> str:
        """What each annotation records in `annotator`: "judge/1"."""
        return f"{self.kind}/{self.version}"

    def annotation(
        self,
        subject: Subject,
        start: int,
        end: int,
        normalized: str,
        confidence: float,
        details: dict[str, Any] | None = None,
    ) -> Annotation:
        """An annotation of this kind for characters [start, end) of the subject's text."""
        return Annotation(
            kind=self.kind,
            value=subject.text[start:end],
            normalized=normalized,
            start=start,
            end=end,
            confidence=confidence,
            subject_type=subject.context.subject_type,
            subject_id=subject.context.subject_id,
            annotator=self.name,
            details=details or {},
        )
