"""A password or token that never shows itself: `Secret("hunter2")` prints as ********.

Settings hold their secrets as `Secret`, so `repr(settings)`, `str(settings)`, an f-string and
a log line show `********` and never the value. The one way to the value is `reveal()`, called
where the secret is handed to the service it is for:

    >>> token = Secret("cl-token-1234")
    >>> token, str(token), f"{token}"
    (Secret('********'), '********', '********')
    >>> token.reveal()
    'cl-token-1234'
    >>> bool(Secret(""))
    False

It is deliberately not a `str` subclass: a `str` would be handed on silently where a plain
string is expected (and masked there, or not), while a `Secret` makes mypy name every place
that needs the value.
"""

from __future__ import annotations

MASK = "********"


class Secret:
    __slots__ = ("_value",)

    def __init__(self, value: str = "") -> None:
        self._value = value

    def reveal(self) -> str:
        """The secret itself, for the one call that sends it where it belongs."""
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return f"Secret('{MASK}')" if self._value else "Secret('')"

    def __str__(self) -> str:
        return MASK if self._value else ""

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash((Secret, self._value))
