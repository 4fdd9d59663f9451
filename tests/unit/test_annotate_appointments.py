"""Appointing presidents: what the post claims, what the register says, and whether they differ."""

from __future__ import annotations

import pytest

from bot.annotate import annotate_post, annotate_thread
from bot.models import Annotation, AnnotationContext, Post

DAY = "2026-02-10T18:00:00Z"


def claims(text: str) -> list[Annotation]:
    found = annotate_post(text, AnnotationContext(posted_at=DAY))
    return [a for a in found if a.kind == "appointed_by"]


def claim(text: str) -> Annotation:
    [found] = claims(text)
    return found


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("Judge Karin Immergut, a Trump appointee, ruled.", "a Trump appointee"),
        ("Trump-appointed Judge Karin Immergut ruled.", "Trump-appointed"),
        ("Trump appointee Karin Immergut ruled in the case.", "Trump appointee"),
        ("Judge Karin Immergut, who was appointed by President Trump, ruled.",
         "appointed by President Trump"),
        ("Judge Immergut (Trump) ruled.", "(Trump)"),
    ],
)  # fmt: skip
def test_claims_are_read_in_every_form_and_agree_with_the_register(text, written):
    found = claim(text)

    assert (found.value.strip(), found.normalized) == (written, "Donald J. Trump")
    assert found.details["judge"] == "fjc:6839681"
    assert found.details["register_appointed_by"] == "Donald J. Trump"
    assert found.details["conflict"] is False


def test_a_wrong_claim_is_kept_and_flagged():
    found = claim("Judge Immergut, an Obama appointee, said the troops must stay out.")

    assert found.normalized == "Barack Obama"  # the post's claim, never overwritten
    assert found.details["register_appointed_by"] == "Donald J. Trump"
    assert found.details["conflict"] is True
    [judge] = [
        a
        for a in annotate_post("Judge Immergut, an Obama appointee, ruled.", AnnotationContext())
        if a.kind == "judge"
    ]
    assert judge.details["appointed_by"] == "Donald J. Trump"  # the register's, beside it


@pytest.mark.parametrize(
    ("text", "bush"),
    [
        ("Judge Reed O'Connor of Fort Worth, a Bush appointee, vacated the rule.",
         "George W. Bush"),
        ("4th Circuit Judge Paul Niemeyer, a Bush appointee, dissented.", "George H. W. Bush"),
    ],
)  # fmt: skip
def test_a_bare_bush_becomes_the_registers_bush(text, bush):
    found = claim(text)

    assert (found.normalized, found.details["claimed"], found.details["conflict"]) == (
        bush,
        "Bush",
        False,
    )


def test_bush_stays_bush_when_the_register_has_no_bush_for_the_judge():
    found = claim("Judge Kacsmaryk, a Bush appointee, ruled.")

    assert (found.normalized, found.details["conflict"]) == ("Bush", True)


def test_bush_stays_bush_for_a_judge_the_register_does_not_hold():
    found = claim("Judge Sparkle Sooknanan, a Bush appointee, ruled.")

    assert (found.normalized, found.details["conflict"]) == ("Bush", None)


def test_a_claim_about_a_judge_appointed_after_the_export_cannot_conflict():
    found = claim("Judge Sparkle Sooknanan, a Biden appointee, ordered his release.")

    assert (found.normalized, found.details["conflict"], found.details["register_id"]) == (
        "Joseph R. Biden",
        None,
        "",
    )


def test_an_earlier_appointment_is_compared_with_every_seat():
    # Kavanaugh: D.C. Circuit by George W. Bush, the Supreme Court by Trump
    earlier = claim("Justice Kavanaugh, first appointed to the D.C. Circuit by Bush, wrote it.")
    now = claim("Justice Kavanaugh, a Bush appointee, wrote separately.")

    assert (earlier.normalized, earlier.details["conflict"]) == ("George W. Bush", False)
    assert (now.normalized, now.details["conflict"]) == ("George W. Bush", True)


def test_a_claim_belongs_to_the_judge_it_is_said_of():
    found = claims("Worth noting: Reif is a Trump appointee and Restani was appointed by Reagan.")

    assert found == []  # neither was named as a judge in this post alone
    posts = [
        Post(id="1", platform="bluesky", author_id="a", created_at=DAY,
             text="CIT panel: Judges Katzmann, Reif and Restani struck down the tariffs."),
        Post(id="2", platform="bluesky", author_id="a", created_at=DAY,
             text="Worth noting: Reif is a Trump appointee and Restani was appointed by Reagan."),
    ]  # fmt: skip
    second = [a for a in annotate_thread(posts, AnnotationContext())[1] if a.kind == "appointed_by"]
    assert [(a.details["judge_surname"], a.normalized) for a in second] == [
        ("Reif", "Donald J. Trump"),
        ("Restani", "Ronald Reagan"),
    ]


def test_a_panel_shares_one_claim():
    found = claims("8th Cir. panel: Judges Grasz, Stras and Kobes, all Trump appointees.")

    assert [(a.details["judge_surname"], a.details["conflict"]) for a in found] == [
        ("Grasz", False),
        ("Stras", False),
        ("Kobes", False),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "FCC Chair Brendan Carr, a Trump appointee, said the agency would act.",
        "Kash Patel, the Trump-appointed FBI director, testified.",
        "Judge Nelson, a Democratic appointee, dissented.",  # a party is not a president
        "Lindsey Graham, appointed to the subcommittee by the leadership, spoke.",
    ],
)
def test_claims_about_no_judge_or_no_president_are_not_kept(text):
    assert claims(text) == []
