"""The annotate package's contract: entry points, the annotators' registry, what every
annotation records, and that it is pure (same input, same output)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import bot.annotate
import bot.daemon.court_filter
from bot.annotate import ANNOTATORS, annotate_document, annotate_post, annotate_thread
from bot.annotate.base import Annotator, Subject
from bot.annotate.register import load_register
from bot.models import Annotation, AnnotationContext, Link, Post

POST = (
    "NEW: Judge Kate Menendez (D. Minn.), a Biden appointee, granted a TRO in Doe v. Noem, "
    "0:26-cv-00412, citing 8 U.S.C. § 1225. The case is about ICE detention."
)


def test_every_kind_is_found_in_one_post_with_its_annotator_and_version():
    found = annotate_post(POST, AnnotationContext(subject_id="at://post/1", posted_at="2026-01-30"))

    kinds = [a.kind for a in found]
    assert kinds == sorted(kinds, key=["judge", "appointed_by", "court", "outcome", "case_name",
                                       "docket_number", "citation", "topic"].index)  # fmt: skip
    assert set(kinds) == {a.kind for a in ANNOTATORS}
    for annotation in found:
        assert annotation.subject_type == "post"
        assert annotation.subject_id == "at://post/1"
        assert annotation.annotator == f"{annotation.kind}/1"
        assert POST[annotation.start : annotation.end] == annotation.value
        assert 0 < annotation.confidence <= 1


def test_a_document_is_annotated_as_a_document():
    found = annotate_document(POST, AnnotationContext(subject_id="sha256:abc"))

    assert {a.subject_type for a in found} == {"document"}
    assert {a.subject_id for a in found} == {"sha256:abc"}


def test_the_same_input_gives_the_same_annotations():
    context = AnnotationContext(posted_at="2026-01-30")

    assert annotate_post(POST, context) == annotate_post(POST, context)


def test_the_registry_is_one_line_per_kind_each_with_a_name_and_version():
    assert [a.kind for a in ANNOTATORS] == [
        "court", "docket_number", "case_name", "judge", "appointed_by", "citation", "outcome",
        "topic",
    ]  # fmt: skip
    assert all(a.name == f"{a.kind}/{a.version}" for a in ANNOTATORS)


def test_an_annotator_sees_what_those_before_it_found():
    seen: list[tuple[str, ...]] = []

    def count_courts(subject: Subject) -> list[Annotation]:
        seen.append(tuple(a.normalized for a in subject.of_kind("court")))
        return [SHOUT.annotation(subject, 0, 3, "NEW", 1.0)]

    SHOUT = Annotator(kind="shout", version="7", run=count_courts)
    context = AnnotationContext()
    subject = Subject(text="NEW: in D. Minn.", context=context, register=load_register())
    for annotator in (*ANNOTATORS[:1], SHOUT):
        subject = Subject(subject.text, subject.context, subject.register,
                          subject.found + tuple(annotator.run(subject)))  # fmt: skip

    assert seen == [("mnd",)]
    assert subject.of_kind("shout")[0].annotator == "shout/7"


def test_a_thread_passes_judges_and_courts_on_and_sets_each_posts_id_and_time():
    posts = [
        Post(id="p1", platform="bluesky", author_id="a", created_at="2026-02-10T01:00:00Z",
             text="Judge Brasel has denied the motion to dismiss.",
             links=[Link(url="https://storage.courtlistener.com/recap/gov.uscourts.mnd.9/"
                             "gov.uscourts.mnd.9.1.0.pdf", origin="facet")]),
        Post(id="p2", platform="bluesky", author_id="a", created_at="2026-02-10T01:05:00Z",
             text="Brassel wrote that the refugees were vetted."),
        Post(id="p3", platform="bluesky", author_id="a", status="deleted"),
    ]  # fmt: skip

    first, second, third = annotate_thread(posts, AnnotationContext())

    assert [a.normalized for a in first if a.kind == "judge"] == ["fjc:5153461"]
    [judge] = [a for a in second if a.kind == "judge"]
    assert (judge.normalized, judge.details["misspelling_of"]) == ("fjc:5153461", "Brasel")
    assert {a.subject_id for a in second} == {"p2"}
    assert third == []


def test_no_text_no_annotations():
    assert annotate_post("", AnnotationContext()) == []


MODULES = [
    importlib.import_module(f"bot.annotate.{info.name}")
    for info in pkgutil.iter_modules(bot.annotate.__path__)
    if info.name != "data"
]


@pytest.mark.parametrize(
    "module", [bot.annotate, bot.daemon.court_filter, *MODULES], ids=lambda m: m.__name__
)
def test_the_examples_in_the_docstrings_hold(module):
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)

    assert result.failed == 0
