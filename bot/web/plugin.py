"""threadbot's Datasette plugin (registered through the `datasette` entry point).

The hooks, each scoped to the archive database (bot/web/archive_db.py) so that another
Datasette in the same environment is left as it is:
- register_routes (routes.py): the reading room's pages, feeds and the archived copies;
- asgi_wrapper (rewrites.py): the replies' old thread URL, table views without raw JSON;
- prepare_connection: bounds on a reader's SQL (sql_limits.py) and the privacy authorizer
  (privacy.py) on every reader connection of the archive;
- permission_allowed: Datasette's pages of the private tables refused;
- render_cell: the `thread` canned query's URL lists as links;
- extra_css_urls, prepare_jinja2_environment: the reading room's stylesheet and filters.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from datasette import hookimpl
from jinja2 import ChoiceLoader, FileSystemLoader
from markupsafe import Markup, escape

from bot.web.archive_db import PLUGIN, archive_name, is_archive
from bot.web.formatting import FILTERS
from bot.web.privacy import guard_connection, is_private_table
from bot.web.rewrites import asgi_wrapper
from bot.web.routes import TEMPLATES, register_routes
from bot.web.sql_limits import limit_connection

__all__ = [
    "PLUGIN",
    "asgi_wrapper",
    "extra_css_urls",
    "permission_allowed",
    "prepare_connection",
    "prepare_jinja2_environment",
    "register_routes",
    "render_cell",
]

# Columns of the archive's canned queries that hold several URLs, one per line.
URL_LIST_COLUMNS = {"links"}


@hookimpl
def render_cell(
    value: Any, column: str, table: str | None, database: str, datasette: Any
) -> Markup | None:
    if not (table is None and column in URL_LIST_COLUMNS and isinstance(value, str) and value):
        return None
    if not is_archive(datasette, database):
        return None
    items = [
        f'<a href="{escape(url)}" rel="nofollow noopener">{escape(url)}</a>'
        for url in value.splitlines()
        if url.startswith(("http://", "https://"))
    ]
    return Markup("<br>".join(items))


@hookimpl
def extra_css_urls(datasette: Any) -> list[str]:
    if archive_name(datasette) is None:
        return []
    return [datasette.urls.static_plugins(PLUGIN, "threadbot.css")]


@hookimpl
def prepare_connection(conn: sqlite3.Connection, database: str, datasette: Any) -> None:
    """Bound what SQL can cost (bot/web/sql_limits.py) and refuse what is private
    (bot/web/privacy.py) on the archive's reader connections. Only databases that
    `make_datasette` marked as the archive: other databases keep SQLite's defaults."""
    if is_archive(datasette, database):
        limit_connection(conn)
        guard_connection(conn)


@hookimpl
def permission_allowed(datasette: Any, action: str, resource: Any) -> bool | None:
    """Refuse Datasette's table and row pages of the private tables (which also leaves them
    out of its listings); say nothing about anything else."""
    if action == "view-table" and isinstance(resource, tuple | list) and len(resource) == 2:
        database, table = resource
        if is_archive(datasette, database) and is_private_table(str(table)):
            return False
    return None


@hookimpl
def prepare_jinja2_environment(env: Any) -> None:
    """The reading room's templates (all under threadbot/, so they shadow none of
    Datasette's) and filters. Datasette finds a plugin's templates/ only beside a package
    entry point; this one is a module, so the folder is added here."""
    env.loader = ChoiceLoader([env.loader, FileSystemLoader(str(TEMPLATES))])
    env.filters.update(FILTERS)
