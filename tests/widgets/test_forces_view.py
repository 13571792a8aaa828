"""A console in a room two forces share: its own force first, the neighbour's on demand,
a reason asked before a unit crosses the border, and each force's load for supervisors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import qasync
from PySide6.QtCore import Qt

from console import commands
from console.tables import IncidentModel
from platform_api.embedded import EmbeddedPlatform
from tests.conftest import Api
from tests.console.conftest import console_core, run, until
from tests.databases import platform_on_pack
from tests.maps.conftest import js, js_until
from tests.platform_api.helpers import READING, WINCHESTER, make_incident, make_unit
from tests.widgets.conftest import console_on
from widgets.forces_view import ForceFilter, ForcesView


@pytest.fixture
def room(tmp_path: Path) -> Iterator[EmbeddedPlatform]:
    with platform_on_pack(tmp_path / "htv", "hampshire-thames-valley") as running:
        yield running


@pytest.fixture
def world(room: EmbeddedPlatform) -> Iterator[dict[str, Any]]:
    gateway = Api(room.url, room.login("gateway"))
    calltaker = Api(room.url, room.login("calltaker"))
    made = {
        "hc_unit": make_unit(gateway, "WI11", at=WINCHESTER),
        "tvp_unit": make_unit(gateway, "RG11", at=READING),
        "hc_incident": make_incident(gateway, calltaker, location=WINCHESTER),
        "tvp_incident": make_incident(gateway, calltaker, location=READING),
    }
    yield made
    gateway.close()
    calltaker.close()


def test_a_hampshire_console_shows_hampshire_and_thames_valley_on_demand(
    aloop: qasync.QEventLoop, room: EmbeddedPlatform, world: dict[str, Any], tmp_path: Path,
    qtbot: Any,
) -> None:
    async def body() -> None:
        async with console_on(room.url, tmp_path, qtbot, user="supervisor") as window:
            store = window.session.store
            await until(lambda: len(store.incidents) == 2 and len(store.units) == 2)
            view = window.forces_view
            assert isinstance(view, ForcesView)
            # the area's own word for its districts, on the boards and the Room view
            headers = [window.units.model.headerData(c, Qt.Orientation.Horizontal)
                       for c in range(window.units.model.columnCount())]
            assert "District" in headers and "Borough" not in headers
            assert window.room.table.horizontalHeaderItem(0).text() == "District"
            await until(lambda: window.incidents.proxy.rowCount() == 1)
            assert window.units.proxy.rowCount() == 1
            title = window.docks["incidents"].windowTitle()
            assert title.startswith("Incidents — Hampshire Constabulary (Ctrl+Shift+F")
            view.action.setChecked(True)  # View → Show the neighbouring force
            assert window.docks["units"].windowTitle() == (
                "Units — Hampshire Constabulary and Thames Valley Police"
            )
            assert window.incidents.proxy.rowCount() == 2
            assert window.units.proxy.rowCount() == 2
            # each force's load, for the supervisor
            window.room.refresh()
            assert window.room.forces.isVisibleTo(window.room)
            text = window.room.forces.text()
            assert "Hampshire</b>: 1 open" in text and "Thames Valley</b>: 1 open" in text

            # a Hampshire unit for a Thames Valley incident: asked why before it is sent
            unit = store.units[world["hc_unit"]["id"]]
            incident = store.incidents[world["tvp_incident"]["id"]]
            window.session.commands.send(commands.assign(unit, incident))
            dialog = view.reasons.dialog
            assert dialog is not None and "across the border" in dialog.labelText()
            assert not store.assignments  # nothing went without a reason
            dialog.setTextValue("TVP's units all committed")
            dialog.accept()
            await until(lambda: bool(store.assignments), what="the cross-border assignment")
            assignment = next(iter(store.assignments.values()))
            assert assignment.cross_border_reason == "TVP's units all committed"
            await until(lambda: any("across the border" in window.units.model.index(r, 5).data()
                                    for r in range(window.units.model.rowCount())))
            view.action.setChecked(False)
            # the Hampshire unit on a Thames Valley job stays on Hampshire's board
            assert window.units.proxy.rowCount() == 1
            await until(lambda: "1 across the border" in (window.room.refresh() or "")
                        + window.room.forces.text())

    run(aloop, body())


def test_the_map_shows_the_consoles_own_force_until_both_are_asked_for(
    aloop: qasync.QEventLoop,
    room: EmbeddedPlatform,
    world: dict[str, Any],
    tmp_path: Path,
    qtbot: Any,
) -> None:
    ids = {name: json.dumps(made["id"]) for name, made in world.items()}
    ours = (
        f"CAD.data.incidents.has({ids['hc_incident']}) && CAD.data.units.has({ids['hc_unit']})"
        f" && CAD.data.heat.has({ids['hc_incident']})"
    )
    theirs = (
        f"CAD.data.incidents.has({ids['tvp_incident']}) || CAD.data.units.has({ids['tvp_unit']})"
        f" || CAD.data.heat.has({ids['tvp_incident']})"
    )

    async def body() -> None:
        async with console_on(
            room.url, tmp_path, qtbot, user="supervisor", with_map=True
        ) as window:
            window.show()
            view = window.map
            assert view is not None
            await until(lambda: len(window.session.store.incidents) == 2)
            await js_until(view, f"typeof CAD !== 'undefined' && CAD.map && {ours}", "ours")
            assert await js(view, theirs) is False  # Hampshire's room: no Reading markers
            forces = window.forces_view
            assert isinstance(forces, ForcesView)
            forces.action.setChecked(True)  # Ctrl+Shift+F: both forces, on the map too
            await js_until(view, f"({theirs}) && {ours}", "both forces on the map")
            forces.action.setChecked(False)
            await js_until(view, f"!({theirs}) && {ours}", "the neighbour hidden again")

    run(aloop, body())


def test_the_force_filter_is_a_sound_model_as_incidents_arrive_and_both_forces_show(
    aloop: qasync.QEventLoop, room: EmbeddedPlatform, tmp_path: Path, qtmodeltester: Any
) -> None:
    gateway = Api(room.url, room.login("gateway"))
    calltaker = Api(room.url, room.login("calltaker"))
    kept: list[Any] = []  # the models outlive the body, for qtmodeltester's last checks

    async def body() -> None:
        async with console_core(room.url, tmp_path, "supervisor") as core:
            store = core.store
            await until(lambda: core.sync.state == "connected", what="connected")
            force_filter = ForceFilter(store, "incidents", "hampshire")
            force_filter.setSourceModel(IncidentModel(store, force_filter))
            kept.append(force_filter)
            qtmodeltester.check(force_filter, force_py=True)  # and on every change after
            make_incident(gateway, calltaker, location=WINCHESTER)
            make_incident(gateway, calltaker, location=READING)
            await until(lambda: len(store.incidents) == 2, what="both forces' incidents")
            assert force_filter.rowCount() == 1  # Hampshire's own
            force_filter.set_show_all(True)
            assert force_filter.rowCount() == 2
            make_incident(gateway, calltaker, location=READING)
            await until(lambda: force_filter.rowCount() == 3, what="the neighbour's new one")
            force_filter.set_show_all(False)
            assert force_filter.rowCount() == 1

    try:
        run(aloop, body())
    finally:
        gateway.close()
        calltaker.close()
