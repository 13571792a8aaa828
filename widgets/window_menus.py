"""The window's menus: every action with its shortcut, listed for the F1 help as it is made.

Actions are added to the window as well as to their menu, so a shortcut works wherever the
focus is. What a role or a mode may not do is disabled here or in `MainWindow._apply_role`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from console.session import LIVE, TRAINING

if TYPE_CHECKING:
    from widgets.main_window import MainWindow


def _action(
    w: MainWindow, menu: QMenu, text: str, keys: str, slot: Callable[[], object]
) -> QAction:
    action = QAction(text, w)
    action.setShortcut(QKeySequence(keys))
    action.setToolTip(f"{text.replace('&', '')} ({keys})")
    action.triggered.connect(slot)
    menu.addAction(action)
    w.addAction(action)  # shortcuts work wherever the focus is, menu bar or not
    w.shortcuts.append((keys, text.replace("&", "")))
    return action


@dataclass(frozen=True)
class WindowActions:
    """The actions a role or a test switches or triggers after the menus are built."""

    answer: QAction
    new_incident: QAction
    focus_recommendations: QAction
    night: QAction


def build_menus(w: MainWindow) -> WindowActions:
    """Calls, Dispatch, View and Help; the actions tests and roles need kept on the window."""
    calls = w.menuBar().addMenu("Call&s")
    answer = _action(w, calls, "&Answer next call", "F2", lambda: w.answer(""))
    new_incident = _action(w, calls, "&New incident (walk-in)", "Ctrl+N", w.new_incident)
    _action(w, calls, "&Mute 999 alert", "Ctrl+M", w.calls.toggle_sound)
    _action(w, calls, "&Command line", "Ctrl+K", w.command_bar.setFocus)
    inject = _action(w, calls, "&Inject a call (training)", "Ctrl+Shift+I", w.training.inject_call)
    inject.setEnabled(w.session.mode == TRAINING)
    w.shortcuts += [
        ("Enter", "Answer the selected call (in the call queue)"),
        ("Ctrl+Enter", "Create the incident (in the form)"),
        ("Ctrl+L", "Link the call to the selected possible duplicate (in the form)"),
        ("Alt+C / Alt+G / Alt+A / Alt+H", "Form: classification / grade / address / handset"),
        ("Ctrl+Shift+Del", "Discard the form's draft"),
        ("Del", "Dismiss a refused command (in the outbox)"),
    ]
    dispatch = w.menuBar().addMenu("&Dispatch")
    focus_recommendations = _action(
        w,
        dispatch,
        "Recommended &units",
        "Ctrl+R",
        w.focus_recommendations,
    )
    rebalance = _action(
        w, dispatch, "Propose a &rebalance", "Ctrl+Shift+B", w.dispatch.propose_rebalance
    )
    rebalance.setEnabled(w.session.role in ("supervisor", "admin"))
    w.shortcuts += [
        ("Enter / Ctrl+D", "Assign the selected recommendation (in Recommended units)"),
        ("F5 / F6 / F7", "Unit board: available / committed / unavailable"),
        ("F8", "Unit board: stand the selected unit down from its incident"),
        ("A / R", "Rebalance proposal: accept / reject the line"),
    ]
    view = w.menuBar().addMenu("&View")
    for dock in w.docks.values():
        view.addAction(dock.toggleViewAction())
        w.shortcuts.append(
            (dock.toggleViewAction().shortcut().toString(), f"Show {dock.windowTitle()}")
        )
    view.addSeparator()
    _action(w, view, "&Reset layout", "Ctrl+Shift+R", w.reset_layout)
    theme = _action(w, view, "&Night theme", "Ctrl+Shift+N", lambda: None)
    theme.setCheckable(True)
    theme.setChecked(w.theme == "night")
    theme.toggled.connect(lambda night: w.set_theme("night" if night else "day"))
    night = theme
    export = _action(w, view, "&Export a recording…", "Ctrl+Shift+E", w.training.export_recording)
    export.setEnabled(
        w.session.mode == LIVE and w.session.role in ("trainer", "supervisor", "admin")
    )
    help_menu = w.menuBar().addMenu("Hel&p")
    _action(w, help_menu, "&Keyboard help", "F1", w.show_help)
    return WindowActions(answer, new_incident, focus_recommendations, night)
