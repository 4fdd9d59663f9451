"""The daemon archives a watched reporter's thread only when it is about a court ruling.

A court link (CourtListener, PACER, the Supreme Court's site) is enough on its own; docket
numbers, case captions, named judges and courts add up; legal words help but never carry a
thread alone, so basketball courts, skating judges, food orders and marketing appeal stay
out. Every signal is a reason a person can read, listed in the same order every time.
"""

from __future__ import annotations

import pytest

from bot.annotate import annotate_thread
from bot.daemon.court_filter import (
    DEFAULT_THRESHOLD,
    MAX_SCORE,
    CourtScore,
    is_court_thread,
    score_annotated_thread,
    score_text,
    score_thread,
)
from bot.models import AnnotationContext, Link, Post, PostStatus, Thread

AUTHOR = "did:plc:reporter000000000000000"
RECAP_PDF = (
    "https://storage.courtlistener.com/recap/gov.uscourts.dcd.258148/"
    "gov.uscourts.dcd.258148.41.0.pdf"
)


def post(n: int, text: str, *links: Link, status: PostStatus = "ok") -> Post:
    return Post(
        id=f"at://{AUTHOR}/app.bsky.feed.post/{n}",
        platform="bluesky",
        author_id=AUTHOR,
        status=status,
        text=text,
        links=list(links),
    )


def link(url: str, display_text: str | None = None) -> Link:
    return Link(url=url, origin="facet", display_text=display_text)


def thread(*posts: Post) -> Thread:
    return Thread(root_id=posts[0].id, platform="bluesky", author_id=AUTHOR, posts=list(posts))


def thread_of(*texts: str) -> Thread:
    return thread(*(post(n, text) for n, text in enumerate(texts)))


RULING = thread(
    post(
        0,
        "NEW: Judge Ana Ortega (D.D.C.) has granted a preliminary injunction blocking the "
        "funding freeze, finding plaintiffs likely to succeed. 🧵",
    ),
    post(
        1,
        "The order, in Nonprofit Alliance v. Office of Management, No. 1:26-cv-00412: "
        "storage.courtlistener.com/recap/gov.usco…",
        link(RECAP_PDF, "storage.courtlistener.com/recap/gov.usco…"),
    ),
    post(2, "The government has already filed a notice of appeal to the D.C. Circuit."),
    post(3, "My story: politico.com/news/2026/02/0…", link("https://www.politico.com/news/x")),
)


# --- court threads pass -------------------------------------------------------------------


def test_a_ruling_thread_passes_with_its_link_docket_and_judge_as_reasons():
    score = score_thread(RULING)

    assert is_court_thread(score)
    assert score.score > 2 * DEFAULT_THRESHOLD
    assert score.reasons[:2] == (
        "CourtListener link: storage.courtlistener.com",
        "docket number 1:26-cv-00412",
    )
    for reason in (
        "case caption: Nonprofit Alliance v. Office of Management",
        "judge named: Judge Ana Ortega",
        "court named: D.D.C.",
        "court named: D.C. Circuit",
        "word: injunction",
        "word: plaintiffs",
    ):
        assert reason in score.reasons


def test_a_courtlistener_link_alone_is_enough():
    only_link = thread(post(0, "Here it is:", link(RECAP_PDF)))

    score = score_thread(only_link)

    assert score.reasons == ("CourtListener link: storage.courtlistener.com",)
    assert is_court_thread(score)


def test_a_truncated_link_in_the_text_counts_before_it_is_resolved():
    score = score_thread(thread_of("Read it: storage.courtlistener.com/recap/gov.usco…"))

    assert score.reasons == ("CourtListener link: storage.courtlistener.com",)
    assert is_court_thread(score)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        (
            "https://www.courtlistener.com/docket/68305931/x/",
            "CourtListener link: courtlistener.com",
        ),
        (
            "https://ecf.dcd.uscourts.gov/cgi-bin/DktRpt.pl?258148",
            "PACER link: ecf.dcd.uscourts.gov",
        ),
        ("https://pacer.uscourts.gov/", "PACER link: pacer.uscourts.gov"),
        ("https://www.uscourts.gov/judges", "federal court site: uscourts.gov"),
        ("https://www.cand.uscourts.gov/cases", "federal court site: cand.uscourts.gov"),
        (
            "https://www.supremecourt.gov/opinions/24pdf/24a884_8n59.pdf",
            "Supreme Court link: supremecourt.gov",
        ),
        (
            "https://dockets.justia.com/docket/dc/1:2026cv00412/1",
            "Justia docket link: dockets.justia.com",
        ),
        (
            "https://law.justia.com/cases/federal/appellate-courts/ca9/",
            "Justia docket link: law.justia.com",
        ),
        ("https://www.nycourts.gov/decisions", "court site: nycourts.gov"),
        (
            "https://www.documentcloud.org/documents/2512345-order-granting-tro",
            "DocumentCloud court filing: documentcloud.org",
        ),
    ],
)
def test_court_links_are_strong_enough_alone(url, reason):
    score = score_text("", [url])

    assert score.reasons == (reason,)
    assert is_court_thread(score)


def test_a_documentcloud_document_that_is_not_a_filing_is_only_a_hint():
    score = score_text("", ["https://www.documentcloud.org/documents/2512345-city-budget-2026"])

    assert score.reasons == ("DocumentCloud document: documentcloud.org",)
    assert not is_court_thread(score)


def test_links_to_other_sites_and_bluesky_handles_are_not_court_links():
    score = score_text(
        "Thanks @courtlistener.com for the help! justia.com/lawyers and espn.com/nba",
        ["https://www.politico.com/news/2026/02/03/judge", "https://bit.ly/3xYz"],
    )

    assert score.reasons == ()


def test_a_named_judge_and_court_with_a_few_words_pass_without_links():
    score = score_thread(
        thread_of("Chief Justice Roberts wrote for the Supreme Court, which vacated and remanded.")
    )

    assert score.reasons[:2] == ("judge named: Chief Justice Roberts", "court named: Supreme Court")
    assert is_court_thread(score)


def test_a_case_caption_with_a_court_passes():
    score = score_text("In Trump v. CASA, the Supreme Court ruled on universal injunctions.")

    assert score.reasons[0] == "case caption: Trump v. CASA"
    assert is_court_thread(score)


def test_a_thread_annotated_once_scores_the_same():
    annotations = annotate_thread(RULING.present_posts, AnnotationContext())

    assert score_annotated_thread(RULING, annotations) == score_thread(RULING)


def test_a_named_judge_ruling_passes_without_a_link():
    score = score_thread(
        thread_of(
            "Judge Alvarez ruled this afternoon that the county's jail policy is unconstitutional."
        )
    )

    assert score.reasons[:2] == ("judge named: Judge Alvarez", "ruling: Judge Alvarez ruled")
    assert is_court_thread(score)


@pytest.mark.parametrize(
    "text",
    [
        "A federal judge just blocked the administration from cutting off SNAP benefits.",
        "Jury convicts the man who tried to assassinate the president, on all counts.",
        "An appeals court on Friday upheld the conviction of the former senator.",
        "NOT GUILTY. A D.C. jury acquits the man who threw a sandwich at a federal agent.",
    ],
)
def test_a_ruling_by_an_unnamed_court_passes(text):
    score = score_thread(thread_of(text))

    assert [r for r in score.reasons if r.startswith("ruling:")]
    assert is_court_thread(score)


def test_a_hearing_before_a_named_judge_passes():
    score = score_thread(
        thread_of(
            "Hearing underway in Greenbelt before Judge Paula Xinis.",
            'XINIS: "Has anyone from the Department of Homeland Security read my order?"',
        )
    )

    assert "ruling: Hearing Judge Paula Xinis" in score.reasons
    assert is_court_thread(score)


def test_a_court_named_at_work_passes():
    score = score_thread(thread_of("The 8th Cir. stays Judge Menendez's order, 2-1."))

    assert score.reasons[:3] == (
        "judge named: Judge Menendez",
        "court named: 8th Cir.",
        "ruling: 8th Cir. stays",
    )
    assert is_court_thread(score)


@pytest.mark.parametrize(
    "texts",
    [
        pytest.param(("Judge Judy is back and her ruling on the lawnmower case was great TV.",),
                     id="television judge"),
        pytest.param(("Judge Mathis had the funniest episode: Mathis ruled against both.",),
                     id="television judge with a real judge's surname"),
        pytest.param(("House Judiciary hearing with the FBI director is underway.",
                      'JORDAN: "The American people deserve answers."'), id="congress"),
        pytest.param(("Sen. John Kennedy asks the nominee to name the five freedoms.",),
                      id="senator named like a judge"),
        pytest.param(("MasterChef finale! The judges ordered her to start again.",),
                     id="cooking judges"),
        pytest.param(("Judge for yourself whether he answered. I ordered pizza.",),
                     id="judge as a verb"),
        pytest.param(("The president signed an executive order directing agencies to review "
                      "grants.",), id="executive order"),
    ],
)  # fmt: skip
def test_judges_in_name_only_and_orders_of_other_kinds_stay_out(texts):
    score = score_thread(thread_of(*texts))

    assert not [r for r in score.reasons if r.startswith(("judge named", "ruling"))]
    assert not is_court_thread(score)


# --- everything else stays out --------------------------------------------------------------


def test_words_alone_in_one_short_post_do_not_pass():
    score = score_thread(thread_of("The judge ruled on the motion and denied the appeal."))

    assert score.reasons == (
        "word: judge",
        "word: ruled",
        "word: motion",
        "word: denied",
        "word: appeal",
    )
    assert not is_court_thread(score)


def test_words_alone_never_pass_however_many_there_are():
    legalese = (
        "The court's ruling on the motion for a temporary restraining order and injunction was "
        "appealed; the judge denied habeas, the circuit vacated and remanded, plaintiffs and "
        "defendants filed opinions, certiorari to SCOTUS after the indictment and sentencing."
    )

    score = score_text(legalese)

    assert len(score.reasons) > 15
    assert not is_court_thread(score)


@pytest.mark.parametrize(
    "texts",
    [
        pytest.param(
            (
                "What a night at the court! Lakers vs. Celtics went to overtime.",
                "LeBron was in motion all game; the refs ruled it a block and the Lakers' "
                "appeal to the league office was denied.",
                "Home court advantage matters. Celtics vs. Heat on Friday. #NBA",
            ),
            id="basketball",
        ),
        pytest.param(
            (
                "Skate America: the judges gave her 9.5s across the board for the free skate.",
                "The skating order for tomorrow was drawn; the judges' panel reversed nothing.",
                "Her appeal to the crowd is undeniable. Justice for her score!",
            ),
            id="figure skating",
        ),
        pytest.param(
            (
                "I ordered the tacos and my order was wrong, so I filed a complaint.",
                "The manager granted us a free dessert. Court of food-truck opinion: 10/10.",
            ),
            id="food",
        ),
        pytest.param(
            (
                "Our Q3 campaign needs broader appeal: motion graphics for the launch.",
                "Filing the brief with the agency today; the client denied the first draft.",
                "Order of the slides: the opinion poll first, then the circuit of events.",
            ),
            id="marketing",
        ),
        pytest.param(
            (
                "Newton's first law: a body in motion stays in motion.",
                "The circuit was reversed and the current ordered itself.",
            ),
            id="physics",
        ),
        pytest.param(
            ("Aaron Judge Hits 50th homer as Yankees win 24-12.", "Judge rules the night."),
            id="baseball",
        ),
        pytest.param(
            ("Arsenal v Chelsea and Spurs v Villa on Saturday; the referee's ruling stood.",),
            id="football fixtures",
        ),
    ],
)
def test_threads_about_other_things_stay_below_the_threshold(texts):
    score = score_thread(thread_of(*texts))

    assert not is_court_thread(score), score.reasons
    assert score.score < DEFAULT_THRESHOLD - 1


def test_saying_court_forty_times_counts_once():
    once = score_thread(thread_of("The court."))
    forty = score_thread(thread_of(*["The court. " * 4] * 10))

    assert forty == once == CourtScore(score=0.25, reasons=("word: court",))


# --- words are whole words ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("The order was signed.", "order"),
        ("ORDERED that the motion is granted", "order"),
        ("Judges split.", "judge"),
        ("a courtroom sketch", "court"),
        ("a TRO issued", "TRO"),
        ("she was enjoined", "injunction"),
        ("SCOTUS", "SCOTUS"),
    ],
)
def test_words_count_in_any_case_and_form(text, word):
    assert f"word: {word}" in score_text(text).reasons


@pytest.mark.parametrize(
    "text",
    [
        "Crossing the border at night",
        "Reordering the shelves",
        "Courtesy of the courtyard with Courtney",
        "Prejudged and misjudged",
        "A pedestrian in the distro",
        "The motionless statue",
        "an unappealing idea",
        "a heroic injustice",
        "the trombone",
    ],
)
def test_words_inside_other_words_do_not_count(text):
    assert score_text(text).reasons == ()


# --- docket numbers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "docket"),
    [
        ("Case 1:26-cv-00412 was filed", "1:26-cv-00412"),
        ("in 26-cv-412 today", "26-cv-412"),
        ("in 2:24-cr-00123-ABC,", "2:24-cr-00123-ABC"),
        ("see 1:25-cv-01234-JEB-ZMF.", "1:25-cv-01234-JEB-ZMF"),
        ("docket 1:26cv412", "1:26cv412"),
        ("the grand jury matter 1:26-mc-00007", "1:26-mc-00007"),
        ("bankruptcy 24-bk-10001", "24-bk-10001"),
        ("the appeal, No. 24-1234, was argued", "24-1234"),
        ("Nos. 24-5678 and", "24-5678"),
        ("application No. 24A884", "24A884"),
    ],
)
def test_docket_numbers_are_found(text, docket):
    found = score_text(text).reasons
    assert [r for r in found if r.startswith("docket number")] == [f"docket number {docket}"]


@pytest.mark.parametrize(
    "text",
    [
        "They won 24-12 last night",  # a score: appeal numbers need "No."
        "Call 202-555-0134",
        "The No. 1 seed",
        "Meet on 2026-02-03 at 1:26",
        "abc26-cv-412",  # inside another token
        "1:26-xx-00412",  # not a case type
    ],
)
def test_things_that_look_like_docket_numbers_are_not(text):
    assert not [r for r in score_text(text).reasons if r.startswith("docket number")]


def test_the_same_case_written_two_ways_counts_once():
    score = score_text("Case 1:26-cv-00412, also cited as 26-cv-412.")

    assert score.reasons == ("docket number 1:26-cv-00412",)


# --- judges and courts ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reasons"),
    [
        ("U.S. District Judge Amit P. Mehta said",
         ("judge named: U.S. District Judge Amit P. Mehta",)),
        ("Judge Ortega Blocks Funding Freeze", ("judge named: Judge Ortega",)),
        ("Justice Sotomayor dissented", ("judge named: Justice Sotomayor",)),
        ("Aaron Judge homered", ()),
        ("The Justice Department appealed", ()),
        ("Social Justice Warriors", ()),
        ("the S.D.N.Y. and N.D. Cal. and D. Mass.", ("court named: S.D.N.Y.",
                                                   "court named: N.D. Cal.",
                                                   "court named: D. Mass.")),
        ("the Ninth Circuit, also the 9th Cir.", ("court named: Ninth Circuit",)),
        ("the federal appeals court", ("court named: appeals court",)),
        ("Washington, D.C. is cold", ()),
        ("her first circuit of the track", ()),
    ],
)  # fmt: skip
def test_judges_and_courts_are_named(text, reasons):
    found = score_text(text).reasons
    assert tuple(r for r in found if r.startswith(("judge named", "court named"))) == reasons


# --- reasons and score behave ---------------------------------------------------------------


def test_reasons_are_the_same_every_time_strongest_kind_first():
    first = score_thread(RULING)

    for _ in range(5):
        assert score_thread(RULING) == first
    kinds = [reason.split(":")[0].split(" number")[0] for reason in first.reasons]
    order = ["CourtListener link", "docket", "case caption", "judge named", "court named",
             "ruling", "word"]  # fmt: skip
    assert [order.index(kind) for kind in kinds] == sorted(order.index(kind) for kind in kinds)


def test_only_the_first_present_posts_are_read():
    gap = post(0, "Judge Ortega granted the TRO in 1:26-cv-00412.", status="deleted")
    late = post(3, "", link(RECAP_PDF))
    long_thread = thread(gap, post(1, "Good morning."), post(2, "Coffee time."), late)

    assert score_thread(long_thread, max_posts=2).reasons == ()
    assert score_thread(long_thread, max_posts=3).reasons == (
        "CourtListener link: storage.courtlistener.com",
    )


def test_two_posts_never_combine_into_a_signal_neither_has():
    score = score_thread(thread_of("Talked to Judge", "Ortega about lunch."))

    assert not [r for r in score.reasons if r.startswith("judge named")]


@pytest.mark.parametrize(
    "base",
    [
        thread_of("Lakers vs. Celtics on the court tonight."),
        thread_of("The judge ruled."),
        RULING,
        thread(post(0, "two links", link(RECAP_PDF), link("https://www.supremecourt.gov/x"))),
    ],
    ids=["basketball", "words", "ruling", "already two links"],
)
def test_adding_a_court_link_never_lowers_the_score(base):
    before = score_thread(base)
    added = thread(*base.posts, post(99, "", link("https://ecf.cand.uscourts.gov/doc1/1")))

    after = score_thread(added)

    assert after.score >= before.score
    assert set(before.reasons) <= set(after.reasons)


def test_the_score_is_capped():
    everything = " ".join(
        [
            "Judge Ortega, Judge Lee, Judge Park and Chief Justice Roberts;",
            "Trump v. CASA, Doe v. Noem, Smith v. Jones;",
            "D.D.C., S.D.N.Y., N.D. Cal., 9th Circuit, Supreme Court;",
            "1:26-cv-00412, 1:26-cv-00413, 1:26-cv-00414, No. 24-1234;",
            "injunction habeas certiorari vacated remanded plaintiffs defendants docket court",
        ]
    )
    urls = [RECAP_PDF, "https://www.supremecourt.gov/x", "https://ecf.dcd.uscourts.gov/y"]

    score = score_text(everything, urls)

    assert score.score == MAX_SCORE
    assert score_text(everything * 3, urls * 3) == score
