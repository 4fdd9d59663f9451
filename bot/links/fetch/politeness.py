"""Politeness and patience: how many requests one host gets at once and how often, and how
long a server asked us to wait (Retry-After).

At most `connections` requests at once and `delay` seconds between request starts per host;
a host's slot is held only while a request is on the wire, never while a retry waits.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

Sleep = Callable[[float], Awaitable[None]]


class HostGate:
    """Politeness per host: at most `connections` requests at once, `delay` s between starts."""

    def __init__(self, connections: int, delay: float, sleep: Sleep) -> None:
        self.connections = connections
        self.delay = delay
        self.sleep = sleep
        self.hosts: dict[str, HostState] = {}

    @contextlib.asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        if len(self.hosts) > 1000:
            self._forget_idle()
        state = self.hosts.get(host)
        if state is None:
            state = self.hosts[host] = HostState(asyncio.Semaphore(self.connections))
        state.users += 1
        try:
            async with state.semaphore:
                if self.delay:
                    now = time.monotonic()
                    start = max(now, state.next_start)
                    state.next_start = start + self.delay
                    if start > now:
                        await self.sleep(start - now)
                yield
        finally:
            state.users -= 1
            if state.users == 0 and state.next_start <= time.monotonic():
                self.hosts.pop(host, None)

    def _forget_idle(self) -> None:
        now = time.monotonic()
        for host, state in list(self.hosts.items()):
            if state.users == 0 and state.next_start <= now:
                del self.hosts[host]


@dataclass
class HostState:
    semaphore: asyncio.Semaphore
    users: int = 0
    next_start: float = 0.0


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date); None if unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return seconds if seconds >= 0 else None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
