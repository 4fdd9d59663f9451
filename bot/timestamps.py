"""The one way times are written in the archive: UTC, ISO 8601, milliseconds, a "Z"
("2026-02-03T14:05:00.000Z"), so that they sort as text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any


def iso(when: datetime) -> str:
    when = when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC)
    return (
        f"{when.year:04d}-"
        + when.strftime("%m-%dT%H:%M:%S.")
        + (f"{when.microsecond // 1000:03d}Z")
    )


def utc_now() -> str:
    return iso(datetime.now(UTC))


def ago(delta: timedelta) -> str:
    """The time `delta` before now."""
    return iso(datetime.now(UTC) - delta)


def from_now(delta: timedelta) -> str:
    return iso(datetime.now(UTC) + delta)


def parse_iso(value: str) -> datetime:
    """A time written by `iso` (or any ISO 8601 time) → an aware datetime."""
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def normalize_time(value: Any) -> str | None:
    """Any ISO 8601 timestamp a platform sent → the archive's form; None if it is not one
    (or a year UTC cannot hold)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return iso(parse_iso(value))
    except (ValueError, OverflowError):
        return None
