"""Rebuild the judges register shipped in the package from the FJC's export.

    .venv/bin/python scripts/build_judges_register.py [--from DIR] [--out FILE]

Reads judges.csv and federal-judicial-service.csv from DIR (default /work/shared/data/fjc),
writes bot/annotate/data/judges.json.gz and prints how many judges and courts it holds. The
same bytes come out for the same export, so a rebuild without new data changes nothing.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.annotate.fjc import parse_fjc_export
from bot.annotate.register import register_to_bytes

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="source", type=Path, default=Path("/work/shared/data/fjc"))
    parser.add_argument(
        "--out", type=Path, default=ROOT / "bot" / "annotate" / "data" / "judges.json.gz"
    )
    args = parser.parse_args()
    register = parse_fjc_export(
        (args.source / "judges.csv").read_bytes(),
        (args.source / "federal-judicial-service.csv").read_bytes(),
    )
    data = register_to_bytes(register)
    args.out.write_bytes(data)
    services = [s for judge in register.judges for s in judge.service]
    unmapped = {s.court for s in services if not s.court_id}
    print(
        f"{len(register.judges)} judges, {len(services)} appointments, as of {register.as_of}; "
        f"{len(unmapped)} historical courts without a CourtListener id; "
        f"{len(data) / 1024:.0f} KB → {args.out}"
    )


if __name__ == "__main__":
    main()
