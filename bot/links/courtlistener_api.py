"""CourtListener REST API v4: what a docket and a RECAP document are, for a token holder.

Calls go through the link stage's Fetcher, so its timeouts, retries on 429 (honouring
Retry-After) and address guard apply. Without a token nothing is asked: the PDF and the
fields parsed from its URL are archived all the same. An answer other than the data (a
refused token, a rate limit, an outage) raises `EnrichmentFailed`: the link stage keeps
the document, records why its details are missing, and asks again later. The token is sent
in a header and never logged or stored.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

import orjson

from bot.links.courtlistener_urls import WEB_BASE
from bot.links.fetch import Fetcher
from bot.models import Docket

log = logging.getLogger(__name__)
MAX_ANSWER = 4 * 1024 * 1024  # an API page of 20 results is a few KB


class EnrichmentFailed(Exception):
    """The API did not answer with the data; the message says how, in one sentence."""


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
        self, docket_id: int, document_number: str, attachment_number: str
    ) -> dict[str, Any] | None:
        """The RECAP document's description and page count, if CourtListener has it."""
        params: dict[str, Any] = {
            "docket_entry__docket__id": docket_id,
            "document_number": document_number,
        }
        main = attachment_number.lstrip("0") == ""  # "0", "00" or "": the main document
        if not main:
            params["attachment_number"] = attachment_number
        data = await self._get("recap-documents/", params)
        results = data.get("results") if isinstance(data, dict) else None
        if not isinstance(results, list):
            return None
        for item in results:
            number = str(item.get("attachment_number") or 0) if isinstance(item, dict) else ""
            if isinstance(item, dict) and number.lstrip("0") == attachment_number.lstrip("0"):
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
        try:
            if result.outcome != "ok" or result.body is None:
                why = {401: "the token was refused", 403: "the token was refused"}.get(
                    result.status or 0, result.error or "no answer"
                )
                raise EnrichmentFailed(f"CourtListener API: {why}")
            if result.body.size > MAX_ANSWER:
                raise EnrichmentFailed("CourtListener API: the answer is too large")
            try:
                return orjson.loads(result.body.read())
            except orjson.JSONDecodeError:
                raise EnrichmentFailed("CourtListener API: the answer is not JSON") from None
        finally:
            if result.body is not None:
                result.body.discard()


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
