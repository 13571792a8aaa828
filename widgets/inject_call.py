"""The trainer injects a scripted call into a training sandbox (never into a live platform).

A small form: line, caller number and name, and where the handset is (prefilled with the
selected incident's place, so "a second caller at the same crash" is two keystrokes).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLineEdit,
    QWidget,
)


class InjectCallDialog(QDialog):
    def __init__(self, lat: float, lon: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Inject a call (training)")
        self.line = QComboBox(self)
        self.line.addItems(["999", "101"])
        self.number = QLineEdit("07700 900555", self)
        self.name = QLineEdit(self)
        self.name.setPlaceholderText("Caller's name (optional)")
        self.lat = QDoubleSpinBox(self)
        self.lon = QDoubleSpinBox(self)
        for box, value, low, high in ((self.lat, lat, -90, 90), (self.lon, lon, -180, 180)):
            box.setDecimals(5)
            box.setRange(low, high)
            box.setValue(value)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Line", self.line)
        form.addRow("Caller number", self.number)
        form.addRow("Caller name", self.name)
        form.addRow("Handset latitude", self.lat)
        form.addRow("Handset longitude", self.lon)
        form.addRow(buttons)
