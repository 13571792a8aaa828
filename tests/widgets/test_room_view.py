"""widgets/room_view.py with console/room_figures.py: the figures a supervisor watches."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from console import attendance
from console.room_figures import p90
from platform_api.contract import SIMULATED_COLLEAGUES, Grade
from platform_api.simulator import SimConfig
from tests.console.conftest import until
from tests.platform_api.helpers import (
    answered_call,
    assign,
    first,
    make_call,
    make_incident,
    make_unit,
)
from tests.widgets.conftest import Consoles


def test_the_room_shows_answer_times_waits_abandoned_rate_grades_and_free_units(
    consoles: Consoles,
    gateway: Any,
    calltaker: Any,
) -> None:
    async def body() -> None:
        async with consoles.open("supervisor") as window:
            room = window.room
            await until(lambda: window.session.sync.state == "connected")
            answered_call(gateway, calltaker, "999")
            gone = make_call(gateway, "101")
            gateway.ok(f"/v1/calls/{gone['id']}/abandon")
            make_incident(gateway, calltaker)  # its 999 is answered too
            waiting = make_call(gateway, "999")  # still waiting
            store = window.session.store
            await until(lambda: len(store.incidents) == 1 and waiting["id"] in store.calls)
            # the store's clock, 42 s after the waiting call came in
            received = store.calls[waiting["id"]].received_at
            store.clock = lambda: received + timedelta(seconds=42)
            room.refresh()
            figures = room.last
            assert figures.answered == 2
            assert figures.within_target == 1.0  # answered at once by the API
            assert figures.abandoned_rate is not None and 0 < figures.abandoned_rate < 1
            assert figures.open_by_grade[Grade.IMMEDIATE] == 1
            assert figures.longest_wait_s == 42  # the queued 999, by the store's clock
            text = room.figures.text()
            assert "100% within 10 s" in text and "I 1" in text and "free units" in text

    consoles.run(body())


def test_p90_is_the_nearest_rank() -> None:
    assert p90([]) is None
    assert p90([float(s) for s in range(1, 11)]) == 9.0
    assert p90([3.0]) == 3.0


def test_a_target_is_met_when_a_unit_arrives_and_only_unreached_incidents_are_past_it(
    consoles: Consoles, gateway: Any, calltaker: Any, api_for: Any
) -> None:
    # On main every open incident counted against its target, at scene or not: the demo's
    # opening room went red all at once 15 minutes in.
    dispatcher = api_for("dispatcher")

    async def body() -> None:
        async with consoles.open("supervisor") as window:
            reached = make_incident(gateway, calltaker)
            waiting = make_incident(gateway, calltaker)
            unit = make_unit(gateway)
            sent = first(assign(dispatcher, unit, reached), "assignments")
            path = f"/v1/assignments/{sent['id']}/progress"
            moving = first(
                gateway.ok(path, {"state": "en_route"}, version=sent["version"]), "assignments"
            )
            there = first(
                gateway.ok(path, {"state": "at_scene"}, version=moving["version"]), "assignments"
            )
            store = window.session.store
            await until(lambda: reached["id"] in store.arrivals and len(store.incidents) == 2)
            # 20 minutes on: both Immediate targets (15 min) have passed
            later = datetime.now(UTC) + timedelta(minutes=20)
            store.clock = lambda: later
            board = window.incidents.model
            assert attendance.target_text(store, store.incidents[reached["id"]], later) == "met"
            shown = {board.index(r, 5).data() for r in range(board.rowCount())}
            assert "met" in shown and any(t.startswith("-") for t in shown)
            window.room.refresh()
            assert window.room.last.past_target == 1
            late = [window.room.late.item(r).text() for r in range(window.room.late.count())]
            assert [waiting["reference"] in t for t in late] == [True]
            # the unit clears and the incident stays open: its target stays met
            gateway.ok(path, {"state": "cleared"}, version=there["version"])
            await until(lambda: not store.assignments)
            assert attendance.target_text(store, store.incidents[reached["id"]], later) == "met"
            window.room.refresh()
            assert window.room.last.past_target == 1

    consoles.run(body())


def test_the_answer_figures_count_people_not_the_simulated_colleagues(
    consoles: Consoles, gateway: Any, calltaker: Any, api_for: Any
) -> None:
    assert {SimConfig().calltaker_user, SimConfig().dispatcher_user} <= SIMULATED_COLLEAGUES
    colleague = api_for("sim-calltaker")

    async def body() -> None:
        async with consoles.open("supervisor") as window:
            answered_call(gateway, calltaker, "999")
            answered_call(gateway, colleague, "999")
            answered_call(gateway, colleague, "999")
            store = window.session.store
            await until(lambda: len(store.calls) == 3)
            window.room.refresh()
            figures = window.room.last
            assert (figures.answered, figures.simulated_answered) == (1, 2)
            assert figures.within_target == 1.0
            assert "(2 by simulated colleagues, not counted)" in window.room.figures.text()

    consoles.run(body())
