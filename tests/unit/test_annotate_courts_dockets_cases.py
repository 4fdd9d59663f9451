"""Courts, docket numbers and case names, each read as reporters and court documents write them."""

from __future__ import annotations

import pytest

from bot.annotate import annotate_document, annotate_post
from bot.annotate.cases import find_case_names
from bot.annotate.courts import find_courts
from bot.annotate.dockets import find_dockets, normalize_docket_number
from bot.models import AnnotationContext


def court_ids(text: str) -> list[str]:
    return [mention.court_id for mention in find_courts(text)]


# --- courts -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # what courts-db's find_court cannot read: citation abbreviations
        ("a D. Minn. judge", ["mnd"]),
        ("the 8th Cir. stayed it", ["ca8"]),
        ("S.D.N.Y. and E.D.N.Y.", ["nysd", "nyed"]),
        ("N.D. Cal., C.D. Cal., W.D. Wash., D. Mass., D.N.J., D. N.J.", [
            "cand", "cacd", "wawd", "mad", "njd", "njd"]),
        ("D.D.C. then the D.C. Circuit", ["dcd", "cadc"]),
        ("D. Or. or D. Ore. or D. Oregon", ["ord", "ord", "ord"]),
        ("W.D.N.Y., D.P.R., W. D. Va., M.D. Fla.", ["nywd", "prd", "vawd", "flmd"]),
        # reporters' squeezed forms
        ("SDNY, EDVA, NDCal, DDC", ["nysd", "vaed", "cand", "dcd"]),
        # names
        ("the District of Minnesota and the Southern District of New York", ["mnd", "nysd"]),
        ("the U.S. District Court for the District of Columbia", ["dcd"]),
        ("the Ninth Circuit, the 9th Circuit, the 4th U.S. Circuit Court of Appeals, CA9", [
            "ca9", "ca9", "ca4", "ca9"]),
        ("the Federal Circuit and the Fed. Cir.", ["cafc", "cafc"]),
        ("the U.S. Court of Appeals for the Fifth Circuit", ["ca5"]),
        ("the Court of International Trade, the CIT and the Court of Federal Claims", [
            "cit", "cit", "uscfc"]),
        # the Supreme Court: the U.S. one unless a state's is named
        ("the Supreme Court and SCOTUS", ["scotus", "scotus"]),
        ("the Wisconsin Supreme Court and the Supreme Court of Texas", ["wis", "tex"]),
        ("New York Supreme Court Justice Arthur Engoron", ["nysupct"]),
        ("the Texas Court of Criminal Appeals", ["texcrimapp"]),
        # a district's bankruptcy court only when the text says so
        ("In re Lee Enterprises (Bankr. S.D. Tex.)", ["txsb"]),
        ("S.D. Tex.", ["txsd"]),
    ],
)  # fmt: skip
def test_courts_are_read_as_courtlistener_ids(text, expected):
    assert court_ids(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Washington, D.C. is cold",  # the city
        "the District of Columbia sued the developer",  # the city, as a party
        "her first circuit of the track",
        "the state Supreme Court",  # some state's, not named
        "the Supreme Court of college basketball pundits",
        "Judge D. Brooks Smith",  # an initial
        "a federal judge in Boston",  # a place is evidence for judges, not a court's name
        "the district court",
    ],
)
def test_things_that_are_not_a_named_court(text):
    assert court_ids(text) == []


def test_a_court_annotation_carries_courts_db_name():
    [court] = [a for a in annotate_post("in D. Minn.", AnnotationContext()) if a.kind == "court"]

    assert (court.value, court.normalized) == ("D. Minn.", "mnd")
    assert court.details["court"] == "District Court, D. Minnesota"


def test_a_documents_caption_names_its_court():
    text = "UNITED STATES DISTRICT COURT\nFOR THE SOUTHERN DISTRICT OF NEW YORK\n\nORDER"
    found = annotate_document(text, AnnotationContext())

    assert [a.normalized for a in found if a.kind == "court"] == ["nysd"]


# --- docket numbers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "normalized"),
    [
        ("0:26-cv-00123-ABC", "26-cv-00123"),
        ("1:25-cr-1234", "25-cr-01234"),
        ("1:25-cv-01234-JEB-ZMF", "25-cv-01234"),
        ("docket 1:26cv412", "26-cv-00412"),
        ("26-cv-412", "26-cv-00412"),
        ("the grand jury matter 1:26-mc-00007", "26-mc-00007"),
        ("a search warrant, 0:26-mj-00031", "26-mj-00031"),
        ("No. 24-5678", "24-5678"),
        ("Nos. 24A884", "24A884"),
        ("Civil Action No. 25-766 (JEB)", "25-cv-00766"),
        ("Criminal No. 24-123", "24-cr-00123"),
    ],
)
def test_docket_numbers_are_read_in_one_spelling(text, normalized):
    assert [m.normalized for m in find_dockets(text)] == [normalized]


def test_the_office_number_and_judges_initials_are_kept_aside():
    [docket] = find_dockets("Case 1:25-cv-00766-JEB was filed")

    assert docket.details == {"form": "district", "office": "1", "judge_initials": "JEB"}


def test_several_appeals_after_nos_are_each_a_docket():
    assert [m.normalized for m in find_dockets("Nos. 24-5678, 24-5679 and 24-5680")] == [
        "24-5678",
        "24-5679",
        "24-5680",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "They won 24-12 last night",
        "Call 202-555-0134",
        "The No. 1 seed",
        "Meet on 2026-02-03 at 1:26",
        "abc26-cv-412",
        "1:26-xx-00412",
        "Index No. 452564/2022",
        "https://example.com/26-cv-412",
    ],
)
def test_things_that_look_like_dockets_are_not(text):
    assert find_dockets(text) == []


def test_a_courtlistener_docket_number_normalizes_the_same_way():
    # the integrator joins posts to dockets on this
    assert normalize_docket_number("1:25-cv-00766") == normalize_docket_number("25-cv-766")
    assert normalize_docket_number("25-5124") == "25-5124"
    assert normalize_docket_number("not a docket") == ""


# --- case names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("State v. Agency was argued", ["State v. Agency"]),
        ("In United States v. Abrego Garcia, the judge", ["United States v. Abrego Garcia"]),
        ("The case is J.G.G. v. Trump, No. 25-5124.", ["J.G.G. v. Trump"]),
        ("Trump v. CASA, Inc., 606 U.S. 831", ["Trump v. CASA, Inc."]),
        ("Wal-Mart Stores, Inc. v. Dukes, 564 U.S. 338", ["Wal-Mart Stores, Inc. v. Dukes"]),
        ("City and County of San Francisco v. Trump, 3:25-cv", [
            "City and County of San Francisco v. Trump"]),
        ("People of the State of New York v. Donald J. Trump, Ind.", [
            "People of the State of New York v. Donald J. Trump"]),
        ("the case, Doe et al. v. Noem et al., was", ["Doe v. Noem"]),
        ("United States ex rel. Polansky v. Executive Health Resources, a", [
            "United States ex rel. Polansky v. Executive Health Resources"]),
        ("In re Search Warrant Issued to Google for the Account of the Director, the", [
            "In re Search Warrant Issued to Google for the Account of the Director"]),
        ("In re: Grand Jury Subpoena, No. 1", ["In re Grand Jury Subpoena"]),
        ("It leans on Ex parte Young and argues", ["Ex parte Young"]),
        ("Boasberg's J.G.G. v. Trump order", ["J.G.G. v. Trump"]),
        ("Compare Zadvydas v. Davis with Demore v. Kim.", ["Zadvydas v. Davis", "Demore v. Kim"]),
        ("United States vs. Smith", ["United States v. Smith"]),
    ],
)  # fmt: skip
def test_case_names_are_read_whole(text, names):
    assert [case.name for case in find_case_names(text)] == names


@pytest.mark.parametrize(
    "text",
    [
        "Lakers vs. Celtics on Friday",  # games write "vs."
        "Arsenal v Chelsea and Spurs v Villa",  # and "v"
        "We saw a v. small dog",
    ],
)
def test_games_and_fixtures_are_not_cases(text):
    assert find_case_names(text) == []
