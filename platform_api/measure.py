"""Request metrics and the access-log line, as a plain ASGI middleware.

Starlette's `@app.middleware("http")` (BaseHTTPMiddleware) relays a streaming response's
every chunk through a memory stream to a task of its own. An SSE stream is a response that
never ends: every event to every console paid for that hop, hundreds of times per event in
a room. Here the wrapped `send` notes the response's start (status, route, time to the
headers, which is what the decorator measured too) and passes every message straight on.
"""

from __future__ import annotations

import time

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from platform_api.logs import log_request
from platform_api.metrics import Metrics


class Measured:
    """Counts requests by method, route and status, observes their latency, logs them."""

    def __init__(self, app: ASGIApp, metrics: Metrics, access_log: bool) -> None:
        self.app = app
        self.metrics = metrics
        self.access_log = access_log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()

        async def measured_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                self._record(scope, int(message["status"]), time.perf_counter() - start)
            await send(message)

        await self.app(scope, receive, measured_send)

    def _record(self, scope: Scope, status: int, elapsed: float) -> None:
        request = Request(scope)
        path = getattr(scope.get("route"), "path", "unmatched")
        self.metrics.requests.labels(request.method, path, str(status)).inc()
        self.metrics.latency.labels(request.method, path).observe(elapsed)
        if self.access_log:
            client = request.client.host if request.client else None
            log_request(request.method, request.url.path, status, elapsed, client)
