"""Loopback stand-ins for the sites reporters link to: CourtListener (storage, docket pages,
REST API v4), a news site and a link shortener. Standard library only.

    from web import SandboxWeb
    with SandboxWeb() as web:          # http://127.0.0.1:<free port>
        web.url("order")               # the sample order's PDF
        web.threadbot_env()            # THREADBOT_* settings that point threadbot here

`python scripts/sandbox/web.py [--port N]` serves until Ctrl-C.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

sys.path.insert(0, str(Path(__file__).parent))
from fixtures import SAMPLE_ARTICLE, SAMPLE_ORDER, article_html, court_order_pdf

TOKEN = "sandbox-courtlistener-token"
DOCKET_ID = 68912345
PACER_CASE_ID = "287331"
CASE_SLUG = "tri-county-water-authority-v-department-of-agriculture"
ORDER_PATH = (
    f"/storage/recap/gov.uscourts.dcd.{PACER_CASE_ID}/gov.uscourts.dcd.{PACER_CASE_ID}.42.0.pdf"
)
EXHIBIT_PATH = (
    f"/storage/recap/gov.uscourts.dcd.{PACER_CASE_ID}/gov.uscourts.dcd.{PACER_CASE_ID}.42.1.pdf"
)
STORY_PATH = "/news/2026/02/03/rural-water-grants-injunction-00412345"
HEARING_PATH = "/news/2026/01/15/rural-water-grants-hearing-00398765"

PATHS = {
    "order": ORDER_PATH,
    "exhibit": EXHIBIT_PATH,
    "docket": f"/courtlistener/docket/{DOCKET_ID}/{CASE_SLUG}/",
    "story": STORY_PATH,
    "hearing": HEARING_PATH,
    "short": "/s/4wtrHrg",
}

DOCKET_JSON = {
    "id": DOCKET_ID,
    "court": "https://www.courtlistener.com/api/rest/v4/courts/dcd/",
    "court_id": "dcd",
    "pacer_case_id": PACER_CASE_ID,
    "case_name": "Tri-County Water Authority v. Department of Agriculture",
    "docket_number": "1:26-cv-00412",
    "assigned_to_str": "Marisol Ortega",
    "date_filed": "2026-01-06",
    "absolute_url": f"/docket/{DOCKET_ID}/{CASE_SLUG}/",
}
RECAP_DOCUMENTS = [
    {
        "document_number": "42",
        "attachment_number": None,
        "description": "MEMORANDUM OPINION AND ORDER granting Motion for Preliminary Injunction",
        "page_count": 3,
        "filepath_local": ORDER_PATH.removeprefix("/storage/"),
    },
    {
        "document_number": "42",
        "attachment_number": 1,
        "description": "Exhibit 1: Map of affected water systems",
        "page_count": 1,
        "filepath_local": EXHIBIT_PATH.removeprefix("/storage/"),
    },
]


def _documents() -> dict[str, tuple[str, bytes]]:
    """Every page the sandbox serves, built once: path → (content type, body)."""
    order = court_order_pdf(**SAMPLE_ORDER)
    exhibit = court_order_pdf(
        **{**SAMPLE_ORDER, "title": "EXHIBIT 1: MAP OF AFFECTED WATER SYSTEMS", "pages": 1}
    )
    story = article_html(**{**SAMPLE_ARTICLE, "url": STORY_PATH})
    hearing = article_html(
        **{
            **SAMPLE_ARTICLE,
            "title": "Towns plead for rural water grants at tense hearing",
            "published": "2026-01-15",
            "paragraphs": [
                "Lawyers for three rural water authorities asked Judge Marisol Ortega on "
                "Thursday to keep the grant program alive while the lawsuit goes on.",
                "The Justice Department said the grants were discretionary and could end at "
                "any time. Ortega asked whether any town had been told that before it borrowed.",
                "A ruling is expected within weeks.",
            ],
            "url": HEARING_PATH,
        }
    )
    docket = (
        "<!DOCTYPE html><html><head><title>Tri-County Water Authority v. Department of "
        "Agriculture, 1:26-cv-00412 – CourtListener.com</title></head><body><nav>Search "
        "Dockets Opinions Sign in</nav><main><article><h1>Tri-County Water Authority v. "
        "Department of Agriculture (1:26-cv-00412)</h1><p>District Court, District of "
        "Columbia. Assigned to: Judge Marisol Ortega. Date filed: January 6, 2026.</p>"
        "<p>Entry 42: MEMORANDUM OPINION AND ORDER granting the plaintiffs' motion for a "
        "preliminary injunction. Signed by Judge Marisol Ortega on February 3, 2026.</p>"
        "<p>Entry 41: Reply in support of the motion for a preliminary injunction, filed by "
        "the plaintiffs.</p></article></main></body></html>"
    )
    return {
        ORDER_PATH: ("application/pdf", order),
        EXHIBIT_PATH: ("application/pdf", exhibit),
        STORY_PATH: ("text/html; charset=utf-8", story.encode()),
        HEARING_PATH: ("text/html; charset=utf-8", hearing.encode()),
        PATHS["docket"]: ("text/html; charset=utf-8", docket.encode()),
    }


class _Handler(BaseHTTPRequestHandler):
    server_version = "sandbox-web/1"
    # set per server by SandboxWeb: the pages, and the paths asked for (for tests)
    documents: ClassVar[dict[str, tuple[str, bytes]]]
    requests: ClassVar[list[str]]

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        split = urlsplit(self.path)
        self.requests.append(split.path)
        if split.path == "/s/4wtrHrg":
            return self._redirect(f"{HEARING_PATH}?utm_source=bsky&utm_medium=social")
        if split.path == "/s/loop":
            return self._redirect("/s/loop")
        if split.path.startswith("/api/rest/v4/"):
            return self._api(split.path.removeprefix("/api/rest/v4/"), parse_qs(split.query))
        found = self.documents.get(split.path)
        if found is None:
            return self._send(404, "text/html", b"<h1>Not found</h1>")
        content_type, body = found
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            return self._send(304, content_type, b"", etag)
        return self._send(200, content_type, body, etag)

    def _api(self, path: str, query: dict[str, list[str]]) -> None:
        if self.headers.get("Authorization") != f"Token {TOKEN}":
            return self._json(401, {"detail": "Authentication credentials were not provided."})
        one = {k: v[0] for k, v in query.items()}
        if path == "dockets/":
            match = one.get("court") == "dcd" and one.get("pacer_case_id") == PACER_CASE_ID
            return self._json(200, {"count": int(match), "results": [DOCKET_JSON] if match else []})
        if path == f"dockets/{DOCKET_ID}/":
            return self._json(200, DOCKET_JSON)
        if path == "recap-documents/":
            results = [
                d
                for d in RECAP_DOCUMENTS
                if one.get("docket_entry__docket__id") == str(DOCKET_ID)
                and one.get("document_number") == d["document_number"]
                and str(d["attachment_number"] or "") == one.get("attachment_number", "")
            ]
            return self._json(200, {"count": len(results), "results": results})
        return self._json(404, {"detail": "Not found."})

    def _redirect(self, location: str) -> None:
        self.send_response(301)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _json(self, status: int, data: Any) -> None:
        self._send(status, "application/json", json.dumps(data).encode())

    def _send(self, status: int, content_type: str, body: bytes, etag: str = "") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if etag:
            self.send_header("ETag", etag)
        self.end_headers()
        self.wfile.write(body)


class SandboxWeb:
    """The stand-in sites on 127.0.0.1, served from a background thread."""

    def __init__(self, port: int = 0) -> None:
        handler = type("Handler", (_Handler,), {"documents": _documents(), "requests": []})
        self.handler = handler
        self.server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def requests(self) -> list[str]:
        return self.handler.requests

    def url(self, name: str) -> str:
        return self.base + PATHS[name]

    def threadbot_env(self) -> dict[str, str]:
        """Settings that send threadbot's link stage here (loopback must be allowed)."""
        return {
            "THREADBOT_FETCH_ALLOW_PRIVATE_ADDRESSES": "true",
            "THREADBOT_COURTLISTENER_STORAGE_BASE": f"{self.base}/storage",
            "THREADBOT_COURTLISTENER_WEB_BASE": f"{self.base}/courtlistener",
            "THREADBOT_COURTLISTENER_API_BASE": f"{self.base}/api/rest/v4",
            "THREADBOT_COURTLISTENER_TOKEN": TOKEN,
        }

    def __enter__(self) -> SandboxWeb:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    with SandboxWeb(args.port) as web:
        print(web.base, flush=True)
        for name in PATHS:
            print(f"  {name}: {web.url(name)}", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
