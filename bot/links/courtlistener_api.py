"""CourtListener REST API v4: what a docket and a RECAP document are, for a token holder.

Calls go through the link stage's Fetcher, so its timeouts, retries on 429 (honouring
Retry-After) and address guard apply. Without a token nothing is asked: the PDF and the
fields parsed from its URL are archived all the same. The token is sent in a header and
never logged or stored.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

import orjson

from bot.links.fetch import Fetcher
from bot.models import Docket

log = logging.getLogger(__name__)
WEB_BASE = "https://www.courtlistener.com"


class CourtListenerAPI:
    def __init__(self, fetcher: Fetcher, api_base: str, token: str) -> None:
        self.fetcher = fetcher
        self.api_base = api_base.rstrip("/")
        self._token = token

    @property
    def enabled(self) -> bool:
        return bool(self._token)

    async def docket_by_pacer_id(self, court_id: str, pacer_case_id: str) -> Docket | None:
        data = await self._get("dockets/", {"court": court_id, "pacer_case_id": pacer_case_id})
        results = data.get("results") if isinstance(data, dict) else None
        if not isinstance(results, list) or not results or not isinstance(results[0], dict):
            return None
        return docket_from_api(results[0])

    async def docket_by_id(self, docket_id: int) -> Docket | None:
        data = await self._get(f"dockets/{docket_id}/", {})
        return docket_from_api(data) if isinstance(data, dict) and data.get("id") else None

    async def recap_document(
        self, docket_id: int, document_number: int, attachment_number: int
    ) -> dict[str, Any] | None:
        """The RECAP document's description and page count, if CourtListener has it."""
        params: dict[str, Any] = {
            "docket_entry__docket__id": docket_id,
            "document_number": document_number,
        }
        if attachment_number:
            params["attachment_number"] = attachment_number
        data = await self._get("recap-documents/", params)
        results = data.get("results") if isinstance(data, dict) else None
        if not isinstance(results, list):
            return None
        for item in results:
            if isinstance(item, dict) and (item.get("attachment_number") or 0) == attachment_number:
                return item
        return None

    async def _get(self, path: str, params: dict[str, Any]) -> Any:
        if not self.enabled:
            return None
        url = f"{self.api_base}/{path}" + (f"?{urlencode(params)}" if params else "")
        result = await self.fetcher.fetch(
            url,
            accept="application/json",
            headers={"Authorization": f"Token {self._token}"},
        )
        if result.outcome != "ok" or result.body is None:
            log.warning("courtlistener api %s: %s", path, result.error)
            return None
        try:
            return orjson.loads(result.body)
        except orjson.JSONDecodeError:
            log.warning("courtlistener api %s: not JSON", path)
            return None


def docket_from_api(data: dict[str, Any]) -> Docket:
    def text(key: str) -> str:
        value = data.get(key)
        return value.strip() if isinstance(value, str) else ""

    court_id = text("court_id") or text("court").rstrip("/").rsplit("/", 1)[-1]
    absolute = text("absolute_url")
    pacer = data.get("pacer_case_id")
    return Docket(
        court_id=court_id,
        courtlistener_id=data["id"] if isinstance(data.get("id"), int) else None,
        pacer_case_id=str(pacer) if pacer not in (None, "") else None,
        case_name=text("case_name") or text("case_name_full"),
        docket_number=text("docket_number"),
        assigned_to=text("assigned_to_str"),
        date_filed=text("date_filed") or None,
        url=f"{WEB_BASE}{absolute}" if absolute.startswith("/") else absolute,
    )
