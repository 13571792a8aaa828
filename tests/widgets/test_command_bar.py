"""widgets/command_bar.py: a typed command names its target before Enter sends it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from tests.console.conftest import until
from tests.platform_api.helpers import make_incident
from tests.widgets.conftest import Consoles


def test_the_command_line_names_the_incident_a_command_will_act_on_before_enter(
    consoles: Consoles, gateway: Any, calltaker: Any, qtbot: Any
) -> None:
    first = make_incident(gateway, calltaker)
    second = make_incident(gateway, calltaker)
    number = second["reference"].rsplit("-", 1)[-1].lstrip("0")

    async def body() -> None:
        async with consoles.open(active=True) as window:
            store = window.session.store
            await until(lambda: len(store.incidents) == 2, what="both incidents")
            assert window.incidents.select_id(first["id"])
            qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
            bar = window.command_bar
            await until(bar.hasFocus, what="the command line focused")
            # No reference typed: the selected incident is the target, and it is named.
            qtbot.keyClicks(bar, "g p")
            preview = bar.preview.text()
            assert preview == (
                f"Enter: grade {first['reference']} Violence: Immediate \u2192 Priority"
            )
            assert first["id"] not in preview  # never an internal id
            bar.clear()
            # A reference typed wins over the selection.
            qtbot.keyClicks(bar, f"l #{number} units on scene")
            assert bar.preview.text() == f"Enter: add to the log of {second['reference']} Violence"
            qtbot.keyClick(bar, Qt.Key.Key_Return)
            await until(
                lambda: any(e.text == "units on scene" for e in store.incidents[second["id"]].log),
                what="the log line on the named incident",
            )
            assert bar.preview.text() == ""

    consoles.run(body())
