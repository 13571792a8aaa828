"""REPLAY and TRAINING must be unmistakable on every screen, at all times.

A banner across the top in the mode's colour, the same colour as a thick frame round the
whole window, and the mode in the title: an operator glancing at any corner of any monitor
knows this is not the live room.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMainWindow, QSizePolicy, QToolBar, QWidget

MODE_COLOUR = {"replay": "#8e4ec6", "training": "#d97706"}
MODE_TEXT = {
    "replay": "REPLAY — a recorded shift, not live. Commands are disabled.",
    "training": "TRAINING — a sandbox platform. Nothing here reaches the live room.",
}


class ModeBanner(QLabel):
    def __init__(self, mode: str, detail: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        colour = MODE_COLOUR[mode]
        self.setObjectName(f"banner-{mode}")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setText(f"<b>{MODE_TEXT[mode]}</b>  {detail}")
        self.setStyleSheet(f"background: {colour}; color: white; font-size: 15px; padding: 6px;")


def frame_window(window: QMainWindow, mode: str) -> None:
    """A frame in the mode's colour round the window, and the mode first in its title."""
    colour = MODE_COLOUR[mode]
    window.setStyleSheet(f"QMainWindow#MainWindow {{ border: 6px solid {colour}; }}")
    window.setWindowTitle(f"{mode.upper()} — {window.windowTitle()}")


def show_mode(window: QMainWindow, mode: str, detail: str, *, before: QToolBar) -> ModeBanner:
    """The banner in a toolbar of its own above `before`, and the frame round the window."""
    banner = ModeBanner(mode, detail, window)
    bar = QToolBar("Mode", window)
    bar.setObjectName(f"toolbar-{mode}")
    bar.setMovable(False)
    bar.addWidget(banner)
    banner.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    window.insertToolBar(before, bar)
    frame_window(window, mode)
    return banner
