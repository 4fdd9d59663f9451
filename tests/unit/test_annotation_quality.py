"""The quality targets, held on the hand-labelled set (tests/annotation_set/).

Figures on a fixed set, not timings: the same code gives the same figures. They are the
targets the annotator was built to; `scripts/bench/annotation_quality.py` prints them all,
with the held-out set's and the speed, and `--misses` lists every disagreement.
"""

from __future__ import annotations

import pytest
from labelled_set import LabelledThread, Report, load_threads, score

from bot.annotate import annotate_thread
from bot.daemon.court_filter import is_court_thread, score_thread
from bot.models import Annotation


def annotate(thread: LabelledThread) -> list[list[Annotation]]:
    return annotate_thread(thread.thread().posts, thread.annotation_context())


@pytest.fixture(scope="module")
def threads() -> list[LabelledThread]:
    return load_threads()


@pytest.fixture(scope="module")
def report(threads: list[LabelledThread]) -> Report:
    return score(threads, annotate)


def test_the_set_is_large_enough_and_has_hard_negatives(threads, report):
    assert report.posts >= 150
    assert len(threads) >= 150
    assert sum(not t.court for t in threads) >= 50
    judges = [j for t in threads for p in t.posts for j in p.judges]
    assert sum(judge_id is None for _name, judge_id in judges) >= 20  # magistrates, new judges


def test_judges_f1(report):
    assert report.kinds["judge"].f1 >= 0.95, report.misses.get("judge")


def test_appointed_by_accuracy(report):
    assert report.appointments.accuracy >= 0.95, report.appointments.misses


def test_case_name_f1(report):
    assert report.kinds["case_name"].f1 >= 0.90, report.misses.get("case_name")


def test_docket_number_f1(report):
    assert report.kinds["docket_number"].f1 >= 0.98, report.misses.get("docket_number")


def test_register_resolution_precision_a_wrong_judge_is_worse_than_none(report):
    assert report.resolution.precision >= 0.98, report.resolution.wrong
    assert report.resolution.accuracy >= 0.95


def test_courts_citations_and_outcomes(report):
    assert report.kinds["court"].f1 >= 0.95, report.misses.get("court")
    assert report.kinds["citation"].f1 >= 0.95, report.misses.get("citation")
    assert report.kinds["outcome"].f1 >= 0.85, report.misses.get("outcome")
    assert report.kinds["topic"].f1 >= 0.80, report.misses.get("topic")


def test_court_filter_recall_at_precision(threads):
    kept = {t.id: is_court_thread(score_thread(t.thread())) for t in threads}
    court = [t for t in threads if t.court]
    other = [t for t in threads if not t.court]
    true_positives = sum(kept[t.id] for t in court)
    false_positives = sum(kept[t.id] for t in other)

    recall = true_positives / len(court)
    precision = true_positives / (true_positives + false_positives)
    missed = [t.id for t in court if not kept[t.id]]
    assert recall >= 0.97, missed
    assert precision >= 0.90, [t.id for t in other if kept[t.id]]
