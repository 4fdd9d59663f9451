"""A CourtListener link names a court, a case, a filing: the archive shows them beside the post.

RECAP storage files, docket pages and opinion pages (and their tabs) are read from the URL
alone; anything else is None. Document and attachment numbers are text, leading zeros kept.
Court ids become the names courts-db gives them.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from bot.links.courtlistener_urls import (
    API_BASE,
    DOMAIN,
    STORAGE_BASE,
    STORAGE_HOSTS,
    WEB_BASE,
    WEB_HOSTS,
    DocketPage,
    OpinionPage,
    StorageDocket,
    StorageDocument,
    court_name,
    courtlistener_court_id,
    parse_courtlistener_url,
)

STORAGE = "https://storage.courtlistener.com"
BUCKET = "https://com-courtlistener-storage.s3-us-west-2.amazonaws.com"


def recap(court: str, case: str, tail: str) -> str:
    return f"recap/gov.uscourts.{court}.{case}/gov.uscourts.{court}.{case}.{tail}"


@pytest.mark.parametrize(
    ("path", "court", "case", "document", "attachment"),
    [
        (recap("dcd", "258148", "1.0.pdf"), "dcd", "258148", "1", "0"),
        (recap("dcd", "258148", "1.0_48.pdf"), "dcd", "258148", "1", "0"),
        (recap("dcd", "258148", "1.0_1.pdf"), "dcd", "258148", "1", "0"),
        (recap("cand", "364265", "812.0_6.pdf"), "cand", "364265", "812", "0"),
        (recap("cand", "433688", "340.1.pdf"), "cand", "433688", "340", "1"),
        (recap("flsd", "521536", "512.7.pdf"), "flsd", "521536", "512", "7"),
        (recap("nysd", "542310", "243.12_2.pdf"), "nysd", "542310", "243", "12"),
        (recap("ca9", "123456", "25.0.pdf"), "ca9", "123456", "25", "0"),
        (recap("nysb", "300001", "1024.3.pdf"), "nysb", "300001", "1024", "3"),
        (recap("nysb-mega", "300001", "7.0.pdf"), "nysb-mega", "300001", "7", "0"),
    ],
)
def test_recap_storage_files_name_court_case_filing_and_attachment(
    path: str, court: str, case: str, document: str, attachment: str
) -> None:
    assert parse_courtlistener_url(f"{STORAGE}/{path}") == StorageDocument(
        court_id=court,
        pacer_case_id=case,
        document_number=document,
        attachment_number=attachment,
        storage_path=path,
    )


@pytest.mark.parametrize(
    "url",
    [
        f"http://storage.courtlistener.com/{recap('dcd', '258148', '1.0.pdf')}",
        f"HTTPS://Storage.CourtListener.com/{recap('dcd', '258148', '1.0.pdf')}",
        f"{STORAGE}/{recap('dcd', '258148', '1.0.pdf')}?download=1#page=2",
        # older links: the site itself, and the bucket behind the storage host
        f"https://www.courtlistener.com/{recap('dcd', '258148', '1.0.pdf')}",
        f"https://courtlistener.com/{recap('dcd', '258148', '1.0.pdf')}",
        f"{BUCKET}/{recap('dcd', '258148', '1.0.pdf')}",
    ],
)
def test_recap_files_are_recognised_on_every_host_and_scheme_they_are_linked_from(
    url: str,
) -> None:
    found = parse_courtlistener_url(url)
    assert isinstance(found, StorageDocument)
    assert (found.court_id, found.pacer_case_id, found.document_number) == ("dcd", "258148", "1")
    assert found.storage_path == recap("dcd", "258148", "1.0.pdf")


def test_old_recap_links_without_a_case_folder_are_recognised() -> None:
    found = parse_courtlistener_url(
        "https://www.courtlistener.com/recap/gov.uscourts.insd.67065.2.0.pdf"
    )
    assert found == StorageDocument(
        court_id="insd",
        pacer_case_id="67065",
        document_number="2",
        attachment_number="0",
        storage_path="recap/gov.uscourts.insd.67065.2.0.pdf",
    )


def test_the_stored_docket_sheet_names_its_case() -> None:
    path = recap("dcd", "258148", "docket.html")
    assert parse_courtlistener_url(f"{STORAGE}/{path}") == StorageDocket(
        court_id="dcd", pacer_case_id="258148", storage_path=path
    )


@pytest.mark.parametrize(
    ("url", "page"),
    [
        (
            "https://www.courtlistener.com/docket/68305931/united-states-v-trump/",
            DocketPage(docket_id=68305931, slug="united-states-v-trump"),
        ),
        (
            "https://www.courtlistener.com/docket/68305931/",
            DocketPage(docket_id=68305931),
        ),
        (
            "https://www.courtlistener.com/docket/68305931",
            DocketPage(docket_id=68305931),
        ),
        (
            "https://courtlistener.com/docket/68305931/united-states-v-trump/",
            DocketPage(docket_id=68305931, slug="united-states-v-trump"),
        ),
        (
            "https://WWW.COURTLISTENER.COM/docket/68305931/united-states-v-trump/",
            DocketPage(docket_id=68305931, slug="united-states-v-trump"),
        ),
        (
            "https://www.courtlistener.com/docket/68305931/united-states-v-trump/?page=2#entry-5",
            DocketPage(docket_id=68305931, slug="united-states-v-trump"),
        ),
        # a docket entry's document, and an attachment of it
        (
            "https://www.courtlistener.com/docket/68305931/5/united-states-v-trump/",
            DocketPage(docket_id=68305931, document_number="5", slug="united-states-v-trump"),
        ),
        (
            "https://www.courtlistener.com/docket/68305931/5/2/united-states-v-trump/",
            DocketPage(
                docket_id=68305931,
                document_number="5",
                attachment_number="2",
                slug="united-states-v-trump",
            ),
        ),
        (
            "https://www.courtlistener.com/docket/68305931/5/",
            DocketPage(docket_id=68305931, document_number="5"),
        ),
        (
            "https://www.courtlistener.com/docket/68305931/5/2/",
            DocketPage(docket_id=68305931, document_number="5", attachment_number="2"),
        ),
        # tabs of the docket page
        (
            "https://www.courtlistener.com/docket/68305931/parties/united-states-v-trump/",
            DocketPage(docket_id=68305931, slug="united-states-v-trump"),
        ),
        (
            "https://www.courtlistener.com/docket/68305931/authorities/united-states-v-trump/",
            DocketPage(docket_id=68305931, slug="united-states-v-trump"),
        ),
    ],
)
def test_docket_pages_name_the_docket_and_the_entry(url: str, page: DocketPage) -> None:
    assert parse_courtlistener_url(url) == page


@pytest.mark.parametrize(
    ("url", "page"),
    [
        (
            "https://www.courtlistener.com/opinion/9502621/trump-v-united-states/",
            OpinionPage(opinion_id=9502621, slug="trump-v-united-states"),
        ),
        (
            "https://www.courtlistener.com/opinion/9502621/",
            OpinionPage(opinion_id=9502621),
        ),
        (
            "https://courtlistener.com/opinion/9502621/trump-v-united-states/authorities/",
            OpinionPage(opinion_id=9502621, slug="trump-v-united-states"),
        ),
    ],
)
def test_opinion_pages_name_the_opinion(url: str, page: OpinionPage) -> None:
    assert parse_courtlistener_url(url) == page


@pytest.mark.parametrize(
    "url",
    [
        "",
        "garbage",
        "storage.courtlistener.com/recap/gov.usco…",  # cut short, no scheme: the caller adds it
        "ftp://storage.courtlistener.com/" + recap("dcd", "1", "1.0.pdf"),
        "https://www.courtlistener.com/",
        "https://www.courtlistener.com/?q=trump",
        "https://www.courtlistener.com/docket/",
        "https://www.courtlistener.com/docket/not-a-number/slug/",
        "https://www.courtlistener.com/docket/1/2/3/4/slug/",
        "https://www.courtlistener.com/docket/1/slug/extra/",
        "https://www.courtlistener.com/opinion/abc/slug/",
        "https://www.courtlistener.com/api/rest/v4/dockets/68305931/",
        "https://www.courtlistener.com/person/1234/some-judge/",
        # storage files that are not RECAP documents
        f"{STORAGE}/pdf/2024/07/01/trump_v._united_states.pdf",
        f"{STORAGE}/{recap('dcd', '258148', '1.pdf')}",
        f"{STORAGE}/{recap('dcd', '258148', 'one.zero.pdf')}",
        f"{STORAGE}/recap/gov.uscourts.dcd.1/gov.uscourts.dcd.2.1.0.pdf",  # another case's folder
        f"{STORAGE}/recap/gov.uscourts.dcd.1/gov.uscourts.cand.1.1.0.pdf",
        # the same path elsewhere
        "https://example.com/" + recap("dcd", "258148", "1.0.pdf"),
        "https://courtlistener.com.evil.example/docket/1/slug/",
        "https://www.politico.com/docket/1/slug/",
    ],
)
def test_other_urls_name_nothing(url: str) -> None:
    assert parse_courtlistener_url(url) is None


@pytest.mark.parametrize(
    ("court_id", "name"),
    [
        ("dcd", "District Court, District of Columbia"),
        ("cadc", "Court of Appeals for the D.C. Circuit"),
        ("ca9", "Court of Appeals for the Ninth Circuit"),
        ("ca1", "Court of Appeals for the First Circuit"),
        ("cand", "United States District Court for the Northern District of California"),
        ("nysd", "District Court, S.D. New York"),
        ("txnd", "District Court, N.D. Texas"),
        ("nysb", "United States Bankruptcy Court, S.D. New York"),
        ("scotus", "Supreme Court of the United States"),
        ("uscfc", "United States Court of Federal Claims"),
        # courts-db stores this one with a leading space
        ("jpml", "United States Judicial Panel on Multidistrict Litigation"),
        # case and surrounding space do not matter
        ("DCD", "District Court, District of Columbia"),
        (" ca9 ", "Court of Appeals for the Ninth Circuit"),
        # PACER ids where CourtListener uses another
        ("azb", "United States Bankruptcy Court, D. Arizona"),
        ("cofc", "United States Court of Federal Claims"),
        ("nysb-mega", "United States Bankruptcy Court, S.D. New York"),
        # CourtListener's own id wins where the two collide
        ("neb", "Nebraska Supreme Court"),
        ("nebraskab", "United States Bankruptcy Court, D. Nebraska"),
    ],
)
def test_court_ids_become_court_names(court_id: str, name: str) -> None:
    assert court_name(court_id) == name


@pytest.mark.parametrize("court_id", ["", "   ", "zzz", "dcdd", "gov.uscourts.dcd"])
def test_unknown_court_ids_have_no_name(court_id: str) -> None:
    assert court_name(court_id) is None


def test_a_recap_files_court_reads_as_courtlistener_names_it() -> None:
    found = parse_courtlistener_url(f"{STORAGE}/{recap('neb', '4242', '3.0.pdf')}")
    assert isinstance(found, StorageDocument)
    assert found.court_id == "neb"  # as in the path
    assert found.courtlistener_court_id == "nebraskab"
    assert court_name(found.courtlistener_court_id) == "United States Bankruptcy Court, D. Nebraska"


@pytest.mark.parametrize(
    ("pacer_id", "courtlistener_id"),
    [("dcd", "dcd"), ("azb", "arb"), ("cofc", "uscfc"), ("neb", "nebraskab"), ("CA9", "ca9")],
)
def test_pacer_ids_map_to_courtlistener_ids(pacer_id: str, courtlistener_id: str) -> None:
    assert courtlistener_court_id(pacer_id) == courtlistener_id


# Appellate courts number their entries with leading zeros, and the API filters on the text.
@pytest.mark.parametrize(
    ("tail", "document", "attachment"),
    [
        ("00803263743.0.pdf", "00803263743", "0"),
        ("0010.01.pdf", "0010", "01"),
        ("007.0_3.pdf", "007", "0"),
    ],
)
def test_document_numbers_keep_their_leading_zeros(
    tail: str, document: str, attachment: str
) -> None:
    found = parse_courtlistener_url(f"{STORAGE}/{recap('ca4', '1234', tail)}")
    assert isinstance(found, StorageDocument)
    assert (found.document_number, found.attachment_number) == (document, attachment)


def test_a_docket_page_entry_keeps_its_leading_zeros() -> None:
    url = "https://www.courtlistener.com/docket/66771234/00803263743/0002/lee-v-doe/"
    assert parse_courtlistener_url(url) == DocketPage(
        docket_id=66771234,
        document_number="00803263743",
        attachment_number="0002",
        slug="lee-v-doe",
    )


def test_an_unnumbered_recap_file_has_an_empty_document_number() -> None:
    path = "recap/gov.uscourts.mdb.775852/gov.uscourts.mdb.775852..0.pdf"
    assert parse_courtlistener_url(f"{STORAGE}/{path}") == StorageDocument(
        court_id="mdb",
        pacer_case_id="775852",
        document_number="",
        attachment_number="0",
        storage_path=path,
    )


@pytest.mark.parametrize(
    ("url", "page"),
    [
        # the docket's authorities tab: /docket/{id}/authorities/{slug}/
        (
            "https://www.courtlistener.com/docket/68305931/authorities/united-states-v-trump/",
            DocketPage(docket_id=68305931, slug="united-states-v-trump"),
        ),
        ("https://www.courtlistener.com/docket/68305931/authorities/", DocketPage(68305931)),
        (
            "https://www.courtlistener.com/docket/68305931/idb/united-states-v-trump/",
            DocketPage(docket_id=68305931, slug="united-states-v-trump"),
        ),
        # one document's authorities: /docket/{id}/{doc}/[{att}/]{slug}/authorities/
        (
            "https://www.courtlistener.com/docket/68305931/5/united-states-v-trump/authorities/",
            DocketPage(docket_id=68305931, document_number="5", slug="united-states-v-trump"),
        ),
        (
            "https://www.courtlistener.com/docket/68305931/5/2/united-states-v-trump/authorities/",
            DocketPage(
                68305931, document_number="5", attachment_number="2", slug="united-states-v-trump"
            ),
        ),
        (
            "https://www.courtlistener.com/docket/68305931/5//authorities/",
            DocketPage(docket_id=68305931, document_number="5"),
        ),
        # the docket's feed and CSV download are still the docket
        ("https://www.courtlistener.com/docket/68305931/feed/", DocketPage(68305931)),
        ("https://www.courtlistener.com/docket/68305931/download/", DocketPage(68305931)),
    ],
)
def test_authorities_and_other_tabs_name_the_docket_or_document_they_belong_to(
    url: str, page: DocketPage
) -> None:
    assert parse_courtlistener_url(url) == page


@pytest.mark.parametrize(
    ("url", "page"),
    [
        (
            "https://www.courtlistener.com/opinion/2812209/obergefell-v-hodges/authorities/",
            OpinionPage(opinion_id=2812209, slug="obergefell-v-hodges"),
        ),
        (
            "https://www.courtlistener.com/opinion/2812209/obergefell-v-hodges/cited-by/",
            OpinionPage(opinion_id=2812209, slug="obergefell-v-hodges"),
        ),
        # a blank slug before the tab
        (
            "https://www.courtlistener.com/opinion/2812209//authorities/",
            OpinionPage(opinion_id=2812209),
        ),
    ],
)
def test_opinion_tabs_name_the_opinion_they_belong_to(url: str, page: OpinionPage) -> None:
    assert parse_courtlistener_url(url) == page


@pytest.mark.parametrize(
    "url",
    [
        # not shapes CourtListener serves
        "https://www.courtlistener.com/docket/1/slug/authorities/",
        "https://www.courtlistener.com/docket/1/5/slug/parties/",
        "https://www.courtlistener.com/opinion/1/slug/authorities/extra/",
        # digits that are not ASCII are not an id
        "https://www.courtlistener.com/docket/\u00b2/slug/",
        "https://www.courtlistener.com/docket/%D9%A3/slug/",
    ],
)
def test_near_misses_of_tab_shapes_name_nothing(url: str) -> None:
    assert parse_courtlistener_url(url) is None


def test_the_canonical_bases_are_on_the_listed_hosts() -> None:
    assert urlsplit(STORAGE_BASE).hostname in STORAGE_HOSTS
    assert urlsplit(WEB_BASE).hostname in WEB_HOSTS
    assert API_BASE.startswith(WEB_BASE + "/")
    assert all(host.endswith(DOMAIN) for host in WEB_HOSTS)
    for base in (STORAGE_BASE, WEB_BASE, API_BASE):
        assert base.startswith("https://") and not base.endswith("/")
