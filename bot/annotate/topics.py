"""What a text is about, from a fixed list of topics, by the words that name them.

    >>> [t.topic for t in find_topics("She granted habeas to a man held in ICE detention.")]
    ['habeas', 'immigration', 'detention']

One annotation per topic per text, on its first word. The list is the archive's facets:
adding a topic is adding a line to `TOPICS`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.annotate.base import Annotator, Subject
from bot.models import Annotation

VERSION = "1"

# topic → words that name it (a regular expression, matched as whole words, any case unless
# the pattern says otherwise with (?-i:...)).
TOPICS: dict[str, str] = {
    "habeas": r"habeas",
    "detention": r"detain(?:s|ed|ing|ee|ees)?|detention|jail(?:s|ed|ing)?|bond\s+hearings?|"
    r"in\s+custody|keep\s+custody|held\s+at",
    "immigration": r"immigration|immigrants?|(?-i:ICE)|migrants?|noncitizens?|refugees?|"
    r"(?-i:TPS)|(?-i:DACA)|parole\s+program|(?-i:CHNV)|sanctuary|visas?|border|"
    r"withholding\s+(?:order|of\s+removal)",
    # "removal" alone is also snow's and a case's (to federal court)
    "deportation": r"deport(?:s|ed|ing|ation|ations)?|removals|removal\s+(?:orders?|flights?|"
    r"proceedings)|orders?\s+of\s+removal|expedited\s+removal|third-country|flown\s+out|"
    r"remov(?:e|es|ed|ing)\s+(?:\w+\s+){0,3}(?:men|women|people|migrants|immigrants|"
    r"noncitizens|Venezuelans?)",
    "asylum": r"asylum",
    "Alien Enemies Act": r"Alien\s+Enemies\s+Act|(?-i:AEA)",
    "First Amendment": r"First\s+Amendment|First\s+and\s+\w+\s+Amendments|free\s+speech|"
    r"freedom\s+of\s+(?:speech|the\s+press)|speech|press\s+(?:rules|access|freedom|pool|credentials)|journalists?|protesters?|"
    r"censorship|defamation|actual\s+malice|op-ed|Ten\s+Commandments|Establishment\s+Clause|"
    r"viewpoint",
    "Second Amendment": r"Second\s+Amendment|(?-i:2A)|guns?|ghost-guns?|firearms?|"
    r"assault\s+weapons|high-capacity\s+magazines",
    "due process": r"due\s+process|Fifth\s+Amendments?|First\s+and\s+Fifth\s+Amendments",
    "voting": r"ballots?|elections?|redistricting|voters?|voting\s+rights|Section\s+2|polls?|"
    r"precincts?|recount|congressional\s+map|primary\s+results|runoff|turnout",
    "abortion": r"abortion|mifepristone|Roe\s+v\.\s+Wade|reproductive",
    "funding": r"funding|(?<!would\s)(?<!to\s)grants?(?=\s*(?:terminations?|agreements?|funds?|"
    r"programs?|recipients?|conditions?|money|cuts?|freeze|within|[.,;:]|$))|funds|foreign-aid|"
    r"(?-i:SNAP)|indirect\s+costs|spending|appropriations|stopgap",
    "federal workforce": r"federal\s+(?:employees|workers|workforce)|probationary\s+employees|"
    r"layoffs?|laid\s+off|laying\s+off|(?-i:RIFs?)|reductions?\s+in\s+force|mass\s+firings|"
    r"on\s+leave|collective\s+bargaining|(?-i:MSPB)|civil\s+service",
    "tariffs": r"tariffs?|(?-i:IEEPA)",
    "National Guard": r"National\s+Guard|Guard\s+troops|guard\s+statute|federalized|troops|"
    r"deployment|Posse\s+Comitatus",
    "transgender": r"transgender|trans|gender\s+ideology|gender-affirming",
    "birthright citizenship": r"birthright(?:\s+citizenship)?",
    "police": r"police|use\s+of\s+force|tear\s+gas|rubber\s+bullets|chemical\s+irritants|"
    r"excessive\s+force|body\s+cameras|law\s+enforcement\s+officers?",
    "death penalty": r"death\s+penalty|death\s+sentence|executions?|death\s+row",
}
# Plain lower-case pieces of each topic's words, one word each (line breaks and double
# spaces fall between words). A topic's pattern runs only on a text that holds one of them:
# a substring test costs next to nothing, while a pattern of alternatives tried at every
# position of every post was most of the time annotation took.
STEMS: dict[str, tuple[str, ...]] = {
    "habeas": ("habeas",),
    "detention": ("detain", "detention", "jail", "bond", "custody", "held"),
    "immigration": ("immigra", "ice", "migrant", "noncitizen", "refugee", "tps", "daca",
                    "parole", "chnv", "sanctuary", "visa", "border", "withholding"),
    "deportation": ("deport", "removal", "third-country", "flown", "remov"),
    "asylum": ("asylum",),
    "Alien Enemies Act": ("enemies", "aea"),
    "First Amendment": ("first", "speech", "press", "journalist", "protester", "censorship",
                        "defamation", "malice", "op-ed", "commandments", "establishment",
                        "viewpoint"),
    "Second Amendment": ("second", "2a", "gun", "firearm", "assault",
                         "magazine"),
    "due process": ("process", "fifth"),
    "voting": ("ballot", "election", "redistricting", "voter", "voting", "section", "poll",
               "precinct", "recount", "congressional", "primary", "runoff", "turnout"),
    "abortion": ("abortion", "mifepristone", "roe", "reproductive"),
    "funding": ("funding", "grant", "funds", "foreign-aid", "snap", "indirect",
                "spending", "appropriations", "stopgap"),
    "federal workforce": ("federal", "probationary", "layoff", "laid", "laying", "rif",
                          "reduction", "firings", "leave", "bargaining",
                          "mspb", "civil"),
    "tariffs": ("tariff", "ieepa"),
    "National Guard": ("guard", "federalized", "troops", "deployment", "posse"),
    "transgender": ("trans", "gender"),
    "birthright citizenship": ("birthright",),
    "police": ("police", "force", "tear", "rubber", "irritants",
               "force", "camera", "enforcement"),
    "death penalty": ("death", "execution"),
}  # fmt: skip
_PATTERNS = [
    (topic, STEMS[topic], re.compile(rf"(?<!\w)(?:{words})(?!\w)", re.IGNORECASE))
    for topic, words in TOPICS.items()
]


@dataclass(frozen=True)
class Topic:
    start: int
    end: int
    topic: str


def find_topics(text: str) -> list[Topic]:
    lower = text.lower()
    found = [
        Topic(match.start(), match.end(), topic)
        for topic, stems, pattern in _PATTERNS
        if any(stem in lower for stem in stems) and (match := pattern.search(text))
    ]
    return sorted(found, key=lambda t: t.start)


def annotate_topics(subject: Subject) -> list[Annotation]:
    return [
        ANNOTATOR.annotation(subject, t.start, t.end, t.topic, 0.7)
        for t in find_topics(subject.text)
    ]


ANNOTATOR = Annotator(kind="topic", version=VERSION, run=annotate_topics)
