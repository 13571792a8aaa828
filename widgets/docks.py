"""The window's docks: how one is made, and the default arrangement a reset returns to.

Calls and the form on the left, the map in the middle, incidents, recommendations and units
on the right, and the event log a strip under the map.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget


def add_dock(
    window: QMainWindow,
    name: str,
    title: str,
    widget: QWidget,
    area: Qt.DockWidgetArea,
    shortcut: str,
) -> QDockWidget:
    """A movable, floatable, closable dock; its toggle action shows or hides it by `shortcut`."""
    dock = QDockWidget(title, window)
    dock.setObjectName(f"dock-{name}")
    dock.setWidget(widget)
    dock.setFeatures(
        QDockWidget.DockWidgetFeature.DockWidgetMovable
        | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        | QDockWidget.DockWidgetFeature.DockWidgetClosable
    )
    window.addDockWidget(area, dock)
    action = dock.toggleViewAction()
    action.setShortcut(QKeySequence(shortcut))
    action.setToolTip(f"Show or hide {title} ({shortcut})")
    return dock


def default_sizes(window: QMainWindow, docks: dict[str, QDockWidget], with_map: bool) -> None:
    height = max(600, window.height())
    width = max(1000, window.width())
    vertical, horizontal = Qt.Orientation.Vertical, Qt.Orientation.Horizontal
    window.resizeDocks([docks["events"]], [height // 6], vertical)
    window.resizeDocks(
        [docks["calls"], docks["form"]], [height * 2 // 5, height * 3 // 5], vertical
    )
    window.resizeDocks(
        [docks["incidents"], docks["recommend"], docks["units"]],
        [height * 3 // 10, height // 4, height * 9 // 20],
        vertical,
    )
    left, right = (width * 3 // 10, width * 3 // 10) if with_map else (width // 2, width // 2)
    window.resizeDocks([docks["calls"], docks["incidents"]], [left, right], horizontal)
