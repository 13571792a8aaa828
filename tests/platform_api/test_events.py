"""The event log over HTTP: SSE resume, no gap or duplicate under writes, JSON pages."""

from __future__ import annotations

import threading
from typing import Any

from platform_api.contract.fold import position_fixes
from platform_api.embedded import EmbeddedPlatform
from tests.platform_api.helpers import make_call, make_unit
from tests.platform_api.sse import read_stream


def test_a_reconnecting_client_gets_every_event_once_in_order(
    platform: EmbeddedPlatform, gateway: Any
) -> None:
    token = platform.login("dispatcher")
    for _ in range(3):
        make_call(gateway)
    seen = read_stream(platform.url, token, 3, after=0)
    assert [e["seq"] for e in seen] == [1, 2, 3]
    for _ in range(5):  # written while the client is away
        make_call(gateway)
    resumed = read_stream(platform.url, token, 5, last_event_id=seen[-1]["seq"])
    assert [e["seq"] for e in resumed] == [4, 5, 6, 7, 8]
    assert all(e["type"] == "call.received" for e in seen + resumed)
    assert resumed[0]["prev_hash"] == seen[-1]["hash"]


def test_a_stream_opened_during_heavy_writing_has_no_gap_and_no_duplicate(
    platform: EmbeddedPlatform, gateway: Any
) -> None:
    token = platform.login("dispatcher")
    total = 150
    for _ in range(20):
        make_call(gateway)
    writer = threading.Thread(target=lambda: [make_call(gateway) for _ in range(total - 20)])
    writer.start()
    events = read_stream(platform.url, token, total, after=0, timeout_s=60)
    writer.join()
    assert [e["seq"] for e in events] == list(range(1, total + 1))


def test_live_events_follow_a_stream_that_started_at_the_head(
    platform: EmbeddedPlatform, gateway: Any
) -> None:
    token = platform.login("dispatcher")
    make_call(gateway)
    got: list[dict[str, Any]] = []
    reader = threading.Thread(target=lambda: got.extend(read_stream(platform.url, token, 2)))
    reader.start()
    # The reader starts at the head (seq 1); keep writing until it has seen two new events.
    while reader.is_alive():
        make_call(gateway)
        reader.join(timeout=0.2)
    assert got[0]["seq"] >= 2 and got[1]["seq"] == got[0]["seq"] + 1


def test_events_page_for_export(gateway: Any, dispatcher: Any) -> None:
    for _ in range(5):
        make_call(gateway)
    page = dispatcher.get("/v1/events", after=1, limit=3)
    assert [e["seq"] for e in page["events"]] == [2, 3, 4]
    assert (page["next_after"], page["head_seq"]) == (4, 5)
    assert page["events"][0]["payload"]["changes"]["calls"][0]["state"] == "queued"
    assert dispatcher.client.get("/v1/events", params={"limit": 10**6}).status_code == 422


def test_a_malformed_or_future_last_event_id_is_refused(
    platform: EmbeddedPlatform, dispatcher: Any
) -> None:
    stream = {"Accept": "text/event-stream"}
    for garbled in ("abc", "²", "-1", "1" * 16):
        for accept in (stream, {}):
            headers = {**accept, "Last-Event-ID": garbled.encode()}
            bad = dispatcher.client.get("/v1/events", headers=headers)
            assert bad.status_code == 422, (garbled, bad.text)
            assert bad.json()["error"]["field"] == "Last-Event-ID"
    # beyond the log's end: the log was replaced, so the client must bootstrap again
    future = dispatcher.client.get("/v1/events", headers={**stream, "Last-Event-ID": "999"})
    assert future.status_code == 409


def test_the_stream_needs_a_signed_in_user(platform: EmbeddedPlatform) -> None:
    import httpx

    response = httpx.get(f"{platform.url}/v1/events", headers={"Accept": "text/event-stream"})
    assert response.status_code == 401


def test_a_stream_carries_position_bursts_and_logs_only_the_calls_it_carried(
    platform: EmbeddedPlatform, gateway: Any, supervisor: Any
) -> None:
    """Events are framed once for every stream and a behind stream gets them several to a
    write (platform_api.fanout): each still arrives once, in order, as its own SSE event,
    and the read log names the call it carried and nothing for the positions."""
    units = [make_unit(gateway, f"PB{i:02d}") for i in range(5)]
    start = supervisor.get("/v1/events", limit=1)["head_seq"]
    token = platform.login("dispatcher")

    def post_positions(step: int) -> None:
        fixes = [
            {"unit_id": u["id"], "lat": 51.5 + step * 1e-4, "lon": -0.1, "speed_kmh": 12.5}
            for u in units
        ]
        gateway.ok("/v1/positions", {"positions": fixes})

    for step in range(10):  # a backlog the stream reads from the log
        post_positions(step)
    call = make_call(gateway)
    got: list[dict[str, Any]] = []
    reader = threading.Thread(
        target=lambda: got.extend(read_stream(platform.url, token, 41, after=start))
    )
    reader.start()
    for step in range(30):  # and live ones, while it reads
        post_positions(10 + step)
    reader.join(timeout=60)
    assert [e["seq"] for e in got] == list(range(start + 1, start + 42))
    positions = [e for e in got if e["type"] == "unit.positions"]
    assert len(positions) == 40
    assert all(len(position_fixes(e["payload"])) == 5 for e in positions)
    assert position_fixes(positions[-1]["payload"])[0]["lat"] == 51.5039
    reads = supervisor.get("/v1/audit/reads", username="dispatcher")
    assert [(r["call_id"], r["via"]) for r in reads] == [(call["id"], "event stream")]
