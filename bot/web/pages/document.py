"""The document page, /document/N: what was archived, its text, where it came from, its
archived copy, its other versions and the posts citing it."""

from __future__ import annotations

from typing import Any

from datasette import NotFound
from datasette.utils.asgi import Response

from bot.store.reading.cases import document_view
from bot.web.pages.common import id_from, page, read


async def document_page(datasette: Any, request: Any) -> Response:
    document_id = id_from(request)
    view = await read(datasette, document_view, document_id)
    if view is None:
        raise NotFound(f"there is no document {document_id} in the archive")
    return await page(
        datasette, request, "document.html", {"view": view, "document": view.document}
    )
