"""The home page, /: the latest threads, what the archive holds, a search box."""

from __future__ import annotations

from typing import Any

from datasette.utils.asgi import Response

from bot.store.reading.threads import home_view
from bot.web.pages.common import page, read

LATEST = 20


async def home_page(datasette: Any, request: Any) -> Response:
    view = await read(datasette, home_view, LATEST)
    return await page(datasette, request, "home.html", {"view": view})
