"""The event stream's response (platform_api.sse): pings when quiet, a stream whose client
has gone is unsubscribed, and a stream still open when the platform stops ends cleanly."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import httpx

from platform_api.embedded import EmbeddedPlatform
from platform_api.settings import Settings


def _wait_for(condition: Callable[[], bool], seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def _settings(tmp_path: Path) -> Settings:
    return Settings(db_url=f"sqlite:///{tmp_path / 'p.db'}", demo_users=True, sse_ping_s=0.2)


def test_a_quiet_stream_is_pinged_and_a_gone_client_is_unsubscribed(tmp_path: Path) -> None:
    with EmbeddedPlatform(_settings(tmp_path)) as platform:
        broadcaster = platform._app.state.broadcaster
        headers = {"Authorization": f"Bearer {platform.login('dispatcher')}"}
        headers["Accept"] = "text/event-stream"
        with (
            httpx.Client(base_url=platform.url, timeout=10) as client,
            client.stream("GET", "/v1/events", headers=headers) as response,
        ):
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            assert response.headers["x-accel-buffering"] == "no"
            lines = response.iter_lines()
            assert next(lines) == ": ping"  # nothing happened: a comment keeps it alive
            assert broadcaster.count == 1
        # the client closed its connection: the stream notices and unsubscribes
        assert _wait_for(lambda: broadcaster.count == 0)


def test_a_stream_open_when_the_platform_stops_ends_with_its_body(tmp_path: Path) -> None:
    platform = EmbeddedPlatform(_settings(tmp_path))
    platform.start()
    try:
        headers = {
            "Authorization": f"Bearer {platform.login('dispatcher')}",
            "Accept": "text/event-stream",
        }
        with (
            httpx.Client(base_url=platform.url, timeout=10) as client,
            client.stream("GET", "/v1/events", headers=headers) as response,
        ):
            assert response.status_code == 200
            platform.stop()
            # the chunked body is closed properly: reading it to the end raises nothing
            rest = b"".join(response.iter_raw())
        assert b"id:" not in rest
    finally:
        platform.stop()
