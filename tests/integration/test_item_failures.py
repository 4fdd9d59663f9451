"""The rows a job keeps for the items it failed on (bot/store/jobs.py): each failure waits the
next step of its backoff, the last step used up gives the item up, a success clears it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.store import Store
from bot.store.jobs import clear_item_failure, item_due, item_failure, record_item_failure
from bot.store.status import counts
from bot.timestamps import parse_iso

BACKOFF = [timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2)]
ITEM = "bluesky:court-reporter.test"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "archive.db")
    yield s
    s.close()


def wait_after_last_failure(store: Store, job: str = "watch") -> timedelta | None:
    """The wait the row holds: from the last failure to the next attempt (None: given up)."""
    last, next_at = store.conn.execute(
        "select last_failed_at, next_attempt_at from item_failures where job = ? and item = ?",
        [job, ITEM],
    ).fetchone()
    if next_at is None:
        return None
    wait = parse_iso(next_at) - parse_iso(last)
    return timedelta(seconds=round(wait.total_seconds()))


def first_failed_at(store: Store) -> str:
    return str(store.conn.execute("select first_failed_at from item_failures").fetchone()[0])


def make_due(store: Store) -> None:
    with store.transaction() as conn:
        conn.execute("update item_failures set next_attempt_at = '2000-01-01T00:00:00.000Z'")


def test_each_failure_waits_the_next_step_then_the_item_is_given_up(store: Store) -> None:
    assert item_due(store, "watch", ITEM)  # never failed
    for attempt, step in enumerate(BACKOFF, start=1):
        failure = record_item_failure(store, "watch", ITEM, f"HTTP 503 ({attempt})", BACKOFF)
        assert failure.attempts == attempt
        if attempt == 1:
            started = first_failed_at(store)
        assert wait_after_last_failure(store) == step
        assert not item_due(store, "watch", ITEM)  # waiting
        make_due(store)
        assert item_due(store, "watch", ITEM)

    # every step used: the next failure gives the item up, for good
    failure = record_item_failure(store, "watch", ITEM, "HTTP 503 (4)", BACKOFF)
    assert (failure.attempts, failure.next_attempt_at) == (4, None)
    assert wait_after_last_failure(store) is None
    assert not item_due(store, "watch", ITEM)
    assert item_failure(store, "watch", ITEM) == failure  # the latest error, as recorded
    assert first_failed_at(store) == started  # when it started failing is kept
    assert (counts(store).items_failing, counts(store).items_given_up) == (0, 1)


def test_a_success_clears_the_item_and_it_starts_again_from_the_first_step(
    store: Store,
) -> None:
    record_item_failure(store, "watch", ITEM, "HTTP 503", BACKOFF)
    record_item_failure(store, "watch", ITEM, "HTTP 503", BACKOFF)
    assert counts(store).items_failing == 1
    clear_item_failure(store, "watch", ITEM)
    assert item_failure(store, "watch", ITEM) is None
    assert item_due(store, "watch", ITEM)
    assert counts(store).items_failing == 0
    # a new run of failures starts from the first step, not where the last one stopped
    assert record_item_failure(store, "watch", ITEM, "HTTP 502", BACKOFF).attempts == 1
    assert wait_after_last_failure(store) == BACKOFF[0]


def test_items_are_kept_apart_by_job(store: Store) -> None:
    record_item_failure(store, "watch", ITEM, "HTTP 503", BACKOFF)
    assert item_due(store, "refresh", ITEM)  # the same name under another job never failed
    clear_item_failure(store, "refresh", ITEM)  # clearing what never failed changes nothing
    failure = item_failure(store, "watch", ITEM)
    assert failure is not None and failure.attempts == 1


def test_no_archive_yet_means_nothing_failed(tmp_path: Path) -> None:
    store = Store(tmp_path / "archive.db")
    assert item_failure(store, "watch", ITEM) is None
    assert item_due(store, "watch", ITEM)
    assert not (tmp_path / "archive.db").exists()  # asking created no archive
