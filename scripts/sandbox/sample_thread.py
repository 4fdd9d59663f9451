"""The sample court thread as data: the same 9 posts on every platform the sandbox serves.

A (fictional) reporter's thread about a ruling, with shortened links, a link card, a quote
post, an image with alt text, a self-reply branch, and a reader's reply that is not part of
the thread. `seed.py` posts it on the local AT Protocol network and `x_api.py` on the
loopback X API; the texts here are the ones `seed.py` posts (a unit test keeps them equal).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SamplePost:
    text: str
    # (the text shown, which link) for each link in the text; see LINK_NAMES
    links: tuple[tuple[str, str], ...] = ()
    parent: int | None = None  # index of the post it answers; None: the one before
    image_alt: str = ""  # an image of the order, with this alt text
    quotes_colleague: bool = False
    card: tuple[str, str] | None = None  # (title, description) of the link's card


# Which sandbox page each link name is (scripts/sandbox/web.py PATHS).
LINK_NAMES = ("order", "docket", "story", "short")
# Where the links go by default: real-looking addresses (nothing fetches them); the
# sandbox's loopback sites (web.py) when the link stage is to find something there.
REAL_LINKS = {
    "order": "https://storage.courtlistener.com/recap/gov.uscourts.dcd.287331/"
    "gov.uscourts.dcd.287331.42.0.pdf",
    "docket": "https://www.courtlistener.com/docket/68912345/"
    "tri-county-water-authority-v-department-of-agriculture/",
    "story": "https://www.politico.com/news/2026/02/03/rural-water-grants-injunction-00412345",
    "short": "https://bit.ly/4wtrHrg",
}

COLLEAGUE_POST = (
    "DOJ's brief in the rural water grants case calls the program 'entirely discretionary' "
    "and says the towns have no claim to next year's money."
)
READER_REPLY = "Thank you for posting the order itself!"  # answers post 3 (index 2)
READER_REPLY_PARENT = 2

POSTS = (
    SamplePost(
        "NEW: Judge Marisol Ortega has blocked the Agriculture Department's rule ending the "
        "Rural Water Grant program. 🧵⚖️ Order: storage.courtlistener.com/recap/gov.usco…",
        links=(("storage.courtlistener.com/recap/gov.usco…", "order"),),
    ),
    SamplePost(
        "Ortega, a Biden appointee, granted a preliminary injunction in Tri-County Water "
        "Authority v. Department of Agriculture, No. 1:26-cv-00412 (D.D.C.). "
        "Docket: courtlistener.com/docket/6891…",
        links=(("courtlistener.com/docket/6891…", "docket"),),
    ),
    SamplePost(
        "Key passage, p. 31: “The APA does not let an agency pull the rug out from under "
        "hundreds of small towns without so much as looking at what they built on it.”",
        image_alt="Page 31 of the order, with the sentence about small towns highlighted.",
    ),
    SamplePost(
        "DOJ had argued the grants were discretionary. Ortega disagreed: the statute says the "
        "Secretary “shall” fund eligible systems.",
        quotes_colleague=True,
    ),
    SamplePost(
        "My story, with reaction from the towns: politico.com/news/2026/02/0…",
        links=(("politico.com/news/2026/02/0…", "story"),),
        card=(
            "Judge blocks USDA from ending rural water grants",
            "A federal judge in Washington said the department ignored what 400 small towns "
            "had built on the program.",
        ),
    ),
    SamplePost(
        "Background: my notes from last month's hearing (ルール, 규칙 — the rule in "
        "translation): bit.ly/4wtr…",
        links=(("bit.ly/4wtr…", "short"),),
    ),
    SamplePost(
        "The government has 7 days to file a status report. Expect an appeal to the D.C. Circuit."
    ),
    # a side branch: a correction to post 2, written after the thread went on
    SamplePost(
        "Correction: Ortega is an Obama appointee, not a Biden appointee. Sorry about that.",
        parent=1,
    ),
    SamplePost(
        "All filings so far, free on CourtListener: courtlistener.com/docket/6891…",
        links=(("courtlistener.com/docket/6891…", "docket"),),
        parent=6,
    ),
)

# Posts in the order a reader reads the thread (indexes into POSTS): the correction follows
# the post it corrects.
READING_ORDER = (0, 1, 7, 2, 3, 4, 5, 6, 8)
