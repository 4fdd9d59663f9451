"""What a CourtListener URL names, read from its shape alone, and the names of courts.

    >>> folder = "https://storage.courtlistener.com/recap/gov.uscourts.dcd.258148/"
    >>> found = parse_courtlistener_url(folder + "gov.uscourts.dcd.258148.1.0_48.pdf")
    >>> found.court_id, found.pacer_case_id, found.document_number, found.attachment_number
    ('dcd', '258148', '1', '0')
    >>> court_name("dcd")
    'District Court, District of Columbia'

RECAP file names are matched, never rebuilt: CourtListener adds suffixes such as `_48` when a
name was taken, so `storage_path` keeps the path exactly as linked.

Document and attachment numbers are text, as CourtListener keeps them: appellate courts
number entries like `00803263743`, and the API filters on the text, so the leading zeros must
survive. A RECAP file of an unnumbered entry (`gov.uscourts.mdb.775852..0.pdf`) has the
document number "" (not None: the file name has a number field, and it is empty, as the
API's `document_number` is for such entries). The main document's attachment number is "0".

This module is also the one list of CourtListener's hosts and base URLs (STORAGE_HOSTS,
WEB_HOSTS, DOMAIN, STORAGE_BASE, WEB_BASE, API_BASE): other modules import them from here.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from bot.links.hosts import host_of

STORAGE_HOSTS = frozenset(
    {
        "storage.courtlistener.com",
        # the bucket behind it, which some older links name directly
        "com-courtlistener-storage.s3.amazonaws.com",
        "com-courtlistener-storage.s3-us-west-2.amazonaws.com",
        "com-courtlistener-storage.s3.us-west-2.amazonaws.com",
    }
)
WEB_HOSTS = frozenset({"www.courtlistener.com", "courtlistener.com"})
DOMAIN = "courtlistener.com"  # the registered domain: any host under it is CourtListener's
# The canonical https bases: where links point, and the defaults of the courtlistener settings.
STORAGE_BASE = "https://storage.courtlistener.com"
WEB_BASE = "https://www.courtlistener.com"
API_BASE = f"{WEB_BASE}/api/rest/v4"

# RECAP file names: gov.uscourts.{court}.{pacer case id}.{document}.{attachment}[_{n}].pdf,
# in a folder named gov.uscourts.{court}.{pacer case id}. Links from before the storage host
# existed put the file straight under /recap/ on www.courtlistener.com. The document number is
# empty for an unnumbered entry (gov.uscourts.mdb.775852..0.pdf).
_CASE = r"gov\.uscourts\.(?P<court>[a-z0-9-]+)\.(?P<case>[A-Za-z0-9-]+)"
STORAGE_DOCUMENT_PATH = re.compile(
    rf"/(?P<path>recap/(?:{_CASE}/)?gov\.uscourts\.(?P<court2>[a-z0-9-]+)\.(?P<case2>[A-Za-z0-9-]+)"
    r"\.(?P<doc>\d*)\.(?P<att>\d+)(?:_\d+)?\.pdf)"
)
STORAGE_DOCKET_PATH = re.compile(
    rf"/(?P<path>recap/(?:{_CASE}/)?gov\.uscourts\.(?P<court2>[a-z0-9-]+)\.(?P<case2>[A-Za-z0-9-]+)"
    r"\.docket\.html)"
)

# The page shapes CourtListener serves (its cl/opinion_page/urls.py), and what each names:
#   /docket/{id}/{slug}/                                  the docket
#   /docket/{id}/{tab}/{slug}/     tab: parties, idb, authorities: still the whole docket
#   /docket/{id}/feed/, /docket/{id}/download/            the docket (its feed, its CSV)
#   /docket/{id}/{doc}/[{att}/]{slug}/[authorities/]      one entry's document or attachment
#   /opinion/{id}/{slug}/[{tab}/]  tab: authorities, cited-by, summaries, related-cases, pdf
# A slug may be blank (/opinion/1//authorities/). Other shapes are not CourtListener pages.
DOCKET_TABS = frozenset({"parties", "authorities", "idb"})
DOCKET_ACTIONS = frozenset({"feed", "download"})
DOCUMENT_TABS = frozenset({"authorities"})

# Where a PACER court id (as in RECAP paths) differs from CourtListener's (as in courts-db).
# "neb" is also CourtListener's id for the Nebraska Supreme Court, hence `court_name` looks the
# CourtListener id up first.
PACER_TO_COURTLISTENER = {
    "azb": "arb",  # Bankruptcy Court, D. Arizona
    "cofc": "uscfc",  # Court of Federal Claims
    "neb": "nebraskab",  # Bankruptcy Court, D. Nebraska
    "nysb-mega": "nysb",  # a second PACER site of the S.D.N.Y. Bankruptcy Court
}


@dataclass(frozen=True)
class StorageDocument:
    """A RECAP document's file on CourtListener's storage: one filing, or one attachment."""

    court_id: str  # PACER's court id, as in the path: dcd, cand, ca9
    pacer_case_id: str
    document_number: str  # as in the file name: "1", "00803263743"; "" for an unnumbered entry
    attachment_number: str  # "0" for the main document
    storage_path: str  # as linked, without the leading slash: "recap/gov.uscourts.…pdf"

    @property
    def courtlistener_court_id(self) -> str:
        return courtlistener_court_id(self.court_id)


@dataclass(frozen=True)
class StorageDocket:
    """The docket sheet RECAP stored as HTML beside a case's documents."""

    court_id: str
    pacer_case_id: str
    storage_path: str

    @property
    def courtlistener_court_id(self) -> str:
        return courtlistener_court_id(self.court_id)


@dataclass(frozen=True)
class DocketPage:
    """A docket's page on courtlistener.com, or one of its entries' document pages."""

    docket_id: int
    document_number: str | None = None  # text, leading zeros kept; None: the docket itself
    attachment_number: str | None = None  # None: the document itself, or the docket
    slug: str = ""  # the case name CourtListener puts in the URL, "" when left out


@dataclass(frozen=True)
class OpinionPage:
    """An opinion's page on courtlistener.com (the id is CourtListener's opinion cluster id)."""

    opinion_id: int
    slug: str = ""


CourtListenerURL = StorageDocument | StorageDocket | DocketPage | OpinionPage


def parse_courtlistener_url(url: str) -> CourtListenerURL | None:
    """What a CourtListener URL names, or None for any other URL (or text that is no URL).

    Expects an absolute http(s) URL, as `canonical_url` gives; query and fragment are ignored.
    """
    try:
        split = urlsplit(url.strip())
        host = host_of(url)
    except ValueError:
        return None
    if split.scheme.lower() not in ("http", "https"):
        return None
    if host in STORAGE_HOSTS or host in WEB_HOSTS:
        found = _storage_file(split.path)
        if found is not None:
            return found
    if host in WEB_HOSTS:
        # Empty parts inside the path are kept: they are blank slugs.
        parts = [unquote(p) for p in split.path.strip("/").split("/")]
        if len(parts) >= 2 and parts[0] == "docket" and _is_number(parts[1]):
            return _docket_page(int(parts[1]), parts[2:])
        if 2 <= len(parts) <= 4 and parts[0] == "opinion" and _is_number(parts[1]):
            # A fourth part is a tab of the same page (authorities, summaries, …).
            return OpinionPage(opinion_id=int(parts[1]), slug=parts[2] if len(parts) > 2 else "")
    return None


def _is_number(text: str) -> bool:
    # str.isdigit() is also true for "²" and other digits that int() refuses.
    return text.isascii() and text.isdigit()


def _storage_file(path: str) -> StorageDocument | StorageDocket | None:
    for pattern in (STORAGE_DOCUMENT_PATH, STORAGE_DOCKET_PATH):
        match = pattern.fullmatch(path)
        if match is None:
            continue
        court, case = match["court2"], match["case2"]
        if match["court"] is not None and (match["court"], match["case"]) != (court, case):
            return None  # a file filed under another case's folder: not a shape RECAP writes
        if pattern is STORAGE_DOCKET_PATH:
            return StorageDocket(court_id=court, pacer_case_id=case, storage_path=match["path"])
        return StorageDocument(
            court_id=court,
            pacer_case_id=case,
            document_number=match["doc"],
            attachment_number=match["att"],
            storage_path=match["path"],
        )
    return None


def _docket_page(docket_id: int, rest: list[str]) -> DocketPage | None:
    """The parts after /docket/{id}/, in one of the shapes listed above DOCKET_TABS; else None."""
    if rest and len(rest) <= 2 and rest[0] in DOCKET_TABS:
        return DocketPage(docket_id=docket_id, slug=rest[1] if len(rest) == 2 else "")
    if len(rest) == 1 and rest[0] in DOCKET_ACTIONS:
        return DocketPage(docket_id=docket_id)
    numbers: list[str] = []
    while rest and _is_number(rest[0]) and len(numbers) < 2:
        numbers.append(rest.pop(0))
    if numbers and len(rest) == 2 and rest[1] in DOCUMENT_TABS:
        rest = rest[:1]  # /docket/{id}/{doc}/{slug}/authorities/: still that document
    if len(rest) > 1:
        return None
    return DocketPage(
        docket_id=docket_id,
        document_number=numbers[0] if numbers else None,
        attachment_number=numbers[1] if len(numbers) > 1 else None,
        slug=rest[0] if rest else "",
    )


def courtlistener_court_id(pacer_court_id: str) -> str:
    """CourtListener's id for a court named by its PACER id (the same for nearly every court)."""
    court_id = pacer_court_id.strip().lower()
    return PACER_TO_COURTLISTENER.get(court_id, court_id)


def court_name(court_id: str) -> str | None:
    """The court's name in courts-db, e.g. "dcd" → "District Court, District of Columbia".

    Takes CourtListener's id, or a PACER id as RECAP paths carry it ("azb" finds the Arizona
    Bankruptcy Court that CourtListener calls "arb"). None for an id courts-db does not know.
    """
    names = _court_names()
    key = court_id.strip().lower()
    return names.get(key) or names.get(courtlistener_court_id(key))


@functools.cache
def _court_names() -> dict[str, str]:
    # Imported here: courts-db parses a 2 MB JSON file, which importing bot.links need not pay.
    import courts_db

    return {court["id"]: court["name"].strip() for court in courts_db.courts}
