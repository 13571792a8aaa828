"""How a window shows its console's message bridge (`console.message`).

Lines go to the status bar for their time; alerts open a box the operator must close (the
latest is `alert_box`, so a test can read what was said); an unexpected failure is both, and
says plainly that the screen may no longer follow the platform.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QMessageBox, QStatusBar, QWidget

from console.message import ERROR, INFO, MessageBridge

ICONS = {INFO: QMessageBox.Icon.Information, ERROR: QMessageBox.Icon.Critical}


class MessageView(QObject):
    def __init__(self, messages: MessageBridge, status: QStatusBar, window: QWidget) -> None:
        super().__init__(window)
        self._status, self._window = status, window
        self.alert_box: QMessageBox | None = None
        messages.shown.connect(self._on_messages_shown)
        messages.alerted.connect(self._on_messages_alerted)
        messages.failed.connect(self._on_messages_failed)

    def _on_messages_shown(self, _level: str, text: str, timeout_ms: int) -> None:
        self._status.showMessage(text, timeout_ms)

    def _on_messages_alerted(self, level: str, title: str, text: str) -> None:
        icon = ICONS.get(level, QMessageBox.Icon.Warning)
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self._window)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.alert_box = box

    def _on_messages_failed(self, text: str) -> None:
        self._status.showMessage(f"Console fault: {text}")
        self._on_messages_alerted(
            ERROR,
            "Something went wrong in the console",
            f"{text}<br><br>What is on screen may no longer follow the platform. "
            "Restart the console; commands already in the outbox are kept.",
        )
