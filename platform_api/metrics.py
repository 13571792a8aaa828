"""Prometheus metrics, one registry per app so several platforms can share a process.

`MeasureRequests` counts and times every request (and writes the access log when asked). It
is a plain ASGI middleware: Starlette's `BaseHTTPMiddleware` (`@app.middleware("http")`)
runs each request in an extra task with memory streams between, which cost more event-loop
time per command than the rest of the HTTP stack together.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from platform_api.logs import log_request


@dataclass
class Metrics:
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        self.requests = Counter(
            "platform_requests",
            "HTTP requests by route and status",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "platform_request_seconds",
            "HTTP request handling time by route",
            ["method", "route"],
            registry=self.registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
        )
        self.events = Counter(
            "platform_events",
            "events appended to the log, by type",
            ["type"],
            registry=self.registry,
        )
        self.subscribers = Gauge(
            "platform_sse_subscribers", "live event-stream subscribers", registry=self.registry
        )
        self.head_seq = Gauge(
            "platform_head_seq", "last seq in the event log", registry=self.registry
        )


class MeasureRequests:
    """Per request: `platform_requests` by route and status, `platform_request_seconds` to
    the start of the response (an event stream's start, not its end), the access log line."""

    def __init__(self, app: ASGIApp, metrics: Metrics, access_log: bool) -> None:
        self.app = app
        self.metrics = metrics
        self.access_log = access_log
        # the labelled children by (method, route, status): `labels()` validates and locks
        # on every call, a visible share of a command's event-loop time
        self._children: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()

        async def measured_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                self._record(scope, message["status"], time.perf_counter() - start)
            await send(message)

        await self.app(scope, receive, measured_send)

    def _record(self, scope: Scope, status: int, elapsed: float) -> None:
        method = scope["method"]
        path = getattr(scope.get("route"), "path", "unmatched")
        children = self._children.get((method, path, status))
        if children is None:
            children = (
                self.metrics.requests.labels(method, path, str(status)),
                self.metrics.latency.labels(method, path),
            )
            self._children[(method, path, status)] = children
        children[0].inc()
        children[1].observe(elapsed)
        if self.access_log:
            client = scope.get("client")
            log_request(method, scope["path"], status, elapsed, client[0] if client else None)
