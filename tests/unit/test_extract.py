"""Text out of fetched bytes: court-order PDFs and news article pages, good and bad."""

import hashlib
import io
import random
import sys
import time
from pathlib import Path

import pypdf
import pytest

from bot.documents.extract import (
    MAX_ELEMENTS,
    MAX_HTML_BYTES,
    ExtractError,
    PdfText,
    article_text,
    pdf_text,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts" / "sandbox"))
import fixtures
from fixtures import SAMPLE_ARTICLE, SAMPLE_ORDER, article_html, court_order_pdf

STORY_URL = SAMPLE_ARTICLE["url"]


@pytest.fixture(scope="module")
def order() -> bytes:
    return court_order_pdf(**SAMPLE_ORDER)


@pytest.fixture(scope="module")
def page() -> str:
    return article_html(**SAMPLE_ARTICLE)


def flat(text: str) -> str:
    return " ".join(text.split())


def encrypted(data: bytes, user_password: str) -> bytes:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# -- the PDF fixture and pdf_text -------------------------------------------------------------


def test_the_sample_order_reads_back_page_by_page(order):
    result = pdf_text(order)

    assert result.page_count == 3
    assert result.title == "MEMORANDUM OPINION AND ORDER"
    first, second, last = result.text.split("\n\n")
    for line in [
        "UNITED STATES DISTRICT COURT",
        "FOR THE DISTRICT OF COLUMBIA",
        "TRI-COUNTY WATER AUTHORITY,",
        "DEPARTMENT OF AGRICULTURE,",
        "Civil Action No. 1:26-cv-00412",
        "MEMORANDUM OPINION AND ORDER",
        "Page 1 of 3",
    ]:
        assert line in first
    # the body paragraphs, wrapped into lines, are split between pages 2 and 3; escaped
    # parentheses and a non-ASCII section sign survive the round trip
    paragraphs = SAMPLE_ORDER["paragraphs"]
    assert "(see 7 U.S.C. § 1926(a)(2))." in paragraphs[2]
    for paragraph in paragraphs[:3]:
        assert paragraph in flat(second)
    for paragraph in paragraphs[3:]:
        assert paragraph in flat(last)
    assert last.index("SO ORDERED.") < last.index("/s/ Marisol Ortega")
    assert "MARISOL ORTEGA\nUnited States District Judge" in last
    assert last.endswith("Page 3 of 3")


def test_the_fixture_pdf_is_the_same_bytes_every_time(order):
    again = court_order_pdf(**SAMPLE_ORDER)
    assert hashlib.sha256(again).hexdigest() == hashlib.sha256(order).hexdigest()
    assert b"CreationDate" not in order


def test_the_fixture_writes_exactly_the_pages_asked_for_and_escapes_strings():
    tricky = "A backslash \\ and (nested (parentheses)) stay put, as does “shall”."
    data = court_order_pdf(
        court="United States District Court for the District of Nowhere",
        case_name="In re Example Reservoir Litigation",
        docket_number="3:26-cv-00007",
        judge="Ada Quill",
        title="ORDER (Corrected)",
        pages=5,
        paragraphs=[tricky] + [f"Paragraph {n} of the order." for n in range(2, 10)],
    )

    result = pdf_text(data)

    assert result.page_count == 5
    assert result.title == "ORDER (Corrected)"
    assert tricky in result.text
    assert "IN RE EXAMPLE RESERVOIR LITIGATION" in result.text
    assert result.text.split("\n\n")[-1].count("United States District Judge") == 1


def test_a_one_page_order_fits_its_caption_body_and_signature_on_the_page():
    data = court_order_pdf(**{**SAMPLE_ORDER, "pages": 1})
    result = pdf_text(data)
    assert result.page_count == 1
    assert "Civil Action No. 1:26-cv-00412" in result.text
    assert "within 7 days of this Order" in result.text
    assert result.text.rstrip().endswith("Page 1 of 1")


def test_a_web_page_served_as_a_pdf_is_named_for_what_it_is():
    with pytest.raises(ExtractError) as caught:
        pdf_text(b"<!DOCTYPE html>\n<html><head><title>Sign in</title></head></html>")
    assert str(caught.value) == "not a PDF (starts with '<!DOCTYPE html>')"


def test_a_pdf_header_after_some_junk_is_still_read(order):
    result = pdf_text(b"\r\n" + b" " * 500 + order)
    assert result.page_count == 3
    assert "SO ORDERED." in result.text


def test_a_pdf_header_past_the_first_kilobyte_is_not_a_pdf(order):
    with pytest.raises(ExtractError, match="not a PDF"):
        pdf_text(b" " * 2000 + order)


@pytest.mark.parametrize("reader", [pdf_text, lambda data: article_text(data, STORY_URL)])
def test_an_empty_file_is_an_extract_error(reader):
    with pytest.raises(ExtractError):
        reader(b"")


def test_a_pdf_locked_with_a_password_is_refused_as_encrypted(order):
    with pytest.raises(ExtractError, match="encrypted"):
        pdf_text(encrypted(order, user_password="water"))


def test_a_pdf_encrypted_with_an_empty_password_is_read(order):
    result = pdf_text(encrypted(order, user_password=""))
    assert result.page_count == 3
    assert "SO ORDERED." in result.text


def test_a_pdf_with_a_damaged_xref_table_is_recovered(order):
    data = bytearray(order)
    table = data.index(b"xref\n0 ")
    for entry in range(3, 8):  # zero the offsets of five objects
        at = table + len(b"xref\n0 11\n") + 20 * entry
        data[at : at + 10] = b"0000000000"
    result = pdf_text(bytes(data))
    assert result.page_count == 3
    assert "SO ORDERED." in result.text


def test_a_truncated_pdf_is_reported_as_damaged(order):
    with pytest.raises(ExtractError, match=r"^the PDF is damaged"):
        pdf_text(order[: len(order) // 2])


def test_corrupt_pdfs_give_text_or_an_extract_error_never_anything_else(order):
    rnd = random.Random(20260203)
    table = order.rindex(b"xref")
    outcomes = {"text": 0, "error": 0}
    for case in range(60):
        data = bytearray(order)
        if case % 3 == 0:  # cut short anywhere
            data = data[: rnd.randrange(8, len(data))]
        elif case % 3 == 1:  # bytes flipped in the xref table and trailer
            for _ in range(6):
                data[rnd.randrange(table, len(data))] = rnd.randrange(256)
        else:  # a run of garbage somewhere in the objects
            start = rnd.randrange(16, table)
            data[start : start + 40] = rnd.randbytes(40)
        try:
            result = pdf_text(bytes(data))
        except ExtractError as e:
            assert "\n" not in str(e) and len(str(e)) <= 220
            outcomes["error"] += 1
        else:
            assert isinstance(result, PdfText)
            outcomes["text"] += 1
    assert outcomes["text"] and outcomes["error"]


def test_a_scan_without_a_text_layer_reads_as_empty_text():
    writer = pypdf.PdfWriter()
    writer.add_blank_page(612, 792)
    writer.add_blank_page(612, 792)
    out = io.BytesIO()
    writer.write(out)
    assert pdf_text(out.getvalue()) == PdfText(text="", page_count=2, title="")


def test_only_the_first_max_pages_are_read_but_all_are_counted(order):
    result = pdf_text(order, max_pages=1)
    assert result.page_count == 3
    assert "Page 1 of 3" in result.text
    assert "SO ORDERED." not in result.text


# -- the article fixture and article_text -----------------------------------------------------

BOILERPLATE = [
    *fixtures.NAV_ITEMS,
    "Sign in",
    "Subscribe",
    fixtures.SIGN_IN_PROMPT,
    fixtures.COOKIE_BANNER,
    "Accept all",
    fixtures.NEWSLETTER_BOX,
    "Docket Dispatch",
    "receive email newsletters",
    "Related",
    *fixtures.RELATED_LINKS,
    fixtures.FOOTER,
    "Capitol Ledger",
    "Privacy Policy",
]


def test_the_article_keeps_the_story_and_its_metadata(page):
    article = article_text(page.encode(), STORY_URL, "utf-8")

    assert article.title == "Judge blocks USDA from ending rural water grants"
    assert article.author == "Dana Whitlock"
    assert article.published == "2026-02-03"
    assert article.site_name == "POLITICO"
    for paragraph in SAMPLE_ARTICLE["paragraphs"]:
        assert paragraph in article.text
    assert not article.text.startswith(article.title)  # the headline is not repeated


def test_the_article_leaves_out_navigation_prompts_and_footer(page):
    text = article_text(page, STORY_URL).text
    leaked = [phrase for phrase in BOILERPLATE if phrase in text]
    assert leaked == []
    assert "By Dana Whitlock" not in text


def test_the_fixture_page_carries_the_boilerplate_it_claims(page):
    # otherwise the test above proves nothing
    for phrase in [fixtures.SIGN_IN_PROMPT, fixtures.NEWSLETTER_BOX, fixtures.FOOTER]:
        assert phrase in page
    assert '"@type": "NewsArticle"' in page
    assert 'property="article:published_time" content="2026-02-03T17:12:00-05:00"' in page


def test_a_pdf_served_as_a_web_page_is_named_for_what_it_is(order):
    with pytest.raises(ExtractError) as caught:
        article_text(order, "https://example.com/order")
    assert str(caught.value) == "a PDF served as a web page"
    with pytest.raises(ExtractError, match="a PDF served as a web page"):
        article_text(order.decode("latin-1"), "https://example.com/order")


def test_a_windows_1252_page_is_decoded_by_its_meta_charset(page):
    data = page.replace('charset="utf-8"', 'charset="windows-1252"').encode("cp1252")
    article = article_text(data, STORY_URL)
    assert "\u201cshall\u201d fund eligible systems" in article.text


def test_the_http_charset_wins_over_the_meta_charset(page):
    data = page.replace('charset="utf-8"', 'charset="shift_jis"').encode("utf-8")
    article = article_text(data, STORY_URL, content_type_charset="UTF-8")
    assert "\u201cshall\u201d" in article.text


def test_latin_1_bytes_declared_as_utf_8_do_not_crash(page):
    data = page.replace("Mayor Irene", "Alcaldesa Iréne").encode("latin-1", errors="replace")
    article = article_text(data, STORY_URL, content_type_charset="utf-8")
    assert "Alcaldesa Ir\ufffdne" in article.text


def test_a_utf_16_page_with_a_byte_order_mark_is_read(page):
    article = article_text(page.encode("utf-16"), STORY_URL)
    assert "\u201cshall\u201d fund eligible systems" in article.text


def test_an_unknown_charset_falls_back_to_utf_8(page):
    article = article_text(page.encode(), STORY_URL, content_type_charset="x-no-such-codec")
    assert article.title == SAMPLE_ARTICLE["title"]


def test_random_bytes_are_an_extract_error_not_a_crash():
    rnd = random.Random(7)
    for _ in range(5):
        with pytest.raises(ExtractError):
            article_text(rnd.randbytes(4096), STORY_URL)


def test_plain_text_is_not_a_web_page():
    with pytest.raises(ExtractError, match="no HTML markup"):
        article_text(b"Just some words, no markup at all.\n" * 50, STORY_URL)


def test_a_page_without_a_story_says_so():
    shell = (
        "<!DOCTYPE html><html><head><title>Loading</title></head><body>"
        '<nav><a href="/">Home</a></nav><div id="app"></div>'
        '<script src="/bundle.js"></script></body></html>'
    )
    with pytest.raises(ExtractError, match=r"^no text could be read from the page$"):
        article_text(shell, STORY_URL)


def test_a_page_over_the_cap_is_refused_quickly(page):
    huge = page.encode().replace(b"</body>", b"<p>filler</p>" * (MAX_HTML_BYTES // 13 + 1))
    started = time.monotonic()
    with pytest.raises(ExtractError, match=r"^page too large to extract \(1\d\.\d MB\)$"):
        article_text(huge, STORY_URL)
    with pytest.raises(ExtractError, match="page too large"):
        article_text(huge.decode(), STORY_URL)
    assert time.monotonic() - started < 1


def test_a_page_with_too_many_elements_is_refused_before_extraction(page):
    # ~1 MB, well under the byte cap, but slow to extract: trafilatura's time grows faster
    # than the element count
    filler = b"<div><p>filler</p></div>" * (MAX_ELEMENTS // 2 + 1)
    crowded = page.encode().replace(b"</body>", filler)
    started = time.monotonic()
    with pytest.raises(
        ExtractError, match=r"^page too complex to extract \(50,0\d\d HTML elements\)$"
    ):
        article_text(crowded, STORY_URL)
    assert time.monotonic() - started < 1


def test_megabytes_of_inline_script_do_not_stop_the_story(page):
    bloated = page.replace("</head>", f"<script>var state = {'1' * 4_000_000};</script></head>")
    article = article_text(bloated, STORY_URL)
    assert SAMPLE_ARTICLE["paragraphs"][-1] in article.text


def test_the_site_name_falls_back_to_the_host():
    bare = (
        "<html><body><article><h1>Water ruling</h1>"
        + "".join(
            f"<p>Paragraph {n} of a story about a water ruling in a small town court, long "
            "enough for an article extractor to keep it.</p>"
            for n in range(6)
        )
        + "</article></body></html>"
    )
    article = article_text(bare, "https://www.example-news.test/2026/02/water")
    assert article.site_name == "example-news.test"
    assert "Paragraph 5 of a story" in article.text
