"""Judges in posts: found as reporters write them, resolved to the register only when the
evidence leaves one judge, joined across a thread, and never confused with Aaron Judge.
"""

from __future__ import annotations

import pytest

from bot.annotate import annotate_post, annotate_thread
from bot.models import Annotation, AnnotationContext, Link, Post

DAY = "2026-02-10T18:00:00Z"


def judges(text: str, **context: object) -> list[Annotation]:
    found = annotate_post(text, AnnotationContext(posted_at=DAY, **context))  # type: ignore[arg-type]
    return [a for a in found if a.kind == "judge"]


def one_judge(text: str, **context: object) -> Annotation:
    [judge] = judges(text, **context)
    return judge


def thread_judges(*texts: str, links: dict[int, str] | None = None) -> list[list[Annotation]]:
    posts = [
        Post(
            id=f"at://did:plc:x/app.bsky.feed.post/{n}",
            platform="bluesky",
            author_id="did:plc:x",
            text=text,
            created_at=DAY,
            links=[Link(url=(links or {})[n], origin="facet")] if n in (links or {}) else [],
        )
        for n, text in enumerate(texts)
    ]
    found = annotate_thread(posts, AnnotationContext())
    return [[a for a in post if a.kind == "judge"] for post in found]


# --- how judges are named -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "surname"),
    [
        ("Judge Boasberg ruled.", "Judge Boasberg", "Boasberg"),
        ("JUDGE BOASBERG: Sit down.", "JUDGE BOASBERG", "BOASBERG"),
        ("U.S. District Judge Karin Immergut found", "U.S. District Judge Karin Immergut",
         "Immergut"),
        ("Senior U.S. District Judge William G. Young said", "Senior U.S. District Judge "
         "William G. Young", "Young"),
        ("Chief Justice Roberts wrote", "Chief Justice Roberts", "Roberts"),
        ("Judge John McConnell Jr. of Rhode Island", "Judge John McConnell Jr.", "McConnell"),
        ("Judge Ana de Alba wrote", "Judge Ana de Alba", "de Alba"),
        ("Judge Reed O'Connor's order", "Judge Reed O'Connor", "O'Connor"),
        ("federal judge Kathleen Williams said", "federal judge Kathleen Williams", "Williams"),
        ("A Connecticut federal judge, Sarala Nagala, ordered", "federal judge, Sarala Nagala",
         "Nagala"),
        ("Judge April Perry extended it", "Judge April Perry", "Perry"),
        ("Judge Ortega Blocks Funding Freeze", "Judge Ortega", "Ortega"),
        ("4th Circuit Judge Paul Niemeyer dissented", "Circuit Judge Paul Niemeyer", "Niemeyer"),
        ("CIT Judge Stephen Vaden denied", "Judge Stephen Vaden", "Vaden"),
    ],
)  # fmt: skip
def test_titled_judges_are_found_with_their_names(text, value, surname):
    judge = one_judge(text)

    assert (judge.value, judge.details["surname"]) == (value, surname)


@pytest.mark.parametrize(
    "text",
    [
        "Judges Millett, Pillard and Garcia denied the stay.",
        "Circuit Judges Millett, Pillard, and Garcia denied the stay.",
        "A D.C. Circuit panel (Millett, Pillard, Garcia) denied the stay.",
    ],
)
def test_a_panel_is_three_judges(text):
    found = judges(text)

    assert [j.details["surname"] for j in found] == ["Millett", "Pillard", "Garcia"]
    assert [j.normalized for j in found] == ["fjc:1394311", "fjc:1394316", "fjc:13645541"]


def test_a_panel_list_of_people_who_are_no_judges_is_not_a_panel():
    assert judges("The debate panel (Smithers, Quimby, Burns) took questions.") == []


@pytest.mark.parametrize(
    "text",
    [
        "Aaron Judge homered twice as the Yankees won.",
        "Judge will captain Team USA, the manager said.",
        "The Justice Department appealed; Social Justice groups cheered.",
        "Judge for yourself whether he answered. Don't judge me.",
        "The MasterChef judges were brutal; Bake Off judges Paul Hollywood and Prue Leith agreed.",
        "Judge Judy ruled on the lawnmower case, great TV.",
        "Judge Mathis had the funniest episode today; Mathis ruled against both.",
        "Rewatching Beverly Hills Cop. Judge Reinhold is underrated.",
        "JORDAN: The American people deserve answers. RASKIN: Then let him answer.",
        "FCC Chair Brendan Carr, a Trump appointee, said the agency would act.",
        "Sen. John Kennedy, a Republican, asked the nominee about the First Amendment.",
    ],
)
def test_people_who_are_not_judges_are_not_annotated(text):
    assert judges(text) == []


def test_a_real_judge_named_like_a_television_one_is_a_judge_outside_television():
    judge = one_judge("6th Circuit Judge Andre Mathis wrote for the panel.")

    assert judge.normalized == "fjc:12588661"


def test_an_untitled_judge_with_an_appointment_claim_is_a_judge_when_the_post_is_about_a_court():
    judge = one_judge("Nichols, a Trump appointee, said in his order that the unions must wait.")

    assert (judge.details["surname"], judge.details["form"]) == ("Nichols", "appointee")


# --- resolving to the register ------------------------------------------------------------


def test_a_unique_serving_judge_resolves_with_the_registers_record():
    judge = one_judge("Judge Boasberg issued a TRO.")

    assert judge.normalized == "fjc:1393651"
    assert judge.details["name"] == "James Emanuel Boasberg"
    assert judge.details["court_id"] == "dcd"
    assert judge.details["appointed_by"] == "Barack Obama"
    assert judge.details["register"] == "fjc-2023-06-06"
    assert judge.details["resolution"] == "unique"


def test_an_ambiguous_surname_stays_unresolved_and_says_among_how_many():
    judge = one_judge("Judge Walker set a hearing for Monday.")

    assert judge.normalized == "Walker"
    assert "register_id" not in judge.details
    assert (judge.details["resolution"], judge.details["candidates"]) == ("ambiguous", 5)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Judge Walker (D. Me.) refused to block the law.", "fjc:5375111"),
        ("Judge Walker of the Eastern District of Virginia dismissed it.", "fjc:13328846"),
        ("In Tallahassee, Judge Walker struck the law down.", "fjc:1394066"),
        ("Judge Walker, an Obama appointee in Tallahassee, ruled.", "fjc:1394066"),
        ("Judge Simon of Oregon ruled.", "fjc:1393726"),
        ("U.S. District Judge Lance Walker in Maine granted the motion.", "fjc:5375111"),
    ],
)
def test_a_court_or_place_written_by_the_name_resolves_it(text, expected):
    assert one_judge(text).normalized == expected


def test_a_court_by_the_name_with_no_judge_of_that_name_leaves_it_unresolved():
    # Judge Dale Ho (S.D.N.Y.) was appointed after the export; the register's only Ho is
    # James Ho of the 5th Circuit, who must not be guessed
    judge = one_judge("Judge Dale Ho of the Southern District of New York dismissed the case.")

    assert "register_id" not in judge.details
    assert judge.normalized == "Dale Ho"


def test_a_court_named_elsewhere_in_the_thread_keeps_a_new_judge_from_an_old_namesake():
    found = thread_judges(
        "In the Southern District of New York today, the mayor's case was dismissed.",
        "Judge Ho wrote that the perception of a bargain was unavoidable.",
    )

    assert "register_id" not in found[1][0].details
    assert found[1][0].details["resolution"] == "no_candidate_on_court"


def test_the_courts_of_linked_documents_resolve_a_surname():
    judge = one_judge("Judge Jackson denied the motion to dismiss.", court_ids=("dcd",))

    assert judge.normalized == "fjc:1393656"  # Amy Berman Jackson, the D.D.C.'s Jackson now
    assert judge.details["resolution"] == "linked"


def test_a_recap_link_in_the_post_is_the_linked_court():
    recap = "https://storage.courtlistener.com/recap/gov.uscourts.dcd.1/gov.uscourts.dcd.1.5.0.pdf"
    [[judge]] = thread_judges("Judge Jackson denied the motion.", links={0: recap})

    assert judge.normalized == "fjc:1393656"


def test_the_dockets_assigned_judge_resolves_a_surname():
    judge = one_judge(
        "Judge Sullivan granted the motion to unseal.",
        docket_assigned_to="Emmet G. Sullivan",
        docket_court_id="dcd",
    )

    assert judge.normalized == "fjc:1388436"
    assert judge.details["resolution"] == "docket"


def test_given_names_and_nicknames_narrow_the_candidates():
    assert one_judge("Judge Amy Berman Jackson ruled.").normalized == "fjc:1393656"
    assert one_judge("Judge Jim Boasberg ruled.").normalized == "fjc:1393651"
    assert one_judge("Judge J. Michelle Childs wrote.").normalized == "fjc:1393286"
    assert one_judge("Chief Judge Sri Srinivasan wrote.").normalized == "fjc:1394216"
    assert one_judge("Judge LaShann DeArcy Hall denied bail.").normalized == "fjc:1394816"
    judge = one_judge("Judge Brian Murphy ordered the men kept in custody.")
    assert (judge.normalized, judge.details["resolution"]) == ("Brian Murphy", "given_names_differ")


def test_titles_narrow_the_candidates():
    assert one_judge("Justice Jackson dissented.").normalized == "fjc:1394151"  # Ketanji
    assert one_judge("Chief Justice Roberts wrote.").normalized == "fjc:1391841"
    # a magistrate judge is not an Article III judge: never a register entry
    judge = one_judge("Magistrate Judge Michael Harvey presided.")
    assert (judge.details["resolution"], judge.normalized) == ("not_article_iii", "Michael Harvey")
    judge = one_judge("Wisconsin Supreme Court Justice Rebecca Bradley dissented.")
    assert "register_id" not in judge.details


def test_the_posts_day_picks_judges_serving_then():
    # Ketanji Brown Jackson sat on the D.D.C. until 2021
    before = annotate_post(
        "Judge Jackson of the D.D.C. ruled.", AnnotationContext(posted_at="2019-05-01")
    )
    after = annotate_post(
        "Judge Jackson of the D.D.C. ruled.", AnnotationContext(posted_at="2026-05-01")
    )

    assert [a.details.get("candidates") for a in before if a.kind == "judge"] == [2]
    assert [a.normalized for a in after if a.kind == "judge"] == ["fjc:1393656"]


def test_a_retired_justice_is_still_found():
    found = judges("Breyer — brother of retired Justice Stephen Breyer — stayed his ruling.")

    assert [j.normalized for j in found] == ["fjc:1378241"]


# --- within a thread ------------------------------------------------------------------------


def test_a_judge_named_again_in_the_thread_is_the_same_judge():
    found = thread_judges(
        "Hearing before Judge Paula Xinis in Greenbelt.",
        'XINIS: "Has anyone read my order?"',
        "Xinis denies the motion.",
        "Judge Xinis says she will rule by Friday.",
    )

    assert [[j.normalized for j in post] for post in found] == [["fjc:1394851"]] * 4
    assert found[1][0].details["form"] == "known"


def test_a_misspelling_two_posts_later_joins_the_judge_it_misspells():
    found = thread_judges(
        "I'm in Judge Boasberg's courtroom.",
        "BOASBERG: I want a name.",
        "BOASBURG: That is not how orders work.",
        "Judge Boasburg will rule next week.",
    )

    assert [post[0].normalized for post in found] == ["fjc:1393651"] * 4
    assert found[2][0].details["misspelling_of"] == "Boasberg"
    assert found[3][0].details["misspelling_of"] == "Boasberg"


def test_an_unresolved_judge_is_joined_by_name():
    found = thread_judges(
        "Judge Brian Murphy in Boston says the government violated his injunction.",
        "MURPHY: I'm not going to let this become a fait accompli.",
        "Murphy is a Biden appointee.",
    )

    assert [post[0].normalized for post in found] == ["Brian Murphy"] * 3


def test_a_speaker_label_of_someone_never_named_as_a_judge_is_not_a_judge():
    found = thread_judges(
        "Judge Boasberg's courtroom, contempt hearing.",
        "ENSIGN: The oral order was not binding.",
        "Mr. Boasberg, no relation, is the clerk.",
    )

    assert [len(post) for post in found] == [1, 0, 0]


def test_another_judge_of_the_same_surname_keeps_its_own_identity():
    found = judges(
        "Judge Charles Breyer stayed his ruling. Justice Stephen Breyer retired in 2022. "
        "Breyer (the judge) set a hearing."
    )

    assert [j.normalized for j in found] == ["fjc:1390436", "fjc:1378241", "fjc:1378241"]


def test_sitting_justices_named_by_surname_alone_in_a_supreme_court_post():
    found = judges("Supreme Court denies review. Thomas would grant; Kavanaugh writes separately.")

    assert [j.normalized for j in found] == ["fjc:1388686", "fjc:1392406"]


def test_surnames_of_justices_are_not_judges_outside_a_supreme_court_post():
    assert judges("Thomas and Kavanaugh went to the game.") == []
