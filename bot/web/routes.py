"""The reading room's routes (URLs in bot/web/paths.py). Registered only on a Datasette that
serves a threadbot archive: any other keeps its own home page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from datasette import hookimpl
from datasette.utils.asgi import asgi_static

from bot.web.archive_db import archive_name
from bot.web.pages.archived import archived_copy
from bot.web.pages.case import case_page
from bot.web.pages.document import document_page
from bot.web.pages.feeds import case_feed, threads_feed
from bot.web.pages.home import home_page
from bot.web.pages.judge import judge_page
from bot.web.pages.search import search_page_view
from bot.web.pages.thread import thread_export, thread_page

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
ID = r"(?P<id>\d{1,19})"
ROUTES: list[tuple[str, Callable[..., Any]]] = [
    # Datasette serves a plugin's static/ only beside a package entry point; this is a module.
    (r"^/-/static-plugins/threadbot/(?P<path>.*)$", asgi_static(STATIC)),
    (r"^/$", home_page),
    (r"^/search$", search_page_view),
    (rf"^/thread/{ID}$", thread_page),
    (rf"^/thread/{ID}\.(?P<format>md|json)$", thread_export),
    (rf"^/case/{ID}$", case_page),
    (rf"^/case/{ID}/feed\.atom$", case_feed),
    (rf"^/judge/{ID}$", judge_page),
    (rf"^/document/{ID}$", document_page),
    (rf"^/document/{ID}/archived$", archived_copy),
    (r"^/feed\.atom$", threads_feed),
]


@hookimpl
def register_routes(datasette: Any) -> list[tuple[str, Callable[..., Any]]]:
    return ROUTES if archive_name(datasette) else []
