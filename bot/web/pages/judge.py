"""The judge page, /judge/N (N is the judge's number in the FJC register): the register's
entry, what posts claimed about the appointment where it differs, cases, threads."""

from __future__ import annotations

from typing import Any

from datasette import NotFound
from datasette.utils.asgi import Response

from bot.store.reading.judges import judge_view
from bot.web.pages.common import id_from, page, read


async def judge_page(datasette: Any, request: Any) -> Response:
    number = id_from(request)
    view = await read(datasette, judge_view, number)
    if view is None:
        raise NotFound(f"the judges register has no judge {number}")
    return await page(datasette, request, "judge.html", {"view": view})
