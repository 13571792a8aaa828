"""Turn clean call rows into a recording: the events the platform would have logged.

Each call becomes `call.received`, `call.answered` and `incident.created` (when it was
raised), and, per unit sent, `assignment.created` (dispatched), `assignment.en_route`, a
`unit.positions` fix at the scene with `assignment.at_scene`, and `assignment.cleared`;
the incident is closed when its last unit is clear. Entities travel in their full public
form, as the platform's own events carry them, so the console replays them unchanged.

Where a log and our contract differ:
- a unit type the mapping does not name becomes a `response_car` whose capability names
  its type in the source (`engine`, `medic`...); units start at the mean of the places
  they attended (logs rarely hold stations' coordinates);
- a unit sent to a new call while still on another is cleared from the first then, and
  that call's later steps for it are dropped; times within one call never go backwards.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from platform_api.contract import GRADE_TARGET_MINUTES, UnitType
from platform_api.forces import force_at
from platform_api.imports.mapping import CallMapping
from platform_api.imports.read import CallRow
from platform_api.packs import ForcePack
from platform_api.recording import EventChain, iso

_STEPS = ("dispatch", "en_route", "at_scene", "cleared")
_THRIVE = ("threat", "harm", "risk", "investigation", "vulnerability", "engagement")

Step = tuple[datetime, int, int, str, CallRow]


@dataclass
class Builder:
    """The recording being built: the chain of event lines and every entity's form."""

    mapping: CallMapping
    chain: EventChain = field(default_factory=EventChain)
    lines: list[str] = field(default_factory=list)
    units: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: dict[str, dict[str, Any]] = field(default_factory=dict)
    incidents: dict[str, dict[str, Any]] = field(default_factory=dict)
    assignments: dict[str, dict[str, Any]] = field(default_factory=dict)
    on: dict[str, str] = field(default_factory=dict)  # unit id -> its active assignment id
    reopened: dict[str, int] = field(default_factory=dict)  # incident number -> its round

    def emit(
        self,
        at: datetime,
        type_: str,
        kind: str | None,
        eid: str | None,
        payload: dict[str, Any],
        actor: str | None = None,
    ) -> None:
        self.lines.append(
            self.chain.append(iso(at), actor or self.mapping.actor, type_, kind, eid, payload)
        )

    @staticmethod
    def bump(entity: dict[str, Any], **values: Any) -> dict[str, Any]:
        entity.update(values, version=entity["version"] + 1)
        return dict(entity)

    def clear(self, at: datetime, assignment_id: str, reason: str) -> list[dict[str, Any]]:
        """Clear an active assignment; returns [assignment, unit] forms."""
        a = self.assignments[assignment_id]
        unit = self.units[a["unit_id"]]
        self.on.pop(a["unit_id"], None)
        ts = iso(at)
        return [
            self.bump(a, state="cleared", cleared_at=ts, cleared_reason=reason),
            self.bump(unit, status="available", status_since=ts, incident_id=None),
        ]

    def add_units(
        self, rows: list[CallRow], start: datetime, pack: ForcePack | None = None
    ) -> None:
        """Each unit at the middle of its calls; in that point's district of `pack`."""
        places: dict[str, list[tuple[float, float]]] = defaultdict(list)
        kinds: dict[str, str] = {}
        for row in rows:
            if row.unit is not None:
                places[row.unit.unit].append((row.lat, row.lon))
                kinds.setdefault(row.unit.unit, row.unit.source_type)
        for unit_id, points in sorted(places.items()):
            lat = sum(p[0] for p in points) / len(points)
            lon = sum(p[1] for p in points) / len(points)
            source = kinds[unit_id]
            mapped = self.mapping.unit_types.get(source)
            capability = source.strip().lower().replace(" ", "_")
            at = iso(start)
            self.units[_unit_key(unit_id)] = {
                "id": _unit_key(unit_id),
                "version": 1,
                "callsign": unit_id[:16],
                "type": (mapped or UnitType.RESPONSE_CAR).value,
                "capabilities": [] if mapped or not capability else [capability],
                "home_station": self.mapping.unit_home,
                "borough": pack.district_name_at(lat, lon) if pack is not None else None,
                "force": force_at(pack, lat, lon) if pack is not None else None,
                "status": "available",
                "status_since": at,
                "position": {"lat": lat, "lon": lon, "at": at, "heading": None, "speed_kmh": None},
                "incident_id": None,
            }


def _unit_key(unit: str) -> str:
    return f"imp-u-{unit}"


def plan(rows: list[CallRow]) -> list[Step]:
    """Every step of every call, in time order; steps of one call never go backwards."""
    by_call: dict[str, list[CallRow]] = defaultdict(list)
    for row in rows:
        by_call[row.call_id].append(row)
    steps: list[Step] = []
    for n, (_, group) in enumerate(sorted(by_call.items())):
        first = group[0]
        steps += [(first.received, n, 0, "received", first), (first.raised, n, 1, "raised", first)]
        last = first.raised
        units = [r for r in group if r.unit is not None]
        for row in sorted(units, key=lambda r: r.unit.sequence if r.unit else 0):
            assert row.unit is not None
            t = first.raised
            times = (row.unit.dispatched, row.unit.en_route, row.unit.at_scene, row.unit.cleared)
            for i, value in enumerate(times):
                if value is None and i < 3:
                    continue
                t = max(t, value or t)
                steps.append((t, n, 2 + i, _STEPS[i], row))
            last = max(last, t)
        steps.append((last, n, 9, "close", first))
    steps.sort(key=lambda s: (s[0], s[1], s[2]))
    return steps


def apply(b: Builder, at: datetime, kind: str, row: CallRow) -> None:
    ts, call_id = iso(at), f"imp-call-{row.call_id}"
    key = f"imp-inc-{row.incident_id}"
    round_ = b.reopened.get(row.incident_id)
    inc_id = key if round_ is None else f"{key}~{round_}"
    if kind == "received" and inc_id in b.incidents and b.incidents[inc_id]["status"] != "open":
        # the log reuses a closed incident's number for a new call: a new incident
        b.reopened[row.incident_id] = (round_ or 1) + 1
        inc_id = f"{key}~{b.reopened[row.incident_id]}"
    if kind == "received":
        call = b.calls[call_id] = {
            "id": call_id,
            "version": 1,
            "line": "999",
            "caller_number": row.caller_number,
            "caller_name": None,
            "handset_location": None,
            "state": "queued",
            "received_at": ts,
            "answered_at": None,
            "answered_by": None,
            "ended_at": None,
            "incident_id": None,
        }
        b.emit(at, "call.received", "call", call_id, {"changes": {"calls": [call]}})
    elif kind == "raised":
        _raise(b, at, row, call_id, inc_id)
    elif kind == "close":
        _close(b, at, row, inc_id)
    else:
        _unit_step(b, at, kind, row, inc_id)


def _raise(b: Builder, at: datetime, row: CallRow, call_id: str, inc_id: str) -> None:
    ts = iso(at)
    call = b.calls[call_id]
    answered = b.bump(call, state="answered", answered_at=ts, answered_by=b.mapping.actor)
    b.emit(at, "call.answered", "call", call_id, {"changes": {"calls": [answered]}})
    if inc_id in b.incidents:  # a second call about the same incident: linked to it
        incident = b.bump(b.incidents[inc_id], call_ids=[*b.incidents[inc_id]["call_ids"], call_id])
        closed = b.bump(call, state="closed", ended_at=ts, incident_id=inc_id)
        b.emit(
            at,
            "call.linked",
            "call",
            call_id,
            {"changes": {"incidents": [incident], "calls": [closed]}},
        )
        return
    minutes = GRADE_TARGET_MINUTES[row.grade]
    incident = b.incidents[inc_id] = {
        "id": inc_id,
        "version": 1,
        "reference": f"{b.mapping.reference_prefix}-"
        + inc_id.removeprefix("imp-inc-").replace("~", "-"),
        "opening_classification": row.classification,
        "closing_classification": None,
        "grade": row.grade.value,
        "target_at": None if minutes is None else iso(at + timedelta(minutes=minutes)),
        "thrive": dict.fromkeys(_THRIVE),
        "location": {
            "lat": row.lat,
            "lon": row.lon,
            "address": row.address,
            "borough": row.district,
        },
        "status": "open",
        "created_at": ts,
        "created_by": b.mapping.actor,
        "closed_at": None,
        "call_ids": [call_id],
        "log": [],
    }
    closed = b.bump(call, state="closed", ended_at=ts, incident_id=inc_id)
    b.emit(
        at,
        "incident.created",
        "incident",
        inc_id,
        {"call_id": call_id, "changes": {"incidents": [dict(incident)], "calls": [closed]}},
    )


def _close(b: Builder, at: datetime, row: CallRow, inc_id: str) -> None:
    incident = b.incidents.get(inc_id)
    if incident is None or incident["status"] != "open":
        return  # closed by an earlier call of the same incident
    if incident["call_ids"][-1] != f"imp-call-{row.call_id}":
        return  # a later call about the same incident closes it
    changes: dict[str, list[dict[str, Any]]] = {"assignments": [], "units": []}
    for a in [a for a in b.assignments.values() if a["incident_id"] == inc_id]:
        if b.on.get(a["unit_id"]) == a["id"]:
            form_a, form_u = b.clear(at, a["id"], "incident closed")
            changes["assignments"].append(form_a)
            changes["units"].append(form_u)
    closed = b.bump(
        incident, status="closed", closing_classification=row.closing or "Closed", closed_at=iso(at)
    )
    b.emit(
        at,
        "incident.closed",
        "incident",
        inc_id,
        {"changes": {"incidents": [closed], **{k: v for k, v in changes.items() if v}}},
    )


def _unit_step(b: Builder, at: datetime, kind: str, row: CallRow, inc_id: str) -> None:
    assert row.unit is not None
    ts, unit_id = iso(at), _unit_key(row.unit.unit)
    a_id = f"imp-a-{row.call_id}-{row.unit.unit}"
    unit = b.units[unit_id]
    if kind == "dispatch":
        if b.incidents[inc_id]["status"] != "open":
            return
        if unit_id in b.on:  # still on another call: it was sent on from there
            old = b.clear(at, b.on[unit_id], "dispatched to another call")
            b.emit(
                at,
                "assignment.cleared",
                "assignment",
                old[0]["id"],
                {"changes": {"assignments": [old[0]], "units": [old[1]]}},
            )
        b.assignments[a_id] = {
            "id": a_id,
            "version": 1,
            "unit_id": unit_id,
            "incident_id": inc_id,
            "state": "dispatched",
            "dispatched_at": ts,
            "dispatched_by": b.mapping.actor,
            "en_route_at": None,
            "at_scene_at": None,
            "cleared_at": None,
            "cleared_reason": None,
        }
        b.on[unit_id] = a_id
        form_u = b.bump(unit, status="assigned", status_since=ts, incident_id=inc_id)
        b.emit(
            at,
            "assignment.created",
            "assignment",
            a_id,
            {"changes": {"assignments": [dict(b.assignments[a_id])], "units": [form_u]}},
        )
        return
    if b.on.get(unit_id) != a_id:
        return  # cleared already (sent elsewhere, or the incident closed)
    a = b.assignments[a_id]
    if kind == "cleared":
        form_a, form_u = b.clear(at, a_id, "cleared")
        b.emit(
            at,
            "assignment.cleared",
            "assignment",
            a_id,
            {"changes": {"assignments": [form_a], "units": [form_u]}},
        )
        return
    if kind == "at_scene":
        loc = b.incidents[inc_id]["location"]
        fix = {"lat": loc["lat"], "lon": loc["lon"], "at": ts, "heading": None, "speed_kmh": 0.0}
        unit["position"] = fix
        b.emit(
            at,
            "unit.positions",
            None,
            None,
            {"positions": [{"unit_id": unit_id, **fix}]},
            actor=f"{b.mapping.actor}-avl",
        )
        form_a = b.bump(a, state="at_scene", at_scene_at=ts, en_route_at=a["en_route_at"] or ts)
        form_u = b.bump(unit, status="at_scene", status_since=ts)
    else:
        form_a = b.bump(a, state="en_route", en_route_at=ts)
        form_u = b.bump(unit)
    b.emit(
        at,
        f"assignment.{kind}",
        "assignment",
        a_id,
        {"changes": {"assignments": [form_a], "units": [form_u]}},
    )
