"""The case page, /case/N (N is dockets.id): the court, the judge, every archived document,
every thread and post citing the case, on a timeline."""

from __future__ import annotations

from typing import Any

from datasette import NotFound
from datasette.utils.asgi import Response

from bot.store.reading.cases import case_view
from bot.web.pages.common import id_from, page, read
from bot.web.timeline import case_timeline


async def case_page(datasette: Any, request: Any) -> Response:
    case_id = id_from(request)
    view = await read(datasette, case_view, case_id)
    if view is None:
        raise NotFound(f"there is no case {case_id} in the archive")
    return await page(
        datasette,
        request,
        "case.html",
        {"view": view, "case": view.case, "timeline": case_timeline(view)},
    )
