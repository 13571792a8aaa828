"""widgets/room_view.py with console/room_figures.py: the figures a supervisor watches."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from console.room_figures import p90
from platform_api.contract import Grade
from tests.console.conftest import until
from tests.platform_api.helpers import answered_call, make_call, make_incident
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
