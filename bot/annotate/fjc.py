"""Build the judges register from the Federal Judicial Center's export (CSV text in, register out).

    >>> judges = "nid,Last Name,First Name,Middle Name,Suffix\\n7,Roe,Jane,Q.,\\n"
    >>> service = (
    ...     "nid,Sequence,JudgeName,CourtName,AppointmentTitle,AppointingPresident,"
    ...     "CommissionDate,Senior Status Date,Termination Date\\n"
    ...     "7,1,\\"Roe, Jane Q.\\",U.S. District Court for the District of Oregon,Judge,"
    ...     "Jimmy Carter,3/1/1980,,\\n"
    ... )
    >>> register = parse_fjc_export(judges, service)
    >>> judge = register.judges[0]
    >>> judge.id, judge.name, judge.service[0].court_id, judge.service[0].start, register.as_of
    ('fjc:7', 'Jane Q. Roe', 'ord', '1980-03-01', '1980-03-01')

The FJC publishes `judges.csv` (one row per judge, appointments as numbered column groups, the
fourth and later cut short) and `federal-judicial-service.csv` (one row per appointment).
Either will do; with both, names come from the first and appointments from the second. Dates
are M/D/YYYY or YYYY-MM-DD; the files start with a byte-order mark. Court names map to
CourtListener ids through `court_table.court_id_for_name`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re

from bot.annotate.court_table import court_id_for_name
from bot.annotate.register import FJC_EXPORT_URL, JudgeRegister
from bot.models import JudicialService, RegisterJudge

_GROUPS = range(1, 7)


def parse_fjc_export(
    judges_csv: str | bytes | None = None,
    service_csv: str | bytes | None = None,
    *,
    source_url: str = FJC_EXPORT_URL,
) -> JudgeRegister:
    """The register the export describes. Raises ValueError when neither file is given or a
    file lacks the columns it needs (a page of HTML where a CSV was expected, say)."""
    if judges_csv is None and service_csv is None:
        raise ValueError("the FJC export needs judges.csv or federal-judicial-service.csv")
    inputs: list[tuple[str, str]] = []
    names: dict[str, tuple[str, str, str, str]] = {}
    grouped: dict[str, list[JudicialService]] = {}
    if judges_csv is not None:
        inputs.append(("judges.csv", _sha256(judges_csv)))
        rows = _rows(judges_csv, required={"nid", "Last Name", "First Name"}, name="judges.csv")
        for row in rows:
            nid = row["nid"].strip()
            names[nid] = (
                _clean(row["Last Name"]),
                _clean(row["First Name"]),
                _clean(row.get("Middle Name", "")),
                _clean(row.get("Suffix", "")),
            )
            if service_csv is None:
                grouped[nid] = [s for i in _GROUPS if (s := _service_from_group(row, i))]
    if service_csv is not None:
        inputs.append(("federal-judicial-service.csv", _sha256(service_csv)))
        rows = _rows(
            service_csv,
            required={"nid", "JudgeName", "CourtName"},
            name="federal-judicial-service.csv",
        )
        ordered = sorted(rows, key=lambda row: (row["nid"], int(row.get("Sequence") or 0)))
        for row in ordered:
            nid = row["nid"].strip()
            names.setdefault(nid, _split_judge_name(row["JudgeName"]))
            service = _service_from_row(row)
            if service is not None:
                grouped.setdefault(nid, []).append(service)
    judges = tuple(
        RegisterJudge(
            id=f"fjc:{nid}",
            last=last,
            first=first,
            middle=middle,
            suffix=suffix,
            service=tuple(grouped.get(nid, ())),
        )
        for nid, (last, first, middle, suffix) in sorted(names.items(), key=_by_name)
        if last
    )
    starts = [s.start for judge in judges for s in judge.service if s.start]
    return JudgeRegister(
        judges=judges,
        as_of=max(starts, default=""),
        source_url=source_url,
        inputs=tuple(inputs),
    )


def _by_name(item: tuple[str, tuple[str, str, str, str]]) -> tuple[str, str, str, int]:
    nid, (last, first, middle, _suffix) = item
    return (last.casefold(), first.casefold(), middle.casefold(), int(nid) if nid.isdigit() else 0)


def _rows(data: str | bytes, *, required: set[str], name: str) -> list[dict[str, str]]:
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data.lstrip("\ufeff")
    reader = csv.DictReader(io.StringIO(text))
    missing = required - set(reader.fieldnames or ())
    if missing:
        raise ValueError(f"{name} lacks the columns {', '.join(sorted(missing))}")
    return list(reader)


def _service_from_group(row: dict[str, str], i: int) -> JudicialService | None:
    def col(label: str) -> str:
        return _clean(row.get(f"{label} ({i})", ""))

    return _service(
        court=col("Court Name"),
        title=col("Appointment Title"),
        president=col("Appointing President"),
        start=_date(col("Commission Date")) or _date(col("Recess Appointment Date")),
        senior=_date(col("Senior Status Date")),
        end=_date(col("Termination Date")),
        chief=(
            (
                _date(col("Service as Chief Judge, Begin")),
                _date(col("Service as Chief Judge, End")),
            ),
            (
                _date(col("2nd Service as Chief Judge, Begin")),
                _date(col("2nd Service as Chief Judge, End")),
            ),
        ),
    )


def _service_from_row(row: dict[str, str]) -> JudicialService | None:
    def col(label: str) -> str:
        return _clean(row.get(label, ""))

    return _service(
        court=col("CourtName"),
        title=col("AppointmentTitle"),
        president=col("AppointingPresident"),
        start=_date(col("CommissionDate")) or _date(col("RecessAppointmentDate")),
        senior=_date(col("Senior Status Date")),
        end=_date(col("Termination Date")),
        chief=(
            (_date(col("ServiceasChiefJudgeBegin")), _date(col("ServiceasChiefJudgeEnd"))),
            (
                _date(col("2nd Service as Chief Judge, Begin")),
                _date(col("2nd Service as Chief Judge, End")),
            ),
        ),
    )


def _service(
    *,
    court: str,
    title: str,
    president: str,
    start: str,
    senior: str,
    end: str,
    chief: tuple[tuple[str, str], ...],
) -> JudicialService | None:
    if not court:
        return None
    return JudicialService(
        court_id=court_id_for_name(court),
        court=court,
        title=title,
        appointed_by=president_name(president),
        start=start,
        senior=senior,
        end=end,
        chief=tuple(span for span in chief if span[0]),
    )


def president_name(fjc_name: str) -> str:
    """The FJC's name for the appointing president, spaced as people write it ("George H. W.
    Bush"); "" for a reassignment or an assignment, which no president made."""
    if fjc_name.startswith("None") or not fjc_name:
        return ""
    return fjc_name.replace("H.W.", "H. W.")


_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _date(value: str) -> str:
    value = value.strip()
    if match := _US_DATE.match(value):
        month, day, year = match.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}"
    return value if _ISO_DATE.match(value) else ""


def _clean(value: str | None) -> str:
    return " ".join((value or "").split())


def _split_judge_name(name: str) -> tuple[str, str, str, str]:
    """ "Acker, William Marsh, Jr." → ("Acker", "William", "Marsh", "Jr.")."""
    parts = [_clean(part) for part in name.split(",")]
    last = parts[0] if parts else ""
    given = parts[1].split() if len(parts) > 1 else []
    suffix = parts[2] if len(parts) > 2 else ""
    return last, given[0] if given else "", " ".join(given[1:]), suffix


def _sha256(data: str | bytes) -> str:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return hashlib.sha256(raw).hexdigest()
