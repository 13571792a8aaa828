"""The outbox dock: commands waiting for the platform, and commands it refused.

An operator must be able to see what has not reached the platform yet (it will be sent, in
order, when the link is back) and what the platform refused (with why), and clear a refusal
only once read.
"""

from __future__ import annotations

from datetime import UTC

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console.outbox import Outbox
from widgets.keys import shortcut

FAILURE_ID = Qt.ItemDataRole.UserRole + 1


class OutboxPanel(QWidget):
    def __init__(self, outbox: Outbox, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._outbox = outbox
        self.pending_title = QLabel(self)
        self.pending = QListWidget(self)
        self.pending.setToolTip("Sent in this order, each exactly once, when the link is back")
        self.failed_title = QLabel(self)
        self.failed = QListWidget(self)
        self.failed.setWordWrap(True)
        self.dismiss_button = QPushButton("Dismiss refusal (Del)", self)
        self.dismiss_button.setToolTip("Clear the selected refusal once you have read it (Del)")
        self.dismiss_button.clicked.connect(self.dismiss_selected)
        shortcut(
            QKeySequence(QKeySequence.StandardKey.Delete),
            self.failed,
            self.dismiss_selected,
            Qt.ShortcutContext.WidgetShortcut,
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        for widget in (
            self.pending_title,
            self.pending,
            self.failed_title,
            self.failed,
            self.dismiss_button,
        ):
            layout.addWidget(widget)
        outbox.pending_changed.connect(lambda *_: self.refresh())
        outbox.command_failed.connect(lambda *_: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        commands = self._outbox.pending()
        self.pending.clear()
        for command in commands:
            self.pending.addItem(command.label)
        self.pending_title.setText(
            f"<b>Waiting to send: {len(commands)}</b>"
            + ("" if commands else " <span style='color:#8b8d98'>(all delivered)</span>")
        )
        failures = self._outbox.failures()
        self.failed.clear()
        for failure in failures:
            when = failure.created_at.replace(tzinfo=UTC).astimezone().strftime("%H:%M:%S")
            item = QListWidgetItem(f"{when}  {failure.label}\n    refused: {failure.message}")
            item.setData(FAILURE_ID, failure.id)
            self.failed.addItem(item)
        style = "color:#e5484d" if failures else ""
        self.failed_title.setText(
            f"<b style='{style}'>Refused by the platform: {len(failures)}</b>"
        )
        self.dismiss_button.setEnabled(bool(failures))

    def dismiss_selected(self) -> None:
        item = self.failed.currentItem() or self.failed.item(0)
        if item is None:
            return
        self._outbox.dismiss(int(item.data(FAILURE_ID)))
        self.refresh()
