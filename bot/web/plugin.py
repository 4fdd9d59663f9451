"""threadbot's Datasette plugin (registered through the `datasette` entry point)."""

from __future__ import annotations

import sqlite3
from typing import Any

from datasette import hookimpl
from markupsafe import Markup, escape

from bot.web.sql_limits import limit_connection

PLUGIN = "threadbot"

# Columns that hold several URLs, one per line: the thread page's links.
URL_LIST_COLUMNS = {"links"}


@hookimpl
def render_cell(value: Any, column: str, table: str | None) -> Markup | None:
    if table is None and column in URL_LIST_COLUMNS and isinstance(value, str) and value:
        items = [
            f'<a href="{escape(url)}" rel="nofollow noopener">{escape(url)}</a>'
            for url in value.splitlines()
            if url.startswith(("http://", "https://"))
        ]
        return Markup("<br>".join(items))
    return None


@hookimpl
def extra_css_urls(datasette: Any) -> list[str]:
    return [datasette.urls.static_plugins("threadbot", "threadbot.css")]


@hookimpl
def prepare_connection(conn: sqlite3.Connection, database: str, datasette: Any) -> None:
    """Bound what SQL can cost on the archive's connections (see bot/web/sql_limits.py).

    Only databases that `make_datasette` marked as the threadbot archive in their metadata:
    a Datasette in the same environment serving other databases keeps SQLite's defaults.
    """
    config = datasette.plugin_config(PLUGIN, database=database, fallback=False) or {}
    if config.get("sql_limits"):
        limit_connection(conn)
