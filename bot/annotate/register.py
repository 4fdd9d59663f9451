"""The judges register: every Article III judge the FJC lists, with their courts and dates.

    >>> register = load_register()
    >>> register.source_url.startswith("https://www.fjc.gov/")
    True
    >>> [judge.name for judge in register.by_surname("Boasberg")]
    ['James Emanuel Boasberg']

The package ships one (`bot/annotate/data/judges.json.gz`, built by
`scripts/build_judges_register.py` from the FJC's export); `register_from_bytes` reads one the
integrator fetched later (`parse_fjc_export` → `register_to_bytes`). Pure apart from
`load_register`, which reads the shipped file once through importlib.resources.
"""

from __future__ import annotations

import functools
import gzip
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from bot.annotate.names import name_key
from bot.models import JudicialService, RegisterJudge

FORMAT = 1
FJC_EXPORT_URL = (
    "https://www.fjc.gov/history/judges/biographical-directory-article-iii-federal-judges-export"
)
SOURCE = (
    "Federal Judicial Center, Biographical Directory of Article III Federal Judges (export); "
    "a work of the U.S. Government, in the public domain"
)
_SHIPPED = ("bot.annotate.data", "judges.json.gz")
# Each appointment is stored as a list in this order (the names are in the file too).
_SERVICE_COLUMNS = ("court_id", "court", "title", "appointed_by", "start", "senior", "end", "chief")


@dataclass(frozen=True)
class JudgeRegister:
    """The judges and where they came from. `as_of`: the export's newest commission date,
    the day after which appointments are missing from it."""

    judges: tuple[RegisterJudge, ...]
    as_of: str
    source_url: str = FJC_EXPORT_URL
    source: str = SOURCE
    inputs: tuple[tuple[str, str], ...] = ()  # (file name, sha256) it was built from
    _by_surname: dict[str, tuple[RegisterJudge, ...]] = field(init=False, repr=False, compare=False)
    _by_id: dict[str, RegisterJudge] = field(init=False, repr=False, compare=False)
    _sitting: dict[tuple[str, str], tuple[RegisterJudge, ...]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        by_surname: dict[str, list[RegisterJudge]] = {}
        for judge in self.judges:
            by_surname.setdefault(name_key(judge.last), []).append(judge)
        object.__setattr__(self, "_by_surname", {k: tuple(v) for k, v in by_surname.items()})
        object.__setattr__(self, "_by_id", {judge.id: judge for judge in self.judges})
        object.__setattr__(self, "_sitting", {})

    @property
    def version(self) -> str:
        """What annotation rows record about the register: "fjc-2023-06-06"."""
        return f"fjc-{self.as_of}"

    def by_surname(self, surname: str) -> tuple[RegisterJudge, ...]:
        """Every judge whose last name is `surname` (any case, accents, hyphens)."""
        return self._by_surname.get(name_key(surname), ())

    def has_surname(self, surname: str) -> bool:
        return name_key(surname) in self._by_surname

    def get(self, judge_id: str) -> RegisterJudge | None:
        return self._by_id.get(judge_id)

    def sitting(self, court_id: str, day: str) -> tuple[RegisterJudge, ...]:
        """The active judges of a court on a day (YYYY-MM-DD): serving, not senior (the FJC
        records a retired justice as senior)."""
        key = (court_id, day)
        if key not in self._sitting:
            self._sitting[key] = tuple(
                judge
                for judge in self.judges
                if any(s.court_id == court_id and s.active_on(day) for s in judge.service)
            )
        return self._sitting[key]


def register_to_bytes(register: JudgeRegister) -> bytes:
    """The register as gzip'd JSON, byte for byte the same for the same register."""
    document = {
        "format": FORMAT,
        "source": register.source,
        "source_url": register.source_url,
        "as_of": register.as_of,
        "inputs": [{"file": name, "sha256": digest} for name, digest in register.inputs],
        "service_columns": list(_SERVICE_COLUMNS),
        "judges": [_judge_json(judge) for judge in register.judges],
    }
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


def register_from_bytes(data: bytes) -> JudgeRegister:
    """Read what `register_to_bytes` wrote (gzip'd or plain JSON)."""
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    document = json.loads(data)
    if document.get("format") != FORMAT:
        raise ValueError(f"unknown judges register format {document.get('format')!r}")
    return JudgeRegister(
        judges=tuple(_judge_from_json(item) for item in document["judges"]),
        as_of=document["as_of"],
        source_url=document["source_url"],
        source=document["source"],
        inputs=tuple((item["file"], item["sha256"]) for item in document["inputs"]),
    )


@functools.cache
def load_register() -> JudgeRegister:
    """The register shipped inside the package, read once."""
    package, name = _SHIPPED
    return register_from_bytes(resources.files(package).joinpath(name).read_bytes())


def _judge_json(judge: RegisterJudge) -> dict[str, Any]:
    item: dict[str, Any] = {"id": judge.id, "last": judge.last, "first": judge.first}
    if judge.middle:
        item["middle"] = judge.middle
    if judge.suffix:
        item["suffix"] = judge.suffix
    item["service"] = [
        [s.court_id, s.court, s.title, s.appointed_by, s.start, s.senior, s.end,
         [list(span) for span in s.chief]]
        for s in judge.service
    ]  # fmt: skip
    return item


def _judge_from_json(item: dict[str, Any]) -> RegisterJudge:
    return RegisterJudge(
        id=item["id"],
        last=item["last"],
        first=item["first"],
        middle=item.get("middle", ""),
        suffix=item.get("suffix", ""),
        service=tuple(_service_from_json(row) for row in item["service"]),
    )


def _service_from_json(row: Iterable[Any]) -> JudicialService:
    court_id, court, title, appointed_by, start, senior, end, chief = row
    return JudicialService(
        court_id=court_id,
        court=court,
        title=title,
        appointed_by=appointed_by,
        start=start,
        senior=senior,
        end=end,
        chief=tuple((begin, until) for begin, until in chief),
    )
