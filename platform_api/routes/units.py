"""Unit and assignment commands over HTTP, and the AVL position feed."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from platform_api.auth import Authorised
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
from platform_api.eventlog import CommandContext
from platform_api.routes.deps import (
    COMMAND,
    EntityId,
    IdempotencyHeader,
    IfMatchRequired,
    required_version,
    run_command,
    settings_of,
)
from platform_api.services import units

router = APIRouter(prefix="/v1", tags=["units"])


@router.post("/units", status_code=201, **COMMAND)
def create_unit(
    request: Request, body: UnitCreate, user: Authorised, key: IdempotencyHeader = None
) -> Response:
    return run_command(
        request, user, key, lambda ctx: units.create(ctx, body), body=body, status_code=201
    )


@router.post("/units/{unit_id}/status", **COMMAND)
def change_unit_status(
    request: Request,
    unit_id: EntityId,
    body: UnitStatusUpdate,
    user: Authorised,
    if_match: IfMatchRequired,
    key: IdempotencyHeader = None,
) -> Response:
    """Available, committed or unavailable; assignment statuses follow assignments."""
    version = required_version(if_match)
    return run_command(
        request,
        user,
        key,
        lambda ctx: units.change_status(ctx, unit_id, version, body.status, body.until),
        body=body,
        if_match=version,
    )


@router.post("/units/{unit_id}/book-on", **COMMAND)
def book_on(
    request: Request,
    unit_id: EntityId,
    body: BookOn,
    user: Authorised,
    if_match: IfMatchRequired,
    key: IdempotencyHeader = None,
) -> Response:
    """A crew books on (collar numbers and skills): the unit becomes available."""
    version = required_version(if_match)
    return run_command(
        request,
        user,
        key,
        lambda ctx: units.book_on(ctx, unit_id, version, body),
        body=body,
        if_match=version,
    )


@router.post("/units/{unit_id}/book-off", **COMMAND)
def book_off(
    request: Request,
    unit_id: EntityId,
    body: BookOff,
    user: Authorised,
    if_match: IfMatchRequired,
    key: IdempotencyHeader = None,
) -> Response:
    """The crew books off: the unit is off duty with no crew."""
    version = required_version(if_match)
    return run_command(
        request,
        user,
        key,
        lambda ctx: units.book_off(ctx, unit_id, version, body.reason),
        body=body,
        if_match=version,
    )


@router.post("/positions", **COMMAND)
def post_positions(
    request: Request, body: PositionBatch, user: Authorised, key: IdempotencyHeader = None
) -> Response:
    """AVL fixes in a batch: one `unit.positions` event. Positions never bump versions."""

    def handler(ctx: CommandContext) -> None:
        units.post_positions(ctx, body)

    return run_command(request, user, key, handler, body=body)


@router.post("/units/{unit_id}/assign", status_code=201, **COMMAND)
def assign_unit(
    request: Request,
    unit_id: EntityId,
    body: AssignmentCreate,
    user: Authorised,
    if_match: IfMatchRequired,
    key: IdempotencyHeader = None,
) -> Response:
    """Dispatch an available unit (If-Match: the unit's version). Two dispatchers racing
    for one unit: one wins, the other gets 409 naming where the unit went."""
    version = required_version(if_match)
    ack_within = settings_of(request).ack_within_s
    return run_command(
        request,
        user,
        key,
        lambda ctx: units.assign(ctx, unit_id, version, body.incident_id, ack_within),
        body=body,
        if_match=version,
        status_code=201,
    )


@router.post("/units/{unit_id}/stand-down", **COMMAND)
def stand_down_unit(
    request: Request,
    unit_id: EntityId,
    body: StandDown,
    user: Authorised,
    if_match: IfMatchRequired,
    key: IdempotencyHeader = None,
) -> Response:
    version = required_version(if_match)
    return run_command(
        request,
        user,
        key,
        lambda ctx: units.stand_down(ctx, unit_id, version, body.reason),
        body=body,
        if_match=version,
    )


@router.post("/units/{unit_id}/reallocate", **COMMAND)
def reallocate_unit(
    request: Request,
    unit_id: EntityId,
    body: Reallocation,
    user: Authorised,
    if_match: IfMatchRequired,
    key: IdempotencyHeader = None,
) -> Response:
    """Supervisors only: move a committed unit to another incident, with a reason."""
    version = required_version(if_match)
    ack_within = settings_of(request).ack_within_s
    return run_command(
        request,
        user,
        key,
        lambda ctx: units.reallocate(
            ctx, unit_id, version, body.incident_id, body.reason, ack_within
        ),
        body=body,
        if_match=version,
    )


@router.post("/assignments/{assignment_id}/progress", **COMMAND)
def assignment_progress(
    request: Request,
    assignment_id: EntityId,
    body: AssignmentProgress,
    user: Authorised,
    if_match: IfMatchRequired,
    key: IdempotencyHeader = None,
) -> Response:
    """En route, at scene, cleared (from the dispatcher or the unit's MDT via a gateway)."""
    version = required_version(if_match)
    return run_command(
        request,
        user,
        key,
        lambda ctx: units.progress(ctx, assignment_id, version, body.state),
        body=body,
        if_match=version,
    )


@router.post("/assignments/{assignment_id}/acknowledge", **COMMAND)
def acknowledge_assignment(
    request: Request,
    assignment_id: EntityId,
    body: AssignmentAcknowledge,
    user: Authorised,
    if_match: IfMatchRequired,
    key: IdempotencyHeader = None,
) -> Response:
    """The unit's device (through its gateway) acknowledges a dispatch (If-Match: the
    assignment's version); an assignment past `ack_due_at` still unacknowledged is flagged
    on every console."""
    version = required_version(if_match)
    return run_command(
        request,
        user,
        key,
        lambda ctx: units.progress(ctx, assignment_id, version, AssignmentState.ACKNOWLEDGED),
        body=body,
        if_match=version,
    )
