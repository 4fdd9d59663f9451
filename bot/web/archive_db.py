"""Which of the databases a Datasette serves is the threadbot archive.

`make_datasette` (app.py) marks it in the metadata with the plugin setting `archive`. Every
hook of the plugin looks for that mark, so a Datasette in the same environment serving other
databases gets none of threadbot's pages, limits or cell rendering.
"""

from __future__ import annotations

from typing import Any

PLUGIN = "threadbot"


def is_archive(datasette: Any, database: str | None) -> bool:
    if not database:
        return False
    config = datasette.plugin_config(PLUGIN, database=database, fallback=False) or {}
    return bool(config.get("archive"))


def archive_name(datasette: Any) -> str | None:
    """The archive database's name (the file's stem), None if this Datasette has none."""
    return next((name for name in datasette.databases if is_archive(datasette, name)), None)
