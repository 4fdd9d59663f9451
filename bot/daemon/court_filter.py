"""Is a thread about a court ruling? A rule-based score, so the daemon archives only those.

    >>> score = score_text("Judge Ortega granted the injunction in 1:26-cv-00412.")
    >>> score.score, score.reasons[:2]
    (4.75, ('docket number 1:26-cv-00412', 'judge named: Judge Ortega'))
    >>> is_court_thread(score)
    True
    >>> is_court_thread(score_text("We ordered pizza and watched the game on the court."))
    False

Pure: no network, no database. Every signal found is one short phrase in `reasons`, so
whoever reads the archive's log can see why a thread was kept or skipped.

Signals and weights. Each distinct signal counts once (the same docket number or the word
"court" said forty times counts as once), and each group's total is capped, so no single
kind of evidence runs away with the score:

| group       | signal                                                        | weight | cap  |
|-------------|---------------------------------------------------------------|--------|------|
| link        | CourtListener, PACER/ECF, uscourts.gov, supremecourt.gov,     | 3.0    | 4.0  |
|             | Justia dockets and cases, a .gov court site, a DocumentCloud  |        |      |
|             | document whose name reads like a filing                       |        |      |
| link        | any other DocumentCloud document                              | 1.5    |      |
| docket      | 1:26-cv-00412, 26-cv-412, 2:24-cr-00123-ABC, No. 24-1234      | 2.0    | 3.0  |
| caption     | "Trump v. CASA" (courts write "v.", games write "vs"/"v")     | 1.5    | 2.0  |
| judge       | "Judge Ortega", "Chief Justice Roberts"                       | 1.5    | 2.0  |
| court name  | D.D.C., N.D. Cal., 9th Circuit, Supreme Court, district court | 1.0    | 2.0  |
| word        | legal terms: injunction, TRO, habeas, certiorari, SCOTUS,     | 0.75   | 2.5  |
|             | indictment, sentenced, vacated, remanded, plaintiffs, ...     |        |      |
| word        | docket                                                        | 0.5    |      |
| word        | everyday terms: judge, court, ruled, order, motion, appeal,   | 0.25   |      |
|             | denied, granted, opinion, circuit, filing, ...                |        |      |

The score is the sum of the capped groups (at most `MAX_SCORE`); a thread is about a court
ruling at `DEFAULT_THRESHOLD` (3.0). So one court link is enough on its own, and words alone
never are (their cap is below the threshold): a basketball court, figure-skating judges or
a food order need a concrete anchor (a link, a docket number, a caption, a named judge or
court) before they could pass. More input never lowers the score: signals only accumulate.

Reasons are listed by group in the table's order (links first, words last) and, within a
group, in a fixed order (URLs before text, then as found; words as `_WORDS` lists them), so
the same thread always gives the same reasons.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.models import Thread

DEFAULT_THRESHOLD = 3.0

# group → cap. The order here is the order reasons are listed in: strongest evidence first.
GROUP_CAPS = {
    "link": 4.0,
    "docket": 3.0,
    "caption": 2.0,
    "judge": 2.0,
    "court": 2.0,
    "word": 2.5,
}
MAX_SCORE = sum(GROUP_CAPS.values())

STRONG_LINK = 3.0
WEAK_LINK = 1.5
DOCKET = 2.0
CAPTION = 1.5
JUDGE = 1.5
COURT_NAME = 1.0


@dataclass(frozen=True)
class CourtScore:
    score: float
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class _Signal:
    group: str
    key: str  # what makes two findings the same signal
    reason: str
    weight: float


def is_court_thread(score: CourtScore, threshold: float = DEFAULT_THRESHOLD) -> bool:
    return score.score >= threshold


def score_thread(thread: Thread, *, max_posts: int = 25) -> CourtScore:
    """Score the text and links of the thread's first `max_posts` posts we could read.

    Links count by their full URL and by the text the reader saw (which is all a truncated
    "storage.courtlistener.com/recap/gov.usco…" leaves us before it is resolved).
    """
    posts = thread.present_posts[:max_posts]
    urls = [
        candidate
        for post in posts
        for link in post.links
        for candidate in (link.url, link.display_text)
        if candidate
    ]
    # A blank line between posts: no pattern reaches across one, so two posts never
    # combine into a signal that neither has.
    return score_text("\n\n".join(post.text for post in posts), urls)


def score_text(text: str, urls: Iterable[str] = ()) -> CourtScore:
    """Score one text and the URLs that go with it; the text's own bare links count too."""
    found: dict[tuple[str, str], _Signal] = {}
    for signal in _signals(text, urls):
        # Same signal twice: the stronger reading wins (a DocumentCloud link seen in full
        # after its truncated display text).
        known = found.get((signal.group, signal.key))
        if known is None or signal.weight > known.weight:
            found[(signal.group, signal.key)] = signal
    totals = dict.fromkeys(GROUP_CAPS, 0.0)
    for signal in found.values():
        totals[signal.group] += signal.weight
    score = sum(min(total, GROUP_CAPS[group]) for group, total in totals.items())
    ordered = sorted(found.values(), key=lambda s: list(GROUP_CAPS).index(s.group))
    return CourtScore(score=round(score, 2), reasons=tuple(s.reason for s in ordered))


def _signals(text: str, urls: Iterable[str]) -> Iterable[_Signal]:
    for candidate in [*urls, *_BARE_LINK.findall(text)]:
        signal = _link_signal(candidate)
        if signal:
            yield signal
    yield from _docket_signals(text)
    yield from _caption_signals(text)
    yield from _judge_signals(text)
    yield from _court_name_signals(text)
    yield from _word_signals(text)


# --- links -----------------------------------------------------------------------------

# A domain name written in text, with or without its scheme. Not after "@": that is a
# handle (@courtlistener.com on Bluesky is an account, not a document).
_BARE_LINK = re.compile(
    r"(?<![\w@.-])(?:https?://)?(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}(?:/\S*)?",
    re.IGNORECASE,
)

# Words in a DocumentCloud document's name that make it a court filing.
_FILING_SLUG = re.compile(
    r"(?:^|[-_/])(?:order|opinion|ruling|complaint|motion|indictment|injunction|judgment|"
    r"filing|docket|lawsuit|brief|memorandum|petition|verdict|v|vs|tro)(?:[-_./]|$)",
    re.IGNORECASE,
)


def _link_signal(candidate: str) -> _Signal | None:
    candidate = candidate.strip().rstrip("…").rstrip(".,;:)")
    try:
        parts = urlsplit(candidate if "://" in candidate else "//" + candidate)
        host = (parts.hostname or "").removeprefix("www.")
    except ValueError:  # not a URL at all, e.g. an unbalanced "[" where a host would be
        return None
    path = parts.path.lower()
    if not host:
        return None

    def strong(label: str) -> _Signal:
        return _Signal("link", host, f"{label}: {host}", STRONG_LINK)

    if _under(host, "courtlistener.com"):
        return strong("CourtListener link")
    if host == "pacer.uscourts.gov" or host.endswith(".pacer.uscourts.gov"):
        return strong("PACER link")
    if host.startswith("ecf.") and host.endswith(".uscourts.gov"):
        return strong("PACER link")
    if _under(host, "uscourts.gov"):
        return strong("federal court site")
    if _under(host, "supremecourt.gov"):
        return strong("Supreme Court link")
    if host == "dockets.justia.com" or (_under(host, "justia.com") and "/cases/" in path):
        return strong("Justia docket link")
    if (host.endswith(".gov") or host.endswith(".us")) and "court" in host:
        return strong("court site")
    if _under(host, "documentcloud.org"):
        if _FILING_SLUG.search(path.removeprefix("/documents/")):
            return strong("DocumentCloud court filing")
        return _Signal("link", host, f"DocumentCloud document: {host}", WEAK_LINK)
    return None


def _under(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)


# --- docket numbers --------------------------------------------------------------------

# District and bankruptcy courts: [office:]YY-type-number[-judge initials], as in
# 1:26-cv-00412, 26-cv-412, 2:24-cr-00123-ABC (hyphens sometimes dropped: 1:26cv412).
_DISTRICT_DOCKET = re.compile(
    r"(?<![\w:])(?:(\d{1,2}):)?(\d{2})-?(cv|cr|mc|mj|md|bk|ap|po|sw)-?(\d{1,6})"
    r"((?:-[A-Z]{2,4})*)(?![\w])",
    re.IGNORECASE,
)
# Courts of appeals and the Supreme Court: only after "No." ("No. 24-1234", "Nos. 24A884"),
# since a bare 24-1234 is as likely a score or a phone number.
_APPEAL_DOCKET = re.compile(r"\bNos?\.[ \t]*(\d{2}-\d{1,5}|\d{2}A\d{1,4})(?![\w-])")


def _docket_signals(text: str) -> Iterable[_Signal]:
    for match in _DISTRICT_DOCKET.finditer(text):
        _office, year, kind, number, _judge = match.groups()
        # 1:26-cv-00412 and 26-cv-412 are the same case.
        key = f"{year}-{kind.lower()}-{int(number)}"
        yield _Signal("docket", key, f"docket number {match.group(0)}", DOCKET)
    for match in _APPEAL_DOCKET.finditer(text):
        yield _Signal("docket", match.group(1).upper(), f"docket number {match.group(1)}", DOCKET)


# --- case captions ---------------------------------------------------------------------

# A capitalised word or dotted initials (U.S., J.G.G.); a full stop ends the party.
_PARTY_WORD = r"(?:(?:[A-Z]\.){2,}|[A-Z][\w'’&-]*)"
_PARTY = rf"{_PARTY_WORD}(?:[ \t]+(?:(?:of|the|for|and|&)[ \t]+)?{_PARTY_WORD}){{0,2}}"
# "v." only: courts write "v.", games and debates write "vs." and fixtures "Arsenal v Chelsea".
_CAPTION = re.compile(rf"(?<![\w.])({_PARTY}),?[ \t]+v\.[ \t]+({_PARTY})")
# Capitalised words that start a sentence rather than a party's name.
_NOT_A_PARTY = {"In", "At", "On", "After", "Under", "See", "From", "Today", "Yesterday",
                "And", "But", "So", "Per", "The", "Read", "Here", "In re"}  # fmt: skip


def _caption_signals(text: str) -> Iterable[_Signal]:
    for match in _CAPTION.finditer(text):
        left = match.group(1).split()
        while len(left) > 1 and left[0] in _NOT_A_PARTY:
            left = left[1:]
        right = match.group(2).rstrip(",;:")
        if right.endswith(".") and "." not in right.split()[-1][:-1]:
            right = right[:-1]  # the sentence's full stop, not an abbreviation's (U.S.)
        caption = f"{' '.join(left)} v. {right}"
        yield _Signal("caption", caption.lower(), f"case caption: {caption}", CAPTION)


# --- judges ----------------------------------------------------------------------------

_NAME_WORD = r"(?:[A-Z][A-Za-z'’-]+|[A-Z]\.)"
_JUDGE = re.compile(
    rf"(?<![\w])((?:Chief[ \t]+)?(?:Judge|Justice))"
    rf"[ \t]+({_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,2}})"
)
# Capitalised words that may stand right before "Judge"/"Justice" when it is a title. Any
# other capitalised word makes it part of a name or a phrase: Aaron Judge, Social Justice.
_TITLE_BEFORE = {"Chief", "Associate", "Senior", "District", "Circuit", "Magistrate",
                 "Bankruptcy", "Federal", "Appellate", "Appeals", "Trial", "Presiding",
                 "Administrative", "Immigration", "Court", "County", "Superior", "State",
                 "Supreme", "Retired", "Former", "Acting", "U.S.", "US", "Then", "Now",
                 "Today", "Yesterday", "And", "But", "When", "After", "Also", "So",
                 "Meanwhile", "Tonight", "Earlier", "Later", "Here"}  # fmt: skip
# Capitalised words after "Judge"/"Justice" that are not a name: headlines, institutions.
_NOT_A_NAME = {"Department", "Dept", "Dept.", "League", "Ministry", "Democrats", "Center",
               "Rules", "Ruled", "Blocks", "Blocked", "Orders", "Ordered", "Says", "Said",
               "Denies", "Denied", "Grants", "Granted", "Halts", "Tosses", "Strikes",
               "Hits", "Panel", "Scores", "For", "Is", "Was", "Will", "Has", "Had", "And",
               "Of", "The", "In", "On", "At", "To", "A", "Who"}  # fmt: skip


def _judge_signals(text: str) -> Iterable[_Signal]:
    for match in _JUDGE.finditer(text):
        prefix = text[: match.start()]
        words_before = prefix.split()
        previous = words_before[-1] if words_before and prefix.endswith((" ", "\t")) else ""
        # A capitalised word right before it, not ending a sentence ("Texas. Judge Ortega"),
        # makes it part of a longer name.
        if previous[:1].isupper() and previous[-1].isalnum() and previous not in _TITLE_BEFORE:
            continue
        name: list[str] = []
        for word in match.group(2).split():
            if word in _NOT_A_NAME:
                break
            name.append(word)
        if not name:
            continue
        judge = f"{match.group(1)} {' '.join(name)}"
        yield _Signal("judge", judge.lower(), f"judge named: {judge}", JUDGE)


# --- court names -----------------------------------------------------------------------

_STATES = (
    r"Ala|Alaska|Ariz|Ark|Cal|Colo|Conn|Del|Fla|Ga|Haw|Idaho|Ill|Ind|Iowa|Kan|Ky|La|Me|Md|"
    r"Mass|Mich|Minn|Miss|Mo|Mont|Neb|Nev|N\.[ ]?H|N\.[ ]?J|N\.[ ]?M|N\.[ ]?Y|N\.[ ]?C|Ohio|"
    r"Okla|Or|Pa|R\.[ ]?I|S\.[ ]?C|Tenn|Tex|Utah|Vt|Va|Wash|W\.[ ]?Va|Wis|Wyo|P\.[ ]?R"
)
_ORDINALS = {
    "first": "1st", "second": "2nd", "third": "3rd", "fourth": "4th", "fifth": "5th",
    "sixth": "6th", "seventh": "7th", "eighth": "8th", "ninth": "9th", "tenth": "10th",
    "eleventh": "11th", "2d": "2nd", "3d": "3rd",
}  # fmt: skip
_COURT_NAMES = [
    # District courts as citations abbreviate them: D.D.C., S.D.N.Y., N.D. Cal., D. Mass.
    # ("D.C." alone is the city.)
    re.compile(r"(?<![\w.])(?:[NSEWMC]\.[ ]?)?D\.[ ]?(?:[A-Z]\.){2,3}(?![\w])"),
    re.compile(rf"(?<![\w.])(?:[NSEWMC]\.[ ]?)?D\.[ ](?:{_STATES})\.(?![\w])"),
    # Circuits. Spelled-out ordinals must be capitalised: "her first circuit of the track".
    re.compile(r"\b(?:1st|2n?d|3r?d|[4-9]th|1[01]th)[ \t]+cir(?:cuit\b|\.)", re.IGNORECASE),
    re.compile(
        r"\b(?:First|Second|Third|Fourth|Fifth|Sixth|Seventh|Eighth|Ninth|Tenth|Eleventh|"
        r"D\.C\.|Federal)[ \t]+Cir(?:cuit\b|\.)"
    ),
    re.compile(
        r"\b(?:supreme|district|appeals|bankruptcy|federal|circuit|superior|tax|immigration)"
        r"[ \t]+court\b|\bcourt[ \t]+of[ \t]+(?:appeals|international[ \t]+trade|federal"
        r"[ \t]+claims)\b",
        re.IGNORECASE,
    ),
]


def _court_name_signals(text: str) -> Iterable[_Signal]:
    found = sorted(
        (match.start(), " ".join(match.group(0).split()))
        for pattern in _COURT_NAMES
        for match in pattern.finditer(text)
    )
    for _start, name in found:
        words = [_ORDINALS.get(word.lower(), word.lower()) for word in name.split()]
        # "9th Cir." and "Ninth Circuit" are one court.
        key = " ".join(words).replace("cir.", "circuit").replace(" ", "")
        yield _Signal("court", key, f"court named: {name}", COURT_NAME)


# --- vocabulary ------------------------------------------------------------------------

# (word shown in reasons, pattern of its forms, weight). Whole words only: "order" is not in
# "border", "court" not in "courtesy". Listed in the order reasons show them.
_WORDS: list[tuple[str, str, float]] = [
    ("injunction", r"injunctions?|injunctive|enjoin(?:s|ed|ing)?", 0.75),
    ("temporary restraining order", r"temporary[ \t]+restraining[ \t]+orders?", 0.75),
    ("TRO", r"(?-i:TROs?)", 0.75),
    ("habeas", r"habeas", 0.75),
    ("certiorari", r"certiorari", 0.75),
    ("SCOTUS", r"scotus", 0.75),
    ("indictment", r"indictments?|indicted", 0.75),
    ("sentenced", r"sentenced|sentencing", 0.75),
    ("vacated", r"vacat(?:e|es|ed|ing)", 0.75),
    ("remanded", r"remand(?:s|ed|ing)?", 0.75),
    ("plaintiffs", r"plaintiffs?", 0.75),
    ("defendants", r"defendants?", 0.75),
    ("docket", r"dockets?|docketed", 0.5),
    ("judge", r"judges?", 0.25),
    ("justice", r"justices?", 0.25),
    ("court", r"courts?|courtroom|courthouse", 0.25),
    ("ruled", r"ruled", 0.25),
    ("ruling", r"rulings?", 0.25),
    ("order", r"orders?|ordered", 0.25),
    ("opinion", r"opinions?", 0.25),
    ("motion", r"motions?", 0.25),
    ("denied", r"denied|denies|denying", 0.25),
    ("granted", r"granted|granting", 0.25),
    ("affirmed", r"affirm(?:s|ed|ing)?", 0.25),
    ("reversed", r"revers(?:e|es|ed|ing)", 0.25),
    ("appeal", r"appeal(?:s|ed|ing)?|appellate", 0.25),
    ("circuit", r"circuits?", 0.25),
    ("filing", r"filings?|filed", 0.25),
]
_WORD_PATTERNS = [
    (word, re.compile(rf"(?<![\w-])(?:{forms})(?![\w-])", re.IGNORECASE), weight)
    for word, forms, weight in _WORDS
]


def _word_signals(text: str) -> Iterable[_Signal]:
    for word, pattern, weight in _WORD_PATTERNS:
        if pattern.search(text):
            yield _Signal("word", word, f"word: {word}", weight)
