"""Unit and assignment commands over HTTP, and the AVL position feed."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from platform_api.contract import (
    AssignmentAcknowledge,
    AssignmentCreate,
    AssignmentProgress,
    AssignmentState,
    BookOff,
    BookOn,
    PositionBatch,
    Reallocation,
    StandDown,
    UnitCreate,
    UnitStatusUpdate,
)
from platform_api.routes.deps import COMMAND, EntityCommand, EntityId, NewCommand, settings_of
from platform_api.services import assignments, positions, units

router = APIRouter(prefix="/v1", tags=["units"])


@router.post("/units", status_code=201, **COMMAND)
async def create_unit(body: UnitCreate, cmd: NewCommand) -> Response:
    return await cmd.run(lambda ctx: units.create(ctx, body), body)


@router.post("/units/{unit_id}/status", **COMMAND)
async def change_unit_status(
    unit_id: EntityId, body: UnitStatusUpdate, cmd: EntityCommand
) -> Response:
    """Available, committed or unavailable; assignment statuses follow assignments."""
    return await cmd.run(
        lambda ctx: units.change_status(ctx, unit_id, cmd.version, body.status, body.until), body
    )


@router.post("/units/{unit_id}/book-on", **COMMAND)
async def book_on(unit_id: EntityId, body: BookOn, cmd: EntityCommand) -> Response:
    """A crew books on (collar numbers and skills): the unit becomes available."""
    return await cmd.run(lambda ctx: units.book_on(ctx, unit_id, cmd.version, body), body)


@router.post("/units/{unit_id}/book-off", **COMMAND)
async def book_off(unit_id: EntityId, body: BookOff, cmd: EntityCommand) -> Response:
    """The crew books off: the unit is off duty with no crew."""
    return await cmd.run(lambda ctx: units.book_off(ctx, unit_id, cmd.version, body.reason), body)


@router.post("/positions", **COMMAND)
async def post_positions(body: PositionBatch, cmd: NewCommand) -> Response:
    """AVL fixes in a batch: one `unit.positions` event. Positions never bump versions."""
    return await cmd.run(lambda ctx: positions.post_positions(ctx, body), body)


@router.post("/units/{unit_id}/assign", status_code=201, **COMMAND)
async def assign_unit(
    request: Request, unit_id: EntityId, body: AssignmentCreate, cmd: EntityCommand
) -> Response:
    """Dispatch an available unit (If-Match: the unit's version). Two dispatchers racing
    for one unit: one wins, the other gets 409 naming where the unit went. A unit of
    another force than the incident's needs a `reason` (422 without): the assignment
    carries it as `cross_border_reason` and the incident's log says so."""
    ack_within = settings_of(request).ack_within_s
    return await cmd.run(
        lambda ctx: assignments.assign(
            ctx, unit_id, cmd.version, body.incident_id, ack_within, body.reason
        ),
        body,
    )


@router.post("/units/{unit_id}/stand-down", **COMMAND)
async def stand_down_unit(unit_id: EntityId, body: StandDown, cmd: EntityCommand) -> Response:
    return await cmd.run(
        lambda ctx: assignments.stand_down(ctx, unit_id, cmd.version, body.reason), body
    )


@router.post("/units/{unit_id}/reallocate", **COMMAND)
async def reallocate_unit(
    request: Request, unit_id: EntityId, body: Reallocation, cmd: EntityCommand
) -> Response:
    """Supervisors only: move a committed unit to another incident, with a reason."""
    ack_within = settings_of(request).ack_within_s
    return await cmd.run(
        lambda ctx: assignments.reallocate(
            ctx, unit_id, cmd.version, body.incident_id, body.reason, ack_within
        ),
        body,
    )


@router.post("/assignments/{assignment_id}/progress", **COMMAND)
async def assignment_progress(
    assignment_id: EntityId, body: AssignmentProgress, cmd: EntityCommand
) -> Response:
    """En route, at scene, cleared (from the dispatcher or the unit's MDT via a gateway)."""
    return await cmd.run(
        lambda ctx: assignments.progress(ctx, assignment_id, cmd.version, body.state), body
    )


@router.post("/assignments/{assignment_id}/acknowledge", **COMMAND)
async def acknowledge_assignment(
    assignment_id: EntityId, body: AssignmentAcknowledge, cmd: EntityCommand
) -> Response:
    """The unit's device (through its gateway) acknowledges a dispatch (If-Match: the
    assignment's version); an assignment past `ack_due_at` still unacknowledged is flagged
    on every console."""
    return await cmd.run(
        lambda ctx: assignments.progress(
            ctx, assignment_id, cmd.version, AssignmentState.ACKNOWLEDGED
        ),
        body,
    )
