"""Recommended units for the selected incident, best first, each with its reason in words.

Above the list, the incident's response plan and how far it is met ("2 of 3 slots filled:
ARV, response car; needs: ARV"); "Send plan" (Ctrl+Shift+D) sends the proposed set that
fills it in one action, and "Send backup" one more general unit to a resourced incident.
Each reason reads as a dispatcher says it: "2.1 km by road, about 4 min, response car,
available; crew: advanced driver; plan slot 2 of 2 (any unit)".

With a road router (`set_router`: a road graph loaded at start, or a site's OSRM server)
the list is re-ranked by road time as soon as the router answers; the straight-line
ranking shows meanwhile, and the router's attribution is shown under the list.

Enter (or Ctrl+D) assigns the selected recommendation; the button names the unit and the
incident ("Assign YR14 → LDN-20261123-0003"). Each incident's list starts at the top; an
incident closed while shown stays named, as closed, and nothing can be sent to it.
Supervisors may also see units committed to other incidents (a reallocation, which asks for
a reason); units at Immediate incidents are offered only when the supervisor insists.

Signals:
    command_requested(command): assign or reallocate, ready to send.
"""

from __future__ import annotations

from dataclasses import replace
from html import escape
from types import MappingProxyType

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
from console.allocation import (
    AllocationConfig,
    Recommendation,
    UnitIndex,
    recommend,
    recommend_routed,
)
from console.allocation.plan_fill import PlanCoverage, backup, plan_proposal
from console.routing import Router
from console.store import Change, Store
from console.tasks import spawn
from platform_api.contract import UnitPublic
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
        self._read_only = False
        self.router: Router | None = None
        self._asked = 0  # the latest routed ranking asked for; older answers are dropped
        self.incident_id = ""
        self._read_only = False
        self.recommendations: list[Recommendation] = []
        self.coverage: PlanCoverage | None = None
        self.plan = QLabel("", self)
        self.plan.setWordWrap(True)
        self.plan.setAccessibleName("Response plan coverage")
        self.send_plan_button = QPushButton("Send plan (Ctrl+Shift+D)", self)
        self.send_plan_button.setToolTip("Send every proposed unit that fills the plan")
        self.send_plan_button.clicked.connect(self.send_plan)
        self.backup_button = QPushButton("Send backup", self)
        self.backup_button.setToolTip("Send the best general unit not already there")
        self.backup_button.clicked.connect(self.send_backup)
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
        # The Assign button names its target ("Assign KD14 → LDN-20261123-0008 (Enter)"):
        # on one line with the others it made the dock, and so the window, wider than a
        # 1280 px screen as soon as an incident was chosen (seen in X). A line of its own.
        row = QHBoxLayout()
        row.addWidget(self.send_plan_button)
        row.addWidget(self.backup_button)
        row.addStretch(1)
        # The supervisor's options on a line of their own: on the buttons' line they made
        # the dock, and so the window, wider than a 1280 px screen.
        options = QHBoxLayout()
        options.addWidget(self.committed)
        options.addWidget(self.insist)
        options.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.title)
        layout.addWidget(self.plan)
        layout.addWidget(self.table)
        layout.addWidget(self.assign_button)
        layout.addLayout(row)
        layout.addLayout(options)
        self.attribution = QLabel("", self)
        self.attribution.setStyleSheet("color: #8b8d98")
        self.attribution.setVisible(False)
        layout.addWidget(self.attribution)
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        shortcut("Ctrl+D", self, self.assign_selected, context)
        shortcut("Ctrl+Shift+D", self, self.send_plan, context)
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
        for button in (self.assign_button, self.send_plan_button, self.backup_button):
            button.setEnabled(not read_only)

    def set_router(self, router: Router) -> None:
        """Rank by road from now on (the router is ready: a graph is loaded)."""
        self.router = router
        credit = getattr(router, "attribution", None)
        self.attribution.setText(f"ETA: {router.name}" + (f" · {credit}" if credit else ""))
        self.attribution.setVisible(True)
        self.refresh()

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
            self.coverage = None
            self.plan.setText("")
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
        on_incident = self._units_on(incident.id)
        self.coverage = plan_proposal(
            incident,
            self._index,
            self._store.assignments.values(),
            self._config,
            on_incident,
            now=self._store.now(),
        )
        proposed = [s.callsign for s in self.coverage.proposed if s.callsign]
        self.plan.setText(
            f"<b>Plan</b> ({escape(self.coverage.plan.name)}): {escape(self.coverage.summary())}"
            + (f"<br>Proposed: {escape(', '.join(proposed))}" if proposed else "")
        )
        self.send_plan_button.setEnabled(bool(proposed) and not self._read_only)
        self.backup_button.setEnabled(bool(on_incident) and not self._read_only)
        self._show(incident.id, keep)
        if self.router is not None:
            self._asked += 1
            spawn(self._route(incident.id, self._asked))

    async def _route(self, incident_id: str, asked: int) -> None:
        incident = self._store.incidents.get(incident_id)
        if incident is None or self.router is None:
            return
        ranked = await recommend_routed(
            incident,
            self._index,
            self._store.assignments.values(),
            self._config,
            self.router,
            incidents=self._store.incidents,
            include_committed=self.committed.isChecked(),
            insist=self.insist.isChecked(),
            now=self._store.now(),
        )
        if asked != self._asked or incident_id != self.incident_id:
            return  # the operator has moved on, or a newer ranking is coming
        keep = self._selected_unit_id()
        self.recommendations = ranked
        self._show(incident_id, keep)

    def _show(self, incident_id: str, keep: str | None) -> None:
        incident = self._store.incidents[incident_id]
        self.title.setText(
            f"<b>{incident.reference}</b> {incident.opening_classification} "
            f"({incident.grade.value.replace('_', ' ')}): "
            f"{len(self.recommendations)} units can go"
        )
        self.table.setRowCount(len(self.recommendations))
        for row, rec in enumerate(self.recommendations):
            cells = (rec.callsign, f"{rec.eta_s / 60:.0f} min", self.reason_for(rec))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, rec.unit_id)
                if rec.committed_to:
                    item.setForeground(Qt.GlobalColor.darkMagenta)
                self.table.setItem(row, column, item)
        rows = [r for r, rec in enumerate(self.recommendations) if rec.unit_id == keep]
        self.table.selectRow(rows[0] if rows else 0)
        self._name_target()

    def reason_for(self, rec: Recommendation) -> str:
        """The ranking's reason, then the crew's skills and the unit's seat in the plan."""
        words = [rec.reason]
        unit = self._store.units.get(rec.unit_id)
        if unit is not None and unit.crew:
            skills = sorted(unit.all_capabilities() - set(unit.capabilities))
            if skills:
                words.append("crew: " + ", ".join(skills))
        slot = self.coverage.slot_words(rec.unit_id) if self.coverage else None
        if slot:
            words.append(slot)
        return "; ".join(words)

    def _units_on(self, incident_id: str) -> list[UnitPublic]:
        units = self._store.units
        return [
            units[a.unit_id]
            for a in self._store.assignments.values()
            if a.incident_id == incident_id and a.unit_id in units
        ]

    def send_plan(self) -> None:
        """Assign every unit the plan proposal seats, in one action."""
        incident = self._store.incidents.get(self.incident_id)
        if incident is None or self.coverage is None or self._read_only:
            return
        for seat in self.coverage.proposed:
            unit = self._store.units.get(seat.unit_id or "")
            if unit is not None:
                self.command_requested.emit(commands.assign(unit, incident))

    def send_backup(self) -> None:
        """One more general unit to an incident that already has units."""
        incident = self._store.incidents.get(self.incident_id)
        if incident is None or self._read_only:
            return
        on = {u.id for u in self._units_on(incident.id)}
        # Any general unit will do, whatever the classification requires of the first ones.
        open_config = replace(self._config, required_capabilities=MappingProxyType({}))
        ranked = recommend(
            incident,
            self._index,
            self._store.assignments.values(),
            open_config,
            limit=None,
            now=self._store.now(),
        )
        pick = backup(ranked, self._config.plans, exclude=on)
        unit = self._store.units.get(pick.unit_id) if pick else None
        if unit is not None:
            self.command_requested.emit(commands.assign(unit, incident))

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
