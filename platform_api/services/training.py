"""Seeding a training sandbox with a recorded moment (training platforms only).

The state's entities are written to the projections as they were, every time moved by
`now - at` so the moment taken over becomes now (an Immediate incident 10 minutes old
keeps its 5 minutes to target). Calls an incident lists but the state no longer holds
(finished before the moment) get closed placeholder rows, so `call_ids` stay as they were.
One `training.seeded` event carries all of it, so the sandbox's log and projections agree.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from platform_api.contract import StatePublic, TrainingSeed
from platform_api.db.models import AssignmentRow, CallRow, IncidentLogRow, IncidentRow, UnitRow
from platform_api.errors import Conflict
from platform_api.eventlog import CommandContext
from platform_api.forces import force_at
from platform_api.grid import cell_of
from platform_api.services.views import (
    assignment_public,
    call_public,
    incident_public,
    unit_public,
    with_lists,
)


def _shift(value: Any, delta: timedelta) -> Any:
    if isinstance(value, datetime):
        return value + delta
    if isinstance(value, dict):
        return {k: _shift(v, delta) for k, v in value.items()}
    if isinstance(value, list):
        return [_shift(v, delta) for v in value]
    return value


def shifted(state: StatePublic, delta: timedelta) -> StatePublic:
    return StatePublic.model_validate(_shift(state.model_dump(), delta))


def seed(ctx: CommandContext, body: TrainingSeed) -> None:
    if ctx.head_seq != 0:
        raise Conflict("the sandbox is already seeded", field="state")
    state = shifted(body.state, ctx.now - body.at)
    live_calls = {c.id for c in state.calls}
    incidents = {i.id for i in state.incidents}
    for i in state.incidents:
        ctx.session.add(
            IncidentRow(
                id=i.id,
                version=i.version,
                reference=i.reference,
                opening_classification=i.opening_classification,
                closing_classification=i.closing_classification,
                grade=i.grade.value,
                target_at=i.target_at,
                thrive=i.thrive.model_dump(),
                lat=i.location.lat,
                lon=i.location.lon,
                address=i.location.address,
                borough=i.location.borough,
                status=i.status.value,
                created_at=i.created_at,
                created_by=i.created_by,
                closed_at=i.closed_at,
                cell=cell_of(i.location.lat, i.location.lon),
                force=i.force or force_at(ctx.pack, i.location.lat, i.location.lon),
            )
        )
        for entry in i.log:
            ctx.session.add(
                IncidentLogRow(incident_id=i.id, at=entry.at, author=entry.author, text=entry.text)
            )
        for n, call_id in enumerate(i.call_ids):
            if call_id not in live_calls:
                ctx.session.add(
                    CallRow(
                        id=call_id,
                        version=1,
                        line="999",
                        caller_number="(before training)",
                        state="closed",
                        received_at=i.created_at - timedelta(seconds=len(i.call_ids) - n),
                        ended_at=i.created_at,
                        incident_id=i.id,
                    )
                )
    ctx.session.flush()  # parents first: rows without a relationship are not ordered
    for c in state.calls:
        aml = c.handset_location
        ctx.session.add(
            CallRow(
                id=c.id,
                version=c.version,
                line=c.line.value,
                caller_number=c.caller_number,
                caller_name=c.caller_name,
                aml_lat=aml.lat if aml else None,
                aml_lon=aml.lon if aml else None,
                aml_accuracy_m=aml.accuracy_m if aml else None,
                state=c.state.value,
                received_at=c.received_at,
                answered_at=c.answered_at,
                answered_by=c.answered_by,
                ended_at=c.ended_at,
                incident_id=c.incident_id if c.incident_id in incidents else None,
            )
        )
    ctx.session.flush()
    for u in state.units:
        pos = u.position
        ctx.session.add(
            UnitRow(
                id=u.id,
                version=u.version,
                callsign=u.callsign,
                type=u.type.value,
                capabilities=list(u.capabilities),
                home_station=u.home_station,
                borough=u.borough or (ctx.pack.district_name_at(pos.lat, pos.lon) if pos else None),
                status=u.status.value,
                status_since=u.status_since,
                lat=pos.lat if pos else None,
                lon=pos.lon if pos else None,
                pos_at=pos.at if pos else None,
                heading=pos.heading if pos else None,
                speed_kmh=pos.speed_kmh if pos else None,
                incident_id=u.incident_id if u.incident_id in incidents else None,
                crew=[m.model_dump(exclude_none=True) for m in u.crew],
                shift=u.shift.value if u.shift else None,
                status_until=u.status_until,
                force=u.force or (force_at(ctx.pack, pos.lat, pos.lon) if pos else None),
            )
        )
    ctx.session.flush()
    for a in state.assignments:
        if a.incident_id in incidents:
            ctx.session.add(AssignmentRow(**a.model_dump(mode="python") | {"state": a.state.value}))
    ctx.session.flush()
    _emit(ctx)


def _emit(ctx: CommandContext) -> None:
    session = ctx.session
    ctx.emit(
        "training.seeded",
        None,
        None,
        changes={
            "calls": [call_public(r) for r in session.query(CallRow).all()],
            "incidents": [
                incident_public(r) for r in session.query(IncidentRow).options(*with_lists())
            ],
            "units": [unit_public(r) for r in session.query(UnitRow).all()],
            "assignments": [assignment_public(r) for r in session.query(AssignmentRow).all()],
        },
    )
