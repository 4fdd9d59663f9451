"""`threadbot judges update`: load the current judges register into the archive.

The Federal Judicial Center publishes its Biographical Directory of Article III judges as
two CSV files (judges.csv, federal-judicial-service.csv). This fetches them (or reads them
from a folder or a file), builds the register (bot/annotate/fjc.py, pure), and makes it the
one the archive's annotations are checked against; the next `threadbot annotate` (or the
daemon's annotate job) annotates again what the older register resolved.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

from bot.annotate import register_rows
from bot.annotate.fjc import parse_fjc_export
from bot.annotate.register import JudgeRegister, register_to_bytes
from bot.config import Settings
from bot.errors import BadInput, ServiceError
from bot.links.fetch import Fetcher
from bot.store import Store
from bot.store.annotations import save_register

FJC_FILES = "https://www.fjc.gov/sites/default/files/history/"
JUDGES, SERVICE = "judges.csv", "federal-judicial-service.csv"
MAX_CSV = 64 * 1024 * 1024  # the export is ~5 MB


@dataclass(frozen=True)
class Loaded:
    register: JudgeRegister
    source: str


def update_register(store: Store, settings: Settings, source: str | None) -> Loaded:
    """Read the export from `source` (None: the FJC's site; a URL; a folder holding the CSV
    files; one CSV file) and make it the archive's register."""
    source = source or FJC_FILES
    if source.startswith(("http://", "https://")):
        files = asyncio.run(_fetch(source, settings))
    else:
        files = _read(Path(source))
    try:
        register = parse_fjc_export(files.get(JUDGES), files.get(SERVICE), source_url=source)
    except ValueError as e:
        raise BadInput(f"{source} is not the FJC's judges export: {e}") from None
    if not register.judges:
        raise BadInput(f"{source} holds no judges")
    save_register(store, register_rows(register, register_to_bytes(register)))
    return Loaded(register, source)


def _read(path: Path) -> dict[str, bytes]:
    if path.is_dir():
        files = {
            name: (path / name).read_bytes()
            for name in (JUDGES, SERVICE)
            if (path / name).is_file()
        }
        if not files:
            raise BadInput(f"{path} holds neither {JUDGES} nor {SERVICE}")
        return files
    if not path.is_file():
        raise BadInput(f"no such file or folder: {path}")
    return {SERVICE if "service" in path.name else JUDGES: path.read_bytes()}


async def _fetch(source: str, settings: Settings) -> dict[str, bytes]:
    if source.endswith(".csv"):
        urls = {SERVICE if "service" in source.rsplit("/", 1)[-1] else JUDGES: source}
        if JUDGES in urls:  # its companion beside it, if it is there
            urls[SERVICE] = urljoin(source, SERVICE)
    else:
        base = source if source.endswith("/") else source + "/"
        urls = {name: urljoin(base, name) for name in (JUDGES, SERVICE)}
    files: dict[str, bytes] = {}
    errors = []
    async with Fetcher(settings.fetch) as fetcher:
        for name, url in urls.items():
            result = await fetcher.fetch(url, accept="text/csv, */*")
            if result.outcome != "ok" or result.body is None:
                errors.append(f"{url}: {result.error}")
                continue
            if result.body.size > MAX_CSV:
                raise BadInput(f"{url} is larger than an FJC export can be")
            files[name] = result.body.read()
            result.body.discard()
    if not files:
        raise ServiceError(f"could not fetch the judges export: {'; '.join(errors)}")
    return files
