"""Build the Datasette instance that serves the archive, read-only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from datasette.app import Datasette

from bot.errors import ConfigError

METADATA_DATABASE = "archive"  # the database name used in metadata.yml
SETTINGS = {
    # Facet suggestions cost most of a table page on a large archive; facets are configured.
    "suggest_facets": False,
    "sql_time_limit_ms": 3000,
    "facet_time_limit_ms": 500,
    "default_page_size": 50,
    # The file holds the daemon's private tables too (bot/web/privacy.py): never offered whole.
    "allow_download": False,
    # Document texts run to megabytes: table pages show the start of each.
    "truncate_cells_html": 400,
}


def metadata_path() -> Path:
    """metadata.yml inside the installed package, else at the top of a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "metadata.yml", here.parent.parent / "metadata.yml"):
        if candidate.is_file():
            return candidate
    raise ConfigError("metadata.yml is missing from the threadbot installation")


def load_metadata(db_path: Path) -> dict[str, Any]:
    """metadata.yml, with its "archive" database renamed to the actual file's name and marked
    as threadbot's, so that the plugin bounds the SQL run on it."""
    metadata = yaml.safe_load(metadata_path().read_text(encoding="utf-8"))
    databases = metadata.setdefault("databases", {})
    if METADATA_DATABASE in databases and db_path.stem != METADATA_DATABASE:
        databases[db_path.stem] = databases.pop(METADATA_DATABASE)
        html = metadata.get("description_html", "")
        metadata["description_html"] = html.replace(f"/{METADATA_DATABASE}/", f"/{db_path.stem}/")
    # Marks this database as the archive: the plugin serves its pages, bounds its
    # connections and hides its private tables only there (bot/web/archive_db.py).
    archive = databases.setdefault(db_path.stem, {})
    archive.setdefault("plugins", {}).setdefault("threadbot", {})["archive"] = True
    return metadata


def make_datasette(db_path: str | Path) -> Datasette:
    path = Path(db_path)
    if not path.is_file():
        raise ConfigError(f"no archive at {path}: archive a thread first (threadbot archive URL)")
    # A mutable (not immutable) database: Datasette reads it through read-only connections,
    # sees new rows as the bot writes them, and never writes itself.
    return Datasette(files=[str(path)], metadata=load_metadata(path), settings=SETTINGS)
