"""Reading JSON that strangers wrote: every field may be missing or of another type.

Each reader returns the field if it has the expected type, else an empty value of that type
(or None), so parsing code reads straight through instead of repeating
`x.get(k) if isinstance(x.get(k), dict) else {}`.

    >>> view = {"author": {"handle": "a.test"}, "replyCount": "7"}
    >>> text(obj(view, "author"), "handle"), integer(view, "replyCount")
    ('a.test', None)
"""

from __future__ import annotations

from typing import Any

JSON = dict[str, Any]


def obj(value: Any, key: str) -> JSON:
    """value[key] if it is an object, else {}."""
    found = value.get(key) if isinstance(value, dict) else None
    return found if isinstance(found, dict) else {}


def array(value: Any, key: str) -> list[Any]:
    """value[key] if it is an array, else []."""
    found = value.get(key) if isinstance(value, dict) else None
    return found if isinstance(found, list) else []


def objects(value: Any, key: str) -> list[JSON]:
    """The objects in the array value[key], anything else in it left out."""
    return [item for item in array(value, key) if isinstance(item, dict)]


def text(value: Any, key: str) -> str:
    """value[key] if it is a string, else ""."""
    found = value.get(key) if isinstance(value, dict) else None
    return found if isinstance(found, str) else ""


def integer(value: Any, key: str) -> int | None:
    """value[key] if it is an integer (not a bool, not a float), else None."""
    found = value.get(key) if isinstance(value, dict) else None
    return found if type(found) is int else None
