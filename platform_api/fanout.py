"""In-process fan-out of committed events to live SSE subscribers.

The writer thread calls `publish`; each subscriber's asyncio loop receives the events via
`call_soon_threadsafe`, which runs callbacks in FIFO order, so seq order is kept.
A subscriber that falls more than `max_backlog` events behind is marked `lagging`; its
stream then re-reads from the log (the database) instead of holding an unbounded queue,
so one slow console can never exhaust the server's memory nor slow the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading

from platform_api.eventlog import WrittenEvent


class Subscription:
    def __init__(self, loop: asyncio.AbstractEventLoop, max_backlog: int) -> None:
        self._loop = loop
        self._max = max_backlog
        self.queue: asyncio.Queue[WrittenEvent | None] = asyncio.Queue()
        self.lagging = False
        self.closed = False

    def _deliver(self, events: list[WrittenEvent]) -> None:
        if self.closed or self.lagging:
            return
        if self.queue.qsize() + len(events) > self._max:
            self.lagging = True
            self._drain()
            self.queue.put_nowait(None)  # wake the consumer so it notices
            return
        for event in events:
            self.queue.put_nowait(event)

    def _close(self) -> None:
        self.closed = True
        self.queue.put_nowait(None)

    def _drain(self) -> None:
        while not self.queue.empty():
            self.queue.get_nowait()

    def recover(self) -> None:
        """Called by the consumer after it has caught up from the log."""
        self._drain()
        self.lagging = False


class Broadcaster:
    """Keeps the live subscriptions; thread-safe."""

    def __init__(self, max_backlog: int = 20_000) -> None:
        self._subs: set[Subscription] = set()
        self._lock = threading.Lock()
        self._max = max_backlog
        self._closed = False

    def subscribe(self) -> Subscription:
        sub = Subscription(asyncio.get_running_loop(), self._max)
        with self._lock:
            if self._closed:
                sub._close()
            else:
                self._subs.add(sub)
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        with self._lock:
            self._subs.discard(sub)

    @property
    def count(self) -> int:
        return len(self._subs)

    def publish(self, events: list[WrittenEvent]) -> None:
        with self._lock:
            subs = list(self._subs)
        for sub in subs:
            try:
                sub._loop.call_soon_threadsafe(sub._deliver, events)
            except RuntimeError:  # its loop has closed: the client is gone
                self.unsubscribe(sub)

    def close(self) -> None:
        """End every stream (server shutting down) so uvicorn need not wait for them."""
        with self._lock:
            self._closed = True
            subs = list(self._subs)
            self._subs.clear()
        for sub in subs:
            with contextlib.suppress(RuntimeError):  # its loop is already gone
                sub._loop.call_soon_threadsafe(sub._close)
