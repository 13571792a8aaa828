"""Incident commands over HTTP."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from platform_api.contract import (
    GradeUpdate,
    IncidentClose,
    IncidentCreate,
    LocationUpdate,
    LogEntryCreate,
)
from platform_api.routes.deps import (
    COMMAND,
    AppendCommand,
    EntityCommand,
    EntityId,
    NewCommand,
)
from platform_api.services import incidents

router = APIRouter(prefix="/v1/incidents", tags=["incidents"])


@router.post("", status_code=201, **COMMAND)
async def create_incident(request: Request, body: IncidentCreate, cmd: NewCommand) -> Response:
    """An incident with no call: a walk-in or officer-generated report."""
    prefix: str | None = request.app.state.reference_prefix
    return await cmd.run(lambda ctx: incidents.create(ctx, body, prefix), body)


@router.post("/{incident_id}/grade", **COMMAND)
async def grade_incident(incident_id: EntityId, body: GradeUpdate, cmd: EntityCommand) -> Response:
    return await cmd.run(
        lambda ctx: incidents.grade(ctx, incident_id, cmd.version, body.grade, body.reason), body
    )


@router.post("/{incident_id}/log", **COMMAND)
async def add_log_entry(
    incident_id: EntityId, body: LogEntryCreate, cmd: AppendCommand
) -> Response:
    """Append to the narrative log; If-Match optional (appends never conflict)."""
    return await cmd.run(
        lambda ctx: incidents.add_log(ctx, incident_id, cmd.if_match, body.text), body
    )


@router.post("/{incident_id}/location", **COMMAND)
async def update_location(
    incident_id: EntityId, body: LocationUpdate, cmd: EntityCommand
) -> Response:
    return await cmd.run(
        lambda ctx: incidents.relocate(ctx, incident_id, cmd.version, body.location), body
    )


@router.post("/{incident_id}/close", **COMMAND)
async def close_incident(
    incident_id: EntityId, body: IncidentClose, cmd: EntityCommand
) -> Response:
    """Close with a closing classification; units still attached become available."""
    return await cmd.run(
        lambda ctx: incidents.close(ctx, incident_id, cmd.version, body.closing_classification),
        body,
    )
