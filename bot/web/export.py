"""A thread as Markdown or JSON, for `threadbot export` and the thread page's links. Pure:
a ThreadView (bot/store/reading/threads.py) in, text out.

Links to the archive's pages are made with `paths`: the public URL for the command line,
the server's own address for the page. Post texts are escaped for Markdown, so a post that
holds `<script>` or `[a](javascript:…)` is shown as written, never as markup.
"""

from __future__ import annotations

import json
import re
from typing import Any

from bot.errors import BadInput
from bot.store.reading.views import (
    CaseSummary,
    DocumentSummary,
    JudgeLine,
    LinkView,
    PostView,
    ThreadView,
)
from bot.web.formatting import kind, when
from bot.web.paths import Paths

FORMATS = ("md", "json")
GAP_WORDS = {
    "deleted": "deleted since it was archived (the text we archived is kept)",
    "not_found": "not found: deleted before it was archived",
    "blocked": "not shown: the platform withholds it",
}
# Punctuation that makes markup anywhere in a line, and what makes a block at a line's start
_INLINE = re.compile(r"([\\`*_\[\]<>~|&])")
_LINE_START = re.compile(r"^(\s*)(?:([#+=-])|(\d+)([.)]))")


_THREAD_REF = re.compile(
    r"^\s*(?:\d+|\S*/thread/(\d+)(?:\.\w+)?(?:[?#]\S*)?|\S*/thread\?(?:\S*&)?id=(\d+)\S*)\s*$"
)


def parse_thread_ref(text: str) -> int:
    """A thread named on the command line: its number, or the URL of its page (the new one
    or the one in the bot's replies).

    >>> parse_thread_ref("12"), parse_thread_ref("https://a.test/thread/12")
    (12, 12)
    >>> parse_thread_ref("https://a.test/archive/thread?id=12")
    12
    """
    match = _THREAD_REF.match(text)
    number = (match.group(1) or match.group(2) or text.strip()) if match else ""
    if not number.isdigit() or len(number) > 18:
        raise BadInput(f"{text!r} names no thread: give its number or the URL of its page")
    return int(number)


def render(view: ThreadView, fmt: str, paths: Paths) -> str:
    if fmt == "md":
        return thread_markdown(view, paths)
    if fmt == "json":
        return json.dumps(thread_data(view, paths), ensure_ascii=False, indent=2) + "\n"
    raise ValueError(f"unknown export format {fmt!r} (one of {', '.join(FORMATS)})")


def thread_data(view: ThreadView, paths: Paths) -> dict[str, Any]:
    """The thread as JSON-ready data: every post in order, every link with what it led to."""
    t = view.thread
    return {
        "thread": {
            "id": t.id,
            "page": paths.thread(t.id),
            "platform": t.platform,
            "title": t.title,
            "url": t.url,
            "author": {"id": t.author_id, "handle": t.author_handle, "name": t.author_name},
            "post_count": t.post_count,
            "gap_count": t.gap_count,
            "link_count": t.link_count,
            "first_post_at": t.first_post_at,
            "last_post_at": t.last_post_at,
            "archived_at": t.archived_at,
            "updated_at": t.updated_at,
        },
        "posts": [_post_data(p, paths) for p in view.posts],
        "cases": [_case_data(c, paths) for c in view.cases],
        "judges": [_judge_data(j, paths) for j in view.judges],
    }


def _judge_data(judge: JudgeLine, paths: Paths) -> dict[str, Any]:
    number = judge.register_number
    return {
        "id": judge.judge_id,
        "name": judge.name,
        "appointed_by": judge.appointed_by,
        "page": paths.judge(number) if number is not None else None,
    }


def _post_data(post: PostView, paths: Paths) -> dict[str, Any]:
    quoted = post.quoted
    return {
        "position": post.position,
        "id": post.id,
        "status": post.status,
        "url": post.url,
        "created_at": post.created_at,
        "deleted_at": post.deleted_at,
        "author": {"id": post.author_id, "handle": post.author_handle, "name": post.author_name},
        "text": post.text,
        "links": [_link_data(link, paths) for link in post.links],
        "images": [{"url": i.url, "alt": i.alt} for i in post.images],
        "quotes": None
        if quoted is None
        else {
            "id": quoted.id,
            "archived": quoted.archived,
            "url": quoted.url,
            "author": quoted.author_handle,
            "text": quoted.text,
            "page": paths.thread(quoted.thread_id) if quoted.thread_id else None,
        },
    }


def _link_data(link: LinkView, paths: Paths) -> dict[str, Any]:
    return {
        "url": link.url,
        "display_text": link.display_text,
        "resolved_url": link.resolved_url,
        "kind": link.kind,
        "status": link.status,
        "error": link.error or None,
        "document": _document_data(link.document, paths) if link.document else None,
        "case": _case_data(link.case, paths) if link.case else None,
    }


def _document_data(document: DocumentSummary, paths: Paths) -> dict[str, Any]:
    return {
        "id": document.id,
        "title": document.title,
        "kind": document.kind,
        "url": document.url,
        "content_type": document.content_type,
        "fetched_at": document.fetched_at,
        "page": paths.document(document.id),
        "archived_copy": paths.archived(document.id),
    }


def _case_data(case: CaseSummary, paths: Paths) -> dict[str, Any]:
    return {
        "id": case.id,
        "case_name": case.case_name,
        "docket_number": case.docket_number,
        "court": case.court,
        "assigned_to": case.assigned_to,
        "url": case.url,
        "page": paths.case(case.id),
    }


def thread_markdown(view: ThreadView, paths: Paths) -> str:
    t = view.thread
    author = f"@{t.author_handle or t.author_id}" + (f" ({t.author_name})" if t.author_name else "")
    lines = [
        f"# {md(t.title or f'Thread {t.id}')}",
        "",
        f"By {md(author)} on {md(t.platform)}: {t.post_count} posts"
        + (f", {t.gap_count} gone" if t.gap_count else "")
        + f", {t.link_count} links. Written {md(_day(t.first_post_at))}"
        + (
            f" to {md(_day(t.last_post_at))}"
            if _day(t.last_post_at) != _day(t.first_post_at)
            else ""
        )
        + ".",
        "",
        f"- Original: {autolink(t.url)}",
        f"- Archived: {autolink(paths.thread(t.id))} ({md(when(t.archived_at))}, last "
        f"refreshed {md(when(t.updated_at))})",
    ]
    if view.cases:
        lines += ["", "## Cases", ""]
        for case in view.cases:
            lines.append(f"- {_case_line(case, paths)}")
    if view.judges:
        lines += ["", "## Judges", ""]
        for judge in view.judges:
            lines.append(f"- {_judge_line(judge, paths)}")
    lines += ["", "## Posts"]
    for post in view.posts:
        lines += ["", *_post_markdown(post, paths)]
    return "\n".join(lines) + "\n"


def _post_markdown(post: PostView, paths: Paths) -> list[str]:
    head = f"### {post.position}. {md(when(post.created_at))}"
    if post.is_gap:
        out = [
            head,
            "",
            f"*Post {post.position} was {md(GAP_WORDS.get(post.status, post.status))}.*",
        ]
        if not post.text:
            return out
        out.append("")
    else:
        out = [head, ""]
    out += [md_lines(post.text)] if post.text else []
    if post.url:
        out += ["", f"Original: {autolink(post.url)}"]
    for image in post.images:
        out += [
            "",
            f"- Image: {md(image.alt) if image.alt else '(no alt text)'} ({autolink(image.url)})",
        ]
    if post.links:
        out += ["", "Links:", ""]
        for link in post.links:
            out.append(f"- {_link_line(link, paths)}")
    if post.quoted:
        q = post.quoted
        if q.archived:
            out += ["", f"> Quoting @{md(q.author_handle)}: {md_lines(q.text)}"]
            if q.thread_id:
                out.append(f"> ({autolink(paths.thread(q.thread_id))})")
        else:
            out += ["", f"> Quoting a post that is not in the archive ({md(q.id)})"]
    return out


def _link_line(link: LinkView, paths: Paths) -> str:
    line = autolink(link.url)
    if link.resolved_url and link.resolved_url != link.url:
        line += f" → {autolink(link.resolved_url)}"
    if link.document:
        d = link.document
        line += (
            f" — archived: [{md(d.label)}]({paths.document(d.id)}) ({md(kind(d.kind))}), "
            f"[archived copy]({paths.archived(d.id)})"
        )
    elif link.status in ("failed", "blocked"):
        line += f" — not archived ({md(link.status)}: {md(link.error)})"
    elif link.status == "pending":
        line += " — not resolved yet"
    if link.case:
        line += f"; case: [{md(link.case.label)}]({paths.case(link.case.id)})"
    return line


def _case_line(case: CaseSummary, paths: Paths) -> str:
    parts = [f"[{md(case.label)}]({paths.case(case.id)})"]
    parts += [md(p) for p in (case.docket_number, case.court) if p]
    if case.assigned_to:
        parts.append(f"judge: {md(case.assigned_to)}")
    return ", ".join(parts)


def _judge_line(judge: JudgeLine, paths: Paths) -> str:
    number = judge.register_number
    line = f"[{md(judge.name)}]({paths.judge(number)})" if number is not None else md(judge.name)
    if judge.appointed_by:
        return f"{line}, appointed by {md(judge.appointed_by)}"
    return line if number is not None else f"{line} (not in the judges register)"


def md(text: str) -> str:
    """Text with the punctuation that makes Markdown markup escaped, so it shows as written
    (and no raw HTML or link of a post's is ever rendered).

    >>> print(md("<script>*x*</script> [a](javascript:1) No. 1:26-cv-00412"))
    \\<script\\>\\*x\\*\\</script\\> \\[a\\](javascript:1) No. 1:26-cv-00412
    >>> print(md("- not a list"), md("1. not a list"))
    \\- not a list 1\\. not a list
    """
    escaped = _INLINE.sub(r"\\\1", text)
    return _LINE_START.sub(_escape_line_start, escaped)


def _escape_line_start(match: re.Match[str]) -> str:
    space, marker, number, dot = match.groups()
    return f"{space}\\{marker}" if marker else f"{space}{number}\\{dot}"


def md_lines(text: str) -> str:
    """Escaped text whose line breaks stay line breaks (a backslash at a line's end)."""
    return "\\\n".join(md(line) for line in text.splitlines())


def autolink(url: str) -> str:
    """<url>, with what an autolink cannot hold (spaces, angle brackets) percent-encoded."""
    return "<" + url.replace(" ", "%20").replace("<", "%3C").replace(">", "%3E") + ">"


def _day(value: str | None) -> str:
    return (value or "")[:10]
