"""Small readings of text the annotators share: where sentences end, which words are names.

>>> text = "Judge Xinis (D. Md.) ruled. The U.S. appealed to the 4th Cir. today. Next."
>>> [text[s:e] for s, e in sentences(text)]
['Judge Xinis (D. Md.) ruled.', 'The U.S. appealed to the 4th Cir. today.', 'Next.']
"""

from __future__ import annotations

import functools
import re

# A full stop, question or exclamation mark (and closing quotes) then space and a capital, a
# digit or a quote; or a blank line. A full stop after an abbreviation ends nothing, nor does
# a single line break (a court document's text is wrapped mid-sentence).
_BOUNDARY = re.compile(r"([.!?…][\"”’')\]]*)\s+(?=[A-Z\"“(\[0-9])|\n[ \t]*\n\s*")
_ABBREVIATIONS = frozenset(
    [
        "no", "nos", "v", "vs", "mr", "mrs", "ms", "dr", "sen", "rep", "gov", "gen", "lt", "col",
        "st", "jr", "sr", "inc", "co", "corp", "ltd", "llc", "ca", "cir", "fed", "supp", "app",
        "ct", "dist", "div", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
        "nov", "dec", "pres", "hon", "sec", "dept", "admin", "assn", "ala", "ariz", "ark", "cal",
        "calif", "colo", "conn", "del", "fla", "ga", "haw", "ill", "ind", "kan", "ky", "la", "md",
        "mass", "mich", "minn", "miss", "mo", "mont", "neb", "nev", "okla", "or", "ore", "pa",
        "penn", "tenn", "tex", "vt", "va", "wash", "wis", "wyo", "bankr", "ed", "id", "et", "al",
        "cf", "mt", "ft", "pt"
    ]
)  # fmt: skip


@functools.lru_cache(maxsize=4096)
def sentences(text: str) -> tuple[tuple[int, int], ...]:
    """The [start, end) spans of the text's sentences, in order."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        mark = match.group(1)
        if mark:
            if mark[0] == "." and _is_abbreviation(text, match.start()):
                continue
            end = match.start() + len(mark)
        else:
            end = match.start()
        if end > start:
            spans.append((start, end))
        start = match.end()
    if start < len(text):
        spans.append((start, _rstrip(text, start, len(text))))
    return tuple(span for span in spans if span[1] > span[0])


def sentence_at(text: str, position: int) -> tuple[int, int]:
    """The span of the sentence holding character `position`."""
    for start, end in sentences(text):
        if start <= position < end:
            return start, end
    return 0, len(text)


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def _is_abbreviation(text: str, dot: int) -> bool:
    word_start = dot
    while (
        word_start > 0 and not text[word_start - 1].isspace() and text[word_start - 1] not in '("“'
    ):
        word_start -= 1
    word = text[word_start:dot].casefold()
    if not word:
        return False
    # initials and dotted abbreviations: "E.", "U.S", "D.D.C", "S.D.N.Y"
    if len(word) == 1 and word.isalpha():
        return True
    if "." in word and all(len(part) <= 2 for part in word.split(".")):
        return True
    return word in _ABBREVIATIONS


# Words written with a capital that are not people's names, wherever they stand.
NOT_NAMES = frozenset(
    [
        "A", "An", "The", "This", "That", "These", "Those", "It", "Its", "He", "She", "They",
        "His", "Her", "Their", "We", "Our", "I", "You", "Your", "In", "On", "At", "Of", "For",
        "To", "From", "By", "With", "And", "But", "Or", "Nor", "So", "If", "As", "Is", "Was",
        "Were", "Be", "Been", "Has", "Had", "Have", "Will", "Would", "Can", "Could", "May",
        "Might", "Must", "Shall", "Should", "Did", "Does", "Do", "Not", "No", "Yes", "Department",
        "Dept", "League", "Ministry", "Democrats", "Republicans", "Center", "Rules", "Ruled",
        "Rule", "Blocks", "Blocked", "Block", "Orders", "Ordered", "Order", "Says", "Said",
        "Denies", "Denied", "Grants", "Granted", "Halts", "Halted", "Tosses", "Tossed", "Strikes",
        "Struck", "Hits", "Panel", "Scores", "Who", "Whose", "Whom", "What", "When", "Where",
        "Why", "How", "Court", "Courts", "Circuit", "District", "Judge", "Judges", "Justice",
        "Justices", "Chief", "Senior", "Magistrate", "Bankruptcy", "Federal", "Appeals", "Supreme",
        "State", "County", "Superior", "Today", "Yesterday", "Tonight", "Monday", "Tuesday",
        "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February", "March",
        "April", "May", "June", "July", "August", "September", "October", "November", "December",
        "New", "BREAKING", "NEW", "UPDATE", "JUST", "Here", "Read", "Also", "Then", "Now", "After",
        "Before", "During", "While", "Under", "Over", "Per", "Via", "Government", "Administration",
        "President", "Congress", "Senate", "House", "DOJ", "DHS", "ICE", "FBI", "CIA", "EPA",
        "NIH", "USAID", "FEMA", "OPM", "HHS", "FDA", "FTC", "FCC", "SEC", "IRS", "USA", "U.S.",
        "US", "America", "American", "Americans", "Correction", "Both", "All", "None", "Another",
        "Other", "Some", "Many", "Most", "Each", "Every"
    ]
)  # fmt: skip

NAME_PARTICLES = frozenset({"de", "van", "von", "la", "del", "da", "di", "der", "le", "St."})
SUFFIXES = frozenset({"Jr.", "Jr", "Sr.", "Sr", "II", "III", "IV"})
