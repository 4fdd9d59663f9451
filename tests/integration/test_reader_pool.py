"""Documents read in worker processes: hostile PDFs stop at their limits with the pages read so
far and a sentence saying why, and the pool keeps reading the next document."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil
import pytest

from bot.documents.extract import ExtractError, pdf_text
from bot.documents.limits import MiB, ReadLimits, ReadResult
from bot.documents.pool import PoolClosed, ReaderPool

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts" / "sandbox"))
import hostile_files as hostile
from fixtures import SAMPLE_ARTICLE, SAMPLE_ORDER, article_html, court_order_pdf

# small limits keep the tests quick; the hostile files exceed them many times over
QUICK = ReadLimits(timeout=20, max_memory=256 * MiB, max_text=50_000, max_pages=100)


@pytest.fixture
def files(tmp_path: Path) -> Callable[[str, bytes | str], Path]:
    def write(name: str, data: bytes | str) -> Path:
        path = tmp_path / name
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        return path

    return write


@pytest.fixture
def pool() -> Iterator[ReaderPool]:
    with ReaderPool(QUICK, workers=2) as readers:
        yield readers


@pytest.fixture
def order(files: Callable[[str, bytes], Path]) -> Path:
    return files("order.pdf", court_order_pdf(**SAMPLE_ORDER))


def read(pool: ReaderPool, path: Path, **limits: float) -> ReadResult:
    return asyncio.run(pool.read_pdf(path, ReadLimits(**{**QUICK.__dict__, **limits})))


def wait_until(condition: Callable[[], bool], what: str) -> None:
    """Poll for something the workers do in their own time (a bounded wait, not a timing
    assertion: the pytest timeout is the real backstop)."""
    for _ in range(1200):
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"never happened: {what}")


# -- ordinary documents -----------------------------------------------------------------------


def test_a_normal_court_order_reads_completely_and_as_pdf_text_reads_it(pool, order):
    result = read(pool, order)

    expected = pdf_text(order.read_bytes())
    assert result.complete is True
    assert result.limit_reason is None
    assert result.text == expected.text
    assert "SO ORDERED." in result.text
    assert (result.page_count, result.pages_read) == (3, 3)
    assert result.title == "MEMORANDUM OPINION AND ORDER"


def test_an_article_is_read_in_a_worker(pool, files):
    page = files("story.html", article_html(**SAMPLE_ARTICLE))

    result = asyncio.run(pool.read_article(page, SAMPLE_ARTICLE["url"], "utf-8"))

    assert result.complete is True
    assert result.title == "Judge blocks USDA from ending rural water grants"
    assert result.author == "Dana Whitlock"
    assert result.published == "2026-02-03"
    assert SAMPLE_ARTICLE["paragraphs"][-1] in result.text


def test_damaged_and_mislabelled_files_are_still_one_sentence_errors(pool, files, order):
    truncated = files("truncated.pdf", order.read_bytes()[: order.stat().st_size // 2])
    web_page = files("login.pdf", b"<!DOCTYPE html>\n<html><title>Sign in</title></html>")

    with pytest.raises(ExtractError, match=r"^the PDF is damaged"):
        read(pool, truncated)
    with pytest.raises(ExtractError) as caught:
        read(pool, web_page)
    assert str(caught.value) == "not a PDF (starts with '<!DOCTYPE html>')"
    assert read(pool, order).complete  # a refused file costs the worker nothing


def test_only_the_first_max_pages_are_read_and_the_reason_says_so(pool, files):
    pdf = files("five.pdf", hostile.text_pdf([f"Text of page {n}" for n in range(1, 6)]))

    result = read(pool, pdf, max_pages=2)

    assert result.text == "Text of page 1\n\nText of page 2"
    assert result.complete is False
    assert result.limit_reason == "only the first 2 of 5 pages were read (page limit)"
    assert (result.page_count, result.pages_read) == (5, 2)


# -- hostile documents ------------------------------------------------------------------------


def test_the_text_bomb_is_cut_at_the_text_cap_inside_its_first_page(pool, files):
    bomb = files("bomb.pdf", hostile.text_bomb_pdf(pages=10, operators=200_000))
    assert bomb.stat().st_size < 8 * 1024

    result = read(pool, bomb)

    assert result.text == "x" * 50_000
    assert result.complete is False
    assert result.limit_reason == "text cut at 50,000 characters; 1 of 10 pages read"
    assert result.page_count == 10


def test_a_time_limit_keeps_the_pages_read_before_it(pool, files):
    quick = ["First page of the order.", "Second page.", "Third page, then the slow ones."]
    pdf = files("slow.pdf", hostile.slow_tail_pdf(quick, slow_pages=7))

    result = read(pool, pdf, timeout=2, max_text=2_000_000)

    assert result.text == "\n\n".join(quick)
    assert result.complete is False
    assert result.limit_reason == (
        "text extraction stopped after 2 s (time limit); 3 of 10 pages read"
    )
    assert (result.page_count, result.pages_read) == (10, 3)


def test_a_page_too_slow_to_read_is_killed_and_the_next_document_reads(pool, files, order):
    bomb = files("bomb.pdf", hostile.text_bomb_pdf())
    wait_until(lambda: len(pool.worker_pids()) == 2, "both workers started")
    before = set(pool.worker_pids())

    result = read(pool, bomb, timeout=1, max_text=2_000_000)

    assert result.text == ""
    assert result.limit_reason == (
        "text extraction stopped after 1 s (time limit); 0 of 10 pages read"
    )
    wait_until(lambda: len(pool.worker_pids()) == 2, "the killed worker replaced")
    killed = before - set(pool.worker_pids())
    assert len(killed) == 1
    assert not psutil.pid_exists(killed.pop())
    assert read(pool, order).complete


def test_a_slow_article_is_stopped_at_its_time_limit(pool, files):
    page = files("crowded.html", hostile.slow_article_html())

    limits = ReadLimits(**{**QUICK.__dict__, "timeout": 0.5})
    result = asyncio.run(pool.read_article(page, SAMPLE_ARTICLE["url"], None, limits))

    assert (result.text, result.complete) == ("", False)
    assert result.limit_reason == "article extraction stopped after 0.5 s (time limit)"


def test_a_memory_hog_is_stopped_by_the_memory_limit_and_its_worker_replaced(files, order):
    hog = files("hog.pdf", hostile.memory_hog_pdf(forms=8))
    with ReaderPool(QUICK, workers=1) as pool:
        wait_until(lambda: len(pool.worker_pids()) == 1, "the worker started")
        [first] = pool.worker_pids()

        result = read(pool, hog, max_memory=200 * MiB)

        assert result.complete is False
        assert result.limit_reason == "the PDF needed more than 200 MB to read; 0 of 1 pages read"
        assert not psutil.pid_exists(first)
        # the same limit does not stop an ordinary order, in the worker that replaced it
        again = read(pool, order, max_memory=200 * MiB)
        assert again.complete
        assert pool.worker_pids() != [first]


def test_a_worker_killed_from_outside_fails_its_document_not_the_pool(pool, files, order):
    bomb = files("bomb.pdf", hostile.text_bomb_pdf())
    limits = ReadLimits(**{**QUICK.__dict__, "timeout": 120, "max_text": 2_000_000})

    pending = pool.submit_pdf(bomb, limits)
    wait_until(lambda: len(pool.busy_pids()) == 1, "the bomb being read")
    [victim] = pool.busy_pids()
    os.kill(victim, signal.SIGKILL)  # as the kernel's OOM killer would
    result = pending.result()

    assert (result.text, result.complete) == ("", False)
    # "; 0 of 10 pages read" follows when the kill came after the file opened
    assert (result.limit_reason or "").startswith(
        "the PDF reader stopped unexpectedly (killed by SIGKILL)"
    )
    assert read(pool, order).text == pdf_text(order.read_bytes()).text


def test_two_documents_are_read_at_the_same_time_in_two_workers(pool, files):
    bomb = files("bomb.pdf", hostile.text_bomb_pdf())
    limits = ReadLimits(**{**QUICK.__dict__, "timeout": 120, "max_text": 2_000_000})

    first, second = pool.submit_pdf(bomb, limits), pool.submit_pdf(bomb, limits)
    wait_until(lambda: len(pool.busy_pids()) == 2, "both bombs being read")

    busy = pool.busy_pids()
    assert len(set(busy)) == 2
    assert all(psutil.Process(pid).status() != psutil.STATUS_ZOMBIE for pid in busy)
    pool.close()  # stops both mid-page
    for pending in (first, second):
        with pytest.raises(PoolClosed):
            pending.result()


def test_documents_past_the_queue_wait_for_room_and_are_all_read(files, order):
    bomb = files("bomb.pdf", hostile.text_bomb_pdf())
    long = ReadLimits(**{**QUICK.__dict__, "timeout": 120, "max_text": 2_000_000})

    async def three(pool: ReaderPool) -> list[ReadResult]:
        slow = asyncio.ensure_future(pool.read_pdf(bomb, long))
        queued = asyncio.ensure_future(pool.read_pdf(order))
        waiting = asyncio.ensure_future(pool.read_pdf(order))
        while len(pool.busy_pids()) < 1 or pool.queued() < 1:
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.2)
        assert pool.queued() == 1  # the third waits outside the full queue
        assert not waiting.done()
        os.kill(pool.busy_pids()[0], signal.SIGKILL)
        return list(await asyncio.gather(slow, queued, waiting))

    with ReaderPool(QUICK, workers=1, queue_size=1) as pool:
        slow, queued, waiting = asyncio.run(three(pool))

    assert "stopped unexpectedly" in (slow.limit_reason or "")
    assert queued.complete and waiting.complete
    assert "SO ORDERED." in waiting.text


def test_the_pool_shuts_down_without_leaving_processes_or_threads(order):
    before = {child.pid for child in psutil.Process().children(recursive=True)}
    pool = ReaderPool(QUICK, workers=2)
    pool.start()
    assert read(pool, order).complete
    wait_until(lambda: len(pool.worker_pids()) == 2, "both workers started")
    workers = pool.worker_pids()

    pool.close()

    assert not any(psutil.pid_exists(pid) for pid in workers)
    assert multiprocessing.active_children() == []
    # what may stay is multiprocessing's one resource tracker, which exits with this process
    left = [c for c in psutil.Process().children(recursive=True) if c.pid not in before]
    assert all("resource_tracker" in " ".join(c.cmdline()) for c in left)
    assert not [t for t in threading.enumerate() if t.name.startswith("document-reader")]
    with pytest.raises(PoolClosed):
        read(pool, order)
