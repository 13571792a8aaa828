"""What the map shows, as small records, and the diffs that keep the page up to date.

The Store says which entities changed (signals `reset`, `changed`, `units_moved`); the
feed marks them dirty and, at most every `interval_ms`, turns them into one diff:

    {"upsert": {kind: {id: record-or-changed-fields}}, "remove": {kind: [id, ...]}}

It remembers what it last sent per id and sends only the fields that differ, so a unit
that moved costs `{"lat": .., "lon": ..}`. Kinds on the page: units, incidents, calls
(handset locations still waiting for an incident), links (active assignments), heat
(incidents of the last 24 hours, kept after they close) and warnings (warning markers:
a circle of the marker's radius).

A scope (`set_scope`) hides rows the console's boards hide: in a room two forces share, the
neighbour's incidents, units and warnings until the operator asks for both forces
(widgets/forces_view.py). Changing it resends what differs, as any change does.

Signals:
    diff_ready(diff): a non-empty diff to send to the page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from console.store import Change, Store
from console.warnings import describe
from platform_api.contract import (
    AssignmentPublic,
    CallPublic,
    CallState,
    IncidentPublic,
    MarkerPublic,
    UnitPublic,
)

PAGE_KINDS = ("units", "incidents", "calls", "links", "heat", "warnings")
# Store kind -> page kinds its changes can touch.
_FROM_STORE = {
    "units": ("units",),
    "incidents": ("incidents", "heat"),
    "calls": ("calls",),
    "assignments": ("links",),
    "markers": ("warnings",),
}
# Page kind -> the Store kind a scope is asked about (calls and links are never hidden: the
# page draws a link only while both its ends are on it).
_SCOPED = {"units": "units", "incidents": "incidents", "heat": "incidents", "warnings": "markers"}
HEAT_WINDOW_S = 24 * 3600
Scope = Callable[[str, str], bool]  # (Store kind, id) -> shown
Record = Any  # dict of fields, or a list for heat points


def _coord(value: float) -> float:
    return round(value, 6)  # ~0.1 m; shorter JSON, and no diff for float noise


def unit_record(unit: UnitPublic) -> Record:
    if unit.position is None:
        return None
    return {
        "lat": _coord(unit.position.lat),
        "lon": _coord(unit.position.lon),
        "st": unit.status.value,
        "ty": unit.type.value,
        "cs": unit.callsign,
    }


def incident_record(incident: IncidentPublic) -> Record:
    return {
        "lat": _coord(incident.location.lat),
        "lon": _coord(incident.location.lon),
        "g": incident.grade.value,
        "ref": incident.reference,
        "cls": incident.opening_classification,
        "addr": incident.location.address or incident.location.borough or "",
    }


def call_record(call: CallPublic) -> Record:
    """A handset location while the call waits or is being taken, until it has an incident."""
    fix = call.handset_location
    waiting = call.state == CallState.QUEUED or (
        call.state == CallState.ANSWERED and call.incident_id is None
    )
    if fix is None or not waiting:
        return None
    return {
        "lat": _coord(fix.lat),
        "lon": _coord(fix.lon),
        "acc": round(fix.accuracy_m, 1),
        "line": call.line.value,
        "st": call.state.value,
    }


def link_record(assignment: AssignmentPublic) -> Record:
    return {"u": assignment.unit_id, "i": assignment.incident_id}


def warning_record(marker: MarkerPublic) -> Record:
    return {
        "lat": _coord(marker.location.lat),
        "lon": _coord(marker.location.lon),
        "r": marker.radius_m,
        "txt": describe(marker),
    }


class MapFeed(QObject):
    diff_ready = Signal(dict)

    def __init__(self, store: Store, interval_ms: int = 250, parent: QObject | None = None):
        super().__init__(parent)
        self._store = store
        self._active = False
        self._dirty: dict[str, set[str]] = {kind: set() for kind in PAGE_KINDS}
        self._sent: dict[str, dict[str, Record]] = {kind: {} for kind in PAGE_KINDS}
        self._heat: dict[str, list[float]] = {}
        self._scope: Scope | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.flush)
        store.reset.connect(self._on_store_reset)
        store.changed.connect(self._on_store_changed)
        store.units_moved.connect(self._on_store_units_moved)

    def start(self) -> None:
        """The page is (again) empty and ready: send everything now."""
        self._active = True
        self._sent = {kind: {} for kind in PAGE_KINDS}
        self._on_store_reset()
        self._timer.stop()
        self.flush()

    def stop(self) -> None:
        self._active = False
        self._timer.stop()

    def set_scope(self, scope: Scope | None) -> None:
        """Show only the rows `scope` keeps (None: every row), from the next flush on."""
        self._scope = scope
        self._on_store_reset()
        self._mark("heat", list(self._heat))  # closed incidents' points, out of the Store

    # ------------------------------------------------------------ store signals

    def _on_store_reset(self) -> None:
        for kind in ("units", "incidents", "calls", "assignments", "markers"):
            ids = list(self._store.table(kind))
            for page_kind in _FROM_STORE[kind]:
                self._mark(page_kind, ids)
                self._mark(page_kind, list(self._sent[page_kind]))

    def _on_store_changed(self, change: Change) -> None:
        for page_kind in _FROM_STORE.get(change.kind, ()):
            self._mark(page_kind, list(change.upserted))
            if page_kind != "heat":  # a closed incident still counts for the last 24 h
                self._mark(page_kind, list(change.removed))

    def _on_store_units_moved(self, ids: list[str]) -> None:
        self._mark("units", ids)

    def _mark(self, kind: str, ids: list[str]) -> None:
        if not ids:
            return
        self._dirty[kind].update(ids)
        if self._active and not self._timer.isActive():
            self._timer.start()

    # ------------------------------------------------------------ building the diff

    def _record(self, kind: str, entity_id: str) -> Record:
        scoped = _SCOPED.get(kind)
        if self._scope is not None and scoped and not self._scope(scoped, entity_id):
            return None
        store = self._store
        if kind == "units":
            unit = store.units.get(entity_id)
            return None if unit is None else unit_record(unit)
        if kind == "incidents":
            incident = store.incidents.get(entity_id)
            return None if incident is None else incident_record(incident)
        if kind == "calls":
            call = store.calls.get(entity_id)
            return None if call is None else call_record(call)
        if kind == "links":
            assignment = store.assignments.get(entity_id)
            return None if assignment is None else link_record(assignment)
        if kind == "warnings":
            marker = store.markers.get(entity_id)
            return None if marker is None else warning_record(marker)
        return self._heat_record(entity_id)

    def _heat_record(self, incident_id: str) -> Record:
        incident = self._store.incidents.get(incident_id)
        if incident is not None and incident_id not in self._heat:
            self._heat[incident_id] = [
                _coord(incident.location.lat),
                _coord(incident.location.lon),
                int(incident.created_at.timestamp() * 1000),
            ]
        point = self._heat.get(incident_id)
        # The Store's clock: a replayed shift's heat is its own last hours, not today's.
        now_s = self._store.now().timestamp()
        if point is not None and point[2] < (now_s - HEAT_WINDOW_S) * 1000:
            del self._heat[incident_id]
            return None
        return point

    def flush(self) -> None:
        """Send what changed since the last flush (nothing while inactive)."""
        if not self._active:
            return
        if self._sent["heat"]:
            self._dirty["heat"].update(self._sent["heat"])  # let old points expire
        upsert: dict[str, dict[str, Record]] = {}
        remove: dict[str, list[str]] = {}
        for kind in PAGE_KINDS:
            dirty, self._dirty[kind] = self._dirty[kind], set()
            sent = self._sent[kind]
            for entity_id in dirty:
                record = self._record(kind, entity_id)
                last = sent.get(entity_id)
                if record is None:
                    if last is not None:
                        remove.setdefault(kind, []).append(entity_id)
                        del sent[entity_id]
                    continue
                if last is None or not isinstance(record, dict):
                    if record != last:
                        upsert.setdefault(kind, {})[entity_id] = record
                else:
                    changed = {k: v for k, v in record.items() if last.get(k) != v}
                    if changed:
                        upsert.setdefault(kind, {})[entity_id] = changed
                sent[entity_id] = record
        if upsert or remove:
            self.diff_ready.emit({"upsert": upsert, "remove": remove})
