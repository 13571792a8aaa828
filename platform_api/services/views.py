"""Projection rows to their public wire form, and lookups that every command shares."""

from __future__ import annotations

import contextlib
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql.base import ExecutableOption

from platform_api.contract import (
    ACTIVE_ASSIGNMENT_STATES,
    AssignmentPublic,
    AssignmentState,
    CallPublic,
    CallState,
    CrewMemberPublic,
    Grade,
    HandsetLocation,
    IncidentFields,
    IncidentPublic,
    IncidentStatus,
    Line,
    LocatedPublic,
    LogEntryPublic,
    PositionPublic,
    Shift,
    StatePublic,
    Thrive,
    UnitPublic,
    UnitStatus,
    UnitType,
)
from platform_api.db.models import AssignmentRow, CallRow, IncidentRow, UnitRow
from platform_api.errors import NotFound, StaleVersion
from platform_api.eventlog import head_seq
from platform_api.services import markers

Row = TypeVar("Row", CallRow, IncidentRow, UnitRow, AssignmentRow)

KIND = {CallRow: "call", IncidentRow: "incident", UnitRow: "unit", AssignmentRow: "assignment"}


def get_or_404(session: Session, model: type[Row], entity_id: str, field: str | None = None) -> Row:
    # An id with a NUL character cannot exist, and PostgreSQL would refuse to look it up.
    row = None if "\x00" in entity_id else session.get(model, entity_id)
    if row is None:
        kind = KIND[model]
        raise NotFound(f"no {kind} with id {entity_id!r}", field=field or f"{kind}_id")
    return row


def check_version(row: CallRow | IncidentRow | UnitRow | AssignmentRow, if_match: int) -> None:
    if row.version != if_match:
        kind = KIND[type(row)]
        raise StaleVersion(
            f"this {kind} has changed since you saw it (you had version {if_match}, "
            f"it is now {row.version}); look again and retry",
            field="If-Match",
            current_version=row.version,
        )


def call_public(row: CallRow) -> CallPublic:
    aml = None
    if row.aml_lat is not None and row.aml_lon is not None and row.aml_accuracy_m is not None:
        aml = HandsetLocation(lat=row.aml_lat, lon=row.aml_lon, accuracy_m=row.aml_accuracy_m)
    return CallPublic(
        id=row.id,
        version=row.version,
        line=Line(row.line),
        caller_number=row.caller_number,
        caller_name=row.caller_name,
        handset_location=aml,
        state=CallState(row.state),
        received_at=row.received_at,
        answered_at=row.answered_at,
        answered_by=row.answered_by,
        ended_at=row.ended_at,
        incident_id=row.incident_id,
    )


def incident_fields(row: IncidentRow) -> IncidentFields:
    """The incident without its growing lists, as events carry it (no relationship is read)."""
    return IncidentFields(
        id=row.id,
        version=row.version,
        reference=row.reference,
        opening_classification=row.opening_classification,
        closing_classification=row.closing_classification,
        grade=Grade(row.grade),
        target_at=row.target_at,
        thrive=Thrive.model_validate(row.thrive),
        location=LocatedPublic(lat=row.lat, lon=row.lon, address=row.address, borough=row.borough),
        status=IncidentStatus(row.status),
        created_at=row.created_at,
        created_by=row.created_by,
        closed_at=row.closed_at,
        force=row.force,
    )


def incident_public(row: IncidentRow) -> IncidentPublic:
    """The full incident, lists included (reads both relationships)."""
    return IncidentPublic(
        **dict(incident_fields(row)),
        call_ids=[c.id for c in row.calls],
        log=[LogEntryPublic(at=e.at, author=e.author, text=e.text) for e in row.log_entries],
    )


def with_lists() -> tuple[ExecutableOption, ...]:
    """Loader options for queries that build full incidents: both lists in one query each."""
    return (selectinload(IncidentRow.log_entries), selectinload(IncidentRow.calls))


def unit_public(row: UnitRow) -> UnitPublic:
    pos = None
    if row.lat is not None and row.lon is not None and row.pos_at is not None:
        pos = PositionPublic(
            lat=row.lat, lon=row.lon, at=row.pos_at, heading=row.heading, speed_kmh=row.speed_kmh
        )
    return UnitPublic(
        id=row.id,
        version=row.version,
        callsign=row.callsign,
        type=UnitType(row.type),
        capabilities=list(row.capabilities),
        home_station=row.home_station,
        borough=row.borough,
        status=UnitStatus(row.status),
        status_since=row.status_since,
        position=pos,
        incident_id=row.incident_id,
        crew=[CrewMemberPublic.model_validate(m) for m in row.crew or []],
        shift=Shift(row.shift) if row.shift else None,
        status_until=row.status_until,
        force=row.force,
    )


def assignment_public(row: AssignmentRow) -> AssignmentPublic:
    return AssignmentPublic(
        id=row.id,
        version=row.version,
        unit_id=row.unit_id,
        incident_id=row.incident_id,
        state=AssignmentState(row.state),
        dispatched_at=row.dispatched_at,
        dispatched_by=row.dispatched_by,
        en_route_at=row.en_route_at,
        at_scene_at=row.at_scene_at,
        cleared_at=row.cleared_at,
        cleared_reason=row.cleared_reason,
        acknowledged_at=row.acknowledged_at,
        ack_due_at=row.ack_due_at,
        cross_border_reason=row.cross_border_reason,
    )


def active_assignment(session: Session, unit_id: str) -> AssignmentRow | None:
    stmt = select(AssignmentRow).where(
        AssignmentRow.unit_id == unit_id,
        AssignmentRow.state.in_([s.value for s in ACTIVE_ASSIGNMENT_STATES]),
    )
    return session.scalars(stmt).first()


def current_state(session: Session) -> StatePublic:
    """Everything current, read in one transaction so `as_of_seq` matches the rows.

    Closed incidents, finished calls and cleared assignments stay in the log but not here:
    a console needs what is live, and the state would otherwise grow without bound.
    Inside a transaction the caller began (`audit.verify`), it reads in that one.
    """
    with contextlib.nullcontext() if session.in_transaction() else session.begin():
        seq = head_seq(session)
        calls = session.scalars(
            select(CallRow).where(
                CallRow.state.in_([CallState.QUEUED.value, CallState.ANSWERED.value])
            )
        ).all()
        incidents = session.scalars(
            select(IncidentRow)
            .where(IncidentRow.status == IncidentStatus.OPEN.value)
            .options(*with_lists())
        ).all()
        units = session.scalars(select(UnitRow).order_by(UnitRow.callsign)).all()
        assignments = session.scalars(
            select(AssignmentRow).where(
                AssignmentRow.state.in_([s.value for s in ACTIVE_ASSIGNMENT_STATES])
            )
        ).all()
        return StatePublic(
            as_of_seq=seq,
            calls=[call_public(c) for c in calls],
            incidents=[incident_public(i) for i in incidents],
            units=[unit_public(u) for u in units],
            assignments=[assignment_public(a) for a in assignments],
            markers=markers.active(session),
        )
