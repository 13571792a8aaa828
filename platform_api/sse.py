"""The event stream's HTTP response: frames already encoded, written with nothing between.

`GET /v1/events` sends every event to every console; at a room's scale that is thousands of
writes a second. sse_starlette's response put an anyio cancel scope (a timer armed and
disarmed) and its own checks around every write, and ran four tasks per stream; here the
frames (bytes, `platform_api.fanout`) go straight to the ASGI `send`, and one watcher task
per stream does what is periodic:

- a comment line (`: ping`) when nothing was written for `ping_s` seconds, so proxies and
  clients see the connection alive;
- a write stuck for `send_timeout_s` (a client that stopped reading; its socket buffer full)
  ends the stream, as does the client's disconnect.

The response ends when the frames do (the generator returns: an error event, the
broadcaster closed at shutdown) or when the client goes; the generator is always closed,
so its `finally` (unsubscribing) runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncGenerator

from starlette.responses import Response
from starlette.types import Receive, Scope, Send

PING = b": ping\r\n\r\n"


class EventStream(Response):
    """A `text/event-stream` response of already-encoded frames."""

    media_type = "text/event-stream"

    def __init__(
        self, frames: AsyncGenerator[bytes, None], *, ping_s: float, send_timeout_s: float
    ) -> None:
        self.status_code = 200
        self.background = None
        self._frames = frames
        self._ping_s = ping_s
        self._send_timeout_s = send_timeout_s
        self.init_headers({"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
        self._last_write = time.monotonic()
        self._writing_since: float | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
        writer = asyncio.ensure_future(self._write_all(send))
        watchers = [
            asyncio.ensure_future(self._watch(send, writer)),
            asyncio.ensure_future(_disconnected(receive)),
        ]
        gone = watchers[1]
        try:
            await asyncio.wait([writer, gone], return_when=asyncio.FIRST_COMPLETED)
            ended = writer.done() and not writer.cancelled() and not gone.done()
        finally:
            try:
                for task in (writer, *watchers):
                    task.cancel()
                for task in (writer, *watchers):
                    with contextlib.suppress(asyncio.CancelledError):
                        await task  # the writer's own error, if any, goes on up
            finally:
                await self._frames.aclose()
        if ended:  # the frames ended (not the client, nor a stuck write): close the body
            await send({"type": "http.response.body", "body": b"", "more_body": False})

    async def _write_all(self, send: Send) -> None:
        async for frame in self._frames:
            self._writing_since = time.monotonic()
            await send({"type": "http.response.body", "body": frame, "more_body": True})
            self._last_write = time.monotonic()
            self._writing_since = None

    async def _watch(self, send: Send, writer: asyncio.Future[None]) -> None:
        """Pings when quiet; ends the stream when one write has been stuck too long."""
        tick = min(self._ping_s, self._send_timeout_s) / 2
        while True:
            await asyncio.sleep(tick)
            now = time.monotonic()
            since = self._writing_since
            if since is not None:
                if now - since > self._send_timeout_s:
                    writer.cancel()
                    return
            elif now - self._last_write >= self._ping_s:
                self._last_write = now
                await send({"type": "http.response.body", "body": PING, "more_body": True})


async def _disconnected(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass
