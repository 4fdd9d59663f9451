"""What every page does: find the archive, read from it on Datasette's reader connection
(where the SQL limits and the privacy authorizer apply), render a template."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar

from datasette import NotFound
from datasette.utils import sqlite_timelimit
from datasette.utils.asgi import Response

from bot.web.archive_db import archive_name
from bot.web.paths import Paths

T = TypeVar("T")
MAX_ID = 2**63 - 1  # SQLite's largest integer: a longer number in a URL names nothing


def archive(datasette: Any) -> Any:
    """The archive's Database, or a 404 on a Datasette without one."""
    name = archive_name(datasette)
    if name is None:
        raise NotFound("this Datasette serves no threadbot archive")
    return datasette.get_database(name)


def paths(datasette: Any) -> Paths:
    return Paths(datasette.setting("base_url") or "/")


def public_paths(datasette: Any, request: Any) -> Paths:
    """Paths as full URLs on the address the reader used (for feeds and exports)."""
    return Paths(datasette.absolute_url(request, paths(datasette).home()))


def id_from(request: Any, name: str = "id") -> int:
    value = int(request.url_vars[name])
    if value > MAX_ID:
        raise NotFound("no such page")
    return value


async def read(
    datasette: Any, fn: Callable[..., T], *args: Any, time_limit_ms: int | None = None
) -> T:
    """fn(conn, *args) on a reader connection of the archive, within a time limit
    (Datasette's sql_time_limit_ms unless given)."""
    db = archive(datasette)
    limit = time_limit_ms or datasette.setting("sql_time_limit_ms")

    def call(conn: sqlite3.Connection) -> T:
        with sqlite_timelimit(conn, limit):
            return fn(conn, *args)

    result: T = await db.execute_fn(call)
    return result


async def page(
    datasette: Any, request: Any, template: str, context: dict[str, Any], status: int = 200
) -> Response:
    context = {
        "paths": paths(datasette),
        "archive_name": archive_name(datasette),
        "site": {
            "title": datasette.metadata("title") or "threadbot archive",
            "about": datasette.metadata("about") or "",
            "about_url": datasette.metadata("about_url") or "",
        },
        **context,
    }
    html = await datasette.render_template([f"threadbot/{template}"], context, request=request)
    response: Response = Response.html(html, status=status)
    # Nothing on these pages comes from anywhere but here.
    response.headers["content-security-policy"] = (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    )
    response.headers["x-content-type-options"] = "nosniff"
    response.headers["referrer-policy"] = "no-referrer-when-downgrade"
    return response
