"""Export a recording (trainers, supervisors): a time window of the event log to a file.

The file is what `control-room --replay FILE` opens and what `platform-api export` writes:
a header, then every event of the window, hash-chained so any change is detected. The
window offered first is the last hour, but never from before the log begins (a platform five
minutes old offers its five minutes).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)


def _qt(value: datetime) -> QDateTime:
    return QDateTime.fromSecsSinceEpoch(int(value.timestamp()))


class ExportDialog(QDialog):
    def __init__(
        self, now: datetime, parent: QWidget | None = None, log_start: datetime | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export a recording")
        local = now.astimezone()
        since = local - timedelta(hours=1)
        if log_start is not None and log_start > since:
            since = log_start.astimezone()
        self.since = QDateTimeEdit(_qt(since), self)
        self.until = QDateTimeEdit(_qt(local + timedelta(minutes=1)), self)
        for edit in (self.since, self.until):
            edit.setDisplayFormat("yyyy-MM-dd HH:mm:ss")
            edit.setCalendarPopup(True)
        self.path = QLineEdit(str(Path.home() / f"recording-{local:%Y%m%d-%H%M}.jsonl"), self)
        self.error = QLabel(self)
        self.error.setStyleSheet("color: #e5484d")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("From", self.since)
        form.addRow("To", self.until)
        form.addRow("File", self.path)
        form.addRow(self.error)
        form.addRow(buttons)

    def time_window(self) -> tuple[datetime, datetime]:
        since = self.since.dateTime().toPython()
        until = self.until.dateTime().toPython()
        assert isinstance(since, datetime) and isinstance(until, datetime)
        return since.astimezone(), until.astimezone()

    def _on_buttons_accepted(self) -> None:
        since, until = self.time_window()
        if until <= since:
            self.error.setText("“To” must be after “From”.")
            return
        if not self.path.text().strip():
            self.error.setText("Choose a file to write.")
            return
        self.accept()
