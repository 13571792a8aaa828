"""The Store: the console's one copy of the platform's live state, fed by events.

It applies events strictly in seq order: a repeat is ignored, a gap asks for a fresh
bootstrap. Replay feeds the same Store, so no view can tell live from replay.

Signals:
    reset(): the whole state was replaced (bootstrap); models re-read everything.
    changed(kind, upserted_ids, removed_ids): entities of one kind ("calls", "incidents",
        "units", "assignments", "markers") were added or updated, or left the live state.
    units_moved(ids): positions changed (no other field did).
    event_applied(event): an event was applied (for the event log view and the delay).
    gap_detected(expected_seq, got_seq): the stream skipped; the owner re-bootstraps.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel
from PySide6.QtCore import QObject, Signal

from platform_api.contract import (
    ACTIVE_ASSIGNMENT_STATES,
    AssignmentPublic,
    CallPublic,
    CallState,
    IncidentPublic,
    IncidentStatus,
    MarkerPublic,
    MarkerStatus,
    PositionPublic,
    StatePublic,
    UnitPublic,
)
from platform_api.contract.fold import appended_of, complete

KINDS = ("calls", "incidents", "units", "assignments", "markers")
_MODEL: dict[str, type[BaseModel]] = {
    "calls": CallPublic,
    "incidents": IncidentPublic,
    "units": UnitPublic,
    "assignments": AssignmentPublic,
    "markers": MarkerPublic,
}


def _wall_clock() -> datetime:
    return datetime.now(UTC)


def is_live(kind: str, entity: Any) -> bool:
    """Whether an entity belongs in the live state (the platform's `/v1/state` rule)."""
    if kind == "calls":
        return bool(entity.state in (CallState.QUEUED, CallState.ANSWERED))
    if kind == "incidents":
        return bool(entity.status == IncidentStatus.OPEN)
    if kind == "assignments":
        return bool(entity.state in ACTIVE_ASSIGNMENT_STATES)
    if kind == "markers":
        return bool(entity.status == MarkerStatus.ACTIVE)
    return True


class Store(QObject):
    reset = Signal()
    changed = Signal(str, list, list)
    units_moved = Signal(list)
    event_applied = Signal(dict)
    gap_detected = Signal(int, int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.seq = 0
        self.calls: dict[str, CallPublic] = {}
        self.incidents: dict[str, IncidentPublic] = {}
        self.units: dict[str, UnitPublic] = {}
        self.assignments: dict[str, AssignmentPublic] = {}
        self.markers: dict[str, MarkerPublic] = {}  # active warning markers
        self.last_event_ts: datetime | None = None
        # "Now" for everything shown from this Store (waits, ages, countdowns): the wall
        # clock live, the recording's clock in a replay (the Player sets it).
        self.clock: Callable[[], datetime] = _wall_clock

    def now(self) -> datetime:
        return self.clock()

    async def reached(self, seq: int, timeout_s: float = 5.0) -> bool:
        """Wait until the Store has applied `seq` (a command's own event); False on timeout."""
        if self.seq >= seq:
            return True
        done = asyncio.Event()

        def check(*_: Any) -> None:
            if self.seq >= seq:
                done.set()

        self.event_applied.connect(check)
        self.reset.connect(check)
        try:
            await asyncio.wait_for(done.wait(), timeout_s)
        except TimeoutError:
            return False
        finally:
            self.event_applied.disconnect(check)
            self.reset.disconnect(check)
        return True

    def table(self, kind: str) -> dict[str, Any]:
        table: dict[str, Any] = getattr(self, kind)
        return table

    def bootstrap(self, state: StatePublic) -> None:
        self.seq = state.as_of_seq
        self.calls = {c.id: c for c in state.calls}
        self.incidents = {i.id: i for i in state.incidents}
        self.units = {u.id: u for u in state.units}
        self.assignments = {a.id: a for a in state.assignments}
        self.markers = {m.id: m for m in state.markers}
        self.reset.emit()

    def apply(self, event: dict[str, Any]) -> bool:
        """Apply one event; False when it reveals a gap (nothing is applied then)."""
        seq = int(event["seq"])
        if seq <= self.seq:
            return True  # seen already: a resumed stream may repeat
        if seq != self.seq + 1:
            self.gap_detected.emit(self.seq + 1, seq)
            return False
        payload = event.get("payload", {})
        if event["type"] == "unit.positions":
            self._apply_positions(payload.get("positions", []))
        changes = payload.get("changes") or {}
        for kind in KINDS:
            items = changes.get(kind)
            added = appended_of(payload, kind)
            if items or added:
                self._upsert(kind, items or [], added)
        self.seq = seq
        self.last_event_ts = datetime.fromisoformat(event["ts"])
        self.event_applied.emit(event)
        return True

    def _upsert(
        self,
        kind: str,
        items: list[dict[str, Any]],
        added: Mapping[str, Mapping[str, list[Any]]],
    ) -> None:
        """Upsert the event's entities, completing growing lists (`platform_api.contract.fold`)."""
        table = self.table(kind)
        model = _MODEL[kind]
        upserted: list[str] = []
        removed: list[str] = []
        for raw in items:
            previous = table.get(raw["id"])
            full = complete(
                kind, raw, None if previous is None else dict(previous), added.get(raw["id"])
            )
            entity: Any = model.model_validate(full)
            if is_live(kind, entity):
                table[entity.id] = entity
                upserted.append(entity.id)
            elif table.pop(entity.id, None) is not None:
                removed.append(entity.id)
        for entity_id, extra in added.items():
            current = table.get(entity_id)
            if entity_id in upserted or current is None:
                continue
            table[entity_id] = model.model_validate(complete(kind, dict(current), None, extra))
            upserted.append(entity_id)
        if upserted or removed:
            self.changed.emit(kind, upserted, removed)

    def _apply_positions(self, positions: list[dict[str, Any]]) -> None:
        moved: list[str] = []
        for p in positions:
            unit = self.units.get(p["unit_id"])
            if unit is None:
                continue
            unit.position = PositionPublic(
                lat=p["lat"],
                lon=p["lon"],
                at=p["at"],
                heading=p.get("heading"),
                speed_kmh=p.get("speed_kmh"),
            )
            moved.append(unit.id)
        if moved:
            self.units_moved.emit(moved)
