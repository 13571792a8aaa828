"""The main window against a real platform: live rows in views, layout kept per user."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import qasync

from platform_api.embedded import EmbeddedPlatform
from tests.console.conftest import run, until
from tests.platform_api.helpers import make_call, make_incident, make_unit
from tests.widgets.conftest import Consoles, console_on


def test_live_calls_incidents_and_units_appear_in_their_docks(
    consoles: Consoles,
    gateway: Any,
    calltaker: Any,
) -> None:
    async def body() -> None:
        async with consoles.open() as window:
            window.show()
            await until(lambda: window.status.link.text().find("Connected") >= 0, what="connected")
            make_call(gateway, "101")
            incident = make_incident(gateway, calltaker)
            make_unit(gateway, "CW11")
            await until(
                lambda: (
                    window.units.proxy.rowCount() == 1 and window.incidents.proxy.rowCount() == 1
                )
            )
            await until(lambda: window.calls.proxy.rowCount() == 1)
            assert window.incidents.proxy.index(0, 0).data() == incident["reference"]
            window.incidents.view.selectRow(0)
            assert incident["reference"] in window.detail.text.toPlainText()
            window.units.search.setText("LX")
            assert window.units.proxy.rowCount() == 0
            window.units.search.setText("cw1")
            assert window.units.proxy.rowCount() == 1
            assert window.events.model().rowCount() >= 5

    consoles.run(body())


def test_the_layout_is_restored_for_the_same_user(
    aloop: qasync.QEventLoop, platform: EmbeddedPlatform, tmp_path: Path, qtbot: Any
) -> None:

    async def first() -> None:
        async with console_on(platform.url, tmp_path, qtbot) as window:
            window.show()
            window.docks["events"].hide()
            window.docks["units"].setFloating(True)
            window.save_layout()

    async def second() -> None:
        async with console_on(platform.url, tmp_path, qtbot) as window:
            window.show()
            assert not window.docks["events"].isVisible()
            assert window.docks["units"].isFloating()
            window.reset_layout()
            assert window.docks["events"].isVisible()
            assert not window.docks["units"].isFloating()

    run(aloop, first())
    run(aloop, second())


def test_the_night_theme_can_be_switched_at_run_time(
    consoles: Consoles,
) -> None:
    async def body() -> None:
        async with consoles.open() as window:
            window.show()
            before = window.grab().toImage().pixelColor(5, 40).lightness()
            window.night_action.trigger()
            await until(
                lambda: window.palette().window().color().lightness() < 80, what="dark palette"
            )
            after = window.grab().toImage().pixelColor(5, 40).lightness()
            assert after < before
            assert window.theme == "night"
            window.night_action.trigger()
            assert window.theme == "day"

    consoles.run(body())


def test_a_broken_hash_chain_shows_a_red_alarm(
    consoles: Consoles,
) -> None:
    async def body() -> None:
        async with consoles.open() as window:
            window.show()
            assert not window.status.chain_alarm.isVisible()
            window.session.chain_guard.chain_broken.emit(7, "its content does not match")
            assert window.status.chain_alarm.isVisible()
            assert "TAMPERED at seq 7" in window.status.chain_alarm.text()

    consoles.run(body())
