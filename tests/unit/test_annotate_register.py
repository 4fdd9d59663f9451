"""The judges register: built from the FJC's export, shipped in the package, read back the same.

`threadbot judges update` will fetch the FJC's CSV files and hand them to `parse_fjc_export`;
these tests hold what that function promises, on small exports written here, and what the
shipped register holds.
"""

from __future__ import annotations

import gzip
import json

import pytest
from courts_db import courts

from bot.annotate.court_table import (
    STATE_SUPREME_COURTS,
    STATES,
    court_id_for_name,
    district_id,
)
from bot.annotate.fjc import parse_fjc_export, president_name
from bot.annotate.register import (
    FJC_EXPORT_URL,
    load_register,
    register_from_bytes,
    register_to_bytes,
)
from bot.annotate.resolve import match_assigned_to

JUDGES_CSV = (
    "\ufeffnid,jid,Last Name,First Name,Middle Name,Suffix,Court Name (1),Appointment Title (1),"
    "Appointing President (1),Commission Date (1),Senior Status Date (1),Termination Date (1),"
    "Court Name (2),Appointment Title (2),Appointing President (2),Commission Date (2),"
    "Senior Status Date (2),Termination Date (2)\n"
    "101,1,Roe,Jane,Q.,,U.S. District Court for the District of Oregon,Judge,Jimmy Carter,"
    "3/1/1980,,4/2/1994,U.S. Court of Appeals for the Ninth Circuit,Judge,"
    "George H.W. Bush,1994-04-03,2010-01-01,\n"
    "102,2,Doe,John,,Jr.,U.S. District Court for the Southern District of New York,Judge,"
    "Barack Obama,6/6/2013,,,,,,,,\n"
)
SERVICE_CSV = (
    "\ufeffnid,Sequence,JudgeName,CourtType,CourtName,AppointmentTitle,AppointingPresident,"
    "CommissionDate,Senior Status Date,Termination,Termination Date\n"
    '102,1,"Doe, John, Jr.",U.S. District Court,'
    "U.S. District Court for the Southern District of New York,Judge,Barack Obama,6/6/2013,,,\n"
    '103,1,"Poe, Edgar Allan",U.S. Circuit Court (1869-1911),'
    "U.S. Circuit Courts for the Second Circuit,Judge,Grover Cleveland,1890-01-02,,Death,"
    "1899-03-04\n"
)


def test_the_export_becomes_judges_with_their_courts_presidents_and_dates():
    register = parse_fjc_export(JUDGES_CSV.encode("utf-8"))

    roe = register.get("fjc:101")
    assert roe is not None
    assert roe.name == "Jane Q. Roe"
    assert [(s.court_id, s.appointed_by, s.start, s.senior, s.end) for s in roe.service] == [
        ("ord", "Jimmy Carter", "1980-03-01", "", "1994-04-02"),
        ("ca9", "George H. W. Bush", "1994-04-03", "2010-01-01", ""),
    ]
    assert register.get("fjc:102").name == "John Doe, Jr."  # type: ignore[union-attr]
    assert register.as_of == "2013-06-06"  # the newest commission in the export
    assert register.version == "fjc-2013-06-06"
    assert register.source_url == FJC_EXPORT_URL


def test_the_service_file_gives_every_appointment_and_names_judges_only_it_lists():
    register = parse_fjc_export(JUDGES_CSV, SERVICE_CSV)

    assert [s.court_id for s in register.get("fjc:102").service] == ["nysd"]  # type: ignore[union-attr]
    poe = register.get("fjc:103")
    assert poe is not None and (poe.last, poe.first, poe.middle) == ("Poe", "Edgar", "Allan")
    # the circuit courts abolished in 1911 are not today's courts of appeals
    assert poe.service[0].court_id == ""
    assert poe.service[0].court == "U.S. Circuit Courts for the Second Circuit"
    assert [name for name, _sha in register.inputs] == [
        "judges.csv",
        "federal-judicial-service.csv",
    ]


def test_a_file_that_is_not_the_export_is_one_clear_error():
    with pytest.raises(ValueError, match=r"judges\.csv lacks the columns"):
        parse_fjc_export("<html><body>Page moved</body></html>")
    with pytest.raises(ValueError, match=r"needs judges\.csv or federal-judicial-service\.csv"):
        parse_fjc_export()


def test_presidents_are_spelled_as_people_write_them_and_reassignments_have_none():
    assert president_name("George H.W. Bush") == "George H. W. Bush"
    assert president_name("None (reassignment)") == ""
    assert president_name("Joseph R. Biden") == "Joseph R. Biden"


def test_the_register_survives_its_file_byte_for_byte():
    register = parse_fjc_export(JUDGES_CSV, SERVICE_CSV)

    data = register_to_bytes(register)

    assert register_to_bytes(parse_fjc_export(JUDGES_CSV, SERVICE_CSV)) == data
    again = register_from_bytes(data)
    assert again == register
    assert again.by_surname("roe")[0].id == "fjc:101"
    assert register_from_bytes(gzip.decompress(data)) == register  # plain JSON reads too


def test_a_register_of_an_unknown_format_is_refused():
    with pytest.raises(ValueError, match="unknown judges register format"):
        register_from_bytes(json.dumps({"format": 99}).encode())


def test_the_shipped_register_says_where_it_comes_from():
    register = load_register()

    assert register.as_of == "2023-06-06"
    assert register.source_url == FJC_EXPORT_URL
    assert "Federal Judicial Center" in register.source
    assert dict(register.inputs).keys() == {"judges.csv", "federal-judicial-service.csv"}
    assert len(register.judges) == 3919


def test_the_shipped_register_knows_todays_judges_and_their_courts():
    register = load_register()

    [boasberg] = register.by_surname("Boasberg")
    assert (boasberg.id, boasberg.service[-1].court_id) == ("fjc:1393651", "dcd")
    [jackson] = [j for j in register.by_surname("Jackson") if j.first == "Ketanji"]
    assert [(s.court_id, s.appointed_by) for s in jackson.service] == [
        ("dcd", "Barack Obama"),
        ("cadc", "Joseph R. Biden"),
        ("scotus", "Joseph R. Biden"),
    ]
    assert register.by_surname("martinez-olguin") == register.by_surname("Martínez-Olguín")
    sitting = {j.last for j in register.sitting("scotus", "2026-01-01")}
    assert sitting == {"Roberts", "Thomas", "Alito", "Sotomayor", "Kagan", "Gorsuch",
                       "Kavanaugh", "Barrett", "Jackson"}  # fmt: skip


def test_every_court_of_a_serving_judge_has_a_courtlistener_id():
    day = "2023-06-01"
    serving = [
        s for judge in load_register().judges for s in judge.service if s.serves_on(day)
    ]  # fmt: skip

    assert serving
    assert [s.court for s in serving if not s.court_id] == []


@pytest.mark.parametrize(
    ("name", "court_id"),
    [
        ("U.S. District Court for the District of Oregon", "ord"),
        ("U.S. District Court for the Southern District of New York", "nysd"),
        ("U.S. District Court for the District of Columbia", "dcd"),
        ("United States District Court for the Northern District of California", "cand"),
        ("U.S. Court of Appeals for the Ninth Circuit", "ca9"),
        ("U.S. Court of Appeals for the District of Columbia Circuit", "cadc"),
        ("U.S. Court of Appeals for the Federal Circuit", "cafc"),
        ("Supreme Court of the United States", "scotus"),
        ("U.S. Court of International Trade", "cit"),
        ("Court of Claims", "cc"),  # not New York's Court of Claims, as courts-db guesses
        ("U.S. Circuit Courts for the Ninth Circuit", ""),  # abolished in 1911
        ("U.S. District Court for the District of Orleans", ""),
    ],
)
def test_court_names_map_to_courtlistener_ids(name, court_id):
    assert court_id_for_name(name) == court_id


def test_every_court_id_in_our_table_is_a_courts_db_court():
    known = {court["id"] for court in courts}
    ids = [
        district_id(direction, state)
        for state, (_postal, directions) in STATES.items()
        for direction in list(directions) or [""]
    ]

    assert len(ids) == 94  # the federal judicial districts
    assert [court_id for court_id in ids if court_id not in known] == []
    assert [c for c in STATE_SUPREME_COURTS.values() if c not in known] == []


@pytest.mark.parametrize(
    ("assigned_to", "court_id", "expected"),
    [
        ("James E. Boasberg", "dcd", "fjc:1393651"),
        ("Boasberg, James E.", "", "fjc:1393651"),
        ("Chief Judge James Emanuel Boasberg", "dcd", "fjc:1393651"),
        ("Amy Berman Jackson", "dcd", "fjc:1393656"),
        ("Jackson", "dcd", None),  # two Jacksons have sat on the D.D.C.
        ("James E. Boasberg", "nysd", None),  # not that court's judge
        ("Sparkle L. Sooknanan", "dcd", None),  # appointed after the export
    ],
)
def test_a_dockets_assigned_judge_matches_one_register_entry_or_none(
    assigned_to, court_id, expected
):
    judge = match_assigned_to(assigned_to, load_register(), court_id=court_id, on="2026-01-15")

    assert (judge.id if judge else None) == expected
