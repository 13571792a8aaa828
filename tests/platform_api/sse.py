"""Reading the platform's event stream in tests, with a deadline instead of sleeps."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
from httpx_sse import connect_sse


def read_stream(
    base_url: str,
    token: str,
    count: int,
    *,
    after: int | None = None,
    last_event_id: int | None = None,
    timeout_s: float = 20,
) -> list[dict[str, Any]]:
    """Connect, collect `count` events (pings are skipped), disconnect."""
    headers = {"Authorization": f"Bearer {token}"}
    if last_event_id is not None:
        headers["Last-Event-ID"] = str(last_event_id)
    params = {} if after is None else {"after": after}
    events: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout_s
    with (
        httpx.Client(base_url=base_url, timeout=5) as client,
        connect_sse(client, "GET", "/v1/events", headers=headers, params=params) as source,
    ):
        assert source.response.status_code == 200, source.response.read()
        for sse in source.iter_sse():
            if sse.data:
                event = json.loads(sse.data)
                assert int(sse.id) == event["seq"] and sse.event == event["type"]
                events.append(event)
            if len(events) >= count or time.monotonic() > deadline:
                break
    return events
