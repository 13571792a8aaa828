"""widgets/role_layouts.py: each role starts from its own layout and is not offered what it
may not do."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from tests.console.conftest import until
from tests.platform_api.helpers import WESTMINSTER, make_call, make_incident, make_unit
from tests.widgets.conftest import Consoles


def test_a_call_taker_gets_queue_form_and_duplicates_and_is_not_offered_dispatching(
    consoles: Consoles,
    gateway: Any,
    qtbot: Any,
) -> None:
    async def body() -> None:
        async with consoles.open("calltaker") as window:
            window.show()
            await until(lambda: window.session.sync.state == "connected")
            shown = {name for name, dock in window.docks.items() if dock.isVisible()}
            assert {"calls", "form"} <= shown
            assert not {"recommend", "units", "incidents", "room"} & shown
            assert window.form.duplicates_title.isVisibleTo(window.form)
            assert not window.recommendations.assign_button.isEnabled()
            assert not window.focus_recommendations_action.isEnabled()
            # F2 still answers: a call-taker's own work is offered.
            call = make_call(gateway, "999")
            await until(lambda: call["id"] in window.session.store.calls)
            window.activateWindow()
            await until(window.isActiveWindow)
            qtbot.keyClick(window, Qt.Key.Key_F2)
            await until(lambda: window.form.call_id == call["id"], what="answered with F2")
            # Reset returns to the call-taker's layout, not the dispatcher's.
            window.reset_layout()
            assert not window.docks["recommend"].isVisible()
            assert window.docks["form"].isVisible()

    consoles.run(body())


def test_a_trainer_watches_the_room_and_is_offered_neither_calls_nor_dispatching(
    consoles: Consoles,
) -> None:
    async def body() -> None:
        async with consoles.open("trainer") as window:
            window.show()
            shown = {name for name, dock in window.docks.items() if dock.isVisible()}
            assert {"incidents", "room", "units"} <= shown
            assert "form" not in shown
            assert not window.answer_action.isEnabled()
            assert not window.calls.answer_next.isEnabled()
            assert not window.recommendations.assign_button.isEnabled()
            assert window.units.read_only

    consoles.run(body())


def test_every_role_s_window_fits_a_1280x720_screen_with_its_status_bar(
    consoles: Consoles, gateway: Any, calltaker: Any
) -> None:
    incident = make_incident(gateway, calltaker)
    make_unit(gateway, "KD14", at=WESTMINSTER)

    async def body() -> None:
        for user in ("calltaker", "dispatcher", "supervisor", "trainer"):
            async with consoles.open(user, user) as window:
                # The window may not be made larger than the screen: the status bar (the
                # link's state) would be below its edge. Also once an incident is chosen
                # and the Assign button names it (seen in X: the window grew to 1547 px).
                await until(lambda w=window: incident["id"] in w.session.store.incidents)
                window.incidents.select_id(incident["id"])
                panel = window.recommendations
                panel.show_incident(incident["id"])
                if user in ("dispatcher", "supervisor"):
                    await until(lambda p=panel: "\u2192" in p.assign_button.text())
                    layout = window.layout()
                    assert layout is not None
                    layout.activate()
                least = window.minimumSize().expandedTo(window.minimumSizeHint())
                assert least.width() <= 1280 and least.height() <= 720, (user, least)

    consoles.run(body())


def test_a_supervisor_at_1280x720_keeps_a_map_worth_looking_at(consoles: Consoles) -> None:
    # On main the Room's height took two thirds of the middle column: a 420x190 px map.
    async def body() -> None:
        async with consoles.open("supervisor", with_map=True) as window:
            window.resize(1280, 720)
            window.show()
            view = window.map
            assert view is not None
            room = window.docks["room"]
            await until(lambda: room.isVisible() and not room.visibleRegion().isEmpty())
            await until(
                lambda: view.height() >= 320 and view.width() >= 400,
                what="a map of at least 400x320 px",
            )
            assert room.height() >= 180  # and the Room still readable under it

    consoles.run(body())
