"""A document's archived bytes, /document/N/archived: streamed from `blobs` with the headers
of bot/web/archived_copy.py (PDF inline; HTML under a sandbox policy; the rest a download).

The bytes are read on a connection of the route's own (bot/store/reading/archived.py),
CHUNK at a time, each read in a worker thread: a 50 MB PDF is never in memory whole, and the
server answers other requests while it is sent.
"""

from __future__ import annotations

import asyncio
from typing import Any

from datasette import NotFound

from bot.store.reading.archived import find_copy, open_reader, read_chunks
from bot.web.archived_copy import serving_headers
from bot.web.pages.common import archive, id_from


async def archived_copy(datasette: Any, request: Any, send: Any) -> None:
    document_id = id_from(request)
    db = archive(datasette)
    conn = await asyncio.to_thread(open_reader, db.path)
    try:
        copy = await asyncio.to_thread(find_copy, conn, document_id)
        if copy is None:
            raise NotFound(f"the archive holds no copy of document {document_id}")
        headers = serving_headers(copy.content_type, copy.url, copy.sha256, copy.size)
        etag = dict(headers)["etag"]
        if request.headers.get("if-none-match") == etag:
            await _start(send, 304, [(k, v) for k, v in headers if k in ("etag", "cache-control")])
            await send({"type": "http.response.body", "body": b""})
            return
        await _start(send, 200, headers)
        if request.method == "HEAD":
            await send({"type": "http.response.body", "body": b""})
            return
        chunks = read_chunks(conn, copy)
        try:
            while (data := await asyncio.to_thread(next, chunks, None)) is not None:
                await send({"type": "http.response.body", "body": data, "more_body": True})
        finally:
            chunks.close()
        await send({"type": "http.response.body", "body": b"", "more_body": False})
    finally:
        await asyncio.to_thread(conn.close)


async def _start(send: Any, status: int, headers: list[tuple[str, str]]) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers],
        }
    )
