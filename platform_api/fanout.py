"""In-process fan-out of committed events to live SSE subscribers.

The writer thread calls `publish`; each event loop with subscribers receives the events via
one `call_soon_threadsafe` for all of its streams, which runs callbacks in FIFO order, so
seq order is kept.
A subscriber that falls more than `max_backlog` events behind is marked `lagging`; its
stream then re-reads from the log (the database) instead of holding an unbounded queue,
so one slow console can never exhaust the server's memory nor slow the others.

Each event is prepared once for every stream (`Framed`): its Server-Sent Events frame is
encoded to bytes and the callers it carries are found (for the read log) in `publish`, not
once per subscriber. A room's AVL batch is tens of kilobytes sent to hundreds of streams;
encoding it per stream cost more than everything else the platform does with it.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import threading
from collections import deque
from dataclasses import dataclass

from platform_api.eventlog import WrittenEvent
from platform_api.read_log import calls_in_wire

_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # SSE's line ends, and only those


@dataclass(frozen=True, slots=True)
class Framed:
    """A committed event as every stream sends it: the SSE frame's bytes, and the ids of
    the calls whose details it carries (empty for positions: nothing to log)."""

    seq: int
    type: str
    frame: bytes
    callers: tuple[str, ...]


def sse_frame(seq: int, type_: str, wire: str) -> bytes:
    """`id`, `event` and `data` lines and the blank line, as the SSE format wants them.

    The wire is compact JSON, whose strings escape CR and LF, so it is one `data:` line; a
    row that somehow holds a line break still gets one `data:` line per line, as the SSE
    format requires, rather than a broken frame."""
    data = "data: " + wire
    if "\n" in wire or "\r" in wire:
        data = "\r\n".join("data: " + line for line in _LINE_BREAK.split(wire))
    return f"id: {seq}\r\nevent: {type_}\r\n{data}\r\n\r\n".encode()


def framed(seq: int, type_: str, wire: str) -> Framed:
    return Framed(seq, type_, sse_frame(seq, type_, wire), tuple(calls_in_wire(wire)))


class Subscription:
    """One stream's queue of events, filled on its loop by `Broadcaster.publish`.

    A deque and one waiting future, not an `asyncio.Queue` behind `asyncio.wait_for`: at a
    room's scale every event wakes hundreds of streams, and each `wait_for` was a task of
    its own per event and stream."""

    def __init__(self, loop: asyncio.AbstractEventLoop, max_backlog: int) -> None:
        self._loop = loop
        self._max = max_backlog
        self._items: deque[Framed | None] = deque()
        self._waiter: asyncio.Future[None] | None = None
        self.lagging = False
        self.closed = False

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def _deliver(self, events: list[Framed]) -> None:
        if self.closed or self.lagging:
            return
        if len(self._items) + len(events) > self._max:
            self.lagging = True
            self._items.clear()
            self._items.append(None)  # wake the consumer so it notices
        else:
            self._items.extend(events)
        self._wake()

    def _close(self) -> None:
        self.closed = True
        self._items.append(None)
        self._wake()

    def empty(self) -> bool:
        return not self._items

    def get_nowait(self) -> Framed | None:
        """The next queued item (None: closed or lagging, look at the flags); never empty."""
        return self._items.popleft()

    async def wait(self, seconds: float) -> bool:
        """Until something is queued or `seconds` pass; whether something is."""
        if self._items:
            return True
        waiter: asyncio.Future[None] = self._loop.create_future()
        self._waiter = waiter
        timer = self._loop.call_later(seconds, _resolve, waiter)
        try:
            await waiter
        finally:
            timer.cancel()
            self._waiter = None
        return bool(self._items)

    def recover(self) -> None:
        """Called by the consumer after it has caught up from the log."""
        self._items.clear()
        self.lagging = False


def _resolve(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)


def _deliver_all(subs: list[Subscription], events: list[Framed]) -> None:
    for sub in subs:
        sub._deliver(events)


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

    def publish(self, written: list[WrittenEvent]) -> None:
        with self._lock:
            subs = list(self._subs)
        if not subs:
            return
        events = [framed(e.seq, e.type, e.wire) for e in written]
        by_loop: dict[asyncio.AbstractEventLoop, list[Subscription]] = {}
        for sub in subs:
            by_loop.setdefault(sub._loop, []).append(sub)
        for loop, on_loop in by_loop.items():  # one wake-up per loop, not one per stream
            try:
                loop.call_soon_threadsafe(_deliver_all, on_loop, events)
            except RuntimeError:  # its loop has closed: its clients are gone
                for sub in on_loop:
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
