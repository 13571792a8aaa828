"""The Store: the console's one copy of the platform's live state, fed by events.

It applies events strictly in seq order: a repeat is ignored, a gap asks for a fresh
bootstrap. Replay feeds the same Store, so no view can tell live from replay.

Signals:
    reset(): the whole state was replaced (bootstrap); models re-read everything.
    changed(change): entities of one kind ("calls", "incidents", "units", "assignments",
        "markers")
        were added or updated, or left the live state; `Change` says which, which fields
        each one changed, and who caused it (the event's actor), so a view refreshes only
        what changed and can tell its own operator's echo from others' work.
    units_moved(ids): positions changed (no other field did; the one hot path, kept apart
        so that 2,000 positions a second cost one signal, not a Change each).
    event_applied(event): an event was applied (for the event log view and the delay).
    gap_detected(expected_seq, got_seq): the stream skipped; the owner re-bootstraps.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
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
from platform_api.contract.fold import appended_of, complete, fix_time, position_fixes

KINDS = ("calls", "incidents", "units", "assignments", "markers")


@dataclass(frozen=True)
class Change:
    """One event's effect on one kind of entity, as the views need it."""

    kind: str
    upserted: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    # For each upserted id, the fields that differ from before (every field when new).
    fields: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # The entities that left the live state, in their final form (an abandoned call...).
    left: tuple[Any, ...] = ()
    initiator: str = ""  # the event's actor: a username, "gateway", "simulator"...
    seq: int = 0

    def touched(self, entity_id: str, *names: str) -> bool:
        """Whether this change added `entity_id` or changed any of the fields `names`."""
        changed = self.fields.get(entity_id)
        return changed is not None and (not names or bool(changed.intersection(names)))


_MODEL: dict[str, type[BaseModel]] = {
    "calls": CallPublic,
    "incidents": IncidentPublic,
    "units": UnitPublic,
    "assignments": AssignmentPublic,
    "markers": MarkerPublic,
}


def _wall_clock() -> datetime:
    return datetime.now(UTC)


def _changed_fields(before: BaseModel | None, after: BaseModel) -> frozenset[str]:
    names = type(after).model_fields
    if before is None:
        return frozenset(names)
    return frozenset(n for n in names if getattr(before, n) != getattr(after, n))


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
    changed = Signal(object)  # Change
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
        # Open incident id -> when its first unit arrived at scene (its attendance target
        # is met then: console/attendance.py), kept after that unit clears.
        self.arrivals: dict[str, datetime] = {}
        self.last_event_ts: datetime | None = None
        # "Now" for everything shown from this Store (waits, ages, countdowns): the wall
        # clock live, the recording's clock in a replay (the Player sets it).
        self.clock: Callable[[], datetime] = _wall_clock
        # The zone every time from this Store is shown in: the machine's live (None), the
        # recording's own in a replay (the Player sets it), so one screen speaks one time.
        self.zone: tzinfo | None = None

    def now(self) -> datetime:
        return self.clock()

    def local(self, value: datetime) -> datetime:
        """`value` in the zone this Store's times are shown in."""
        return value.astimezone(self.zone)

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

    def snapshot(self) -> StatePublic:
        """The live state as a `StatePublic` (a training sandbox's seed, the last state kept)."""
        return StatePublic(
            as_of_seq=self.seq,
            calls=list(self.calls.values()),
            incidents=list(self.incidents.values()),
            units=[u.model_copy(deep=True) for u in self.units.values()],
            assignments=list(self.assignments.values()),
        )

    def bootstrap(self, state: StatePublic) -> None:
        self.seq = state.as_of_seq
        self.calls = {c.id: c for c in state.calls}
        self.incidents = {i.id: i for i in state.incidents}
        self.units = {u.id: u for u in state.units}
        self.assignments = {a.id: a for a in state.assignments}
        self.markers = {m.id: m for m in state.markers}
        # Arrivals of units since cleared are not in a state: keep those seen, unless the
        # incident is gone or (a replay seeking back) the arrival is not yet.
        now = self.now()
        self.arrivals = {
            i: at for i, at in self.arrivals.items() if i in self.incidents and at <= now
        }
        for assignment in state.assignments:
            self._note_arrival(assignment)
        self.reset.emit()

    def _note_arrival(self, assignment: AssignmentPublic) -> None:
        at = assignment.at_scene_at
        if at is None or assignment.incident_id not in self.incidents:
            return
        first = self.arrivals.get(assignment.incident_id)
        if first is None or at < first:
            self.arrivals[assignment.incident_id] = at

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
            self._apply_positions(position_fixes(payload), event["ts"])
        changes = payload.get("changes") or {}
        actor = str(event.get("actor", ""))
        for kind in KINDS:
            items = changes.get(kind)
            added = appended_of(payload, kind)
            if items or added:
                self._upsert(kind, items or [], added, actor, seq)
        self.seq = seq
        self.last_event_ts = datetime.fromisoformat(event["ts"])
        self.event_applied.emit(event)
        return True

    def _upsert(
        self,
        kind: str,
        items: list[dict[str, Any]],
        added: Mapping[str, Mapping[str, list[Any]]],
        actor: str,
        seq: int,
    ) -> None:
        """Upsert the event's entities, completing growing lists (`platform_api.contract.fold`)."""
        table = self.table(kind)
        model = _MODEL[kind]
        upserted: list[str] = []
        removed: list[str] = []
        left: list[Any] = []
        fields: dict[str, frozenset[str]] = {}
        for raw in items:
            before = table.get(raw["id"])
            full = complete(
                kind, raw, None if before is None else dict(before), added.get(raw["id"])
            )
            entity: Any = model.model_validate(full)
            if kind == "assignments":
                self._note_arrival(entity)
            elif kind == "incidents" and not is_live(kind, entity):
                self.arrivals.pop(entity.id, None)
            if is_live(kind, entity):
                table[entity.id] = entity
                upserted.append(entity.id)
                fields[entity.id] = _changed_fields(before, entity)
            elif table.pop(entity.id, None) is not None:
                removed.append(entity.id)
                left.append(entity)
            else:
                left.append(entity)  # never seen live (abandoned before we looked)
        for entity_id, extra in added.items():
            current = table.get(entity_id)
            if entity_id in fields or current is None:
                continue
            grown: Any = model.model_validate(complete(kind, dict(current), None, extra))
            table[entity_id] = grown
            upserted.append(entity_id)
            fields[entity_id] = _changed_fields(current, grown)
        if upserted or left:
            self.changed.emit(
                Change(kind, tuple(upserted), tuple(removed), fields, tuple(left), actor, seq)
            )

    def _apply_positions(self, positions: list[dict[str, Any]], ts: str) -> None:
        moved: list[str] = []
        for p in positions:
            unit = self.units.get(p["unit_id"])
            if unit is None:
                continue
            unit.position = PositionPublic(
                lat=p["lat"],
                lon=p["lon"],
                at=fix_time(p, ts),
                heading=p.get("heading"),
                speed_kmh=p.get("speed_kmh"),
            )
            moved.append(unit.id)
        if moved:
            self.units_moved.emit(moved)
