"""widgets/incident_form.py: a call-taker takes a 999 from F2 to a created, graded, located
incident without the mouse, at 1280x720, Tab in reading order and focus always visible."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from tests.console.conftest import until
from tests.platform_api.helpers import make_call
from tests.widgets.conftest import Consoles


def _focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has focus"
    assert widget.isVisible(), f"focus on a hidden {type(widget).__name__}"
    return widget


def _tab(qtbot: Any) -> QWidget:
    qtbot.keyClick(_focused(), Qt.Key.Key_Tab)
    return _focused()


async def _at_1280x720(window: Any) -> None:
    """The window shown at a small control-room screen's size, and active (it has the keys)."""
    window.resize(1280, 720)
    window.show()
    window.activateWindow()
    await until(window.isActiveWindow, what="the window active")


def test_f2_to_a_created_graded_located_incident_by_keyboard_alone_at_1280x720(
    consoles: Consoles,
    gateway: Any,
    qtbot: Any,
) -> None:
    async def body() -> None:
        async with consoles.open("calltaker") as window:
            await _at_1280x720(window)
            window.default_sizes()
            form = window.form
            # Create and the duplicates are in sight without scrolling.
            assert not form.create_button.visibleRegion().isEmpty()
            assert not form.duplicates_title.visibleRegion().isEmpty()
            call = make_call(gateway, "999")
            await until(lambda: call["id"] in window.session.store.calls)
            qtbot.keyClick(window, Qt.Key.Key_F2)
            await until(lambda: form.call_id == call["id"], what="the form on the call")
            assert _focused() is form.classification
            qtbot.keyClicks(form.classification, "Violence")
            assert _tab(qtbot) is form.grade
            qtbot.keyClick(form.grade, Qt.Key.Key_I)
            assert _tab(qtbot) is form.caller_name
            qtbot.keyClicks(form.caller_name, "Sam")
            assert _tab(qtbot) is form.location.address  # Tab no longer skips Location
            qtbot.keyClicks(form.location.address, "Westminster Abbey")
            qtbot.keyClick(form.location.address, Qt.Key.Key_Return)
            await until(lambda: form.location.results.count() > 0, what="address results")
            assert _focused() is form.location.results
            qtbot.keyClick(form.location.results, Qt.Key.Key_Return)
            assert form.location.point is not None
            # Focus went on to the next field: typing is not lost.
            assert _focused() is form.thrive["threat"]
            qtbot.keyClicks(_focused(), "fists")
            qtbot.keyClick(_focused(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
            store = window.session.store
            await until(lambda: bool(store.incidents), what="the incident created")
            incident = next(iter(store.incidents.values()))
            assert incident.grade.value == "immediate"
            assert incident.location.borough == "Westminster"
            assert incident.thrive.threat == "fists"
            # The reference to give the caller is said when it is done.
            await until(
                lambda: incident.reference in window.status.currentMessage(),
                what=window.status.currentMessage,
            )
            assert _focused() is not None

    consoles.run(body())


def test_alt_g_reaches_the_grade_while_the_classification_suggestions_are_open(
    consoles: Consoles, qtbot: Any
) -> None:
    async def body() -> None:
        async with consoles.open("calltaker") as window:
            await _at_1280x720(window)
            form = window.form
            form.classification.setFocus()
            qtbot.keyClicks(form.classification, "kn")
            popup = form.classification.completer().popup()
            assert popup is not None
            await until(popup.isVisible, what="the classification's suggestions")
            # the suggestions hold the keyboard: Alt+G arrives at them, not at the form
            qtbot.keyClick(popup, Qt.Key.Key_G, Qt.KeyboardModifier.AltModifier)
            assert not popup.isVisible()
            assert _focused() is form.grade
            qtbot.keyClick(form.grade, Qt.Key.Key_I)
            assert form.grade.currentData() == "immediate"
            assert form.classification.text() == "kn"  # the letter did not land there
            # Alt+A moves on with the suggestions up again: what is typed goes to the address
            form.classification.setFocus()
            qtbot.keyClicks(form.classification, "i")
            await until(popup.isVisible, what="the suggestions again")
            qtbot.keyClick(popup, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
            assert _focused() is form.location.address
            qtbot.keyClicks(popup, "Soho")
            assert form.location.address.text() == "Soho"
            assert form.classification.text() == "kni"
            assert not popup.isVisible()

    consoles.run(body())
