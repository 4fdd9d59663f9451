"""The reading room's URLs, in one place: the routes (bot/web/routes.py) match them, pages,
feeds and exports link to them. Pure.

    /                          home: latest threads, counts, search
    /search?q=…                one search over posts and documents
    /thread/N                  a thread (also .md, .json); /<db>/thread?id=N redirects here
    /case/N                    a case (dockets.id), /case/N/feed.atom its feed
    /document/N                an archived document, /document/N/archived its bytes
    /feed.atom                 newly archived threads
    /judge/N                   a judge (N: their number in the FJC register)
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode


@dataclass(frozen=True)
class Paths:
    """Paths under `prefix`: Datasette's base_url ("/" by default), or a full public URL for
    links that leave the server (feeds, exports)."""

    prefix: str = "/"

    def _join(self, path: str) -> str:
        return self.prefix.rstrip("/") + path

    def home(self) -> str:
        return self._join("/")

    def search(self, **params: str | int | None) -> str:
        query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
        return self._join("/search") + (f"?{query}" if query else "")

    def thread(self, thread_id: int, fmt: str = "") -> str:
        return self._join(f"/thread/{thread_id}" + (f".{fmt}" if fmt else ""))

    def post(self, thread_id: int, position: int) -> str:
        return self.thread(thread_id) + f"#post-{position}"

    def case(self, case_id: int) -> str:
        return self._join(f"/case/{case_id}")

    def case_feed(self, case_id: int) -> str:
        return self._join(f"/case/{case_id}/feed.atom")

    def document(self, document_id: int) -> str:
        return self._join(f"/document/{document_id}")

    def archived(self, document_id: int) -> str:
        return self._join(f"/document/{document_id}/archived")

    def feed(self) -> str:
        return self._join("/feed.atom")

    def judge(self, register_number: int) -> str:
        return self._join(f"/judge/{register_number}")

    def database(self, name: str) -> str:
        return self._join(f"/{name}")

    def table(self, database: str, table: str, **params: str | int) -> str:
        query = urlencode(params)
        return self._join(f"/{database}/{table}") + (f"?{query}" if query else "")
