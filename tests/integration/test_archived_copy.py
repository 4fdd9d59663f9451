"""The archived copy of a document, /document/N/archived: the stored bytes with their type
(a PDF inline), never executable in the archive's origin, streamed in chunks past the 2 MB
cap of the reader connections."""

from __future__ import annotations

import asyncio
import hashlib
import tracemalloc
from pathlib import Path

import httpx
import pytest
from factories import thread_linking

from bot.models import Document, LinkResolution
from bot.store import Store
from bot.store.links import save_resolution
from bot.store.reading.archived import CHUNK, find_copy, open_reader, read_chunks
from bot.store.threads import save_thread
from bot.web.app import make_datasette

BIG = 20 * 1024 * 1024  # ten times what a reader connection may read as one value
FILES = {
    "order.pdf": ("application/pdf", b"%PDF-1.4\n" + b"0" * 5000 + b"\n%%EOF\n"),
    "page.html": (
        "text/html; charset=utf-8",
        b"<html><body><script>fetch('/archive.json?sql=select+1')</script>hi</body></html>",
    ),
    "drawing.svg": (
        "image/svg+xml",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    ),
    "notes.txt": ("text/plain", b"plain notes"),
    "big.pdf": ("application/pdf", b"%PDF-1.4\n" + bytes(range(256)) * (BIG // 256)),
}


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    folder = tmp_path_factory.mktemp("copies")
    store = Store(folder / "archive.db")
    names = list(FILES)
    save_thread(store, thread_linking([f"https://files.test/{name}" for name in names]))
    ids = {}
    for link_id, name in enumerate(names, start=1):
        content_type, body = FILES[name]
        file = folder / name
        file.write_bytes(body)
        document = Document(
            url=f"https://files.test/{name}",
            kind="pdf" if name.endswith(".pdf") else "article",
            content_type=content_type,
            file=file,
            size=len(body),
            sha256=hashlib.sha256(body).hexdigest(),
            title=name,
        )
        save_resolution(store, link_id, LinkResolution(status="ok", document=document))
        ids[name] = int(store.conn.execute("select max(id) from documents").fetchone()[0])
    store.close()
    return folder / "archive.db", ids


def get(path: Path, url: str, **kw: object) -> httpx.Response:
    return asyncio.run(make_datasette(path).client.get(url, **kw))


def test_a_pdf_is_served_inline_as_archived(archive: tuple[Path, dict[str, int]]) -> None:
    path, ids = archive
    response = get(path, f"/document/{ids['order.pdf']}/archived")
    assert response.status_code == 200
    assert response.content == FILES["order.pdf"][1]
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == 'inline; filename="order.pdf"'
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-length"] == str(len(FILES["order.pdf"][1]))


def test_archived_html_never_runs_in_the_archives_origin(
    archive: tuple[Path, dict[str, int]],
) -> None:
    path, ids = archive
    response = get(path, f"/document/{ids['page.html']}/archived")
    assert response.content == FILES["page.html"][1]
    policy = response.headers["content-security-policy"]
    assert policy.startswith("sandbox;")  # no script, an opaque origin
    assert "default-src 'none'" in policy  # and nothing fetched from anywhere
    assert "allow-scripts" not in policy and "allow-same-origin" not in policy
    assert response.headers["x-content-type-options"] == "nosniff"


def test_a_type_that_could_carry_script_is_a_download(
    archive: tuple[Path, dict[str, int]],
) -> None:
    path, ids = archive
    response = get(path, f"/document/{ids['drawing.svg']}/archived")
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["content-disposition"] == 'attachment; filename="drawing.svg"'
    assert response.headers["content-security-policy"].startswith("sandbox;")
    text = get(path, f"/document/{ids['notes.txt']}/archived")
    assert text.headers["content-type"] == "text/plain; charset=utf-8"


def test_a_large_copy_is_served_whole_past_the_readers_value_cap(
    archive: tuple[Path, dict[str, int]],
) -> None:
    path, ids = archive
    response = get(path, f"/document/{ids['big.pdf']}/archived")
    assert response.status_code == 200
    assert len(response.content) == len(FILES["big.pdf"][1])
    assert hashlib.sha256(response.content).digest() == hashlib.sha256(FILES["big.pdf"][1]).digest()


def test_a_large_copy_is_read_a_chunk_at_a_time(archive: tuple[Path, dict[str, int]]) -> None:
    path, ids = archive
    conn = open_reader(path)
    copy = find_copy(conn, ids["big.pdf"])
    assert copy is not None and copy.size > BIG
    tracemalloc.start()
    try:
        total = 0
        biggest = 0
        for chunk in read_chunks(conn, copy):
            total += len(chunk)
            biggest = max(biggest, len(chunk))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        conn.close()
    assert total == copy.size
    assert biggest <= CHUNK
    assert peak < 4 * CHUNK  # never the whole 20 MB


def test_a_copy_the_reader_already_has_is_not_sent_again(
    archive: tuple[Path, dict[str, int]],
) -> None:
    path, ids = archive
    first = get(path, f"/document/{ids['order.pdf']}/archived")
    again = get(
        path,
        f"/document/{ids['order.pdf']}/archived",
        headers={"if-none-match": first.headers["etag"]},
    )
    assert again.status_code == 304 and again.content == b""
    head = asyncio.run(
        make_datasette(path).client.request("HEAD", f"/document/{ids['order.pdf']}/archived")
    )
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == first.headers["content-length"]


def test_the_bytes_are_reachable_only_through_the_document_route(
    archive: tuple[Path, dict[str, int]],
) -> None:
    path, _ = archive
    assert get(path, "/archive/blobs").status_code == 403
    refused = get(path, "/archive.json", params={"sql": "select content from blobs"})
    assert refused.status_code == 400
    assert b"%PDF" not in refused.content
