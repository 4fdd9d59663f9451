"""The courts reporters name, as CourtListener (courts-db) ids: our own abbreviation table.

    >>> district_id("Southern", "New York"), district_id("", "Oregon")
    ('nysd', 'ord')
    >>> court_id_for_name("U.S. District Court for the District of Oregon")
    'ord'
    >>> court_id_for_name("U.S. Court of Appeals for the District of Columbia Circuit")
    'cadc'
    >>> state_for_court("txnd"), courts_in_state("Minnesota")
    ('Texas', ('mnd', 'minn'))

courts-db knows every court's id and full name, but its `find_court` wants near-full names
("D. Minn." and "8th Cir." find nothing), offers the bankruptcy court beside the district
court, maps "Court of Claims" to New York's and the circuit courts abolished in 1911 to the
courts of appeals. So the federal courts reporters write about are listed here, by state
and district, and courts-db only confirms the ids (a unit test checks each one exists).
"""

from __future__ import annotations

import functools
import re

# State → (postal code, the districts' directions: "" for a one-district state).
STATES: dict[str, tuple[str, str]] = {
    "Alabama": ("al", "nms"), "Alaska": ("ak", ""), "Arizona": ("az", ""),
    "Arkansas": ("ar", "ew"), "California": ("ca", "necs"), "Colorado": ("co", ""),
    "Connecticut": ("ct", ""), "Delaware": ("de", ""), "District of Columbia": ("dc", ""),
    "Florida": ("fl", "nms"), "Georgia": ("ga", "nms"), "Hawaii": ("hi", ""),
    "Idaho": ("id", ""), "Illinois": ("il", "ncs"), "Indiana": ("in", "ns"),
    "Iowa": ("ia", "ns"), "Kansas": ("ks", ""), "Kentucky": ("ky", "ew"),
    "Louisiana": ("la", "emw"), "Maine": ("me", ""), "Maryland": ("md", ""),
    "Massachusetts": ("ma", ""), "Michigan": ("mi", "ew"), "Minnesota": ("mn", ""),
    "Mississippi": ("ms", "ns"), "Missouri": ("mo", "ew"), "Montana": ("mt", ""),
    "Nebraska": ("ne", ""), "Nevada": ("nv", ""), "New Hampshire": ("nh", ""),
    "New Jersey": ("nj", ""), "New Mexico": ("nm", ""), "New York": ("ny", "nsew"),
    "North Carolina": ("nc", "emw"), "North Dakota": ("nd", ""), "Ohio": ("oh", "ns"),
    "Oklahoma": ("ok", "new"), "Oregon": ("or", ""), "Pennsylvania": ("pa", "emw"),
    "Rhode Island": ("ri", ""), "South Carolina": ("sc", ""), "South Dakota": ("sd", ""),
    "Tennessee": ("tn", "emw"), "Texas": ("tx", "nsew"), "Utah": ("ut", ""),
    "Vermont": ("vt", ""), "Virginia": ("va", "ew"), "Washington": ("wa", "ew"),
    "West Virginia": ("wv", "ns"), "Wisconsin": ("wi", "ew"), "Wyoming": ("wy", ""),
    "Puerto Rico": ("pr", ""), "Guam": ("gu", ""), "Virgin Islands": ("vi", ""),
    "Northern Mariana Islands": ("nmi", ""),
}  # fmt: skip

# How citations and reporters abbreviate a state after "D." / "N.D." (Bluebook table T10,
# plus the spellings people use), keyed without dots and spaces, lower case.
STATE_ABBREVIATIONS: dict[str, str] = {
    "ala": "Alabama", "alaska": "Alaska", "ariz": "Arizona", "ark": "Arkansas",
    "cal": "California", "calif": "California", "colo": "Colorado", "conn": "Connecticut",
    "del": "Delaware", "dc": "District of Columbia", "fla": "Florida", "ga": "Georgia",
    "haw": "Hawaii", "hawaii": "Hawaii", "idaho": "Idaho", "ill": "Illinois",
    "ind": "Indiana", "iowa": "Iowa", "kan": "Kansas", "kans": "Kansas", "ky": "Kentucky",
    "la": "Louisiana", "me": "Maine", "md": "Maryland", "mass": "Massachusetts",
    "mich": "Michigan", "minn": "Minnesota", "miss": "Mississippi", "mo": "Missouri",
    "mont": "Montana", "neb": "Nebraska", "nebr": "Nebraska", "nev": "Nevada",
    "nh": "New Hampshire", "nj": "New Jersey", "nm": "New Mexico", "ny": "New York",
    "nc": "North Carolina", "nd": "North Dakota", "ohio": "Ohio", "okla": "Oklahoma",
    "or": "Oregon", "ore": "Oregon", "pa": "Pennsylvania", "penn": "Pennsylvania",
    "ri": "Rhode Island", "sc": "South Carolina", "sd": "South Dakota", "tenn": "Tennessee",
    "tex": "Texas", "utah": "Utah", "vt": "Vermont", "va": "Virginia", "wash": "Washington",
    "wva": "West Virginia", "wis": "Wisconsin", "wisc": "Wisconsin", "wyo": "Wyoming",
    "pr": "Puerto Rico", "guam": "Guam", "vi": "Virgin Islands",
    "nmari": "Northern Mariana Islands",
}  # fmt: skip

DIRECTIONS = {"n": "Northern", "s": "Southern", "e": "Eastern", "w": "Western",
              "m": "Middle", "c": "Central"}  # fmt: skip

CIRCUITS: dict[str, str] = {
    "1": "ca1", "2": "ca2", "3": "ca3", "4": "ca4", "5": "ca5", "6": "ca6", "7": "ca7",
    "8": "ca8", "9": "ca9", "10": "ca10", "11": "ca11", "dc": "cadc", "federal": "cafc",
}  # fmt: skip
ORDINALS = {
    "first": "1", "second": "2", "third": "3", "fourth": "4", "fifth": "5", "sixth": "6",
    "seventh": "7", "eighth": "8", "ninth": "9", "tenth": "10", "eleventh": "11",
    "1st": "1", "2nd": "2", "2d": "2", "3rd": "3", "3d": "3", "4th": "4", "5th": "5",
    "6th": "6", "7th": "7", "8th": "8", "9th": "9", "10th": "10", "11th": "11",
    "dc": "dc", "d.c.": "dc", "district of columbia": "dc", "federal": "federal",
    "fed.": "federal",
}  # fmt: skip
# Which states each regional circuit hears appeals from (for "a 9th Circuit judge in Oregon").
CIRCUIT_STATES: dict[str, tuple[str, ...]] = {
    "ca1": ("Maine", "Massachusetts", "New Hampshire", "Rhode Island", "Puerto Rico"),
    "ca2": ("Connecticut", "New York", "Vermont"),
    "ca3": ("Delaware", "New Jersey", "Pennsylvania", "Virgin Islands"),
    "ca4": ("Maryland", "North Carolina", "South Carolina", "Virginia", "West Virginia"),
    "ca5": ("Louisiana", "Mississippi", "Texas"),
    "ca6": ("Kentucky", "Michigan", "Ohio", "Tennessee"),
    "ca7": ("Illinois", "Indiana", "Wisconsin"),
    "ca8": ("Arkansas", "Iowa", "Minnesota", "Missouri", "Nebraska", "North Dakota",
            "South Dakota"),
    "ca9": ("Alaska", "Arizona", "California", "Hawaii", "Idaho", "Montana", "Nevada",
            "Oregon", "Washington", "Guam", "Northern Mariana Islands"),
    "ca10": ("Colorado", "Kansas", "New Mexico", "Oklahoma", "Utah", "Wyoming"),
    "ca11": ("Alabama", "Florida", "Georgia"),
    "cadc": ("District of Columbia",),
}  # fmt: skip

# The state's highest court, by courts-db id (New York's "Supreme Court" is its trial
# court: its highest is the Court of Appeals, "ny").
STATE_SUPREME_COURTS: dict[str, str] = {
    "Alabama": "ala", "Alaska": "alaska", "Arizona": "ariz", "Arkansas": "ark",
    "California": "cal", "Colorado": "colo", "Connecticut": "conn", "Delaware": "del",
    "Florida": "fla", "Georgia": "ga", "Hawaii": "haw", "Idaho": "idaho", "Illinois": "ill",
    "Indiana": "ind", "Iowa": "iowa", "Kansas": "kan", "Kentucky": "ky", "Louisiana": "la",
    "Maine": "me", "Maryland": "md", "Massachusetts": "mass", "Michigan": "mich",
    "Minnesota": "minn", "Mississippi": "miss", "Missouri": "mo", "Montana": "mont",
    "Nebraska": "neb", "Nevada": "nev", "New Hampshire": "nh", "New Jersey": "nj",
    "New Mexico": "nm", "New York": "nysupct", "North Carolina": "nc", "North Dakota": "nd",
    "Ohio": "ohio", "Oklahoma": "okla", "Oregon": "or", "Pennsylvania": "pa",
    "Rhode Island": "ri", "South Carolina": "sc", "South Dakota": "sd", "Tennessee": "tenn",
    "Texas": "tex", "Utah": "utah", "Vermont": "vt", "Virginia": "va", "Washington": "wash",
    "West Virginia": "wva", "Wisconsin": "wis", "Wyoming": "wyo",
}  # fmt: skip

# Federal courts that are neither a district nor a regional circuit.
OTHER_FEDERAL = {
    "scotus": "Supreme Court of the United States",
    "cit": "U.S. Court of International Trade",
    "uscfc": "U.S. Court of Federal Claims",
    "cc": "U.S. Court of Claims",
    "cusc": "U.S. Customs Court",
    "ccpa": "U.S. Court of Customs and Patent Appeals",
}
# The register's names for those (the FJC's spelling) → id.
_FJC_OTHER_NAMES = {
    "supreme court of the united states": "scotus",
    "u.s. court of international trade": "cit",
    "court of claims": "cc",
    "u.s. court of federal claims": "uscfc",
    "u.s. customs court": "cusc",
    "u.s. court of customs and patent appeals": "ccpa",
}


def district_id(direction: str, state: str) -> str:
    """The district court's id: ("Southern", "New York") → "nysd"; "" if there is none.

    `direction` may be a word or its initial; empty for a one-district state.
    """
    known = STATES.get(state)
    if known is None:
        return ""
    postal, directions = known
    letter = direction[:1].lower()
    if not directions:
        return f"{postal}d" if not letter else ""
    return f"{postal}{letter}d" if letter and letter in directions else ""


def circuit_id(name: str) -> str:
    """ "Ninth", "9th", "D.C.", "Federal" → "ca9", "cadc", "cafc"; "" if not a circuit."""
    return CIRCUITS.get(ORDINALS.get(name.lower(), ""), "")


@functools.cache
def _courts_by_state() -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {}
    for state, (_postal, directions) in STATES.items():
        found[state] = [district_id(d, state) for d in list(directions) or [""]]
        if state in STATE_SUPREME_COURTS:
            found[state].append(STATE_SUPREME_COURTS[state])
    return {state: tuple(ids) for state, ids in found.items()}


@functools.cache
def _state_by_court() -> dict[str, str]:
    return {court: state for state, ids in _courts_by_state().items() for court in ids}


def courts_in_state(state: str) -> tuple[str, ...]:
    """The federal district courts in `state`, then its highest court."""
    return _courts_by_state().get(state, ())


def state_for_court(court_id: str) -> str:
    """The state a district court or a state's highest court sits in; "" for others."""
    return _state_by_court().get(court_id, "")


def is_federal_trial_court(court_id: str) -> bool:
    return court_id in _federal_districts()


def is_federal_appeals_court(court_id: str) -> bool:
    return court_id in CIRCUITS.values()


@functools.cache
def _federal_districts() -> frozenset[str]:
    return frozenset(
        district_id(direction, state)
        for state, (_postal, directions) in STATES.items()
        for direction in list(directions) or [""]
    )


_FJC_DISTRICT = re.compile(
    r"^U\.S\. District Court for the (?:(Northern|Southern|Eastern|Western|Middle|Central) )?"
    r"District of (.+)$"
)
_FJC_CIRCUIT = re.compile(r"^U\.S\. Court of Appeals for the (.+) Circuit$")


def court_id_for_name(name: str) -> str:
    """The id of a federal court named in full, as the FJC and PACER write it; "" if unknown.

    "U.S. District Court for the District of Oregon" → "ord"; "U.S. Court of Appeals for the
    Ninth Circuit" → "ca9"; historical courts (the District of Orleans, the circuit courts
    abolished in 1911) → "".
    """
    name = " ".join(name.split())
    if name.lower() in _FJC_OTHER_NAMES:
        return _FJC_OTHER_NAMES[name.lower()]
    name = name.replace("United States", "U.S.")
    if match := _FJC_DISTRICT.match(name):
        direction, state = match.groups()
        # the FJC's "District of Columbia" is the district itself, not a state named Columbia
        return district_id(
            direction or "", "District of Columbia" if state == "Columbia" else state
        )
    if match := _FJC_CIRCUIT.match(name):
        return circuit_id(match.group(1))
    return _FJC_OTHER_NAMES.get(name.lower(), "")
