"""Incident commands over HTTP."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from platform_api.auth import Authorised
from platform_api.contract import (
    GradeUpdate,
    IncidentClose,
    IncidentCreate,
    LocationUpdate,
    LogEntryCreate,
)
from platform_api.routes.deps import (
    COMMAND,
    EntityId,
    IdempotencyHeader,
    IfMatchHeader,
    IfMatchRequired,
    optional_version,
    required_version,
    run_command,
)
from platform_api.services import incidents

router = APIRouter(prefix="/v1/incidents", tags=["incidents"])


@router.post("", status_code=201, **COMMAND)
def create_incident(
    request: Request, body: IncidentCreate, user: Authorised, key: IdempotencyHeader = None
) -> Response:
    """An incident with no call: a walk-in or officer-generated report."""
    prefix: str | None = request.app.state.reference_prefix
    return run_command(
        request,
        user,
        key,
        lambda ctx: incidents.create(ctx, body, prefix),
        body=body,
        status_code=201,
    )


@router.post("/{incident_id}/grade", **COMMAND)
def grade_incident(
    request: Request,
    incident_id: EntityId,
    body: GradeUpdate,
    user: Authorised,
    if_match: IfMatchRequired,
    key: IdempotencyHeader = None,
) -> Response:
    version = required_version(if_match)
    return run_command(
        request,
        user,
        key,
        lambda ctx: incidents.grade(ctx, incident_id, version, body.grade, body.reason),
        body=body,
        if_match=version,
    )


@router.post("/{incident_id}/log", **COMMAND)
def add_log_entry(
    request: Request,
    incident_id: EntityId,
    body: LogEntryCreate,
    user: Authorised,
    if_match: IfMatchHeader = None,
    key: IdempotencyHeader = None,
) -> Response:
    """Append to the narrative log; If-Match optional (appends never conflict)."""
    version = optional_version(if_match)
    return run_command(
        request,
        user,
        key,
        lambda ctx: incidents.add_log(ctx, incident_id, version, body.text),
        body=body,
        if_match=version,
    )


@router.post("/{incident_id}/location", **COMMAND)
def update_location(
    request: Request,
    incident_id: EntityId,
    body: LocationUpdate,
    user: Authorised,
    if_match: IfMatchRequired,
    key: IdempotencyHeader = None,
) -> Response:
    version = required_version(if_match)
    return run_command(
        request,
        user,
        key,
        lambda ctx: incidents.relocate(ctx, incident_id, version, body.location),
        body=body,
        if_match=version,
    )


@router.post("/{incident_id}/close", **COMMAND)
def close_incident(
    request: Request,
    incident_id: EntityId,
    body: IncidentClose,
    user: Authorised,
    if_match: IfMatchRequired,
    key: IdempotencyHeader = None,
) -> Response:
    """Close with a closing classification; units still attached become available."""
    version = required_version(if_match)
    return run_command(
        request,
        user,
        key,
        lambda ctx: incidents.close(ctx, incident_id, version, body.closing_classification),
        body=body,
        if_match=version,
    )
