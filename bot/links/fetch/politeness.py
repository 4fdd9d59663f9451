"""Politeness and patience: how many requests one host gets at once and how often, and how
long a server asked us to wait (Retry-After).

At most `connections` requests at once and `delay` seconds between request starts per host;
a host's slot is held only while a request is on the wire, never while a retry waits. A
caller that runs fetches under a limit of its own (the link stage's workers) hands each task
a `Slot`: a fetch waiting to retry gives it back meanwhile (`outside_slot`).
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

Sleep = Callable[[float], Awaitable[None]]
T = TypeVar("T")


class Slot:
    """One of a caller's concurrency slots, held by the task it was set for (`CURRENT_SLOT`)."""

    def __init__(self, semaphore: asyncio.Semaphore) -> None:
        self.semaphore = semaphore  # acquired for this slot by whoever made it
        self.held = True

    async def outside(self, waiting: Awaitable[T]) -> T:
        """Await `waiting` with the slot given back; take a slot again once it is done.
        Cancelled meanwhile, the task holds no slot (`held` stays False)."""
        self.release()
        result = await waiting
        await self.semaphore.acquire()
        self.held = True
        return result

    def release(self) -> None:
        if self.held:
            self.held = False
            self.semaphore.release()


CURRENT_SLOT: ContextVar[Slot | None] = ContextVar("current_slot", default=None)


async def outside_slot(waiting: Awaitable[T]) -> T:
    """Await `waiting` (a retry's pause, another task's answer) outside the current task's
    slot, if it holds one: a task that only waits must not hold up the tasks behind it."""
    slot = CURRENT_SLOT.get()
    return await (slot.outside(waiting) if slot is not None else waiting)


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
