"""Is a thread about a court ruling? A rule-based score, so the daemon archives only those.

    >>> score = score_text("Judge Ortega granted the injunction in 1:26-cv-00412.")
    >>> score.score, score.reasons[1:3]
    (7.75, ('judge named: Judge Ortega', 'ruling: Judge Ortega granted'))
    >>> is_court_thread(score)
    True
    >>> is_court_thread(score_text("We ordered pizza and watched the game on the court."))
    False

Pure: no network, no database. Every signal found is one short phrase in `reasons`, so
whoever reads the archive's log can see why a thread was kept or skipped. Judges, courts and
rulings come from the annotators (`bot.annotate`), run on each post alone, so TV judges,
Aaron Judge and a senator's "JORDAN:" are not judges here either.

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
| docket      | a reporter or statute citation: 533 U.S. 678, 8 U.S.C. § 1226 | 1.5    |      |
| caption     | "Trump v. CASA" (courts write "v.", games write "vs"/"v")     | 1.5    | 2.0  |
| judge       | a judge annotation: "Judge Ortega", "Chief Justice Roberts"   | 1.5    | 2.0  |
| court name  | D.D.C., N.D. Cal., 9th Circuit, Supreme Court, district court | 1.0    | 2.0  |
| ruling      | a court at work in one sentence: a named judge or court and a | 1.5    | 3.0  |
|             | ruling verb or a proceeding ("Judge Alvarez ruled", "8th Cir. |        |      |
|             | stays", "hearing before Judge Xinis"), an outcome annotation  |        |      |
|             | in a post that names a judge or court                         |        |      |
| ruling      | an unnamed court's ruling: "a federal judge blocked", "jury   | 3.0    |      |
|             | convicts", "an appeals court upheld"                          |        |      |
| word        | legal terms: injunction, TRO, habeas, certiorari, SCOTUS,     | 0.75   | 2.5  |
|             | indictment, sentenced, vacated, remanded, plaintiffs, jury,   |        |      |
|             | verdict, mistrial, ...                                        |        |      |
| word        | docket                                                        | 0.5    |      |
| word        | everyday terms: judge, court, ruled, order, motion, appeal,   | 0.25   |      |
|             | denied, granted, opinion, circuit, filing, hearing, trial ... |        |      |

The score is the sum of the capped groups (at most `MAX_SCORE`); a thread is about a court
ruling at `DEFAULT_THRESHOLD` (3.0). So one court link is enough on its own, as is a named
judge at work ("Judge Alvarez ruled this afternoon that the county's jail policy is
unconstitutional") or a court's ruling reported without names ("A federal judge just blocked
…"), and words alone never are (their cap is below the threshold): a basketball court,
figure-skating judges or a food order need a concrete anchor (a link, a docket number, a
caption, a named judge or court) before they could pass. More input never lowers the score:
signals only accumulate.

Reasons are listed by group in the table's order (links first, words last) and, within a
group, in a fixed order (URLs before text, then as found; words as `_WORDS` lists them), so
the same thread always gives the same reasons.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.annotate import annotate_thread
from bot.annotate.text import sentences
from bot.links.courtlistener_urls import DOMAIN as COURTLISTENER
from bot.links.hosts import under as _under
from bot.models import Annotation, AnnotationContext, Post, Thread

DEFAULT_THRESHOLD = 3.0

# group → cap. The order here is the order reasons are listed in: strongest evidence first.
GROUP_CAPS = {
    "link": 4.0,
    "docket": 3.0,
    "caption": 2.0,
    "judge": 2.0,
    "court": 2.0,
    "ruling": 3.0,
    "word": 2.5,
}
MAX_SCORE = sum(GROUP_CAPS.values())

STRONG_LINK = 3.0
WEAK_LINK = 1.5
DOCKET = 2.0
CAPTION = 1.5
JUDGE = 1.5
COURT_NAME = 1.0
RULING = 1.5
CITATION = 1.5
UNNAMED_RULING = 3.0


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
    annotations = annotate_thread(posts, AnnotationContext())
    return score_annotated_thread(thread, annotations, max_posts=max_posts)


def score_annotated_thread(
    thread: Thread, annotations: list[list[Annotation]], *, max_posts: int = 25
) -> CourtScore:
    """`score_thread` for a thread already annotated (`bot.annotate.annotate_thread` over its
    present posts, one list per post), so the archive need not annotate it twice."""
    posts = thread.present_posts[:max_posts]
    urls = [
        candidate
        for post in posts
        for link in post.links
        for candidate in (link.url, link.display_text)
        if candidate
    ]
    return _score(posts, annotations[: len(posts)], urls)


def score_text(text: str, urls: Iterable[str] = ()) -> CourtScore:
    """Score one text and the URLs that go with it; the text's own bare links count too."""
    post = Post(id="text", platform="bluesky", author_id="", text=text)
    return _score([post], annotate_thread([post], AnnotationContext()), list(urls))


def _score(posts: list[Post], annotations: list[list[Annotation]], urls: list[str]) -> CourtScore:
    # A blank line between posts: no pattern reaches across one, so two posts never
    # combine into a signal that neither has.
    text = "\n\n".join(post.text for post in posts)
    found: dict[tuple[str, str], _Signal] = {}
    signals = [*_signals(text, urls)]
    for post, post_annotations in zip(posts, annotations, strict=True):
        signals += _annotation_signals(post.text, post_annotations)
    for signal in signals:
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
    yield from _court_name_signals(text)
    yield from _unnamed_ruling_signals(text)
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

    if _under(host, COURTLISTENER):
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


# --- judges and rulings, from the annotations ----------------------------------------------

# Verbs of a court at work, and proceedings a judge presides over.
_RULING_VERB = re.compile(
    r"\b(?:ruled|rules|ruling|held|holds|found|finds|ordered|orders|granted|grants|granting|"
    r"denied|denies|denying|blocked|blocks|barred|bars|enjoined|enjoins|struck\s+down|"
    r"strikes\s+down|dismissed|dismisses|tossed|tosses|threw\s+out|thrown\s+out|sentenced|"
    r"sentences|vacated|vacates|reversed|reverses|affirmed|affirms|upheld|upholds|stayed|stays|"
    r"issued|issues|certified|refused|declined|rejected|rejects|halted|halts|paused|pauses|"
    r"extended|unsealed|convicted|convicts|acquitted|acquits|agreed\s+to\s+hear|imposes|"
    r"imposed|gave\s+\w+\s+\d+|signed|set\s+a\s+hearing|heard|hearing|trial|arraignment|"
    r"concurrence|concurring|dissent|dissents|dissented|dissenting|hold|"
    r"sentencing|status\s+conference|arguments?|presiding|courtroom|in\s+front\s+of|before\s+"
    r"(?:U\.S\.\s+|Chief\s+|Magistrate\s+|District\s+)*(?:Judge|Justice))\b",
    re.IGNORECASE,
)
# A court no one named, at work: "a federal judge blocked", "jury convicts".
_UNNAMED_COURT = re.compile(
    r"\b(?:(?:a|the)\s+)?(?:(?:federal|U\.S\.|magistrate|immigration|bankruptcy)\s+"
    r"(?:district\s+|appeals\s+|appellate\s+)?(?:judge|court)|(?:federal\s+)?appeals\s+court|"
    r"(?:grand\s+)?jury|jurors|the\s+justices)\b",
    re.IGNORECASE,
)
# Said by a named judge: "Judge Immergut, an Obama appointee, said the troops must stay out".
_SPOKE = re.compile(
    r"\A(?:,[^,;:]{1,80},)?\s+(?:said|says|told|tells|asked|asks|wrote|writes|noted|notes|"
    r"warned|questioned|pressed)\b"
)
# Things said and done only in a courtroom.
_PROCEEDING = re.compile(
    r"\b(?:(?:told|instructed|thanked|excused|dismissed|sent)\s+the\s+jury|jury\s+(?:is\s+)?"
    r"deliberat\w*|declared\s+a\s+mistrial|under\s+advisement|the\s+judge\b[^.;]{0,60}\b"
    r"(?:hearing|trial|sentencing|arraignment|bench))\b",
    re.IGNORECASE,
)
# A headline's "Judge tosses …": the title, then a ruling verb ("Judge rules" is left out: it is
# also a sports headline's "Judge rules the night").
_HEADLINE_JUDGE = re.compile(
    r"(?:^|(?<=[.!?:]\s))(?:Federal\s+)?Judge\s+(?:tosses|blocks|halts|orders|dismisses|denies|"
    r"grants|strikes\s+down|sentences|upholds|rejects|throws\s+out|pauses|allows|bars)\b"
)
_UNNAMED_VERB = re.compile(
    r"\b(?:ruled|rules|ordered|orders|blocked|blocks|barred|bars|enjoined|struck\s+down|"
    r"dismissed|tossed|tosses|threw\s+out|sentenced|vacated|reversed|affirmed|upheld|upholds|"
    r"stayed|convicted|convicts|acquitted|acquits|finds|found|recommended|signed|indicted|"
    r"granted|denied|halted|refused)\b",
    re.IGNORECASE,
)


def _annotation_signals(text: str, annotations: list[Annotation]) -> Iterable[_Signal]:
    judges = [a for a in annotations if a.kind == "judge"]
    # "SCOTUS" is how people talk about the Court, in commentary as much as in news: it
    # counts as a word (below), not as a court named.
    courts = [a for a in annotations if a.kind == "court" and a.value != "SCOTUS"]
    for judge in judges:
        yield _Signal("judge", judge.normalized.lower(), f"judge named: {judge.value}", JUDGE)
    for citation in (a for a in annotations if a.kind == "citation"):
        # a reporter citation names a case as surely as its docket number does
        yield _Signal("docket", citation.normalized, f"citation {citation.normalized}", CITATION)
    for case in annotations:
        # "In re …" and "Ex parte …" (the "v." captions are read from the text below)
        if case.kind == "case_name" and not case.details.get("first_party"):
            yield _Signal("caption", case.normalized.lower(), f"case caption: {case.normalized}",
                          CAPTION)  # fmt: skip
    named = sorted([*judges, *courts], key=lambda a: a.start)
    for judge in judges:
        spoke = _SPOKE.match(text[judge.end : judge.end + 100])
        if spoke:
            phrase = f"{judge.value} {spoke.group(0).split()[-1]}"
            yield _Signal(
                "ruling", f"judge:{judge.normalized}".lower(), f"ruling: {phrase}", RULING
            )
    for start, end in sentences(text):
        in_sentence = [a for a in named if start <= a.start < end]
        if not in_sentence:
            continue
        verb = _RULING_VERB.search(text, start, end)
        if verb:
            who = in_sentence[0]
            phrase = (
                f"{who.value} {verb.group(0)}"
                if who.end <= verb.start()
                else (f"{verb.group(0)} {who.value}")
            )
            key = f"{who.kind}:{who.normalized}".lower()
            yield _Signal("ruling", key, f"ruling: {' '.join(phrase.split())}", RULING)
    if named:
        for outcome in (a for a in annotations if a.kind == "outcome"):
            reason = f"ruling: {outcome.normalized}"
            yield _Signal("ruling", f"outcome:{outcome.normalized}", reason, RULING)


def _unnamed_ruling_signals(text: str) -> Iterable[_Signal]:
    for pattern in (_PROCEEDING, _HEADLINE_JUDGE):
        match = pattern.search(text)
        if match:
            phrase = " ".join(match.group(0).split())
            yield _Signal("ruling", phrase.lower(), f"ruling: {phrase}", UNNAMED_RULING)
    for start, end in sentences(text):
        for subject in _UNNAMED_COURT.finditer(text, start, end):
            verb = _UNNAMED_VERB.search(text, subject.end(), min(end, subject.end() + 60))
            if verb:
                phrase = " ".join(text[subject.start() : verb.end()].split())
                key = f"{subject.group(0)} {verb.group(0)}".lower()
                yield _Signal("ruling", key, f"ruling: {phrase}", UNNAMED_RULING)
                break


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
    ("jury", r"jury|juries|jurors?", 0.75),
    ("verdict", r"verdicts?", 0.75),
    ("mistrial", r"mistrials?", 0.75),
    ("arraignment", r"arraignments?|arraigned", 0.75),
    (
        "stay pending appeal",
        r"stay[ \t]+pending[ \t]+appeal|(?:administrative|emergency)[ \t]+stay",
        0.75,
    ),
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
    ("hearing", r"hearings?", 0.25),
    ("trial", r"trials?", 0.25),
]
_WORD_PATTERNS = [
    (word, re.compile(rf"(?<![\w-])(?:{forms})(?![\w-])", re.IGNORECASE), weight)
    for word, forms, weight in _WORDS
]


def _word_signals(text: str) -> Iterable[_Signal]:
    for word, pattern, weight in _WORD_PATTERNS:
        if pattern.search(text):
            yield _Signal("word", word, f"word: {word}", weight)
