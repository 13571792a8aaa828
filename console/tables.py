"""The console's tables: call queue, incidents, units, and the recent event log."""

from __future__ import annotations

from collections import deque
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from console import acknowledgement, attendance, grades
from console.models import AnyIndex, Column, EntityModel, age, hhmmss
from console.store import Change, Store
from platform_api.contract import (
    AssignmentPublic,
    CallPublic,
    CallState,
    Grade,
    IncidentPublic,
    Line,
    UnitPublic,
    UnitStatus,
)
from platform_api.contract.fold import position_count

ANSWER_TARGET_S = 10  # a 999 call should be answered within 10 seconds

STATUS_RANK = {
    UnitStatus.AVAILABLE: 0,
    UnitStatus.ASSIGNED: 1,
    UnitStatus.AT_SCENE: 2,
    UnitStatus.COMMITTED: 3,
    UnitStatus.REFRESHMENT: 4,
    UnitStatus.UNAVAILABLE: 5,
    UnitStatus.OFF_DUTY: 6,
}
STATUS_LABEL = {
    UnitStatus.AVAILABLE: "Available",
    UnitStatus.ASSIGNED: "Assigned / en route",
    UnitStatus.AT_SCENE: "At scene",
    UnitStatus.COMMITTED: "Committed",
    UnitStatus.REFRESHMENT: "Refreshment",
    UnitStatus.UNAVAILABLE: "Unavailable",
    UnitStatus.OFF_DUTY: "Off duty",
}


def wait_s(call: CallPublic, now: datetime) -> float:
    return max(0.0, (now - call.received_at).total_seconds())


def call_priority(call: CallPublic) -> float:
    """Queued before answered, 999 before 101, then longest wait first (ascending sort).

    A number, not a tuple: Qt's proxy model can only compare plain values.
    """
    group = (0 if call.state == CallState.QUEUED else 2) + (0 if call.line == Line.EMERGENCY else 1)
    return group * 1e10 + call.received_at.timestamp()  # earlier received = waited longer


def breaching(call: CallPublic, now: datetime) -> bool:
    return (
        call.state == CallState.QUEUED
        and call.line == Line.EMERGENCY
        and wait_s(call, now) > ANSWER_TARGET_S
    )


def _aml(call: CallPublic) -> str:
    loc = call.handset_location
    return "" if loc is None else f"{loc.lat:.5f}, {loc.lon:.5f} ±{loc.accuracy_m:.0f} m"


class CallQueueModel(EntityModel):
    WAIT_COLUMN = 2

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        columns = [
            Column("Line", lambda c: c.line.value, call_priority),
            Column(
                "State",
                lambda c: (
                    c.state.value.capitalize() + (f" by {c.answered_by}" if c.answered_by else "")
                ),
            ),
            Column(
                "Wait",
                lambda c: age(c.received_at, store.now()),
                lambda c: -wait_s(c, store.now()),
            ),
            Column(
                "Caller",
                lambda c: c.caller_number + (f" ({c.caller_name})" if c.caller_name else ""),
            ),
            Column("Handset location", _aml),
        ]
        super().__init__(store, "calls", columns, parent)

    def extra_data(self, entity: Any, column: int, role: int) -> Any:
        late = breaching(entity, self._store.now())
        if role == Qt.ItemDataRole.BackgroundRole and late:
            return QBrush(QColor("#b3261e"))
        if role == Qt.ItemDataRole.ForegroundRole and late:
            return QBrush(QColor("#ffffff"))
        if role == Qt.ItemDataRole.FontRole and entity.line == Line.EMERGENCY:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and late:
            return f"999 waiting over {ANSWER_TARGET_S} s: answer target breached"
        return None


class IncidentModel(EntityModel):
    UNITS_COLUMN = 6
    # Refreshed by the clock: age, time left, and units (a dispatch turns unacknowledged).
    AGE_COLUMNS = (4, 5, UNITS_COLUMN)

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        self._store_ref = store
        columns = [
            Column("Reference", lambda i: i.reference),
            Column("Grade", lambda i: grades.LABEL[i.grade], lambda i: grades.RANK[i.grade]),
            Column("Classification", lambda i: i.opening_classification),
            Column("Borough", lambda i: i.location.borough or "outside force area"),
            Column("Age", lambda i: age(i.created_at, store.now()), lambda i: i.created_at),
            Column(
                "Target left",
                lambda i: attendance.target_text(store, i, store.now()),
                lambda i: i.target_at or datetime.max.replace(tzinfo=UTC),
            ),
            Column("Units", self._units_on),
        ]
        super().__init__(store, "incidents", columns, parent)
        store.changed.connect(self._on_store_assignments_changed)

    def _units_on(self, incident: IncidentPublic) -> str:
        store = self._store_ref
        now = store.now()
        callsigns = [
            store.units[a.unit_id].callsign
            + (f" ({acknowledgement.FLAG})" if a.unacknowledged_at(now) else "")
            for a in store.assignments.values()
            if a.incident_id == incident.id and a.unit_id in store.units
        ]
        if callsigns:
            return ", ".join(sorted(callsigns))
        return "none" if incident.grade == Grade.RESOLVED_WITHOUT_DEPLOYMENT else "NEEDS A UNIT"

    def _on_store_assignments_changed(self, change: Change) -> None:
        if change.kind == "assignments" and self.rowCount():
            self.refresh_column(len(self._columns) - 1)

    def extra_data(self, entity: Any, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and column == 5:
            left = attendance.awaiting_left_s(self._store_ref, entity, self._store_ref.now())
            if left is not None and left < 0:
                return QBrush(QColor("#e5484d"))
            if left is not None and left < 300:
                return QBrush(QColor("#f5a524"))
        if role == Qt.ItemDataRole.DecorationRole and column == 1:
            return QColor(GRADE_COLOUR[entity.grade])
        if column == self.UNITS_COLUMN and role in (
            Qt.ItemDataRole.ForegroundRole,
            Qt.ItemDataRole.FontRole,
        ):
            units = self._units_on(entity)
            if units != "NEEDS A UNIT" and acknowledgement.FLAG not in units:
                return None
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor("#e5484d"))
            font = QFont()
            font.setBold(True)
            return font
        if (
            column == self.UNITS_COLUMN
            and role == Qt.ItemDataRole.ToolTipRole
            and acknowledgement.FLAG in self._units_on(entity)
        ):
            return "A unit has not acknowledged its dispatch: call it on the radio"
        return None


# The map's colour-blind-safe palette (Okabe-Ito; resources/map/glyphs.js): a grade or a
# status has one colour everywhere on the screen.
GRADE_COLOUR = {
    Grade.IMMEDIATE: "#D55E00",
    Grade.PRIORITY: "#F0E442",
    Grade.SCHEDULED: "#56B4E9",
    Grade.RESOLVED_WITHOUT_DEPLOYMENT: "#8b8d98",
}
STATUS_COLOUR = {
    UnitStatus.AVAILABLE: "#009E73",
    UnitStatus.ASSIGNED: "#0072B2",
    UnitStatus.AT_SCENE: "#CC79A7",
    UnitStatus.COMMITTED: "#7F7F7F",
    UnitStatus.REFRESHMENT: "#E69F00",
    UnitStatus.UNAVAILABLE: "#c4c4c4",
    UnitStatus.OFF_DUTY: "#e8e8e8",
}


STALE_POSITION_S = 120  # no fix for two minutes: the unit may not be where it shows


def position_age_s(unit: UnitPublic, now: datetime) -> float | None:
    if unit.position is None:
        return None
    return max(0.0, (now - unit.position.at).total_seconds())


def _last_fix(unit: UnitPublic, now: datetime) -> str:
    seconds = position_age_s(unit, now)
    if seconds is None:
        return "no fix"
    return age(unit.position.at if unit.position else None, now) + (
        " STALE" if seconds > STALE_POSITION_S else ""
    )


def capabilities_text(unit: UnitPublic) -> str:
    """What the unit can do (the vehicle's capabilities and its crew's skills), then the
    crew's collar numbers: a narrow column cuts the end, and the skills are what a
    dispatcher chooses by."""
    text = ", ".join(sorted(unit.all_capabilities()))
    if unit.crew:
        crew = "/".join(m.collar for m in unit.crew)
        text += f"{'; ' if text else ''}crew {crew}"
    return text


class UnitModel(EntityModel):
    STATUS_COLUMN = 3
    LAST_FIX_COLUMN = 7
    # Change with time: status (a dispatch turns unacknowledged), in status, last fix.
    TIME_COLUMNS = (STATUS_COLUMN, 6, LAST_FIX_COLUMN)

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        self._store_ref = store
        columns = [
            Column("Callsign", lambda u: u.callsign),
            Column("Type", lambda u: u.type.value.replace("_", " ")),
            Column("Capabilities", capabilities_text),
            Column("Status", self._status_of, lambda u: STATUS_RANK[u.status]),
            Column("Borough", lambda u: u.borough or ""),
            Column("Incident", self._incident_of),
            Column(
                "In status", lambda u: age(u.status_since, store.now()), lambda u: u.status_since
            ),
            Column(
                "Last fix",
                lambda u: _last_fix(u, store.now()),
                lambda u: -(position_age_s(u, store.now()) or 1e9),
            ),
        ]
        # Each unit's live assignment, rebuilt when the Store has moved on (keyed by its
        # seq, so the order in which slots see a reset or a change does not matter).
        self._assignment_of: dict[str, AssignmentPublic] = {}
        self._assignment_seq = -1
        super().__init__(store, "units", columns, parent)
        store.units_moved.connect(self._on_store_units_moved)
        store.changed.connect(self._on_store_assignments_changed)

    def _on_store_assignments_changed(self, change: Change) -> None:
        if change.kind == "assignments" and self.rowCount():
            self.refresh_column(self.STATUS_COLUMN)

    def _unacknowledged(self, unit: UnitPublic) -> bool:
        store = self._store_ref
        if self._assignment_seq != store.seq:
            self._assignment_of = acknowledgement.unit_assignments(store)
            self._assignment_seq = store.seq
        a = self._assignment_of.get(unit.id)
        return a is not None and a.unacknowledged_at(store.now())

    def _status_of(self, unit: UnitPublic) -> str:
        label = STATUS_LABEL[unit.status]
        if unit.status_until is not None and unit.status == UnitStatus.REFRESHMENT:
            label += f" until {unit.status_until.astimezone():%H:%M}"
        return f"{label} · {acknowledgement.FLAG}" if self._unacknowledged(unit) else label

    def _incident_of(self, unit: UnitPublic) -> str:
        if unit.incident_id is None:
            return ""
        incident = self._store_ref.incidents.get(unit.incident_id)
        if incident is None:
            return "(closed)"
        # a unit working the other force's incident: flagged in both forces' rooms
        crossing = unit.force is not None and incident.force not in (None, unit.force)
        return f"{incident.reference} ⇄ across the border" if crossing else incident.reference

    def _on_store_units_moved(self, ids: list[str]) -> None:
        rows = [r for r in (self.row_of(i) for i in ids) if r is not None]
        if rows:
            # One signal for the span is far cheaper than one per unit at 2,000 units/s.
            top, bottom = min(rows), max(rows)
            column = self.LAST_FIX_COLUMN
            self.dataChanged.emit(
                self.index(top, column), self.index(bottom, column), [Qt.ItemDataRole.DisplayRole]
            )

    def extra_data(self, entity: Any, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DecorationRole and column == self.STATUS_COLUMN:
            return QColor(STATUS_COLOUR[entity.status])
        if column == self.STATUS_COLUMN and self._unacknowledged(entity):
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor("#e5484d"))
            if role == Qt.ItemDataRole.ToolTipRole:
                return "Dispatched but not acknowledged by the unit's device in time"
        age_s = position_age_s(entity, self._store.now())
        stale = (age_s or 0) > STALE_POSITION_S or entity.position is None
        if column == self.LAST_FIX_COLUMN and stale:
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor("#e5484d"))
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"No position for over {STALE_POSITION_S // 60} min: it may be elsewhere"
        return None


class EventLogModel(QAbstractTableModel):
    """The most recent events, newest at the bottom; older ones drop off the top."""

    HEADERS = ("Seq", "Time", "Actor", "Type", "About")

    def __init__(self, store: Store, capacity: int = 500, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: deque[tuple[str, str, str, str, str]] = deque()
        self._capacity = capacity
        self._store = store
        store.event_applied.connect(self._on_store_event_applied)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section] if 0 <= section < len(self.HEADERS) else None
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or not index.isValid():
            return None
        if 0 <= index.row() < len(self._rows) and 0 <= index.column() < len(self.HEADERS):
            return self._rows[index.row()][index.column()]
        return None

    def _about(self, event: dict[str, Any]) -> str:
        payload = event.get("payload", {})
        if event["type"] == "unit.positions":
            return f"{position_count(payload)} unit positions"
        changes = payload.get("changes", {})
        for incident in changes.get("incidents", []):
            return f"{incident['reference']} {incident['opening_classification']}"
        for unit in changes.get("units", []):
            return str(unit["callsign"])
        for call in changes.get("calls", []):
            return f"{call['line']} call from {call['caller_number']}"
        return ""

    def _on_store_event_applied(self, event: dict[str, Any]) -> None:
        ts = datetime.fromisoformat(event["ts"])
        row = (
            str(event["seq"]),
            hhmmss(ts, self._store.zone),
            event["actor"],
            event["type"],
            self._about(event),
        )
        if len(self._rows) >= self._capacity:
            self.beginRemoveRows(QModelIndex(), 0, 0)
            self._rows.popleft()
            self.endRemoveRows()
        n = len(self._rows)
        self.beginInsertRows(QModelIndex(), n, n)
        self._rows.append(row)
        self.endInsertRows()
