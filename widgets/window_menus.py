"""The window's menus: every action with its shortcut, listed for the F1 help as it is made.

Actions are added to the window as well as to their menu, so a shortcut works wherever the
focus is. What a role or a mode may not do is disabled here or in `MainWindow._apply_role`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMenu, QMenuBar

from console.session import LIVE, TRAINING, Session
from widgets.call_queue import CallQueuePanel
from widgets.command_bar import CommandBar
from widgets.dispatch_links import DispatchLinks
from widgets.training_links import TrainingLinks


class MainWindow(Protocol):
    """What the menus reach in the window (widgets.main_window; a protocol, so that module
    and this one do not import each other)."""

    session: Session
    shortcuts: list[tuple[str, str]]
    docks: dict[str, QDockWidget]
    calls: CallQueuePanel
    command_bar: CommandBar
    training: TrainingLinks
    dispatch: DispatchLinks
    theme: str

    def menuBar(self) -> QMenuBar: ...
    def addAction(self, action: QAction, /) -> None: ...
    def answer(self, call_id: str) -> None: ...
    def new_incident(self) -> None: ...
    def focus_recommendations(self) -> None: ...
    def reset_layout(self) -> None: ...
    def set_theme(self, name: str) -> None: ...
    def show_help(self) -> None: ...


def _action(
    w: MainWindow, menu: QMenu, text: str, keys: str, slot: Callable[[], object]
) -> QAction:
    action = QAction(text, menu)  # the menu (the window's) owns it
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
