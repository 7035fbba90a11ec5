"""Solver slots shared fairly between clients: at most N solves at once, at most M for one client address, and a
freed slot goes to the waiting client that holds the fewest (first come first among equals)."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field


@dataclass(eq=False)
class _Waiter:
    ticket: int
    client: str
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[None] = field(repr=False)


def _wake(future: asyncio.Future[None]) -> None:
    if not future.done():  # a cancelled waiter gives its slot back itself
        future.set_result(None)


class FairSlots:
    """A fair queue for solver slots, keyed by client address.

    Waiting is asynchronous (a future on the request's own event loop, woken thread-safely), so a client with
    sixty queued requests holds no worker threads, and one client's heavy requests cannot hold every slot: with
    `per_client` below `total`, another client always finds a slot free or is next in line.
    """

    def __init__(self, total: int, per_client: int):
        self.total, self.per_client = max(1, total), max(1, min(per_client, total))
        self._lock = threading.Lock()
        self._busy = 0
        self._held: dict[str, int] = {}
        self._waiting: list[_Waiter] = []
        self._tickets = 0

    def _admit(self) -> None:
        """Hand free slots to waiters, fewest-held client first (called with the lock held)."""
        while self._busy < self.total:
            eligible = [w for w in self._waiting if self._held.get(w.client, 0) < self.per_client]
            if not eligible:
                return
            chosen = min(eligible, key=lambda w: (self._held.get(w.client, 0), w.ticket))
            self._waiting.remove(chosen)
            try:
                chosen.loop.call_soon_threadsafe(_wake, chosen.future)
            except RuntimeError:  # its event loop has closed: nobody is waiting there any more
                continue
            self._busy += 1
            self._held[chosen.client] = self._held.get(chosen.client, 0) + 1

    async def enter(self, client: str) -> None:
        """Wait for a slot for `client`; cancelled while waiting, nothing is held."""
        loop = asyncio.get_running_loop()
        with self._lock:
            self._tickets += 1
            waiter = _Waiter(self._tickets, client, loop, loop.create_future())
            self._waiting.append(waiter)
            self._admit()
        try:
            await waiter.future
        except asyncio.CancelledError:
            with self._lock:
                admitted = waiter not in self._waiting
                if not admitted:
                    self._waiting.remove(waiter)
            if admitted:
                self.leave(client)
            raise

    def leave(self, client: str) -> None:
        with self._lock:
            self._busy -= 1
            left = self._held.get(client, 1) - 1
            if left:
                self._held[client] = left
            else:
                self._held.pop(client, None)
            self._admit()

    def held(self) -> dict[str, int]:
        """Client address -> slots it holds now (for tests and diagnostics)."""
        with self._lock:
            return dict(self._held)

    def waiting(self) -> int:
        with self._lock:
            return len(self._waiting)
