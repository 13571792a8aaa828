"""Incident commands: create, grade, log, relocate, close.

The incident row and its log lines are read and written with Core statements
(`services.snapshots`): log entries and re-grades are the commonest commands, and the ORM's
load and flush were most of their cost.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import timedelta

from sqlalchemy import bindparam, insert, select, update

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
from platform_api.services.snapshots import find, load, save
from platform_api.services.views import (
    assignment_public,
    check_version,
    incident_fields,
    unit_public,
)

_COUNTERS = CounterRow.metadata.tables[CounterRow.__tablename__]
_COUNTER_VALUE = select(_COUNTERS.c.value).where(_COUNTERS.c.name == bindparam("n"))
_COUNTER_INSERT = insert(_COUNTERS)
_COUNTER_BUMP = (
    update(_COUNTERS).where(_COUNTERS.c.name == bindparam("n")).values(value=bindparam("v"))
)
_LOG_INSERT = insert(IncidentLogRow.metadata.tables[IncidentLogRow.__tablename__])
_INCIDENT_INSERT = insert(IncidentRow.metadata.tables[IncidentRow.__tablename__])
_ASSIGNMENTS = AssignmentRow.metadata.tables[AssignmentRow.__tablename__]
_ACTIVE_ON = select(*_ASSIGNMENTS.c).where(
    _ASSIGNMENTS.c.incident_id == bindparam("i"),
    _ASSIGNMENTS.c.state.in_([s.value for s in ACTIVE_ASSIGNMENT_STATES]),
)


def next_reference(ctx: CommandContext, prefix: str) -> str:
    day = ctx.now.strftime("%Y%m%d")
    name = f"incident-{day}"
    db = ctx.session.connection()
    value = db.execute(_COUNTER_VALUE, {"n": name}).scalar()
    if value is None:
        value = 1
        db.execute(_COUNTER_INSERT, {"name": name, "value": value})
    else:
        value += 1
        db.execute(_COUNTER_BUMP, {"n": name, "v": value})
    return f"{prefix}-{day}-{value:04d}"


def _target(ctx: CommandContext, grade: Grade) -> timedelta | None:
    minutes = GRADE_TARGET_MINUTES[grade]
    return None if minutes is None else timedelta(minutes=minutes)


def add_entry(ctx: CommandContext, row: IncidentRow, text: str) -> LogEntryPublic:
    """Append a line to the incident's narrative log; the event carries only this line."""
    values = {"incident_id": row.id, "at": ctx.now, "author": ctx.actor, "text": text}
    ctx.session.connection().execute(_LOG_INSERT, values)
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
    values = dict(
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
    ctx.session.connection().execute(_INCIDENT_INSERT, values)
    row = IncidentRow(**values)  # a snapshot (never in the session), as `load` gives
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
    row = load(ctx.session, IncidentRow, incident_id)
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
    changed: Mapping[str, object] | None = None,
    **details: object,
) -> None:
    """Write `changed` and the next version to the incident's row, and emit the event."""
    save(ctx.session, row, version=row.version + 1, **(changed or {}))
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
    target = _target(ctx, new)
    changed = {
        "grade": new.value,
        "target_at": None if target is None else row.created_at + target,
    }
    # Every re-grade is in the narrative log, with who (the entry's author) and why.
    why = f": {reason}" if reason else ""
    entries = [add_entry(ctx, row, f"Re-graded {previous} → {new.value}{why}")]
    _emit_incident(ctx, "incident.graded", row, entries, changed, previous=previous, reason=reason)


def add_log(ctx: CommandContext, incident_id: str, if_match: int | None, text: str) -> None:
    """Log entries only append, so If-Match is optional: two entries never conflict."""
    row = _open_incident(ctx, incident_id, if_match)
    _emit_incident(ctx, "incident.log_added", row, [add_entry(ctx, row, text)])


def relocate(
    ctx: CommandContext, incident_id: str, if_match: int, location: IncidentLocation
) -> None:
    row = _open_incident(ctx, incident_id, if_match)
    changed: dict[str, object] = {
        "lat": location.lat,
        "lon": location.lon,
        "address": location.address,
        "borough": ctx.pack.district_name_at(location.lat, location.lon),
        "force": force_at(ctx.pack, location.lat, location.lon),
        "cell": cell_of(location.lat, location.lon),
    }
    _emit_incident(ctx, "incident.location_updated", row, changed=changed)


def close(
    ctx: CommandContext, incident_id: str, if_match: int, closing_classification: str
) -> None:
    """Close the incident; units still on it are cleared and become available."""
    row = _open_incident(ctx, incident_id, if_match)
    db = ctx.session.connection()
    active = [AssignmentRow(**a._mapping) for a in db.execute(_ACTIVE_ON, {"i": row.id})]
    units = []
    for a in active:
        save(
            ctx.session,
            a,
            state=AssignmentState.CLEARED.value,
            cleared_at=ctx.now,
            cleared_reason="incident closed",
            version=a.version + 1,
        )
        unit = find(ctx.session, UnitRow, a.unit_id)
        if unit is not None and unit.incident_id == row.id:
            save(
                ctx.session,
                unit,
                incident_id=None,
                status=UnitStatus.AVAILABLE.value,
                status_since=ctx.now,
                version=unit.version + 1,
            )
            units.append(unit)
    save(
        ctx.session,
        row,
        status=IncidentStatus.CLOSED.value,
        closing_classification=closing_classification,
        closed_at=ctx.now,
        version=row.version + 1,
    )
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
