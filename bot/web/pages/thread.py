"""The thread page, /thread/N: the URL the bot's replies link to (older replies'
/<db>/thread?id=N redirects here, bot/web/rewrites.py). Also /thread/N.md and
/thread/N.json, the same thread exported."""

from __future__ import annotations

from typing import Any

from datasette import NotFound
from datasette.utils.asgi import Response

from bot.store.reading.threads import thread_view
from bot.store.reading.views import PostView, ThreadView
from bot.web.export import render
from bot.web.pages.common import id_from, page, paths, public_paths, read
from bot.web.paths import Paths
from bot.web.text_spans import Segment, Span, link_spans, segments

CONTENT_TYPES = {"md": "text/markdown; charset=utf-8", "json": "application/json; charset=utf-8"}


def judge_spans(view: ThreadView, at: Paths) -> dict[str, list[Span]]:
    """Each post's judges as spans of its text, by post id: a judge the register knows links
    to their page; one it does not is marked without a link."""
    spans: dict[str, list[Span]] = {}
    for post_id, marks in view.judge_marks.items():
        spans[post_id] = [
            Span(
                m.start,
                m.end,
                "judge",
                at.judge(number) if (number := m.register_number) is not None else "",
                title=m.name or "not in the judges register",
            )
            for m in marks
        ]
    return spans


def post_segments(post: PostView, extra: list[Span]) -> list[Segment]:
    return segments(post.text, [*link_spans(post.text, post.links), *extra])


async def thread_page(datasette: Any, request: Any) -> Response:
    thread_id = id_from(request)
    view = await read(datasette, thread_view, thread_id)
    if view is None:
        raise NotFound(f"there is no thread {thread_id} in the archive")
    spans = judge_spans(view, paths(datasette))
    return await page(
        datasette,
        request,
        "thread.html",
        {
            "view": view,
            "thread": view.thread,
            "texts": {p.id: post_segments(p, spans.get(p.id, [])) for p in view.posts},
        },
    )


async def thread_export(datasette: Any, request: Any) -> Response:
    thread_id = id_from(request)
    fmt = request.url_vars["format"]
    view = await read(datasette, thread_view, thread_id)
    if view is None:
        raise NotFound(f"there is no thread {thread_id} in the archive")
    body = render(view, fmt, public_paths(datasette, request))
    response = Response(body, content_type=CONTENT_TYPES[fmt])
    response.headers["x-content-type-options"] = "nosniff"
    if fmt == "md":
        response.headers["content-disposition"] = f'inline; filename="thread-{thread_id}.md"'
    return response
