"""Unit commands: create, status, positions (AVL), assign, stand down, reallocate, progress.

Positions do not bump a unit's `version`: a car reporting its place every second must not
make a dispatcher's status change or assignment fail as stale.

Units, incidents and the assignments a command changes are read and written with Core
statements (`services.snapshots`): assigning and progressing units are on the hot path.
An assignment found by a query (`active_assignment`) stays an ORM row, flushed by the log.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from platform_api.contract import (
    ACK_WITHIN_S,
    DIRECT_UNIT_STATUSES,
    AssignmentState,
    BookOn,
    Grade,
    IncidentAppended,
    IncidentStatus,
    LogEntryPublic,
    PositionBatch,
    PositionReport,
    UnitCreate,
    UnitStatus,
)
from platform_api.db.models import AssignmentRow, IncidentRow, UnitRow
from platform_api.errors import Conflict, Invalid
from platform_api.eventlog import CommandContext
from platform_api.forces import force_at, known_force
from platform_api.services import markers
from platform_api.services.incidents import REASON_NEEDED_FROM, add_entry
from platform_api.services.snapshots import find, load, save
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


def create(ctx: CommandContext, body: UnitCreate) -> None:
    taken = ctx.session.scalars(select(UnitRow.id).where(UnitRow.callsign == body.callsign)).first()
    if taken is not None:
        raise Conflict(f"callsign {body.callsign} is already in use", field="callsign")
    pos = body.position
    row = UnitRow(
        id=uuid.uuid4().hex,
        version=1,
        callsign=body.callsign,
        type=body.type.value,
        capabilities=sorted(set(body.capabilities)),
        home_station=body.home_station,
        borough=body.borough or (ctx.pack.district_name_at(pos.lat, pos.lon) if pos else None),
        force=_unit_force(ctx, body),
        status=UnitStatus.AVAILABLE.value,
        status_since=ctx.now,
        lat=pos.lat if pos else None,
        lon=pos.lon if pos else None,
        pos_at=ctx.now if pos else None,
    )
    ctx.session.add(row)
    ctx.emit("unit.created", "unit", row.id, changes={"units": [unit_public(row)]})


def _unit_force(ctx: CommandContext, body: UnitCreate) -> str:
    """The force named, else the force of the district it is in (or named), else the first."""
    if body.force is not None:
        return known_force(ctx.pack, body.force)
    if body.position is not None:
        return force_at(ctx.pack, body.position.lat, body.position.lon)
    if body.borough is not None:
        for district in ctx.pack.districts:
            if district.name == body.borough:
                return district.force
    return ctx.pack.home_force.code


def _cross_border(ctx: CommandContext, unit: UnitRow, incident: IncidentRow) -> bool:
    return unit.force is not None and incident.force is not None and unit.force != incident.force


def _force_name(ctx: CommandContext, code: str | None) -> str:
    for force in ctx.pack.forces:
        if force.code == code:
            return force.name
    return code or "no force"


def _set_status(
    ctx: CommandContext,
    unit: UnitRow,
    status: UnitStatus,
    until: datetime | None = None,
    **also: Any,
) -> None:
    """Write the unit's new status (and `also`) with its next version; `unit` is a snapshot."""
    changes: dict[str, Any] = {"status_until": until, "version": unit.version + 1, **also}
    if unit.status != status.value:
        changes["status"] = status.value
        changes["status_since"] = ctx.now
    save(ctx.session, unit, **changes)


def change_status(
    ctx: CommandContext,
    unit_id: str,
    if_match: int,
    status: UnitStatus,
    until: datetime | None = None,
) -> None:
    unit = load(ctx.session, UnitRow, unit_id)
    check_version(unit, if_match)
    if status not in DIRECT_UNIT_STATUSES:
        raise Invalid(
            f"status {status.value} follows an assignment; "
            "assign the unit or report its progress instead",
            field="status",
        )
    if active_assignment(ctx.session, unit.id) is not None:
        raise Conflict(
            f"{unit.callsign} is on an incident; stand it down before changing its status",
            field="status",
            current_version=unit.version,
        )
    if unit.status == UnitStatus.OFF_DUTY.value:
        raise Conflict(
            f"{unit.callsign} is booked off; book a crew on first",
            field="status",
            current_version=unit.version,
        )
    # a refreshment break's end: a break, not a date in another year (docs/platform.md)
    if until is not None and not ctx.now < until <= ctx.now + timedelta(hours=24):
        raise Invalid(
            "until must be in the future, and at most 24 hours ahead (a break, not a date "
            "in another year)",
            field="until",
        )
    previous = unit.status
    _set_status(ctx, unit, status, until)
    ctx.emit(
        "unit.status_changed",
        "unit",
        unit.id,
        changes={"units": [unit_public(unit)]},
        previous=previous,
    )


def book_on(ctx: CommandContext, unit_id: str, if_match: int, body: BookOn) -> None:
    """A crew takes the unit: it becomes available with their skills."""
    unit = load(ctx.session, UnitRow, unit_id)
    check_version(unit, if_match)
    if active_assignment(ctx.session, unit.id) is not None:
        raise Conflict(
            f"{unit.callsign} is on an incident; its crew changes when it clears",
            field="unit_id",
            current_version=unit.version,
        )
    collars = [m.collar for m in body.crew]
    if len(set(collars)) != len(collars):
        raise Invalid("a collar number appears twice in the crew", field="crew")
    crew = [m.model_dump(exclude_none=True) for m in body.crew]
    shift = body.shift.value if body.shift else None
    _set_status(ctx, unit, UnitStatus.AVAILABLE, crew=crew, shift=shift)
    ctx.emit("unit.booked_on", "unit", unit.id, changes={"units": [unit_public(unit)]})


def book_off(ctx: CommandContext, unit_id: str, if_match: int, reason: str | None) -> None:
    unit = load(ctx.session, UnitRow, unit_id)
    check_version(unit, if_match)
    if active_assignment(ctx.session, unit.id) is not None:
        raise Conflict(
            f"{unit.callsign} is on an incident; stand it down before booking off",
            field="unit_id",
            current_version=unit.version,
        )
    _set_status(ctx, unit, UnitStatus.OFF_DUTY, crew=[], shift=None)
    ctx.emit(
        "unit.booked_off", "unit", unit.id, changes={"units": [unit_public(unit)]}, reason=reason
    )


def post_positions(ctx: CommandContext, batch: PositionBatch) -> int:
    """Apply a batch of AVL fixes as one `unit.positions` event; returns how many applied.

    The event is the hot path of a room (10,000 units a second, sent to every console), so
    its fixes are columns (`Fixes.columns`), each carrying only what it says; the columns
    are built once and serve the units' rows and the event alike."""
    now = ctx.now
    latest: dict[str, PositionReport] = {}
    for p in batch.positions:  # several fixes for one unit: keep the newest
        prev = latest.get(p.unit_id)
        if prev is None or (prev.at or now) <= (p.at or now):
            latest[p.unit_id] = p
    fixes = Fixes.of(list(latest.values()), now)
    if _store_fixes(ctx.session, fixes) != len(fixes.unit_id):
        _refuse_unknown(ctx.session, batch)  # the savepoint undoes the rows written
    ctx.emit("unit.positions", None, None, fixes=fixes.columns())
    return len(fixes.unit_id)


@dataclass(frozen=True, slots=True)
class Fixes:
    """A batch's fixes, one list per column: rounded as stored and sent, `pos_at` the fix's
    own time or the command's, `at` the same but None where it is the command's."""

    unit_id: list[str]
    lat: list[float]
    lon: list[float]
    pos_at: list[datetime]
    at: list[datetime | None]
    heading: list[float | None]
    speed_kmh: list[float | None]

    @classmethod
    def of(cls, reports: list[PositionReport], now: datetime) -> Fixes:
        at = [None if p.at is None or p.at == now else p.at for p in reports]
        return cls(
            unit_id=[p.unit_id for p in reports],
            lat=[round(p.lat, COORDINATE_DECIMALS) for p in reports],
            lon=[round(p.lon, COORDINATE_DECIMALS) for p in reports],
            pos_at=[now if a is None else a for a in at],
            at=at,
            heading=[None if p.heading is None else round(p.heading, 1) for p in reports],
            speed_kmh=[None if p.speed_kmh is None else round(p.speed_kmh, 1) for p in reports],
        )

    def columns(self) -> dict[str, list[Any]]:
        """The event's columns (`contract.fold.position_fixes` reads them): `unit_id`, `lat`,
        `lon`, then `at`, `heading` and `speed_kmh` only when some fix has one, null in the
        others. A fix's `at` is null when it is the event's own time (readers default it to
        the event's `ts`, `contract.fold.fix_time`)."""
        columns: dict[str, list[Any]] = {
            "unit_id": self.unit_id,
            "lat": self.lat,
            "lon": self.lon,
        }
        at = [None if a is None else a.isoformat().replace("+00:00", "Z") for a in self.at]
        for key, column in (("at", at), ("heading", self.heading), ("speed_kmh", self.speed_kmh)):
            if any(value is not None for value in column):
                columns[key] = column
        return columns


def _refuse_unknown(session: Session, batch: PositionBatch) -> None:
    """Raise for the batch's first unit that does not exist (a 422 naming its item)."""
    ids = {p.unit_id for p in batch.positions}
    known = set(session.scalars(select(UnitRow.id).where(UnitRow.id.in_(ids))))
    for i, p in enumerate(batch.positions):
        if p.unit_id not in known:
            raise NotFoundInBatch(f"no unit with id {p.unit_id!r}", field=f"positions[{i}].unit_id")
    raise RuntimeError("a position batch updated fewer units than it names, all of them known")


def _store_fixes(session: Session, fixes: Fixes) -> int:
    """Write the fixes to the units' rows; returns how many rows it updated (fewer than the
    fixes: a unit that does not exist).

    The ORM's bulk update builds a parameter dict per row through the compiler, which for a
    room's batches (hundreds of fixes, twenty times a second) cost more than the database's
    own work: SQLite gets one driver-level executemany of a fixed UPDATE, PostgreSQL one
    UPDATE over arrays. The times go through the column type's bind processor, as the ORM
    would, once per distinct time. The rows updated are the statement's row count (sqlite3
    sums an executemany's), so a batch costs no SELECT of its units first."""
    conn = session.connection()
    dialect = conn.dialect
    mark = _PARAM_MARK.get(dialect.paramstyle)
    if mark is None:  # a driver we have not met: the ORM's way, after checking the ids
        ids = set(fixes.unit_id)
        found = len(set(session.scalars(select(UnitRow.id).where(UnitRow.id.in_(ids)))))
        if found == len(fixes.unit_id):
            session.execute(update(UnitRow), _fix_dicts(fixes))
        return found
    at_type = UnitRow.__table__.c.pos_at.type
    to_db: Callable[[Any], Any] = at_type.bind_processor(dialect) or _unchanged
    if dialect.name == "sqlite":  # the text sqlite3's adapter would make, made once
        to_db = _then_text(to_db)
    times: dict[datetime, Any] = {}  # most fixes of a batch share the command's time
    pos_at = [times[a] if a in times else times.setdefault(a, to_db(a)) for a in fixes.pos_at]
    if dialect.name == "postgresql":  # one statement over arrays, not one per fix
        arrays = (fixes.unit_id, fixes.lat, fixes.lon, pos_at, fixes.heading, fixes.speed_kmh)
        return int(conn.exec_driver_sql(_PG_STORE_FIXES, arrays).rowcount)
    columns = ("lat", "lon", "pos_at", "heading", "speed_kmh")
    sql = (
        f"UPDATE {UnitRow.__tablename__} SET "
        + ", ".join(f"{c} = {mark}" for c in columns)
        + f" WHERE id = {mark}"
    )
    f = fixes
    rows = list(zip(f.lat, f.lon, pos_at, f.heading, f.speed_kmh, f.unit_id, strict=True))
    return int(conn.exec_driver_sql(sql, rows).rowcount)


def _fix_dicts(fixes: Fixes) -> list[dict[str, Any]]:
    return [
        {"id": i, "lat": la, "lon": lo, "pos_at": t, "heading": h, "speed_kmh": v}
        for i, la, lo, t, h, v in zip(
            fixes.unit_id,
            fixes.lat,
            fixes.lon,
            fixes.pos_at,
            fixes.heading,
            fixes.speed_kmh,
            strict=True,
        )
    ]


def _then_text(to_db: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        value = to_db(value)
        return value.isoformat(" ") if isinstance(value, datetime) else value

    return convert


# PostgreSQL: a batch's fixes as one UPDATE joined to the unnested arrays of their columns;
# psycopg's executemany sends one statement per fix, which cost most of a batch's time.
_PG_STORE_FIXES = (
    f"UPDATE {UnitRow.__tablename__} AS u SET lat = v.lat, lon = v.lon, pos_at = v.pos_at, "
    "heading = v.heading, speed_kmh = v.speed_kmh "
    "FROM unnest(%s::text[], %s::float8[], %s::float8[], %s::timestamp[], %s::float8[], "
    "%s::float8[]) AS v(id, lat, lon, pos_at, heading, speed_kmh) WHERE u.id = v.id"
)


def _unchanged(value: Any) -> Any:
    return value


_PARAM_MARK = {"qmark": "?", "format": "%s", "pyformat": "%s"}  # positional DB-API markers

COORDINATE_DECIMALS = 6  # a tenth of a metre: finer than any AVL fix, and 9 digits, not 17


class NotFoundInBatch(Invalid):
    """An unknown unit inside a batch is a 422 on that item, not a 404 of the URL."""


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
    _set_status(ctx, unit, UnitStatus.ASSIGNED, incident_id=incident.id)
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
    _set_status(ctx, unit, UnitStatus.AVAILABLE, incident_id=None)
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
    _set_status(ctx, unit, _UNIT_STATUS_FOR[state], **also)
    ctx.emit(
        f"assignment.{state.value}",
        "assignment",
        a.id,
        changes={"assignments": [assignment_public(a)], "units": [unit_public(unit)]},
    )
