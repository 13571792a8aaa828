"""Assignment commands: assign (dispatch), acknowledge and progress, stand down, reallocate.

Units, incidents and the assignments a command changes are read and written with Core
statements (`services.snapshots`): assigning and progressing units are on the hot path.
An assignment found by a query (`active_assignment`) stays an ORM row, flushed by the log.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert

from platform_api.contract import (
    ACK_WITHIN_S,
    AssignmentState,
    Grade,
    IncidentAppended,
    IncidentStatus,
    LogEntryPublic,
    UnitStatus,
)
from platform_api.db.models import AssignmentRow, IncidentRow, UnitRow
from platform_api.errors import Conflict, Invalid
from platform_api.eventlog import CommandContext
from platform_api.services import markers
from platform_api.services.incidents import REASON_NEEDED_FROM, add_entry
from platform_api.services.snapshots import find, load, save
from platform_api.services.units import set_status
from platform_api.services.views import (
    active_assignment,
    assignment_public,
    check_version,
    incident_fields,
    unit_public,
)

_ASSIGNMENT_INSERT = insert(AssignmentRow.metadata.tables[AssignmentRow.__tablename__])


# Unit status that follows each assignment state.
_UNIT_STATUS_FOR = {
    AssignmentState.DISPATCHED: UnitStatus.ASSIGNED,
    AssignmentState.ACKNOWLEDGED: UnitStatus.ASSIGNED,
    AssignmentState.EN_ROUTE: UnitStatus.ASSIGNED,
    AssignmentState.AT_SCENE: UnitStatus.AT_SCENE,
    AssignmentState.CLEARED: UnitStatus.AVAILABLE,
}


_ORDER = [
    AssignmentState.DISPATCHED,
    AssignmentState.ACKNOWLEDGED,
    AssignmentState.EN_ROUTE,
    AssignmentState.AT_SCENE,
    AssignmentState.CLEARED,
]


def _cross_border(ctx: CommandContext, unit: UnitRow, incident: IncidentRow) -> bool:
    return unit.force is not None and incident.force is not None and unit.force != incident.force


def _force_name(ctx: CommandContext, code: str | None) -> str:
    for force in ctx.pack.forces:
        if force.code == code:
            return force.name
    return code or "no force"


AckWithin = Mapping[str, int]


def ack_due(now: datetime, grade: str, ack_within: AckWithin) -> datetime | None:
    """When a dispatch must be acknowledged by: the site's seconds for the grade, else the
    contract's default; None for a grade with no deadline."""
    seconds = ack_within.get(grade, ACK_WITHIN_S.get(Grade(grade)))
    return None if seconds is None else now + timedelta(seconds=seconds)


def _dispatch(
    ctx: CommandContext,
    unit: UnitRow,
    incident: IncidentRow,
    ack_within: AckWithin,
    cross_border_reason: str | None = None,
) -> AssignmentRow:
    values = {
        "cross_border_reason": cross_border_reason,
        "id": uuid.uuid4().hex,
        "version": 1,
        "unit_id": unit.id,
        "incident_id": incident.id,
        "state": AssignmentState.DISPATCHED.value,
        "dispatched_at": ctx.now,
        "dispatched_by": ctx.actor,
        "en_route_at": None,
        "at_scene_at": None,
        "cleared_at": None,
        "cleared_reason": None,
        "acknowledged_at": None,
        "ack_due_at": ack_due(ctx.now, incident.grade, ack_within),
    }
    ctx.session.connection().execute(_ASSIGNMENT_INSERT, values)
    set_status(ctx, unit, UnitStatus.ASSIGNED, incident_id=incident.id)
    return AssignmentRow(**values)


def _briefing(ctx: CommandContext, incident: IncidentRow) -> list[dict[str, Any]]:
    """The warning markers a unit gets with its dispatch: those covering the incident."""
    return [
        m.model_dump(mode="json") for m in markers.covering(ctx.session, incident.lat, incident.lon)
    ]


def _open_incident(ctx: CommandContext, incident_id: str) -> IncidentRow:
    incident = load(ctx.session, IncidentRow, incident_id, field="incident_id")
    if incident.status != IncidentStatus.OPEN.value:
        raise Conflict(
            f"incident {incident.reference} is closed",
            field="incident_id",
            current_version=incident.version,
        )
    return incident


def assign(
    ctx: CommandContext,
    unit_id: str,
    if_match: int,
    incident_id: str,
    ack_within: AckWithin | None = None,
    reason: str | None = None,
) -> None:
    """Dispatch an available unit. A unit of one force sent to the other force's incident
    needs a reason, which the assignment carries and the incident's log records, so both
    forces' rooms see it flagged."""
    unit = load(ctx.session, UnitRow, unit_id)
    incident = _open_incident(ctx, incident_id)
    # State before version: the dispatcher who lost a race must hear who has the unit.
    if unit.status != UnitStatus.AVAILABLE.value:
        where = ""
        if unit.incident_id:
            other = find(ctx.session, IncidentRow, unit.incident_id)
            where = f" on {other.reference}" if other else ""
        raise Conflict(
            f"{unit.callsign} is not available (it is {unit.status}{where}); "
            "a supervisor can reallocate it",
            field="unit_id",
            current_version=unit.version,
        )
    check_version(unit, if_match)
    reason = (reason or "").strip() or None
    logged = []
    border: dict[str, Any] = {}
    if _cross_border(ctx, unit, incident):
        if reason is None:
            raise Invalid(
                f"reason: {unit.callsign} is {_force_name(ctx, unit.force)}'s and "
                f"{incident.reference} is {_force_name(ctx, incident.force)}'s: sending a "
                "unit across the force border needs a reason",
                field="reason",
            )
        text = f"Cross-border: {unit.callsign} ({_force_name(ctx, unit.force)}) sent: {reason}"
        logged.append(_log_on(ctx, incident, text))
        border = {"cross_border": {"unit_force": unit.force, "incident_force": incident.force}}
    a = _dispatch(ctx, unit, incident, ack_within or {}, reason if logged else None)
    ctx.emit(
        "assignment.created",
        "assignment",
        a.id,
        changes={
            "assignments": [assignment_public(a)],
            "units": [unit_public(unit)],
            **_incident_changes(logged),
        },
        appended=_appended(logged),
        markers=_briefing(ctx, incident),
        **border,
    )


def _cleared(a: AssignmentRow, now: datetime, reason: str | None) -> dict[str, Any]:
    """What clearing an assignment changes."""
    return {
        "state": AssignmentState.CLEARED.value,
        "cleared_at": now,
        "cleared_reason": reason,
        "version": a.version + 1,
    }


def _clear(a: AssignmentRow, now: datetime, reason: str | None) -> None:
    """Clear an assignment the ORM tracks (one found by `active_assignment`)."""
    for name, value in _cleared(a, now, reason).items():
        setattr(a, name, value)


def stand_down(ctx: CommandContext, unit_id: str, if_match: int, reason: str | None) -> None:
    unit = load(ctx.session, UnitRow, unit_id)
    check_version(unit, if_match)
    a = active_assignment(ctx.session, unit.id)
    if a is None:
        raise Conflict(
            f"{unit.callsign} is not assigned to an incident",
            field="unit_id",
            current_version=unit.version,
        )
    incident = find(ctx.session, IncidentRow, a.incident_id)
    reason = (reason or "").strip() or None
    if incident is not None and incident.grade in REASON_NEEDED_FROM and reason is None:
        raise Invalid(
            f"standing {unit.callsign} down from a {incident.grade} incident needs a reason",
            field="reason",
        )
    _clear(a, ctx.now, reason or "stood down")
    set_status(ctx, unit, UnitStatus.AVAILABLE, incident_id=None)
    logged = []
    if incident is not None:
        why = f": {reason}" if reason else ""
        logged.append(_log_on(ctx, incident, f"{unit.callsign} stood down{why}"))
    ctx.emit(
        "assignment.stood_down",
        "assignment",
        a.id,
        changes={
            "assignments": [assignment_public(a)],
            "units": [unit_public(unit)],
            **_incident_changes(logged),
        },
        appended=_appended(logged),
        reason=reason,
    )


def _log_on(
    ctx: CommandContext, incident: IncidentRow, text: str
) -> tuple[IncidentRow, LogEntryPublic]:
    """A line in an incident's narrative log, carried by the unit's own event."""
    entry = add_entry(ctx, incident, text)
    save(ctx.session, incident, version=incident.version + 1)
    return incident, entry


def _incident_changes(logged: list[tuple[IncidentRow, LogEntryPublic]]) -> dict[str, Any]:
    return {"incidents": [incident_fields(row) for row, _ in logged]} if logged else {}


def _appended(logged: list[tuple[IncidentRow, LogEntryPublic]]) -> dict[str, Any] | None:
    if not logged:
        return None
    return {"incidents": {row.id: IncidentAppended(log=[entry]) for row, entry in logged}}


def reallocate(
    ctx: CommandContext,
    unit_id: str,
    if_match: int,
    incident_id: str,
    reason: str,
    ack_within: AckWithin | None = None,
) -> None:
    """Move a committed unit to another incident (supervisors); the reason is recorded."""
    unit = load(ctx.session, UnitRow, unit_id)
    target = _open_incident(ctx, incident_id)
    check_version(unit, if_match)
    old = active_assignment(ctx.session, unit.id)
    if old is None:
        raise Conflict(
            f"{unit.callsign} is not committed to an incident; assign it instead",
            field="unit_id",
            current_version=unit.version,
        )
    if old.incident_id == target.id:
        raise Conflict(
            f"{unit.callsign} is already on that incident",
            field="incident_id",
            current_version=unit.version,
        )
    _clear(old, ctx.now, f"reallocated: {reason}")
    crossing = reason if _cross_border(ctx, unit, target) else None
    new = _dispatch(ctx, unit, target, ack_within or {}, crossing)
    # Both incidents' logs say so, with who (the entries' author) and why.
    source = find(ctx.session, IncidentRow, old.incident_id)
    came_from = source.reference if source is not None else "another incident"
    logged = [_log_on(ctx, target, f"{unit.callsign} reallocated here from {came_from}: {reason}")]
    if source is not None:
        logged.append(
            _log_on(ctx, source, f"{unit.callsign} reallocated to {target.reference}: {reason}")
        )
    ctx.emit(
        "assignment.reallocated",
        "assignment",
        new.id,
        changes={
            "assignments": [assignment_public(old), assignment_public(new)],
            "units": [unit_public(unit)],
            **_incident_changes(logged),
        },
        appended=_appended(logged),
        reason=reason,
        from_incident_id=old.incident_id,
        to_incident_id=target.id,
        markers=_briefing(ctx, target),
    )


def progress(
    ctx: CommandContext, assignment_id: str, if_match: int, state: AssignmentState
) -> None:
    """Acknowledged, en route, at scene, cleared: each moves forward only, and stamps its
    time. A unit that goes en route without acknowledging has acknowledged by going."""
    a = load(ctx.session, AssignmentRow, assignment_id)
    check_version(a, if_match)
    current = AssignmentState(a.state)
    if _ORDER.index(state) <= _ORDER.index(current):
        raise Conflict(
            f"the assignment is already {current.value}", field="state", current_version=a.version
        )
    unit = load(ctx.session, UnitRow, a.unit_id)
    also: dict[str, Any] = {}
    if state is AssignmentState.CLEARED:
        save(ctx.session, a, **_cleared(a, ctx.now, "cleared"))
        also["incident_id"] = None
    else:
        changes: dict[str, Any] = {
            "state": state.value,
            "version": a.version + 1,
            "acknowledged_at": a.acknowledged_at or ctx.now,
        }
        if state is AssignmentState.EN_ROUTE:
            changes["en_route_at"] = ctx.now
        elif state is AssignmentState.AT_SCENE:
            changes["at_scene_at"] = ctx.now
            changes["en_route_at"] = a.en_route_at or ctx.now
        save(ctx.session, a, **changes)
    set_status(ctx, unit, _UNIT_STATUS_FOR[state], **also)
    ctx.emit(
        f"assignment.{state.value}",
        "assignment",
        a.id,
        changes={"assignments": [assignment_public(a)], "units": [unit_public(unit)]},
    )
