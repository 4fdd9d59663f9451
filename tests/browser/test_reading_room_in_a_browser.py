"""A reader's path through the reading room in a real browser, on a phone-sized screen: the
home page, a search, a thread, its case, the archived PDF; a thread to its judge's page.
Nothing is loaded from anywhere but the archive, no script of a post or a document runs, and
no page is wider than 360 px."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from reading_room_archive import BOASBERG, ArchiveFacts

PHONE = {"width": 360, "height": 740}


class Reader:
    """A browser tab that remembers every request it made, every dialog and console error."""

    def __init__(self, browser: Any, base: str, viewport: dict[str, int] = PHONE) -> None:
        self.context = browser.new_context(viewport=viewport, accept_downloads=True)
        self.page = self.context.new_page()
        self.base = base
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def open(self, path: str) -> Any:
        return self.page.goto(self.base + path)

    def width(self) -> int:
        return int(self.page.evaluate("document.documentElement.scrollWidth"))

    def shot(self, folder: Path, name: str) -> None:
        self.page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


@pytest.fixture
def reader(browser: Any, server: str) -> Iterator[Reader]:
    tab = Reader(browser, server)
    yield tab
    tab.context.close()


def test_from_the_home_page_to_an_archived_pdf(
    reader: Reader, archive: ArchiveFacts, shots: Path
) -> None:
    page = reader.page
    reader.open("/")
    assert page.locator("h1").inner_text() == "threadbot archive"
    reader.shot(shots, "1-home")

    page.fill("#tb-q", "preliminary injunction")
    page.press("#tb-q", "Enter")
    page.wait_for_url("**/search?q=preliminary+injunction")
    assert page.locator("mark").first.inner_text().lower() in ("preliminary", "injunction")
    reader.shot(shots, "2-search")

    # the post that quotes the order's opening line leads to its thread
    page.locator(".tb-hit-post a", has_text="post 2").first.click()
    page.wait_for_url(f"**/thread/{archive.sample_thread}#post-2")
    assert page.locator(".tb-post").count() == 9
    assert page.locator("#post-8.tb-status-deleted").count() == 1
    reader.shot(shots, "3-thread")

    page.locator(".tb-cases a.tb-title").first.click()
    page.wait_for_url(f"**/case/{archive.docket}")
    assert "Tri-County Water Authority" in page.locator("h1").inner_text()
    assert "Marisol Ortega" in page.locator(".tb-facts").inner_text()
    reader.shot(shots, "4-case")

    order = page.locator(".tb-document-line", has_text="MEMORANDUM OPINION AND ORDER")
    with page.expect_download() as download:  # a headless browser saves what it cannot show
        order.locator("a", has_text="archived copy").click()
    saved = shots / "order.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF-")
    assert download.value.url.endswith(f"/document/{archive.pdf_document}/archived")

    assert all(url.startswith(reader.base) for url in reader.requests), reader.requests
    assert reader.dialogs == [] and reader.errors == []


def test_from_a_thread_to_the_judge_it_names(
    reader: Reader, archive: ArchiveFacts, shots: Path
) -> None:
    page = reader.page
    reader.open("/")
    page.locator(".tb-thread-line a.tb-title", has_text="Chief Judge James Boasberg").click()
    page.wait_for_url(f"**/thread/{archive.judged_thread}")
    # the name as the post wrote it is the link to the judge's page
    page.locator("#post-2 a.mark-judge", has_text="BOASBERG").click()
    page.wait_for_url(f"**/judge/{BOASBERG}")
    assert page.locator("h1").inner_text() == "James Emanuel Boasberg"
    services = page.locator(".tb-services").inner_text()
    assert "District of Columbia" in services and "Barack Obama" in services
    assert "Donald J. Trump" in page.locator("#tb-judge-claims + ul").inner_text()
    assert reader.width() <= PHONE["width"], "the judge page scrolls sideways at 360 px"
    reader.shot(shots, "5-judge")
    assert all(url.startswith(reader.base) for url in reader.requests), reader.requests
    assert reader.errors == []


@pytest.mark.parametrize(
    "path",
    ["/", "/search?q=judge", "thread", "case", "document", "hostile", "judge"],
)
def test_every_page_fits_a_phone(
    reader: Reader, archive: ArchiveFacts, shots: Path, path: str
) -> None:
    path = {
        "thread": f"/thread/{archive.sample_thread}",
        "case": f"/case/{archive.docket}",
        "document": f"/document/{archive.pdf_document}",
        "hostile": f"/document/{archive.hostile_document}",
        "judge": f"/judge/{BOASBERG}",
    }.get(path, path)
    response = reader.open(path)
    assert response is not None and response.status == 200
    assert reader.width() <= PHONE["width"], f"{path} scrolls sideways at 360 px"
    reader.shot(shots, "page")
    assert all(url.startswith(reader.base) for url in reader.requests), reader.requests
    assert reader.errors == []


def test_no_script_of_a_post_or_a_document_runs(reader: Reader, archive: ArchiveFacts) -> None:
    for path in (
        f"/thread/{archive.hostile_thread}",
        f"/document/{archive.hostile_document}",
        "/search?q=jury",
        f"/case/{archive.hostile_docket}",
    ):
        reader.open(path)
        assert reader.page.locator("script").count() == 0
    # the archived HTML itself, opened in the archive's origin: shown, its script blocked
    reader.open(f"/document/{archive.hostile_document}/archived")
    assert reader.page.locator("p").inner_text() == "court text"
    assert reader.page.title() != "pwned"
    assert reader.dialogs == []
