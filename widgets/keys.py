"""Shortcuts with the context they ask for.

PySide6 silently ignores `context=` when a QShortcut is built with a callable (seen on
6.11: the shortcut stays a WindowShortcut), so a "Return answers the selected call"
shortcut on the queue would swallow Return in every field of the window. Build them here.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget


def shortcut(
    keys: str | QKeySequence,
    parent: QWidget,
    slot: Callable[[], object],
    context: Qt.ShortcutContext = Qt.ShortcutContext.WindowShortcut,
) -> QShortcut:
    made = QShortcut(QKeySequence(keys), parent)
    made.setContext(context)
    made.activated.connect(slot)
    return made
