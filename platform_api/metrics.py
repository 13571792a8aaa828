"""Prometheus metrics, one registry per app so several platforms can share a process."""

from __future__ import annotations

from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


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
