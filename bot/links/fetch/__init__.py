"""Fetching links chosen by strangers: fetcher (redirects, retries, deadlines), urls (which
URLs may be requested), guard (which addresses may be connected to), transport (the httpx
transport on the guard), body (capped, hashed bodies on disk), politeness (per-host slots,
Retry-After)."""

from bot.links.fetch.body import Body
from bot.links.fetch.fetcher import Fetcher, FetchResult
from bot.links.fetch.politeness import parse_retry_after
from bot.links.fetch.urls import BadURL, parse_url

__all__ = ["BadURL", "Body", "FetchResult", "Fetcher", "parse_retry_after", "parse_url"]
