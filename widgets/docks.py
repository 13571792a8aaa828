"""The window's docks: how one is made, and the default arrangement a reset returns to.

Calls and the form on the left, the map in the middle, incidents, recommendations and units
on the right, and the event log a strip under the map (the Room shares it: a supervisor's
strip is taller, a third of the height, so the Room is readable and the map keeps the rest).

At 1280x720 the Room's own minimum height made the strip two thirds of the middle column
and left the map 420x190 px. The Room now scrolls inside its dock (`scrolled`) instead of
pushing the map aside.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDockWidget, QFrame, QMainWindow, QScrollArea, QWidget


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


def scrolled(widget: QWidget) -> QScrollArea:
    """`widget` in a frameless scroll area: a dock of it may be shorter than its content."""
    area = QScrollArea()
    area.setWidget(widget)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    return area


def default_sizes(
    window: QMainWindow, docks: dict[str, QDockWidget], with_map: bool, room_raised: bool = False
) -> None:
    height = max(600, window.height())
    width = max(1000, window.width())
    vertical, horizontal = Qt.Orientation.Vertical, Qt.Orientation.Horizontal
    strip = height // 3 if room_raised else height // 6
    window.resizeDocks([docks["events"]], [strip], vertical)
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
