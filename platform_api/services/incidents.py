"""Incident commands: create, grade, log, relocate, close."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select

from platform_api.contract import (
    ACTIVE_ASSIGNMENT_STATES,
    GRADE_TARGET_MINUTES,
    AssignmentState,
    Grade,
    IncidentAppended,
    IncidentCreate,
    IncidentLocation,
    IncidentStatus,
    LogEntryPublic,
    UnitStatus,
)
from platform_api.db.models import AssignmentRow, CounterRow, IncidentLogRow, IncidentRow, UnitRow
from platform_api.errors import Conflict, Invalid
from platform_api.eventlog import CommandContext
from platform_api.forces import force_at, prefix_of
from platform_api.grid import cell_of
from platform_api.services.views import (
    assignment_public,
    check_version,
    get_or_404,
    incident_fields,
    unit_public,
)


def next_reference(ctx: CommandContext, prefix: str) -> str:
    day = ctx.now.strftime("%Y%m%d")
    name = f"incident-{day}"
    counter = ctx.session.get(CounterRow, name)
    if counter is None:
        counter = CounterRow(name=name, value=0)
        ctx.session.add(counter)
    counter.value += 1
    return f"{prefix}-{day}-{counter.value:04d}"


def _target(ctx: CommandContext, grade: Grade) -> timedelta | None:
    minutes = GRADE_TARGET_MINUTES[grade]
    return None if minutes is None else timedelta(minutes=minutes)


def add_entry(ctx: CommandContext, row: IncidentRow, text: str) -> LogEntryPublic:
    """Append a line to the incident's narrative log; the event carries only this line."""
    ctx.session.add(IncidentLogRow(incident_id=row.id, at=ctx.now, author=ctx.actor, text=text))
    return LogEntryPublic(at=ctx.now, author=ctx.actor, text=text)


def new_incident(
    ctx: CommandContext, body: IncidentCreate, prefix: str | None
) -> tuple[IncidentRow, list[LogEntryPublic]]:
    """Insert an incident row and its narrative, if any (no event: the caller emits one
    covering all it changed, with the log entries returned here as `appended`). The
    incident is the force's whose area it is in, and its reference carries that force's
    prefix (or `prefix`, when the platform sets one for all: a training sandbox)."""
    target = _target(ctx, body.grade)
    force = force_at(ctx.pack, body.location.lat, body.location.lon)
    row = IncidentRow(
        id=uuid.uuid4().hex,
        version=1,
        force=force,
        reference=next_reference(ctx, prefix or prefix_of(ctx.pack, force)),
        opening_classification=body.opening_classification,
        closing_classification=None,
        grade=body.grade.value,
        target_at=None if target is None else ctx.now + target,
        thrive=body.thrive.model_dump(),
        lat=body.location.lat,
        lon=body.location.lon,
        address=body.location.address,
        borough=ctx.pack.district_name_at(body.location.lat, body.location.lon),
        status=IncidentStatus.OPEN.value,
        created_at=ctx.now,
        created_by=ctx.actor,
        closed_at=None,
        cell=cell_of(body.location.lat, body.location.lon),
    )
    ctx.session.add(row)
    ctx.session.flush()  # the log entry's foreign key needs the row
    entries = [add_entry(ctx, row, body.narrative)] if body.narrative else []
    return row, entries


def create(ctx: CommandContext, body: IncidentCreate, prefix: str | None) -> None:
    """An incident with no call behind it: a walk-in or officer-generated report."""
    row, entries = new_incident(ctx, body, prefix)
    ctx.emit(
        "incident.created",
        "incident",
        row.id,
        changes={"incidents": [incident_fields(row)]},
        appended={"incidents": {row.id: IncidentAppended(log=entries)}},
    )


def _open_incident(ctx: CommandContext, incident_id: str, if_match: int | None) -> IncidentRow:
    row = get_or_404(ctx.session, IncidentRow, incident_id)
    if row.status != IncidentStatus.OPEN.value:
        raise Conflict(
            f"incident {row.reference} is closed", field="status", current_version=row.version
        )
    if if_match is not None:
        check_version(row, if_match)
    return row


def _emit_incident(
    ctx: CommandContext,
    type_: str,
    row: IncidentRow,
    entries: list[LogEntryPublic] | None = None,
    **details: object,
) -> None:
    row.version += 1
    appended = {"incidents": {row.id: IncidentAppended(log=entries)}} if entries else None
    ctx.emit(
        type_,
        "incident",
        row.id,
        changes={"incidents": [incident_fields(row)]},
        appended=appended,
        **details,
    )


# A downgrade from these needs a reason: the call may have been the one that mattered.
REASON_NEEDED_FROM = (Grade.IMMEDIATE, Grade.PRIORITY)
_ORDER = list(Grade)


def _is_downgrade(previous: str, new: Grade) -> bool:
    old = Grade(previous)
    return old in REASON_NEEDED_FROM and _ORDER.index(new) > _ORDER.index(old)


def grade(
    ctx: CommandContext, incident_id: str, if_match: int, new: Grade, reason: str | None
) -> None:
    """Re-grade; the response target is counted from when the incident was created."""
    row = _open_incident(ctx, incident_id, if_match)
    previous = row.grade
    reason = (reason or "").strip() or None
    if _is_downgrade(previous, new) and reason is None:
        raise Invalid(
            f"a downgrade from {previous} needs a reason (it goes in the log)", field="reason"
        )
    row.grade = new.value
    target = _target(ctx, new)
    row.target_at = None if target is None else row.created_at + target
    # Every re-grade is in the narrative log, with who (the entry's author) and why.
    why = f": {reason}" if reason else ""
    entries = [add_entry(ctx, row, f"Re-graded {previous} → {new.value}{why}")]
    _emit_incident(ctx, "incident.graded", row, entries, previous=previous, reason=reason)


def add_log(ctx: CommandContext, incident_id: str, if_match: int | None, text: str) -> None:
    """Log entries only append, so If-Match is optional: two entries never conflict."""
    row = _open_incident(ctx, incident_id, if_match)
    _emit_incident(ctx, "incident.log_added", row, [add_entry(ctx, row, text)])


def relocate(
    ctx: CommandContext, incident_id: str, if_match: int, location: IncidentLocation
) -> None:
    row = _open_incident(ctx, incident_id, if_match)
    row.lat, row.lon, row.address = location.lat, location.lon, location.address
    row.borough = ctx.pack.district_name_at(location.lat, location.lon)
    row.force = force_at(ctx.pack, location.lat, location.lon)
    row.cell = cell_of(location.lat, location.lon)
    _emit_incident(ctx, "incident.location_updated", row)


def close(
    ctx: CommandContext, incident_id: str, if_match: int, closing_classification: str
) -> None:
    """Close the incident; units still on it are cleared and become available."""
    row = _open_incident(ctx, incident_id, if_match)
    active = ctx.session.scalars(
        select(AssignmentRow).where(
            AssignmentRow.incident_id == row.id,
            AssignmentRow.state.in_([s.value for s in ACTIVE_ASSIGNMENT_STATES]),
        )
    ).all()
    units = []
    for a in active:
        a.state = AssignmentState.CLEARED.value
        a.cleared_at = ctx.now
        a.cleared_reason = "incident closed"
        a.version += 1
        unit = ctx.session.get(UnitRow, a.unit_id)
        if unit is not None and unit.incident_id == row.id:
            unit.incident_id = None
            unit.status = UnitStatus.AVAILABLE.value
            unit.status_since = ctx.now
            unit.version += 1
            units.append(unit)
    row.status = IncidentStatus.CLOSED.value
    row.closing_classification = closing_classification
    row.closed_at = ctx.now
    row.version += 1
    ctx.emit(
        "incident.closed",
        "incident",
        row.id,
        changes={
            "incidents": [incident_fields(row)],
            "assignments": [assignment_public(a) for a in active],
            "units": [unit_public(u) for u in units],
        },
    )
