"""What a ruling did, with the sentence it came from, and what a post is about."""

from __future__ import annotations

import pytest

from bot.annotate import annotate_post
from bot.annotate.topics import TOPICS, find_topics
from bot.models import AnnotationContext


def outcomes(text: str) -> list[str]:
    return [a.normalized for a in annotate_post(text, AnnotationContext()) if a.kind == "outcome"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Judge Boasberg granted the TRO.", ["granted", "TRO"]),
        ("Judge Chutkan denies the states' motion for a preliminary injunction.", ["denied"]),
        ("Judge Tostrud ordered the immediate release of the asylum seeker.",
         ["release ordered"]),
        ("Magistrate Judge Upadhyaya ordered the man released pending trial.",
         ["release ordered"]),
        ("Judge Montgomery ordered ICE to release the man.", ["release ordered"]),
        ("Judge Schiltz threatens to hold the ICE director in contempt.", ["contempt"]),
        ("The 8th Cir. stays Judge Menendez's TRO.", ["stay"]),
        ("SCOTUS grants the government's application for a stay.", ["granted", "stay"]),
        ("Judge Furman has dismissed the lawsuit.", ["dismissed"]),
        ("Judge Walker granted the state's motion to dismiss.", ["granted", "dismissed"]),
        ("The 5th Circuit reversed the injunction.", ["reversed"]),
        ("An appeals court on Friday upheld the conviction.", ["affirmed"]),
        ("The Federal Circuit affirmed but vacated the injunction and remanded.",
         ["affirmed", "vacated", "remanded"]),
        ("Judge Rakoff sentences the founder to 8 years.", ["sentenced"]),
        ("Judge Hudson gave the former sheriff 10 years.", ["sentenced"]),
        ("VERDICT: The jury finds the defendant guilty on all counts.", ["verdict"]),
        ("A D.C. jury acquits the man.", ["verdict"]),
        ("Judge Cannon has again blocked the release of the report.", ["blocked"]),
    ],
)  # fmt: skip
def test_outcomes_are_what_a_court_did(text, expected):
    assert sorted(outcomes(text)) == sorted(expected)


@pytest.mark.parametrize(
    "text",
    [
        "Government lawyers said they'd seek an emergency stay from the court tonight.",
        "Judge Thompson set a hearing on the TRO request.",
        "Judge Cooper says he'll rule on the TRO by Monday.",
        "Judge Niemeyer would have granted the stay.",
        "Justices Sotomayor, Kagan and Jackson would deny.",
        "No verdict today, the judge said.",
        "Judge Merchan set a schedule for the motion to vacate the hush money verdict.",
        'The jury instructions were flawed, the judge\'s critics said, quoting her: "denied".',
        "The seller granted a refund and the waiter denied it.",  # no court at all
        "Olympic skating: the judges' scores were appealed and the appeal was denied.",
    ],
)
def test_requests_possibilities_and_other_peoples_rulings_are_not_outcomes(text):
    assert outcomes(text) == []


def test_an_outcome_keeps_the_sentence_it_came_from():
    text = "Hearing at 10. Judge Boasberg granted the TRO at noon. More soon."
    [granted, _tro] = [a for a in annotate_post(text, AnnotationContext()) if a.kind == "outcome"]

    assert granted.details["sentence"] == "Judge Boasberg granted the TRO at noon."
    assert text[granted.start : granted.end] == "granted"


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("the habeas petition", "habeas"),
        ("held in ICE detention", "detention"),
        ("held at the county jail", "detention"),
        ("a mandatory-detention reading", "detention"),
        ("the immigration judge", "immigration"),
        ("noncitizen students", "immigration"),
        ("deported to El Salvador", "deportation"),
        ("blocked removals under the proclamation", "deportation"),
        ("an asylum seeker", "asylum"),
        ("under the Alien Enemies Act", "Alien Enemies Act"),
        ("the AEA case", "Alien Enemies Act"),
        ("violated the First Amendment", "First Amendment"),
        ("the First and Fifth Amendments", "First Amendment"),
        ("the First and Fifth Amendments", "due process"),
        ("the ghost-gun ring", "Second Amendment"),
        ("mail ballots", "voting"),
        ("the mifepristone approval", "abortion"),
        ("the EPA grant terminations", "funding"),
        ("continuing to freeze FEMA grants, and", "funding"),
        ("reinstate probationary employees", "federal workforce"),
        ("the IEEPA tariffs", "tariffs"),
        ("National Guard troops", "National Guard"),
        ("transgender service members", "transgender"),
        ("the birthright citizenship order", "birthright citizenship"),
        ("use of tear gas by police", "police"),
        ("a death sentence", "death penalty"),
    ],
)
def test_topics_are_found_by_their_words(text, topic):
    assert topic in [t.topic for t in find_topics(text)]


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("Courthouse square is closed for snow removal.", "deportation"),
        ("The motion to vacate in light of the federal removal ruling.", "deportation"),
        ("SCOTUS grants the application; Thomas would grant.", "funding"),
        ("Gonzaga's full-court press forced 19 turnovers.", "First Amendment"),
        ("The Senate voted 50-47 to confirm the nominee.", "voting"),
    ],
)
def test_words_with_another_meaning_do_not_make_a_topic(text, topic):
    assert topic not in [t.topic for t in find_topics(text)]


def test_every_topic_has_words_that_find_it():
    # each topic's first alternative, written out, finds the topic (the prefilter of plain
    # words must not hide any topic's pattern)
    samples = {
        "habeas": "habeas", "detention": "detained", "immigration": "immigration",
        "deportation": "deported", "asylum": "asylum", "Alien Enemies Act": "Alien Enemies Act",
        "First Amendment": "First Amendment", "Second Amendment": "Second Amendment",
        "due process": "due process", "voting": "ballots", "abortion": "abortion",
        "funding": "funding", "federal workforce": "federal employees", "tariffs": "tariffs",
        "National Guard": "National Guard", "transgender": "transgender",
        "birthright citizenship": "birthright citizenship", "police": "police",
        "death penalty": "death penalty",
    }  # fmt: skip

    assert set(samples) == set(TOPICS)
    for topic, words in samples.items():
        assert topic in [t.topic for t in find_topics(f"About {words}, today.")], topic
