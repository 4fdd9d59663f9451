"""Two changes to requests for Datasette's own pages of the archive, made in front of it (an
`asgi_wrapper`, so that every other request reaches Datasette untouched):

- /<db>/thread?id=N, the URL in the replies the bot posted before the reading room, was the
  `thread` canned query: it now redirects to the thread page, /thread/N. The query itself is
  still there for SQL readers: /<db>/thread.json?id=N, .csv, or with any parameter starting
  with "_".
- /<db>/posts and /<db>/post_versions open without the `raw` column (the platform's JSON,
  kilobytes per row): the request gets `_nocol=raw` unless the reader chose columns
  (`_col`, `_nocol`). The JSON and CSV exports keep it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl

from bot.web.archive_db import archive_name
from bot.web.paths import Paths

App = Callable[[dict[str, Any], Any, Any], Awaitable[None]]
RAW_JSON_TABLES = ("posts", "post_versions")


def redirect_for(path: str, query: str, archive: str, prefix: str = "/") -> str | None:
    """Where a GET of `path`?`query` should be redirected, None to leave it to Datasette.

    >>> redirect_for("/archive/thread", "id=12", "archive")
    '/thread/12'
    >>> redirect_for("/archive/thread", "id=12&_hide_sql=1", "archive") is None
    True
    """
    if path != f"/{archive}/thread":
        return None
    params = parse_qsl(query, keep_blank_values=True)
    ids = [value for name, value in params if name == "id"]
    if len(ids) != 1 or not ids[0].isdigit() or len(ids[0]) > 18:
        return None
    if _datasette_params({name for name, _ in params}):
        return None
    return Paths(prefix).thread(int(ids[0]))


def rewritten_query(path: str, query: str, archive: str) -> str | None:
    """The query string Datasette should see instead, None to leave it as it is.

    >>> rewritten_query("/archive/posts", "_search=judge", "archive")
    '_search=judge&_nocol=raw'
    >>> rewritten_query("/archive/posts", "_nocol=cid", "archive") is None
    True
    >>> rewritten_query("/archive/posts.json", "", "archive") is None
    True
    """
    if path not in {f"/{archive}/{table}" for table in RAW_JSON_TABLES}:
        return None
    params = parse_qsl(query, keep_blank_values=True)
    if {name for name, _ in params} & {"_col", "_nocol"}:
        return None
    return urlencode([*params, ("_nocol", "raw")])


def _datasette_params(names: set[str]) -> bool:
    return any(name.startswith("_") for name in names)


@hookimpl
def asgi_wrapper(datasette: Any) -> Callable[[App], App]:
    def wrap(app: App) -> App:
        async def in_front(scope: dict[str, Any], receive: Any, send: Any) -> None:
            archive = archive_name(datasette)
            if archive and scope.get("type") == "http" and scope.get("method") in ("GET", "HEAD"):
                prefix = datasette.setting("base_url") or "/"
                path = scope.get("path", "")
                if prefix != "/" and path.startswith(prefix):
                    path = "/" + path[len(prefix) :]
                query = scope.get("query_string", b"").decode("latin-1")
                target = redirect_for(path, query, archive, prefix)
                if target is not None:
                    await _redirect(send, target)
                    return
                rewritten = rewritten_query(path, query, archive)
                if rewritten is not None:
                    scope = {**scope, "query_string": rewritten.encode("latin-1")}
            await app(scope, receive, send)

        return in_front

    return wrap


async def _redirect(send: Any, location: str) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 302,
            "headers": [(b"location", location.encode("latin-1")), (b"content-length", b"0")],
        }
    )
    await send({"type": "http.response.body", "body": b""})
