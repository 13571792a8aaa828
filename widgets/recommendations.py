"""Recommended units for the selected incident, best first, each with its reason in words.

Enter (or Ctrl+D) assigns the selected recommendation; the button names the unit and the
incident ("Assign YR14 → LDN-20261123-0003"). Each incident's list starts at the top; an
incident closed while shown stays named, as closed, and nothing can be sent to it.
Supervisors may also see units committed to other incidents (a reallocation, which asks for
a reason); units at Immediate incidents are offered only when the supervisor insists.

Signals:
    command_requested(command): assign or reallocate, ready to send.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console import commands
from console.allocation import AllocationConfig, Recommendation, UnitIndex, recommend
from console.store import Change, Store
from widgets.keys import shortcut

REFRESH_MS = 1000  # positions move every second; the ranking need not move faster


class RecommendationPanel(QWidget):
    command_requested = Signal(object)

    def __init__(
        self,
        store: Store,
        config: AllocationConfig,
        supervisor: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._config = config
        self._index = UnitIndex.from_units(store.units.values())
        self.incident_id = ""
        self._read_only = False
        self.recommendations: list[Recommendation] = []
        self.title = QLabel("Select an incident to see the units to send.", self)
        self.title.setWordWrap(True)
        self.table = QTableWidget(0, 3, self)
        self.table.setHorizontalHeaderLabels(["Callsign", "ETA", "Why"])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents
        )
        self.assign_button = QPushButton("Assign (Enter)", self)
        self.assign_button.setToolTip("Send the selected unit to the incident (Enter, Ctrl+D)")
        self.assign_button.clicked.connect(self.assign_selected)
        self.committed = QCheckBox("Include committed units", self)
        self.committed.setToolTip("Supervisors: offer units busy at other incidents")
        self.insist = QCheckBox("…even at Immediate incidents", self)
        self.insist.setToolTip("Supervisors: also offer units at Immediate incidents")
        for box in (self.committed, self.insist):
            box.setVisible(supervisor)
            box.toggled.connect(lambda _: self.refresh())
        row = QHBoxLayout()
        row.addWidget(self.assign_button)
        row.addStretch(1)
        row.addWidget(self.committed)
        row.addWidget(self.insist)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.title)
        layout.addWidget(self.table)
        layout.addLayout(row)
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        shortcut("Ctrl+D", self, self.assign_selected, context)
        # Enter or a double click on a row "activates" it: that is the assignment.
        self.table.activated.connect(lambda _index: self.assign_selected())
        self.table.itemSelectionChanged.connect(self._name_target)
        self.closed_note = ""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        store.reset.connect(self._on_store_reset)
        store.changed.connect(self._on_store_changed)
        store.units_moved.connect(self._on_store_units_moved)

    def set_read_only(self, read_only: bool) -> None:
        """A replay: nothing here may invite an assignment."""
        self._read_only = read_only
        self.assign_button.setEnabled(not read_only)

    def show_incident(self, incident_id: str) -> None:
        if incident_id != self.incident_id:
            self.table.setRowCount(0)  # a new incident's list starts at the top
        self.incident_id = incident_id
        self.closed_note = ""
        self.refresh()

    def _name_target(self) -> None:
        """The button says exactly what Enter will do, to which unit and incident."""
        incident = self._store.incidents.get(self.incident_id)
        row = self.table.currentRow()
        if incident is None or not 0 <= row < len(self.recommendations):
            self.assign_button.setText("Assign (Enter)")
            self.assign_button.setEnabled(False)
            return
        rec = self.recommendations[row]
        verb = "Reallocate" if rec.committed_to else "Assign"
        self.assign_button.setText(f"{verb} {rec.callsign} → {incident.reference} (Enter)")
        self.assign_button.setEnabled(not self._read_only)

    def _on_store_reset(self) -> None:
        self._index = UnitIndex.from_units(self._store.units.values())
        self.refresh()

    def _on_store_changed(self, change: Change) -> None:
        if change.kind == "units":
            units = self._store.units
            self._index.update(units[i] for i in change.upserted if i in units)
        elif change.kind == "calls":
            return  # calls play no part in a ranking
        elif change.kind == "incidents" and self.incident_id in change.removed:
            final = [i for i in change.left if i.id == self.incident_id]
            if final:
                self.closed_note = (
                    f"<b>{final[0].reference}</b> was CLOSED by {change.initiator or 'someone'}:"
                    " nothing can be sent to it. Choose another incident."
                )
            self.refresh()  # at once: the list must not offer a closed incident for a second
            return
        if self.incident_id and not self._timer.isActive():
            self._timer.start()

    def _on_store_units_moved(self, ids: list[str]) -> None:
        self._index.update(self._store.units[i] for i in ids if i in self._store.units)
        if self.incident_id and not self._timer.isActive():
            self._timer.start()

    def refresh(self) -> None:
        incident = self._store.incidents.get(self.incident_id)
        if incident is None:
            self.recommendations = []
            self.table.setRowCount(0)
            self.title.setText(self.closed_note or "Select an incident to see the units to send.")
            self._name_target()
            return
        keep = self._selected_unit_id()
        self.recommendations = recommend(
            incident,
            self._index,
            self._store.assignments.values(),
            self._config,
            incidents=self._store.incidents,
            include_committed=self.committed.isChecked(),
            insist=self.insist.isChecked(),
            now=self._store.now(),
        )
        self.title.setText(
            f"<b>{incident.reference}</b> {incident.opening_classification} "
            f"({incident.grade.value.replace('_', ' ')}): "
            f"{len(self.recommendations)} units can go"
        )
        self.table.setRowCount(len(self.recommendations))
        for row, rec in enumerate(self.recommendations):
            cells = (rec.callsign, f"{rec.eta_s / 60:.0f} min", rec.reason)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, rec.unit_id)
                if rec.committed_to:
                    item.setForeground(Qt.GlobalColor.darkMagenta)
                self.table.setItem(row, column, item)
        rows = [r for r, rec in enumerate(self.recommendations) if rec.unit_id == keep]
        self.table.selectRow(rows[0] if rows else 0)
        self._name_target()

    def _selected_unit_id(self) -> str | None:
        row = self.table.currentRow()
        if 0 <= row < len(self.recommendations):
            return self.recommendations[row].unit_id
        return None

    def assign_selected(self) -> None:
        row = self.table.currentRow()
        incident = self._store.incidents.get(self.incident_id)
        if incident is None or not 0 <= row < len(self.recommendations):
            return
        rec = self.recommendations[row]
        unit = self._store.units.get(rec.unit_id)
        if unit is None:
            return
        if rec.committed_to is None:
            self.command_requested.emit(commands.assign(unit, incident))
            return
        # Not a modal exec(): the live stream keeps flowing while the supervisor types.
        dialog = QInputDialog(self)
        dialog.setWindowTitle("Reallocate a committed unit")
        dialog.setLabelText(
            f"{unit.callsign} is committed to {self._reference(rec.committed_to)}.\n"
            f"Why move it to {incident.reference}? (recorded in the log; required)"
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.textValueSelected.connect(
            lambda reason: self._reallocate(rec.unit_id, incident.id, reason)
        )
        dialog.open()
        self.reason_dialog = dialog

    def _reference(self, incident_id: str) -> str:
        """An incident as operators know it: its reference, never its internal id."""
        incident = self._store.incidents.get(incident_id)
        return incident.reference if incident is not None else "another incident"

    def _reallocate(self, unit_id: str, incident_id: str, reason: str) -> None:
        unit = self._store.units.get(unit_id)
        incident = self._store.incidents.get(incident_id)
        if unit is None or incident is None:
            return
        if not reason.strip():
            self.title.setText("A reallocation needs a reason; nothing was sent.")
            return
        self.command_requested.emit(commands.reallocate(unit, incident, reason.strip()))
