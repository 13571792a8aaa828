"""Import San Francisco Fire Department calls (../shared/data/sf-fire-calls) as a recording.

Each call becomes the events the platform would have logged for it: `call.received`,
`call.answered` and `incident.created` (at CAD entry), and per unit sent
`assignment.created` (dispatched), `assignment.en_route`, a `unit.positions` fix at the
scene with `assignment.at_scene`, and `assignment.cleared` (available); the incident is
closed when its last unit is available. Entities travel in their full public form, as the
platform's own events carry them, so the console's Store and widgets show them unchanged.

Mapping choices, where the data and our police contract differ:
- Times are local; April 2020 was all Pacific Daylight Time, so UTC = local + 7 h.
- Fire units are not police unit types: every unit is a `response_car` whose capability
  names its real type (`engine`, `medic`, `truck`, `chief`...); it starts available at the
  mean of the places it attended (the data has no stations' coordinates).
- Priority 3 and E (emergency) grade as Immediate, every other code as Priority.
- A unit sent to a new call while still on another is cleared from the first then, and the
  first call's later steps for it are dropped; times within one call's steps never go
  backwards (each is at least the one before).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from platform_api.contract import GRADE_TARGET_MINUTES, Grade, RecordingHeader, StatePublic
from platform_api.recording import EventChain, iso, make_header, write_recording

PDT = timedelta(hours=7)
ACTOR, AVL = "sf-cad", "sf-avl"
_STEPS = ("dispatch", "en_route", "at_scene", "cleared")


def _time(text: str) -> datetime | None:
    text = text.strip()
    if not text:
        return None
    return (datetime.strptime(text, "%m/%d/%Y %I:%M:%S %p") + PDT).replace(tzinfo=UTC)


def _point(text: str) -> tuple[float, float]:
    lat, lon = text.strip().strip("()").split(",")
    return float(lat), float(lon)


@dataclass
class _Import:
    chain: EventChain = field(default_factory=EventChain)
    lines: list[str] = field(default_factory=list)
    units: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: dict[str, dict[str, Any]] = field(default_factory=dict)
    incidents: dict[str, dict[str, Any]] = field(default_factory=dict)
    assignments: dict[str, dict[str, Any]] = field(default_factory=dict)
    on: dict[str, str] = field(default_factory=dict)  # unit id -> its active assignment id

    def emit(
        self,
        at: datetime,
        actor: str,
        type_: str,
        kind: str | None,
        eid: str | None,
        payload: dict[str, Any],
    ) -> None:
        self.lines.append(self.chain.append(iso(at), actor, type_, kind, eid, payload))

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


def _unit(unit_id: str, unit_type: str, lat: float, lon: float, at: str) -> dict[str, Any]:
    return {
        "id": f"sf-{unit_id}",
        "version": 1,
        "callsign": unit_id[:16],
        "type": "response_car",
        "capabilities": [unit_type.strip().lower().replace(" ", "_")],
        "home_station": "San Francisco Fire Department",
        "borough": None,
        "status": "available",
        "status_since": at,
        "position": {"lat": lat, "lon": lon, "at": at, "heading": None, "speed_kmh": None},
        "incident_id": None,
    }


def _grade(priority: str) -> Grade:
    return Grade.IMMEDIATE if priority.strip().upper() in ("3", "E") else Grade.PRIORITY


def _plan(rows: list[dict[str, str]]) -> list[tuple[datetime, int, int, str, dict[str, str]]]:
    """Every step of every call, in time order; steps of one call never go backwards."""
    by_call: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        by_call[row["Call Number"]].append(row)
    steps: list[tuple[datetime, int, int, str, dict[str, str]]] = []
    for n, (_, units) in enumerate(sorted(by_call.items())):
        first = units[0]
        received = _time(first["Received DtTm"])
        assert received is not None
        entry = max(received, _time(first["Entry DtTm"]) or received)
        steps += [(received, n, 0, "received", first), (entry, n, 1, "raised", first)]
        last = entry
        for row in sorted(units, key=lambda r: int(r["Unit sequence in call dispatch"] or 0)):
            t = entry
            for i, column in enumerate(
                ("Dispatch DtTm", "Response DtTm", "On Scene DtTm", "Available DtTm")
            ):
                value = _time(row[column])
                if value is None and column != "Available DtTm":
                    continue
                t = max(t, value or t)
                steps.append((t, n, 2 + i, _STEPS[i], row))
            last = max(last, t)
        steps.append((last, n, 9, "close", first))
    steps.sort(key=lambda s: (s[0], s[1], s[2]))
    return steps


def _apply(imp: _Import, at: datetime, kind: str, row: dict[str, str]) -> None:
    ts, call_id = iso(at), f"sf-call-{row['Call Number']}"
    inc_id = f"sf-inc-{row['Incident Number']}"
    if kind == "received":
        call = imp.calls[call_id] = {
            "id": call_id,
            "version": 1,
            "line": "999",
            "caller_number": row["Call Number"],
            "caller_name": None,
            "handset_location": None,
            "state": "queued",
            "received_at": ts,
            "answered_at": None,
            "answered_by": None,
            "ended_at": None,
            "incident_id": None,
        }
        imp.emit(at, ACTOR, "call.received", "call", call_id, {"changes": {"calls": [call]}})
    elif kind == "raised":
        call = imp.calls[call_id]
        answered = imp.bump(call, state="answered", answered_at=ts, answered_by=ACTOR)
        imp.emit(at, ACTOR, "call.answered", "call", call_id, {"changes": {"calls": [answered]}})
        lat, lon = _point(row["Location"])
        grade = _grade(row["Original Priority"])
        minutes = GRADE_TARGET_MINUTES[grade]
        incident = imp.incidents[inc_id] = {
            "id": inc_id,
            "version": 1,
            "reference": f"SFD-{row['Incident Number']}",
            "opening_classification": row["Call Type"],
            "closing_classification": None,
            "grade": grade.value,
            "target_at": None if minutes is None else iso(at + timedelta(minutes=minutes)),
            "thrive": {
                k: None
                for k in ("threat", "harm", "risk", "investigation", "vulnerability", "engagement")
            },
            "location": {
                "lat": lat,
                "lon": lon,
                "address": row["Address"],
                "borough": row["Neighborhooods - Analysis Boundaries"] or None,
            },
            "status": "open",
            "created_at": ts,
            "created_by": ACTOR,
            "closed_at": None,
            "call_ids": [call_id],
            "log": [],
        }
        closed = imp.bump(call, state="closed", ended_at=ts, incident_id=inc_id)
        imp.emit(
            at,
            ACTOR,
            "incident.created",
            "incident",
            inc_id,
            {"call_id": call_id, "changes": {"incidents": [dict(incident)], "calls": [closed]}},
        )
    elif kind == "close":
        incident = imp.incidents[inc_id]
        changes: dict[str, list[dict[str, Any]]] = {"assignments": [], "units": []}
        for a in [a for a in imp.assignments.values() if a["incident_id"] == inc_id]:
            if imp.on.get(a["unit_id"]) == a["id"]:
                form_a, form_u = imp.clear(at, a["id"], "incident closed")
                changes["assignments"].append(form_a)
                changes["units"].append(form_u)
        disposition = row["Call Final Disposition"].strip() or "Closed"
        closed = imp.bump(
            incident, status="closed", closing_classification=disposition, closed_at=ts
        )
        imp.emit(
            at,
            ACTOR,
            "incident.closed",
            "incident",
            inc_id,
            {"changes": {"incidents": [closed], **{k: v for k, v in changes.items() if v}}},
        )
    else:
        _unit_step(imp, at, kind, row, inc_id)


def _unit_step(imp: _Import, at: datetime, kind: str, row: dict[str, str], inc_id: str) -> None:
    ts, unit_id = iso(at), f"sf-{row['Unit ID']}"
    a_id = f"sf-{row['Call Number']}-{row['Unit ID']}"
    unit = imp.units[unit_id]
    if kind == "dispatch":
        if imp.incidents[inc_id]["status"] != "open":
            return
        if unit_id in imp.on:  # still on another call: it was sent on from there
            old = imp.clear(at, imp.on[unit_id], "dispatched to another call")
            imp.emit(
                at,
                ACTOR,
                "assignment.cleared",
                "assignment",
                old[0]["id"],
                {"changes": {"assignments": [old[0]], "units": [old[1]]}},
            )
        imp.assignments[a_id] = {
            "id": a_id,
            "version": 1,
            "unit_id": unit_id,
            "incident_id": inc_id,
            "state": "dispatched",
            "dispatched_at": ts,
            "dispatched_by": ACTOR,
            "en_route_at": None,
            "at_scene_at": None,
            "cleared_at": None,
            "cleared_reason": None,
        }
        imp.on[unit_id] = a_id
        form_u = imp.bump(unit, status="assigned", status_since=ts, incident_id=inc_id)
        imp.emit(
            at,
            ACTOR,
            "assignment.created",
            "assignment",
            a_id,
            {"changes": {"assignments": [dict(imp.assignments[a_id])], "units": [form_u]}},
        )
        return
    if imp.on.get(unit_id) != a_id:
        return  # cleared already (sent elsewhere, or the incident closed)
    a = imp.assignments[a_id]
    if kind == "cleared":
        form_a, form_u = imp.clear(at, a_id, "cleared")
        imp.emit(
            at,
            ACTOR,
            "assignment.cleared",
            "assignment",
            a_id,
            {"changes": {"assignments": [form_a], "units": [form_u]}},
        )
        return
    if kind == "at_scene":
        loc = imp.incidents[inc_id]["location"]
        fix = {"lat": loc["lat"], "lon": loc["lon"], "at": ts, "heading": None, "speed_kmh": 0.0}
        unit["position"] = fix
        imp.emit(
            at, AVL, "unit.positions", None, None, {"positions": [{"unit_id": unit_id, **fix}]}
        )
        form_a = imp.bump(a, state="at_scene", at_scene_at=ts, en_route_at=a["en_route_at"] or ts)
        form_u = imp.bump(unit, status="at_scene", status_since=ts)
    else:
        form_a = imp.bump(a, state="en_route", en_route_at=ts)
        form_u = imp.bump(unit)
    imp.emit(
        at,
        ACTOR,
        f"assignment.{kind}",
        "assignment",
        a_id,
        {"changes": {"assignments": [form_a], "units": [form_u]}},
    )


def import_sf(csv_path: Path, out: Path) -> RecordingHeader:
    """Write the recording; returns its `RecordingHeader`."""
    with csv_path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    if not rows or "Call Number" not in rows[0]:
        raise ValueError(f"{csv_path} is not the SF fire calls CSV (no 'Call Number' column)")
    steps = _plan(rows)
    start = steps[0][0]
    imp = _Import()
    places: dict[str, list[tuple[float, float]]] = defaultdict(list)
    types: dict[str, str] = {}
    for row in rows:
        places[row["Unit ID"]].append(_point(row["Location"]))
        types.setdefault(row["Unit ID"], row["Unit Type"])
    for unit_id, points in sorted(places.items()):
        lat = sum(p[0] for p in points) / len(points)
        lon = sum(p[1] for p in points) / len(points)
        imp.units[f"sf-{unit_id}"] = _unit(unit_id, types[unit_id], lat, lon, iso(start))
    initial = StatePublic.model_validate(
        {
            "as_of_seq": 0,
            "calls": [],
            "incidents": [],
            "assignments": [],
            "units": [dict(u, position=dict(u["position"])) for u in imp.units.values()],
        }
    )
    for at, _, _, kind, row in steps:
        _apply(imp, at, kind, row)
    header = make_header(
        source=f"sf-fire-calls: {csv_path.name} (San Francisco Fire Department, DataSF, PDDL)",
        area="san_francisco",
        initial_state=initial,
        from_ts=start,
        to_ts=steps[-1][0],
        first_seq=1,
        last_seq=imp.chain.seq,
        prev_hash=imp.chain.prev_hash,
        last_hash=imp.chain.hash,
    )
    partial = out.with_name(out.name + ".partial")
    with partial.open("w", encoding="utf-8") as stream:
        write_recording(stream, header, imp.lines)
    partial.replace(out)
    return header
