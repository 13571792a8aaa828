"""The event log dock: the latest events of the platform's log, newest at the bottom."""

from __future__ import annotations

from PySide6.QtWidgets import QTableView, QWidget

from console.store import Store
from console.tables import EventLogModel

COLUMN_WIDTHS = (60, 70, 110, 170)  # seq, time, actor, type; "about" takes the rest


class EventLogView(QTableView):
    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(EventLogModel(store, parent=self))
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(22)
        self.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate(COLUMN_WIDTHS):
            self.setColumnWidth(column, width)
        self.model().rowsInserted.connect(lambda *_: self.scrollToBottom())
