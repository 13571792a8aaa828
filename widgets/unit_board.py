"""The unit board: every unit, grouped by status or borough, its status changed from the keys.

F5 available, F6 committed, F7 unavailable, F8 stand down from its incident: each is a
command to the platform (recorded there as an event), sent at once so a refusal (the unit
moved on meanwhile) is seen straight away.

Signals:
    command_requested(command): the operator asked for a status change of the selected unit.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QWidget,
)

from console import commands, grades
from console.models import ID_ROLE
from console.store import Store
from console.tables import STATUS_LABEL, STATUS_RANK, UnitModel
from platform_api.contract import UnitPublic, UnitStatus
from widgets.keys import shortcut
from widgets.table_panel import TablePanel

BOROUGH_COLUMN = 4
STATUS_KEYS = (
    ("F5", UnitStatus.AVAILABLE),
    ("F6", UnitStatus.COMMITTED),
    ("F7", UnitStatus.UNAVAILABLE),
)


KEYS_TEXT = "F5 available · F6 committed · F7 unavailable · F8 stand down"


class UnitBoard(TablePanel):
    command_requested = Signal(object)

    def reveal(self, unit_id: str) -> bool:
        """Clear the search, then select the unit's row."""
        self.search.clear()
        return self.select_id(unit_id)

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(
            UnitModel(store), "Search units (callsign, type, capability, borough)…", 3, parent
        )
        self.model.setParent(self)
        self._store = store
        status_filter = self.add_value_filter(UnitModel.STATUS_COLUMN)
        self.statuses = QComboBox(self)
        self.statuses.addItem("All statuses", None)
        for status, label in STATUS_LABEL.items():
            self.statuses.addItem(label, STATUS_RANK[status])
        self.statuses.setToolTip("Show units of one status only")
        self.statuses.currentIndexChanged.connect(
            lambda _: status_filter.set_value(self.statuses.currentData())
        )
        self.group = QComboBox(self)
        self.group.addItem("Group by status", UnitModel.STATUS_COLUMN)
        self.group.addItem("Group by borough", BOROUGH_COLUMN)
        self.group.setToolTip("Order the board by status or by borough")
        self.group.currentIndexChanged.connect(self._on_group_current_index_changed)
        self.read_only = False
        keys = QLabel(KEYS_TEXT, self)
        keys.setStyleSheet("color: #8b8d98")
        self.keys = keys
        row = QHBoxLayout()
        self.box.removeWidget(self.search)
        row.addWidget(self.search, 1)
        row.addWidget(self.statuses)
        row.addWidget(self.group)
        self.box.insertLayout(0, row)
        self.box.addWidget(keys)
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for key, status in STATUS_KEYS:
            shortcut(key, self, partial(self.request_status, status), context)
        shortcut("F8", self, self.request_stand_down, context)

    def set_read_only(self, read_only: bool) -> None:
        """A role that may not dispatch: the F5-F8 keys do nothing and say so."""
        self.read_only = read_only
        self.keys.setText("Status keys are for dispatchers" if read_only else KEYS_TEXT)

    def selected_unit(self) -> UnitPublic | None:
        index = self.view.currentIndex()
        unit_id = index.data(ID_ROLE) if index.isValid() else None
        return self._store.units.get(str(unit_id)) if unit_id else None

    def request_status(self, status: UnitStatus) -> None:
        if self.read_only:
            return
        unit = self.selected_unit()
        if unit is not None and unit.status != status:
            self.command_requested.emit(commands.set_status(unit, status))

    def request_stand_down(self) -> None:
        """F8: always a question that names the unit and the incident ("Stand YR14 down from
        LDN-20261123-0003"), on the button too; from an Immediate or Priority incident it
        also asks why (required; it goes in the incident's log). Never a modal exec(): the
        live stream keeps flowing while the dispatcher decides."""
        if self.read_only:
            return
        unit = self.selected_unit()
        if unit is None or unit.incident_id is None:
            return
        incident = self._store.incidents.get(unit.incident_id)
        if incident is None:
            return  # the incident has just closed: nothing to stand down from
        target = f"Stand {unit.callsign} down from {incident.reference}"
        grade = grades.WORD[incident.grade]
        what = f"({grade}, {incident.opening_classification})"
        if incident.grade not in grades.REASON_NEEDED_FROM:
            box = QMessageBox(
                QMessageBox.Icon.Question,
                target,
                f"Stand <b>{unit.callsign}</b> down from <b>{incident.reference}</b> {what}?",
                QMessageBox.StandardButton.NoButton,
                self,
            )
            go = box.addButton(target, QMessageBox.ButtonRole.AcceptRole)
            keep = box.addButton(f"Keep {unit.callsign} on it", QMessageBox.ButtonRole.RejectRole)
            box.setDefaultButton(keep)  # Enter twice must not take a unit off a job
            box.setEscapeButton(keep)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.buttonClicked.connect(
                lambda button: (
                    self._stand_down(unit.id, incident.id, "stood down by dispatcher")
                    if button is go
                    else None
                )
            )
            box.open()
            self.stand_down_question: QMessageBox | QInputDialog = box
            return
        dialog = QInputDialog(self)
        dialog.setWindowTitle(target)
        dialog.setLabelText(f"{target} {what}?\nWhy? (required; it goes in the incident's log)")
        dialog.setOkButtonText(target)
        dialog.setCancelButtonText(f"Keep {unit.callsign} on it")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.textValueSelected.connect(
            lambda reason: self._stand_down(unit.id, incident.id, reason)
        )
        dialog.open()
        self.reason_dialog = dialog
        self.stand_down_question = dialog

    def _stand_down(self, unit_id: str, incident_id: str, reason: str) -> None:
        unit = self._store.units.get(unit_id)
        incident = self._store.incidents.get(incident_id)
        if unit is None or unit.incident_id != incident_id or not reason.strip():
            return  # moved on meanwhile, or no reason given: nothing is sent
        self.command_requested.emit(commands.stand_down(unit, reason.strip(), incident))

    def _on_group_current_index_changed(self, _index: int) -> None:
        self.view.sortByColumn(int(self.group.currentData()), Qt.SortOrder.AscendingOrder)
