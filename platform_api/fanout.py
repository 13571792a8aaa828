"""In-process fan-out of committed events to live SSE subscribers.

The writer thread calls `publish`; each subscriber's asyncio loop receives the events via
`call_soon_threadsafe`, which runs callbacks in FIFO order, so seq order is kept.
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
    """`id`, `event` and `data` lines and the blank line, as sse_starlette would write them.

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
    def __init__(self, loop: asyncio.AbstractEventLoop, max_backlog: int) -> None:
        self._loop = loop
        self._max = max_backlog
        self.queue: asyncio.Queue[Framed | None] = asyncio.Queue()
        self.lagging = False
        self.closed = False

    def _deliver(self, events: list[Framed]) -> None:
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

    def publish(self, written: list[WrittenEvent]) -> None:
        with self._lock:
            subs = list(self._subs)
        if not subs:
            return
        events = [framed(e.seq, e.type, e.wire) for e in written]
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
