"""Citations through eyecite 2.7.8, one text at a time, keeping only metadata we can check.

Regression tests for eyecite's party-name bleed (freelawproject/eyecite#321): with two
citations close together, eyecite 2.7.8 gives one the other's parties, year or court. The
first assertions below show eyecite doing it, so that if a new eyecite stops doing it the
tests say so (and the pin can be reconsidered); the rest show that our annotations keep
only what the citation's own text says.
"""

from __future__ import annotations

from eyecite import get_citations

from bot.annotate import annotate_thread
from bot.annotate.citations import find_citations, may_hold_citation
from bot.models import AnnotationContext, Post

TWO_CASES = "He leans on A.A.R.P. v. Trump, 605 U.S. 91 (2025), and J.G.G., 604 U.S. 670 (2025)."
NEIGHBOURS = "Roe v. Wade, 410 U.S. 113. Foo v. Bar, 12 F. Supp. 3d 45 (D. Minn. 2014)."


def test_eyecite_still_bleeds_party_names_into_the_neighbouring_citation():
    _first, second = get_citations(TWO_CASES)

    # J.G.G. alone is no "A.A.R.P. v. Trump": eyecite says it is
    assert (second.metadata.plaintiff, second.metadata.defendant) == ("A.A.R.P.", "Trump")


def test_a_citation_without_its_own_case_name_gets_no_party_names():
    first, second = find_citations(TWO_CASES)

    assert (first.normalized, first.details["first_party"]) == ("605 U.S. 91", "A.A.R.P.")
    assert second.normalized == "604 U.S. 670"
    assert "first_party" not in second.details
    assert second.details["eyecite_parties_discarded"] == ["A.A.R.P.", "Trump"]


def test_eyecite_still_gives_a_citation_its_neighbours_year_and_court():
    roe, _foo = get_citations(NEIGHBOURS)

    assert (roe.metadata.year, roe.metadata.court) == ("2014", "mnd")


def test_year_and_court_come_from_the_citations_own_parenthetical():
    roe, foo = find_citations(NEIGHBOURS)

    assert "year" not in roe.details
    assert roe.details["eyecite_year_discarded"] == "2014"
    assert roe.details["court_id"] == "scotus"  # the U.S. Reports are the Supreme Court's
    assert (foo.details["year"], foo.details["court_id"]) == ("2014", "mnd")
    assert (foo.details["first_party"], foo.details["second_party"]) == ("Foo", "Bar")


def test_a_long_sentence_does_not_lend_its_last_year_to_the_first_citation():
    text = (
        "In Trump v. CASA, 606 U.S. 831 (2025), the Court limited universal injunctions. "
        "See also Smith v. Jones, 123 F.3d 456, 460 (9th Cir. 1999)."
    )

    casa, smith = find_citations(text)

    assert (casa.details["year"], casa.details["court_id"]) == ("2025", "scotus")
    assert (smith.details["year"], smith.details["court_id"], smith.details["pin_cite"]) == (
        "1999",
        "ca9",
        "460",
    )


def test_names_do_not_bleed_across_the_posts_of_a_thread():
    posts = [
        Post(id="p1", platform="bluesky", author_id="a", text="The ruling in Doe v. Noem today."),
        Post(id="p2", platform="bluesky", author_id="a", text="It cites 533 U.S. 678 (2001)."),
    ]

    found = annotate_thread(posts, AnnotationContext())

    [citation] = [a for a in found[1] if a.kind == "citation"]
    assert citation.normalized == "533 U.S. 678"
    assert "first_party" not in citation.details


def test_statutes_are_citations_and_short_forms_are_not():
    found = find_citations("Under 8 U.S.C. § 1226(a) and 50 U.S.C. § 21; see id. at 5; § 1983.")

    assert [(c.normalized, c.details["type"]) for c in found] == [
        ("8 U.S.C. § 1226", "statute"),
        ("50 U.S.C. § 21", "statute"),
    ]
    assert found[0].details["pin_cite"] == "(a)"


def test_eyecite_runs_only_where_a_citation_can_be():
    assert may_hold_citation("See 533 U.S. 678.")
    assert may_hold_citation("123 F.3d 456")
    assert may_hold_citation("2025 WL 1234567")
    assert not may_hold_citation("Judge Boasberg granted the TRO at 5 p.m. in 1:25-cv-00766.")
    assert not may_hold_citation("Hearing set for 10 a.m. on March 3.")
    assert find_citations("Judge Boasberg granted the TRO.") == []
