"""Reading a PDF page by page under a text cap, and the sentences that say why a document's
text is partial: what a reader of the archive sees next to a cut document."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from bot.documents import extract
from bot.documents.extract import Article, ExtractError, PdfPages, pdf_text
from bot.documents.limits import MiB, ReadLimits, article_result, pdf_result

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts" / "sandbox"))
import hostile_files as hostile
from fixtures import SAMPLE_ORDER, court_order_pdf

LIMITS = ReadLimits(timeout=30, max_memory=512 * MiB, max_text=100, max_pages=2000)


# -- PdfPages ---------------------------------------------------------------------------------


def test_pages_read_one_by_one_join_to_what_pdf_text_reads():
    order = court_order_pdf(**SAMPLE_ORDER)
    pdf = PdfPages(io.BytesIO(order))  # an open file, as the workers read them

    pages = [pdf.page(number, max_chars=2_000_000) for number in range(pdf.page_count)]

    assert not any(page.cut for page in pages)
    assert "\n\n".join(page.text or "" for page in pages) == pdf_text(order).text
    assert pdf.title == "MEMORANDUM OPINION AND ORDER"


def test_a_page_of_20000_strings_is_stopped_at_the_cap():
    pdf = PdfPages(hostile.text_bomb_pdf(pages=2, operators=20_000))

    page = pdf.page(0, max_chars=1_000)

    assert (page.text, page.cut) == ("x" * 1_000, True)
    assert pdf.page_count == 2


def test_a_capped_page_is_not_interpreted_past_the_cap(monkeypatch):
    # what makes the cap cheap: pypdf's time goes into interpreting each operator, and it
    # calls the reader's visitor once for each operator it interprets
    interpreted: list[bytes] = []
    monkeypatch.setattr(extract, "_ignore", lambda operator, *_: interpreted.append(operator))
    pdf = PdfPages(hostile.text_bomb_pdf(pages=1, operators=20_000))

    assert pdf.page(0, max_chars=1_000).cut
    assert interpreted.count(b"Tj") == 1_001  # the one that crossed the cap, and no more
    interpreted.clear()
    assert not pdf.page(0, max_chars=20_000).cut
    assert interpreted.count(b"Tj") == 20_000


def test_a_page_under_the_cap_is_not_cut():
    pdf = PdfPages(hostile.text_pdf(["Short page.", "Another."]))
    assert pdf.page(1, max_chars=8) == pdf.page(1) == type(pdf.page(1))("Another.", False)


def test_a_pdf_after_some_junk_opens_from_a_file_too():
    order = court_order_pdf(**SAMPLE_ORDER)
    pdf = PdfPages(io.BytesIO(b"\r\n" + b" " * 500 + order))
    assert pdf.page_count == 3
    assert "SO ORDERED." in (pdf.page(2).text or "")


@pytest.mark.parametrize(
    ("data", "sentence"),
    [
        (b"", "the file is empty"),
        (b"GIF89a....", "not a PDF (starts with 'GIF89a....')"),
    ],
)
def test_a_file_that_is_not_a_pdf_is_refused_with_the_usual_sentence(data, sentence):
    with pytest.raises(ExtractError) as caught:
        PdfPages(io.BytesIO(data))
    assert str(caught.value) == sentence


# -- what a limit leaves ----------------------------------------------------------------------


def test_pages_read_to_the_end_are_complete():
    result = pdf_result(
        ["One.", None, "", "Four."], page_count=4, title="T", stop=None, limits=LIMITS
    )
    assert (result.text, result.complete, result.limit_reason) == ("One.\n\nFour.", True, None)
    assert (result.page_count, result.pages_read, result.title) == (4, 4, "T")


@pytest.mark.parametrize(
    ("stop", "crash", "sentence"),
    [
        ("time", "", "text extraction stopped after 30 s (time limit); 3 of 10 pages read"),
        ("memory", "", "the PDF needed more than 512 MB to read; 3 of 10 pages read"),
        ("text", "", "text cut at 100 characters; 3 of 10 pages read"),
        (
            "crash",
            "killed by SIGSEGV",
            "the PDF reader stopped unexpectedly (killed by SIGSEGV); 3 of 10 pages read",
        ),
        ("pages", "", "only the first 3 of 10 pages were read (page limit)"),
    ],
)
def test_each_limit_is_named_in_one_sentence(stop, crash, sentence):
    result = pdf_result(
        ["a", "b", "c"], page_count=10, title="", stop=stop, limits=LIMITS, crash=crash
    )
    assert (result.text, result.complete) == ("a\n\nb\n\nc", False)
    assert result.limit_reason == sentence


def test_a_reader_stopped_before_the_file_opened_counts_no_pages():
    result = pdf_result([], page_count=None, title="", stop="time", limits=LIMITS)
    assert result.limit_reason == "text extraction stopped after 30 s (time limit)"
    assert (result.text, result.page_count, result.pages_read) == ("", None, 0)


def test_text_past_the_cap_is_cut_even_if_the_worker_sent_more():
    result = pdf_result(["y" * 80, "z" * 80], page_count=2, title="", stop=None, limits=LIMITS)
    assert result.text == "y" * 80 + "\n\n" + "z" * 18
    assert result.limit_reason == "text cut at 100 characters; 2 of 2 pages read"


def test_an_article_stopped_by_a_limit_has_no_text_and_says_why():
    stopped = article_result(None, "time", ReadLimits(timeout=0.5))
    assert (stopped.text, stopped.complete) == ("", False)
    assert stopped.limit_reason == "article extraction stopped after 0.5 s (time limit)"
    hog = article_result(None, "memory", ReadLimits(max_memory=1024 * MiB))
    assert hog.limit_reason == "the page needed more than 1024 MB to read"


def test_a_long_article_is_cut_at_the_cap_and_keeps_its_metadata():
    story = Article("Ruling", "Dana Whitlock", "2026-02-03", "POLITICO", "w" * 150)
    result = article_result(story, None, LIMITS)
    assert result.text == "w" * 100
    assert result.limit_reason == "text cut at 100 characters"
    assert (result.title, result.author, result.site_name) == (
        "Ruling",
        "Dana Whitlock",
        "POLITICO",
    )
