"""Unit commands: create, status, book on and off. Positions are `services.positions`;
assignments (assign, progress, stand down, reallocate) are `services.assignments`.

Units are read and written with Core statements (`services.snapshots`).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from platform_api.contract import (
    DIRECT_UNIT_STATUSES,
    BookOn,
    UnitCreate,
    UnitStatus,
)
from platform_api.db.models import UnitRow
from platform_api.errors import Conflict, Invalid
from platform_api.eventlog import CommandContext
from platform_api.forces import force_at, known_force
from platform_api.services.snapshots import load, save
from platform_api.services.views import (
    active_assignment,
    check_version,
    unit_public,
)


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


def set_status(
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
    set_status(ctx, unit, status, until)
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
    set_status(ctx, unit, UnitStatus.AVAILABLE, crew=crew, shift=shift)
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
    set_status(ctx, unit, UnitStatus.OFF_DUTY, crew=[], shift=None)
    ctx.emit(
        "unit.booked_off", "unit", unit.id, changes={"units": [unit_public(unit)]}, reason=reason
    )
