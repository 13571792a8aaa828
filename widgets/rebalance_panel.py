"""A rebalance proposal for the supervisor to accept or reject line by line.

The proposal (computed off the GUI thread) sends free units to incidents still waiting for
one, weighted by grade. Nothing is sent until the supervisor accepts a line (A); R drops it.

Signals:
    accepted(proposal): the supervisor accepted one line.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.allocation import Proposal
from widgets.keys import shortcut


class RebalancePanel(QDialog):
    accepted_line = Signal(object)

    def __init__(self, proposals: list[Proposal], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Rebalance proposal")
        self.resize(760, 420)
        self.proposals = list(proposals)
        self.summary = QLabel(self)
        self.table = QTableWidget(0, 4, self)
        self.table.setHorizontalHeaderLabels(["Incident", "Unit", "ETA", "Why"])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        accept = QPushButton("Accept line (A)", self)
        accept.setToolTip("Send this unit to this incident (A)")
        accept.clicked.connect(self.accept_current)
        reject = QPushButton("Reject line (R)", self)
        reject.setToolTip("Drop this line; nothing is sent (R)")
        reject.clicked.connect(self.reject_current)
        close = QPushButton("Close", self)
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        for button in (accept, reject):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        context = Qt.ShortcutContext.WindowShortcut
        shortcut("A", self, self.accept_current, context)
        shortcut("R", self, self.reject_current, context)
        self._fill()

    def _fill(self) -> None:
        self.table.setRowCount(len(self.proposals))
        for row, p in enumerate(self.proposals):
            cells = (p.incident_reference, p.callsign, f"{p.eta_s / 60:.0f} min", p.reason)
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.summary.setText(
            f"<b>{len(self.proposals)} units to send</b> to incidents waiting for one "
            "(Immediate first). Accept or reject each line."
            if self.proposals
            else "Nothing to propose: no waiting incident a free unit can take."
        )
        if self.proposals:
            self.table.selectRow(0)

    def _take_current(self) -> Proposal | None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.proposals):
            return None
        proposal = self.proposals.pop(row)
        self._fill()
        self.table.selectRow(min(row, len(self.proposals) - 1))
        return proposal

    def accept_current(self) -> None:
        proposal = self._take_current()
        if proposal is not None:
            self.accepted_line.emit(proposal)

    def reject_current(self) -> None:
        self._take_current()
