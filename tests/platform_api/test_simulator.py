"""The simulated shift, through the real API: a believable force and a room at work."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from platform_api import geo
from platform_api.embedded import EmbeddedPlatform
from platform_api.simulator import SimConfig, Simulator
from tests.platform_api.helpers import first

FAST = SimConfig(
    call_rate_per_hour=3600,
    seed=7,
    answer_after_s=(0.3, 0.6),
    speed_factor=60,
    avl_interval_s=0.3,
    refresh_s=2,
)


def wait_for(predicate: Callable[[], bool], timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


@pytest.fixture
def sim(platform: EmbeddedPlatform) -> Iterator[Simulator]:
    simulator = Simulator(platform.url, FAST)
    simulator.start()
    yield simulator
    simulator.stop()


def test_the_seeded_force_covers_every_borough_with_unique_callsigns(
    sim: Simulator, dispatcher: Any
) -> None:
    units = dispatcher.get("/v1/state")["units"]
    assert len(units) >= 150
    callsigns = [u["callsign"] for u in units]
    assert len(set(callsigns)) == len(callsigns)
    by_borough = Counter(u["borough"] for u in units)
    assert set(by_borough) == {b.name for b in geo.boroughs()}
    assert {u["type"] for u in units} >= {
        "response_car",
        "foot_patrol",
        "armed_response",
        "dog",
        "traffic",
    }
    # Where each unit started (they move once the room dispatches them).
    created = [
        u
        for e in dispatcher.get("/v1/events", limit=1000)["events"]
        if e["type"] == "unit.created"
        for u in e["payload"]["changes"]["units"]
    ]
    home = [u for u in created if u["type"] == "response_car"]
    assert len(home) == 4 * 33
    wrong = [
        u["callsign"]
        for u in home
        if geo.borough_at(u["position"]["lat"], u["position"]["lon"]) != u["borough"]
    ]
    assert wrong == []
    assert any(u["callsign"] == "CW11" for u in units)


def test_the_room_answers_raises_dispatches_and_units_move(sim: Simulator, dispatcher: Any) -> None:
    def types() -> Counter[str]:
        events = dispatcher.get("/v1/events", limit=10000)["events"]
        return Counter(e["type"] for e in events)

    wanted = {
        "call.received",
        "call.answered",
        "incident.created",
        "assignment.created",
        "assignment.acknowledged",
        "assignment.en_route",
        "unit.positions",
        "assignment.at_scene",
    }
    wait_for(lambda: wanted <= set(types()), timeout_s=40)
    calls = dispatcher.get("/v1/events", limit=10000)["events"]
    amls = [
        c
        for e in calls
        if e["type"] == "call.received"
        for c in e["payload"]["changes"]["calls"]
        if c["handset_location"]
    ]
    assert all(5 <= c["handset_location"]["accuracy_m"] <= 2000 for c in amls)
    assert sim.stats.errors == 0


def test_a_call_answered_by_a_person_is_left_to_them(
    platform: EmbeddedPlatform, gateway: Any, calltaker: Any
) -> None:
    slow_room = SimConfig(call_rate_per_hour=1, seed=3, answer_after_s=(0.5, 0.5), refresh_s=0.5)
    simulator = Simulator(platform.url, slow_room)
    simulator.start()
    try:
        call = first(
            gateway.ok("/v1/calls", {"line": "999", "caller_number": "07700 900111"}), "calls"
        )
        calltaker.ok(f"/v1/calls/{call['id']}/answer", version=call["version"])
        # Eight room ticks (four world refreshes): every chance to interfere.
        ticks = simulator.stats.ticks
        wait_for(lambda: simulator.stats.ticks >= ticks + 8)
        after = calltaker.get(f"/v1/calls/{call['id']}")
        assert (after["state"], after["answered_by"], after["version"]) == (
            "answered",
            "calltaker",
            2,
        )
    finally:
        simulator.stop()


def test_stop_ends_the_simulator_and_it_sends_nothing_after(
    platform: EmbeddedPlatform, dispatcher: Any
) -> None:
    simulator = Simulator(platform.url, FAST)
    simulator.start()
    ticks = simulator.stats.ticks
    wait_for(lambda: simulator.stats.ticks > ticks + 2)
    simulator.stop()
    assert not any(t.name == "simulator" and t.is_alive() for t in threading.enumerate())
    head = dispatcher.get("/v1/events", limit=1)["head_seq"]
    ticks = simulator.stats.ticks
    # Had it kept running it would have ticked, rung and moved units since: nothing came.
    assert simulator.stats.ticks == ticks
    assert dispatcher.get("/v1/events", limit=1)["head_seq"] == head


def test_crews_book_on_take_breaks_and_change_at_the_end_of_their_shift(
    platform: EmbeddedPlatform, dispatcher: Any
) -> None:
    # A shift every 6 s of wall time; the room is quiet so most units stay free.
    config = SimConfig(call_rate_per_hour=1, seed=11, shift_speed=4800, rota_check_s=0.5)
    simulator = Simulator(platform.url, config)
    simulator.start()
    try:

        def types() -> Counter[str]:
            events = dispatcher.get("/v1/events", limit=10000)["events"]
            return Counter(e["type"] for e in events)

        def breaks() -> list[dict[str, Any]]:
            events = dispatcher.get("/v1/events", limit=10000)["events"]
            return [
                u
                for e in events
                if e["type"] == "unit.status_changed"
                for u in e["payload"]["changes"]["units"]
                if u["status"] == "refreshment"
            ]

        # whatever the time of day the test starts at (a shift may end a moment after it
        # starts, before any crew is due a break), within a few shifts both have happened
        wait_for(lambda: types()["unit.booked_off"] > 0 and bool(breaks()), timeout_s=40)
        events = dispatcher.get("/v1/events", limit=10000)["events"]
        assert all(u["status_until"] for u in breaks())
        booked = [
            u
            for e in events
            if e["type"] == "unit.booked_on"
            for u in e["payload"]["changes"]["units"]
        ]
        assert {u["shift"] for u in booked} <= {"early", "late", "night"}
        assert all(1 <= len(u["crew"]) <= 2 for u in booked)
        assert simulator.stats.errors == 0
    finally:
        simulator.stop()
