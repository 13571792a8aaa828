"""The simulated shift, through the real API: a believable force and a room at work."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from platform_api import geo
from platform_api.embedded import EmbeddedPlatform
from platform_api.simulator import SimConfig, Simulator
from tests.conftest import Api
from tests.databases import platform_on_pack
from tests.platform_api.helpers import first, make_incident

FAST = SimConfig(
    call_rate_per_hour=3600,
    seed=7,
    answer_after_s=(0.3, 0.6),
    human_first_999_s=0.6,
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


def events_of(api: Any) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = api.get("/v1/events", limit=10000)["events"]
    return events


def test_a_unit_a_person_dispatched_acknowledges_drives_and_arrives(
    platform: EmbeddedPlatform, gateway: Any, calltaker: Any, dispatcher: Any
) -> None:
    # No simulated colleagues: only the crews and the AVL, which serve every dispatcher.
    config = SimConfig(
        call_rate_per_hour=1,
        seed=5,
        room=False,
        speed_factor=120,
        avl_interval_s=0.2,
        ack_median_s=2,
        no_ack_share=0,
    )
    simulator = Simulator(platform.url, config)
    simulator.start()
    try:
        incident = make_incident(gateway, calltaker)
        units = dispatcher.get("/v1/state")["units"]
        unit = min(
            (u for u in units if u["status"] == "available" and u["type"] == "response_car"),
            key=lambda u: geo.haversine_m(
                u["position"]["lat"],
                u["position"]["lon"],
                incident["location"]["lat"],
                incident["location"]["lon"],
            ),
        )
        sent = dispatcher.ok(
            f"/v1/units/{unit['id']}/assign",
            {"incident_id": incident["id"]},
            version=unit["version"],
        )
        assignment = first(sent, "assignments")

        def state() -> str:
            current = dispatcher.get("/v1/state")["assignments"]
            return str(next(a["state"] for a in current if a["id"] == assignment["id"]))

        wait_for(lambda: state() == "at_scene", timeout_s=60)
        types = [
            e["type"]
            for e in events_of(dispatcher)
            if e["entity_id"] == assignment["id"] and e["type"].startswith("assignment.")
        ]
        assert types[-3:] == [
            "assignment.acknowledged",
            "assignment.en_route",
            "assignment.at_scene",
        ]
        moved = dispatcher.get("/v1/state")["units"]
        here = next(u for u in moved if u["id"] == unit["id"])["position"]
        loc = incident["location"]
        assert geo.haversine_m(here["lat"], here["lon"], loc["lat"], loc["lon"]) < 50
    finally:
        simulator.stop()


def test_the_room_never_closes_an_incident_a_person_sent_a_unit_to(
    platform: EmbeddedPlatform, dispatcher: Any
) -> None:
    # The room closes its incidents a moment after a unit arrives (scene_s near nothing).
    config = replace(FAST, scene_s=(1.0, 2.0), ack_median_s=2, no_ack_share=0)
    simulator = Simulator(platform.url, config)
    simulator.start()
    try:

        def rooms_incident() -> dict[str, Any] | None:
            state = dispatcher.get("/v1/state")
            return next(
                (i for i in state["incidents"] if i["created_by"] == config.calltaker_user), None
            )

        wait_for(lambda: rooms_incident() is not None)
        incident = rooms_incident()
        assert incident is not None
        state = dispatcher.get("/v1/state")
        unit = next(
            u for u in state["units"] if u["status"] == "available" and u["type"] == "response_car"
        )
        sent = dispatcher.ok(
            f"/v1/units/{unit['id']}/assign",
            {"incident_id": incident["id"]},
            version=unit["version"],
        )
        mine = first(sent, "assignments")["id"]
        wait_for(lambda: simulator.stats.handed_over >= 1)
        # The room keeps closing its own incidents: three more after it was handed over.
        closed = simulator.stats.incidents_closed
        wait_for(lambda: simulator.stats.incidents_closed >= closed + 3, timeout_s=60)
        after = dispatcher.get(f"/v1/incidents/{incident['id']}")
        assert after["status"] == "open"
        # and its crew still drives for the person who sent it
        assert any(
            e["type"] == "assignment.acknowledged" and e["entity_id"] == mine
            for e in events_of(dispatcher)
        )
    finally:
        simulator.stop()


def test_simulated_call_takers_leave_999_calls_to_people(
    platform: EmbeddedPlatform, dispatcher: Any
) -> None:
    # 101 calls are taken at once; a 999 rings for an hour before the room may take it.
    config = SimConfig(
        call_rate_per_hour=3600, seed=9, answer_after_s=(0.1, 0.2), human_first_999_s=3600
    )
    assert SimConfig().human_first_999_s == 20  # the default the issue asks for
    simulator = Simulator(platform.url, config)
    simulator.start()
    try:

        def answered_by_room(line: str) -> int:
            return sum(
                1
                for e in events_of(dispatcher)
                if e["type"] == "call.answered"
                for c in e["payload"]["changes"]["calls"]
                if c["line"] == line and c["answered_by"] == config.calltaker_user
            )

        def rung(line: str) -> int:
            return sum(
                1
                for e in events_of(dispatcher)
                if e["type"] == "call.received"
                for c in e["payload"]["changes"]["calls"]
                if c["line"] == line
            )

        wait_for(lambda: answered_by_room("101") >= 3 and rung("999") >= 3, timeout_s=60)
        assert answered_by_room("999") == 0
        queued = [c for c in dispatcher.get("/v1/state")["calls"] if c["state"] == "queued"]
        assert any(c["line"] == "999" for c in queued)
    finally:
        simulator.stop()


def test_the_demo_room_opens_mid_shift_with_units_in_every_state(
    platform: EmbeddedPlatform, dispatcher: Any
) -> None:
    config = SimConfig(call_rate_per_hour=1, seed=4, mid_shift=(20, 40))
    simulator = Simulator(platform.url, config)
    simulator.start()
    try:
        assert simulator.opened.wait(60)
        state = dispatcher.get("/v1/state")
        assert 20 <= len(state["incidents"]) <= 40
        statuses = Counter(u["status"] for u in state["units"])
        assert {"available", "assigned", "at_scene", "refreshment"} <= set(statuses)
        stages = {a["state"] for a in state["assignments"]}
        assert stages >= {"dispatched", "acknowledged", "en_route", "at_scene"}
        staffed = {a["incident_id"] for a in state["assignments"]}
        assert any(i["id"] not in staffed for i in state["incidents"])  # some wait for a unit
        assert all(u["crew"] for u in state["units"] if u["status"] != "off_duty")
        # units at scene stand at their incident
        places = {i["id"]: i["location"] for i in state["incidents"]}
        by_id = {u["id"]: u for u in state["units"]}
        for a in state["assignments"]:
            if a["state"] == "at_scene":
                pos, loc = by_id[a["unit_id"]]["position"], places[a["incident_id"]]
                assert geo.haversine_m(pos["lat"], pos["lon"], loc["lat"], loc["lon"]) < 50
        assert simulator.stats.errors == 0
    finally:
        simulator.stop()


def test_crews_fit_their_vehicles_in_san_francisco(tmp_path: Path) -> None:
    # On main every unit had police constables: "PC 1234" on a San Francisco fire engine.
    config = SimConfig(call_rate_per_hour=1, seed=8, mid_shift=(2, 3), pack="san-francisco")
    with platform_on_pack(tmp_path, "san-francisco") as platform:
        simulator = Simulator(platform.url, config)
        simulator.start()
        try:
            assert simulator.opened.wait(60)
            api = Api(platform.url, platform.login("dispatcher"))
            units = [u for u in api.get("/v1/state")["units"] if u["crew"]]
            api.close()
        finally:
            simulator.stop()
    ranks = {
        kind: {m["collar"].split()[0] for u in units if u["type"] == kind for m in u["crew"]}
        for kind in ("fire_engine", "ambulance")
    }
    assert ranks == {"fire_engine": {"Capt", "PM", "FF"}, "ambulance": {"PM", "EMT"}}
    for unit in units:
        skills = {skill for member in unit["crew"] for skill in member["skills"]}
        assert "paramedic" in skills  # every engine and ambulance can treat on arrival
        assert "taser" not in skills
        assert len(unit["crew"]) == (4 if unit["type"] == "fire_engine" else 2)
    assert simulator.stats.errors == 0
