"""A synthetic busy shift written straight to a recording, fast, for benchmarks and tests.

Driving a real platform for 24 hours is not an option, so this writes what one would have
logged: units reporting positions in small AVL batches (most of the events), and calls that
become incidents, get a unit dispatched, en route, at scene, and are closed. Entities are
written in their full public form, as the platform's events carry them, and every event is
hashed with `platform_api.recording.EventChain`, so the file verifies and loads like an
exported one.
"""

from __future__ import annotations

import heapq
import random
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from platform_api.contract import StatePublic
from platform_api.recording import EventChain, iso, make_header, write_recording

START = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
LAT, LON = 51.5072, -0.1276


def _iso(t: float) -> str:
    return iso(datetime.fromtimestamp(t, UTC))


def _unit(i: int, t0: str, rng: random.Random) -> dict[str, Any]:
    return {
        "id": f"u{i:04d}",
        "version": 1,
        "callsign": f"U{i:04d}",
        "type": "response_car",
        "capabilities": [],
        "home_station": "Charing Cross",
        "borough": None,
        "status": "available",
        "status_since": t0,
        "position": {
            "lat": LAT + rng.uniform(-0.1, 0.1),
            "lon": LON + rng.uniform(-0.15, 0.15),
            "at": t0,
            "heading": None,
            "speed_kmh": None,
        },
        "incident_id": None,
    }


class _Shift:
    def __init__(self, units: int, seed: int, start: float) -> None:
        self.rng = random.Random(seed)
        t0 = _iso(start)
        self.units = {f"u{i:04d}": _unit(i, t0, self.rng) for i in range(units)}
        self.free = list(self.units)
        self.chain = EventChain()
        self.lines: list[str] = []
        self.incidents = 0

    def emit(
        self,
        t: float,
        actor: str,
        type_: str,
        kind: str | None,
        eid: str | None,
        payload: dict[str, Any],
    ) -> None:
        self.lines.append(self.chain.append(_iso(t), actor, type_, kind, eid, payload))

    def incident(self, t: float, plan: list[tuple[float, int]]) -> None:
        """Schedule one call's life; `plan` is the heap of (time, step) still to come."""
        n = self.incidents = self.incidents + 1
        call = {
            "id": f"c{n:06d}",
            "version": 1,
            "line": "999",
            "caller_number": f"07700 {n:06d}",
            "caller_name": None,
            "handset_location": None,
            "state": "queued",
            "received_at": _iso(t),
            "answered_at": None,
            "answered_by": None,
            "ended_at": None,
            "incident_id": None,
        }
        self.emit(t, "gateway", "call.received", "call", call["id"], {"changes": {"calls": [call]}})
        heapq.heappush(plan, (t + 8, n))

    def positions(self, t: float, count: int) -> None:
        stamp = _iso(t)
        fixes = []
        for unit_id in self.rng.sample(list(self.units), count):
            pos = self.units[unit_id]["position"]
            pos = {
                "lat": round(pos["lat"] + self.rng.uniform(-0.001, 0.001), 6),
                "lon": round(pos["lon"] + self.rng.uniform(-0.001, 0.001), 6),
                "at": stamp,
                "heading": float(self.rng.randrange(360)),
                "speed_kmh": 30.0,
            }
            self.units[unit_id]["position"] = pos
            fix = {"unit_id": unit_id, **pos}
            if len(fixes) % 2:  # the platform's compact form: no `at` when it is the event's
                del fix["at"]
            fixes.append(fix)
        self.emit(t, "gateway", "unit.positions", None, None, {"positions": fixes})


def _lifecycle(shift: _Shift, t: float, n: int, stage: dict[int, Any]) -> float | None:
    """Advance incident `n` by one step at `t`; the time of its next step, or None."""
    rng = shift.rng
    s = stage.setdefault(n, {"step": 0})
    step, s["step"] = s["step"], s["step"] + 1
    call_id, inc_id = f"c{n:06d}", f"i{n:06d}"
    ts = _iso(t)
    if step == 0:  # answered and raised at once
        call = {
            "id": call_id,
            "version": 3,
            "line": "999",
            "caller_number": f"07700 {n:06d}",
            "caller_name": None,
            "handset_location": None,
            "state": "closed",
            "received_at": _iso(t - 8),
            "answered_at": ts,
            "answered_by": "calltaker",
            "ended_at": ts,
            "incident_id": inc_id,
        }
        s["incident"] = {
            "id": inc_id,
            "version": 1,
            "reference": f"LDN-20261120-{n:04d}",
            "opening_classification": rng.choice(["Violence", "Burglary", "Concern for safety"]),
            "closing_classification": None,
            "grade": "immediate",
            "target_at": _iso(t + 900),
            "thrive": {
                k: None
                for k in ("threat", "harm", "risk", "investigation", "vulnerability", "engagement")
            },
            "location": {
                "lat": LAT + rng.uniform(-0.1, 0.1),
                "lon": LON + rng.uniform(-0.15, 0.15),
                "address": None,
                "borough": None,
            },
            "status": "open",
            "created_at": ts,
            "created_by": "calltaker",
            "closed_at": None,
            "call_ids": [call_id],
            "log": [],
        }
        shift.emit(
            t,
            "calltaker",
            "incident.created",
            "incident",
            inc_id,
            {"call_id": call_id, "changes": {"incidents": [s["incident"]], "calls": [call]}},
        )
        return t + rng.uniform(20, 120)
    if step == 1:  # a unit is dispatched
        if not shift.free:
            s["step"] = 1
            return t + 60
        unit = shift.units[shift.free.pop(rng.randrange(len(shift.free)))]
        unit.update(
            status="assigned", status_since=ts, incident_id=inc_id, version=unit["version"] + 1
        )
        s["unit"] = unit
        s["assignment"] = {
            "id": f"a{n:06d}",
            "version": 1,
            "unit_id": unit["id"],
            "incident_id": inc_id,
            "state": "dispatched",
            "dispatched_at": ts,
            "dispatched_by": "dispatcher",
            "en_route_at": None,
            "at_scene_at": None,
            "cleared_at": None,
            "cleared_reason": None,
        }
        shift.emit(
            t,
            "dispatcher",
            "assignment.created",
            "assignment",
            f"a{n:06d}",
            {"changes": {"assignments": [dict(s["assignment"])], "units": [dict(unit)]}},
        )
        return t + rng.uniform(10, 60)
    a, unit = s["assignment"], s["unit"]
    if step in (2, 3):
        state = "en_route" if step == 2 else "at_scene"
        a.update(state=state, version=a["version"] + 1, **{f"{state}_at": ts})
        unit.update(
            version=unit["version"] + 1,
            **({"status": "at_scene", "status_since": ts} if step == 3 else {}),
        )
        shift.emit(
            t,
            "gateway",
            f"assignment.{state}",
            "assignment",
            a["id"],
            {"changes": {"assignments": [dict(a)], "units": [dict(unit)]}},
        )
        return t + rng.uniform(300, 900) if step == 2 else t + rng.uniform(900, 3600)
    a.update(
        state="cleared", version=a["version"] + 1, cleared_at=ts, cleared_reason="incident closed"
    )
    unit.update(status="available", status_since=ts, incident_id=None, version=unit["version"] + 1)
    shift.free.append(unit["id"])
    inc = dict(
        s["incident"],
        status="closed",
        closing_classification="No further action",
        closed_at=ts,
        version=2,
    )
    shift.emit(
        t,
        "dispatcher",
        "incident.closed",
        "incident",
        inc_id,
        {"changes": {"incidents": [inc], "assignments": [dict(a)], "units": [dict(unit)]}},
    )
    del stage[n]
    return None


def build_shift(
    path: Path,
    *,
    events: int = 500_000,
    hours: float = 24.0,
    units: int = 300,
    incidents_per_hour: float = 40.0,
    seed: int = 1,
) -> int:
    """Write a recording of about `events` events; returns how many were written."""
    start = START.timestamp()
    end = start + hours * 3600
    shift = _Shift(units, seed, start)
    initial = StatePublic.model_validate(
        {
            "as_of_seq": 0,
            "calls": [],
            "incidents": [],
            "units": list(shift.units.values()),
            "assignments": [],
        }
    )
    rng = shift.rng
    n_incidents = int(incidents_per_hour * hours)
    n_positions = max(1, events - n_incidents * 7)
    pos_gap = (end - start) / n_positions
    next_call = start + rng.expovariate(n_incidents / (end - start))
    next_pos = start + pos_gap
    plan: list[tuple[float, int]] = []
    stage: dict[int, Any] = {}
    while True:
        t_plan = plan[0][0] if plan else end
        t = min(next_call, next_pos, t_plan)
        if t >= end:
            break
        if t == t_plan:
            _, n = heapq.heappop(plan)
            nxt = _lifecycle(shift, t, n, stage)
            if nxt is not None:
                heapq.heappush(plan, (nxt, n))
        elif t == next_call:
            shift.incident(t, plan)
            next_call = t + rng.expovariate(n_incidents / (end - start))
        else:
            shift.positions(t, rng.randint(1, min(6, units)))
            next_pos = t + pos_gap
    chain = shift.chain
    header = make_header(
        source="synthetic busy shift (tests/shiftgen.py)",
        initial_state=initial,
        from_ts=START,
        to_ts=datetime.fromtimestamp(end, UTC),
        first_seq=1,
        last_seq=chain.seq,
        prev_hash=chain.prev_hash,
        last_hash=chain.hash,
    )
    with path.open("w", encoding="utf-8") as out:
        return write_recording(out, header, shift.lines)


def main() -> None:
    """`python -m tests.shiftgen FILE [EVENTS]`: write a shift (the bench runs this apart)."""
    import sys

    events = int(sys.argv[2]) if len(sys.argv) > 2 else 500_000
    print(build_shift(Path(sys.argv[1]), events=events))


if __name__ == "__main__":
    main()
