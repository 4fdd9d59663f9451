"""Places reporters put a judge in ("in Boston", "a Texas judge", "MINNEAPOLIS —"), as courts.

    >>> [(p.name, p.court_ids) for p in find_places("A federal judge in Boston and one in Texas")]
    [('Boston', ('mad', 'ca1')), ('Texas', ('txnd', 'txsd', 'txed', 'txwd', 'tex'))]

A place is evidence about which court a judge sits on, not the name of a court: the judge
annotator narrows its register candidates with it; the court annotator ignores it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from bot.annotate.court_table import STATES, courts_in_state

# Cities where federal courts sit (the seats reporters name) → the courts there (space
# separated): the district court, and the court of appeals where it sits in that city.
# Left out: names that are also surnames or schools (Jackson, Lincoln, Columbia, Madison
# is kept: few judges are called Madison today), and cities in two districts' names.
CITIES: dict[str, str] = {
    "Boston": "mad ca1", "Worcester": "mad", "Springfield, Massachusetts": "mad",
    "Providence": "rid", "Portland, Maine": "med", "Bangor": "med", "Portland": "ord",
    "Eugene": "ord", "Medford": "ord", "Seattle": "wawd", "Tacoma": "wawd", "Spokane": "waed",
    "Yakima": "waed", "San Francisco": "cand ca9", "Oakland": "cand", "San Jose": "cand",
    "Los Angeles": "cacd", "Santa Ana": "cacd", "Riverside": "cacd", "San Diego": "casd",
    "Sacramento": "caed", "Fresno": "caed", "Brooklyn": "nyed", "Central Islip": "nyed",
    "Manhattan": "nysd ca2", "White Plains": "nysd", "Buffalo": "nywd", "Rochester": "nywd",
    "Albany": "nynd", "Syracuse": "nynd", "Greenbelt": "mdd", "Baltimore": "mdd",
    "Alexandria": "vaed", "Richmond": "vaed ca4", "Norfolk": "vaed", "Charlottesville": "vawd",
    "Roanoke": "vawd", "Chicago": "ilnd ca7", "Springfield, Illinois": "ilcd", "Minneapolis": "mnd",
    "St. Paul": "mnd", "Saint Paul": "mnd", "Duluth": "mnd", "Detroit": "mied",
    "Grand Rapids": "miwd", "Cleveland": "ohnd", "Toledo": "ohnd", "Columbus": "ohsd",
    "Cincinnati": "ohsd ca6", "Houston": "txsd", "Brownsville": "txsd", "McAllen": "txsd",
    "Victoria": "txsd", "Corpus Christi": "txsd", "Galveston": "txsd", "Laredo": "txsd",
    "Dallas": "txnd", "Fort Worth": "txnd", "Amarillo": "txnd", "Lubbock": "txnd",
    "Wichita Falls": "txnd", "Abilene": "txnd", "Austin": "txwd", "San Antonio": "txwd",
    "El Paso": "txwd", "Waco": "txwd", "Midland": "txwd", "Del Rio": "txwd", "Tyler": "txed",
    "Marshall": "txed", "Sherman": "txed", "Beaumont": "txed", "Miami": "flsd",
    "Fort Lauderdale": "flsd", "West Palm Beach": "flsd", "Fort Pierce": "flsd",
    "Key West": "flsd", "Tampa": "flmd", "Orlando": "flmd", "Jacksonville": "flmd",
    "Fort Myers": "flmd", "Tallahassee": "flnd", "Pensacola": "flnd", "Gainesville": "flnd",
    "Atlanta": "gand ca11", "Savannah": "gasd", "Augusta": "gasd", "Macon": "gamd",
    "Nashville": "tnmd", "Memphis": "tnwd", "Knoxville": "tned", "Chattanooga": "tned",
    "New Orleans": "laed ca5", "Baton Rouge": "lamd", "Lafayette": "lawd", "Shreveport": "lawd",
    "Philadelphia": "paed ca3", "Pittsburgh": "pawd", "Harrisburg": "pamd", "Scranton": "pamd",
    "Newark": "njd", "Trenton": "njd", "Camden": "njd", "Hartford": "ctd", "New Haven": "ctd",
    "Bridgeport": "ctd", "Phoenix": "azd", "Tucson": "azd", "Denver": "cod ca10",
    "Salt Lake City": "utd", "Las Vegas": "nvd", "Reno": "nvd", "Albuquerque": "nmd",
    "Las Cruces": "nmd", "Honolulu": "hid", "Anchorage": "akd", "Boise": "idd",
    "Billings": "mtd", "Missoula": "mtd", "Helena": "mtd", "Cheyenne": "wyd", "Omaha": "ned",
    "Des Moines": "iasd", "Cedar Rapids": "iand", "Sioux City": "iand", "St. Louis": "moed ca8",
    "Little Rock": "ared", "Fort Smith": "arwd", "Milwaukee": "wied", "Madison": "wiwd",
    "Indianapolis": "insd", "Louisville": "kywd", "Lexington": "kyed", "Raleigh": "nced",
    "Greensboro": "ncmd", "Charlotte": "ncwd", "Asheville": "ncwd", "Birmingham": "alnd",
    "Huntsville": "alnd", "Montgomery": "almd", "Mobile": "alsd", "Oklahoma City": "okwd",
    "Tulsa": "oknd", "San Juan": "prd", "Amarillo, Texas": "txnd", "Washington, D.C.": "dcd cadc",
    "D.C.": "dcd cadc", "Pasadena": "ca9", "Greenville": "scd", "Sioux Falls": "sdd",
    "Fargo": "ndd",
    "Bismarck": "ndd", "Burlington": "vtd", "Concord": "nhd", "Wilmington, Delaware": "ded",
    "Wichita": "ksd", "Topeka": "ksd", "Kansas City, Kansas": "ksd",
    "Kansas City, Missouri": "mowd",
}  # fmt: skip

_STATE_NAMES = sorted((name for name in STATES if name != "District of Columbia"), key=len)


@dataclass(frozen=True)
class Place:
    start: int
    end: int
    name: str
    court_ids: tuple[str, ...]
    is_state: bool


@functools.cache
def _pattern() -> re.Pattern[str]:
    names = sorted([*CITIES, *_STATE_NAMES], key=len, reverse=True)
    alternatives = "|".join(re.escape(name) for name in names)
    # upper case too: datelines are written "MINNEAPOLIS —"
    return re.compile(rf"(?<![\w.])(?:{alternatives}|{alternatives.upper()})(?![\w])")


@functools.cache
def _by_upper() -> dict[str, str]:
    return {name.upper(): name for name in [*CITIES, *_STATE_NAMES]}


def find_places(text: str) -> list[Place]:
    """Cities with a federal court and states, as written in `text`, in order."""
    found: list[Place] = []
    for match in _pattern().finditer(text):
        written = match.group(0)
        name = written if written in CITIES or written in STATES else _by_upper()[written]
        if name in CITIES:
            ids = tuple(CITIES[name].split())
            found.append(Place(match.start(), match.end(), name, ids, False))
        elif name == "Washington" and not text.startswith(" state", match.end()):
            # "a judge in Washington" is as often the capital as the state
            ids = ("dcd", "cadc", *courts_in_state(name))
            found.append(Place(match.start(), match.end(), name, ids, True))
        else:
            found.append(Place(match.start(), match.end(), name, courts_in_state(name), True))
    return found
