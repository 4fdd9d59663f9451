"""What a ruling did, as the text reports it: granted, denied, TRO, stay, sentenced, verdict …

    >>> [(o.outcome, o.sentence) for o in find_outcomes("The judge denied the motion. Lunch next.")]
    [('denied', 'The judge denied the motion.')]
    >>> find_outcomes("The government asked for a stay; she would deny it.")
    []

Each outcome is reported once per text with the sentence it came from (in `details`), so a
reader can check it. Only what a court or a jury did counts, not what a party asked for
("motion for a stay", "seek a TRO"), what may come ("would grant", "expected to rule") or
what another order did ("Judge X's TRO", "dissolving his earlier TRO"). And only in a text
that is about a court: one with a judge, court, case or docket found by the annotators
before this one, or a sentence naming a court, a jury or the justices; "the seller granted
a refund" is not a ruling.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.annotate.base import Annotator, Subject
from bot.annotate.text import sentences
from bot.models import Annotation

VERSION = "1"

_ANCHOR_KINDS = ("judge", "court", "case_name", "docket_number")
# "judges" is left out: skating, baking and talent-show judges rule on things too.
_COURT_WORDS = re.compile(
    r"\b(?:courts?|courtroom|judge|justices|jury|jurors|panel|circuit|cir\.|scotus|"
    r"magistrate)\b",
    re.IGNORECASE,
)
# A clause that speaks of what would or could happen: "Niemeyer would have granted the stay".
_HYPOTHETICAL = re.compile(r"\b(?:would|could|might|should)\b[^,;:]*$", re.IGNORECASE)
# An order another court made, now reviewed: "affirmed the preliminary injunction".
_REVIEWED = re.compile(
    r"\b(?:affirm\w*|revers\w*|vacat\w*|upheld|uphold\w*|overturn\w*|stay(?:ed|s)|"
    r"dissolv\w*)\s+(?:the|a|an)\s+(?:\w+\s+){0,2}$",
    re.IGNORECASE,
)
# What a party asked for, which the court granted: "grants the application for a stay".
_GRANTED_BEFORE = re.compile(r"\b(?:granted|grants|granting)\b[^,;:]*$", re.IGNORECASE)
# "Plaintiffs' Motion for a Temporary Restraining Order is GRANTED": a court order's words.
_GRANTED_AFTER = re.compile(r"[^.;:]{0,20}?\b(?:is|are|be|was)\s+(?:hereby\s+)?granted\b", re.I)
_QUOTED = re.compile(r"[\"“][^\"”]*[\"”]")
# Words right before an outcome that make it a request, a possibility or someone else's.
_NOT_DONE_BEFORE = re.compile(
    r"(?:\b(?:for|seek|seeks|seeking|sought|asked|asks|asking|request|requests|requested|"
    r"wants?|would|could|might|may|will|to|expected|likely|whether|if|rule\s+on|hearing\s+on|"
    r"on\s+the|earlier|dissolving|dissolved|his|her|their|its|had|have|has\s+not|not|no|"
    r"motion\s+(?:for|to)|application\s+for|request\s+for|bid\s+for|considering)"
    r"(?:\s+(?:a|an|the|emergency|temporary|nationwide|administrative))*\s+|['’]s\s+|"
    r"\bthat\s+)$",
    re.IGNORECASE,
)

# (outcome, pattern). Order is the order outcomes are reported in.
_OUTCOMES: list[tuple[str, re.Pattern[str]]] = [
    (
        "granted",
        re.compile(
            # "grants" only with an object: "FEMA grants, and" is money, not a ruling
            r"\b(?:granted|granting)\b(?!\s+(?:permission|a\s+refund|us)\b)|"
            r"\bgrants\s+(?=(?:the|a|an|his|her|its|their|class|summary|cert|bail|review|"
            r"relief|in\s+part)\b)|\bhabeas\s+grant\b|\bgrant\s+the\s+motion\b",
            re.IGNORECASE,
        ),
    ),
    (
        "denied",
        re.compile(
            r"\b(?:denied|denies|denying|DENIES|DENIED)\b|\bdenial\s+of\b|"
            r"\b(?:refused|refuses|declined|declines)\s+to\s+(?:dismiss|block|pause|stay|halt|"
            r"sign|grant|enjoin|lift|release|reinstate)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "release ordered",
        re.compile(
            r"\border(?:ed|s)?\s+(?:the\s+)?(?:immediate\s+)?release\b|"
            r"\border(?:ed|s)?\s+(?!(?:the\s+)?(?:funds?|money|grants?|records?|documents?|"
            r"transcripts?|report|files?|data)\b)(?:\w+\s+){1,4}?released\b|"
            r"\breleased\s+on\s+(?:bail|bond|conditions)\b|"
            r"\border(?:ed|s)?\s+(?:\w+\s+){1,3}to\s+release\s+(?!(?:the\s+)?(?:funds?|money|grants?|"
            r"records?|documents?|transcripts?|report|files?|data)\b)",
            re.IGNORECASE,
        ),
    ),
    ("contempt", re.compile(r"\bcontempt\b(?!\s+of\s+Congress)", re.IGNORECASE)),
    ("TRO", re.compile(r"\bTROs?\b|\btemporary\s+restraining\s+orders?\b", re.IGNORECASE)),
    ("preliminary injunction", re.compile(r"\bpreliminary\s+injunctions?\b", re.IGNORECASE)),
    (
        "stay",
        re.compile(
            r"\bstay(?:s|ed)\s+(?=(?:the|his|her|its|their|a|an|Judge|enforcement|that|this|"
            r"part|parts)\b)|\bstaying\b|\bpartially\s+stayed\b|"
            r"\b(?:a|an|the)\s+(?:\w+\s+)?stay\b(?!\s+(?:on|in\s+place))",
            re.IGNORECASE,
        ),
    ),
    (
        "dismissed",
        re.compile(
            r"\b(?:dismissed|dismisses|dismissing|tossed|tosses|threw\s+out|thrown\s+out)\b|"
            r"\bgranted\s+(?:the\s+)?(?:\S+\s+){0,2}motion\s+to\s+dismiss\b",
            re.IGNORECASE,
        ),
    ),
    ("reversed", re.compile(r"\b(?:reversed|reverses|reversing|overturned|overturns)\b", re.I)),
    ("affirmed", re.compile(r"\b(?:affirmed|affirms|affirming|upheld|upholds|upholding)\b", re.I)),
    ("vacated", re.compile(r"\b(?:vacated|vacates|vacating)\b", re.IGNORECASE)),
    ("remanded", re.compile(r"\b(?:remanded|remands|remanding)\b", re.IGNORECASE)),
    (
        "sentenced",
        re.compile(
            r"\b(?:sentenced|sentences)\b(?!\s+(?:hearing|memo))|"
            r"\b(?:imposed?|imposes|gave|gives)\s+(?:\w+\s+){0,4}?\d+\s+(?:years|months)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "verdict",
        re.compile(
            r"\bverdict\b|\b(?:convicted|convicts|acquits|acquitted)\b|\bfinds?\s+(?:\w+\s+){0,3}"
            r"(?:not\s+)?guilty\b|\bfound\s+(?:\w+\s+){0,3}guilty\b|\bNOT\s+GUILTY\b(?!\s+plea)|"
            r"\brecommended\s+a\s+death\s+sentence\b",
            re.IGNORECASE,
        ),
    ),
    (
        "blocked",
        re.compile(
            r"\b(?:blocked|blocks|enjoined|enjoins|halted|halts|barred|bars)\b(?!\s+(?:from\s+)?"
            r"(?:and|or|of|the\s+door))",
            re.IGNORECASE,
        ),
    ),
]
# Plain lower-case pieces of each outcome's words, one word each, tested before its pattern
# runs.
_STEMS: dict[str, tuple[str, ...]] = {
    "granted": ("grant",),
    "denied": ("deni", "denying", "refus", "declin"),
    "release ordered": ("releas",),
    "contempt": ("contempt",),
    "TRO": ("tro", "restraining"),
    "preliminary injunction": ("injunction",),
    "stay": ("stay",),
    "dismissed": ("dismiss", "toss", "threw", "thrown"),
    "reversed": ("revers", "overturn"),
    "affirmed": ("affirm", "upheld", "uphold"),
    "vacated": ("vacat",),
    "remanded": ("remand",),
    "sentenced": ("sentenc", "impose", "gave", "gives"),
    "verdict": ("verdict", "convict", "acquit", "guilty", "death"),
    "blocked": ("block", "enjoin", "halt", "barred", "bars"),
}
# A "verdict" that is denied, vacated or awaited is not one.
_NOT_A_VERDICT = re.compile(r"\b(?:no|vacate|await\w*|before\s+a)\s+(?:\w+\s+){0,3}verdict\b", re.I)
# Outcomes noted whatever stands before them: a contempt hearing is news.
_ALWAYS = frozenset({"contempt"})
# What a court grants when asked: a request for one, granted, is one.
_GRANTABLE = frozenset({"stay", "TRO", "preliminary injunction"})


@dataclass(frozen=True)
class Outcome:
    start: int
    end: int
    outcome: str
    sentence: str


def find_outcomes(text: str, *, anchored: bool = False) -> list[Outcome]:
    """The outcomes the text reports, the first sentence for each. `anchored`: the caller
    knows the text is about a court (else each sentence must name one)."""
    lower = text.lower()
    candidates = [
        (outcome, pattern)
        for outcome, pattern in _OUTCOMES
        if any(stem in lower for stem in _STEMS[outcome])
    ]
    if not candidates:
        return []
    found: dict[str, Outcome] = {}
    for start, end in sentences(text):
        sentence = text[start:end]
        if not anchored and not _COURT_WORDS.search(sentence):
            continue
        # quoted words are someone's reasoning, not the outcome: blank them out
        unquoted = _QUOTED.sub(lambda m: " " * len(m.group()), sentence)
        for outcome, pattern in candidates:
            if outcome in found:
                continue
            for match in pattern.finditer(unquoted):
                before = unquoted[: match.start()]
                if outcome not in _ALWAYS:
                    if _NOT_DONE_BEFORE.search(before[-40:]) and not (
                        outcome in _GRANTABLE
                        and (
                            _GRANTED_BEFORE.search(before)
                            or _GRANTED_AFTER.match(unquoted, match.end())
                        )
                    ):
                        continue
                    if _HYPOTHETICAL.search(before):
                        continue
                    if outcome in _GRANTABLE and _REVIEWED.search(before[-60:]):
                        continue
                if outcome == "verdict" and _NOT_A_VERDICT.search(sentence):
                    continue
                found[outcome] = Outcome(
                    start + match.start(), start + match.end(), outcome, sentence
                )
                break
    return sorted(found.values(), key=lambda o: o.start)


def annotate_outcomes(subject: Subject) -> list[Annotation]:
    anchored = any(a.kind in _ANCHOR_KINDS for a in subject.found) or bool(
        subject.context.thread_judges
    )
    return [
        ANNOTATOR.annotation(subject, o.start, o.end, o.outcome, 0.8, {"sentence": o.sentence})
        for o in find_outcomes(subject.text, anchored=anchored)
    ]


ANNOTATOR = Annotator(kind="outcome", version=VERSION, run=annotate_outcomes)
