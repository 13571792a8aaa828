"""Reads: the whole current state, single entities (with ETag), and finished calls.

Reads that return callers' details are logged (`platform_api.read_log`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from platform_api import read_log
from platform_api.auth import Authorised
from platform_api.contract import (
    AssignmentPublic,
    CallPublic,
    CallState,
    HistoryPublic,
    IncidentPublic,
    StatePublic,
    UnitPublic,
)
from platform_api.contract.wire_types import LINE_PATTERN
from platform_api.db.engine import snapshot_session
from platform_api.db.models import AssignmentRow, CallRow, IncidentRow, UnitRow
from platform_api.errors import Invalid
from platform_api.routes.deps import ERRORS, EntityId
from platform_api.services.history import history
from platform_api.services.views import (
    assignment_public,
    call_public,
    current_state,
    get_or_404,
    incident_public,
    unit_public,
)

router = APIRouter(prefix="/v1", tags=["read"])


def _session(request: Request) -> Session:
    """One consistent moment of the database (REPEATABLE READ on PostgreSQL)."""
    return snapshot_session(request.app.state.engine)


def _engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def _etag(response: Response, version: int) -> None:
    response.headers["ETag"] = f'"{version}"'


@router.get("/state", response_model=StatePublic, responses=ERRORS)
def get_state(request: Request, user: Authorised) -> StatePublic:
    """Everything live now, and the seq it is as of: stream events from `as_of_seq`."""
    with _session(request) as session:
        state = current_state(session)
    read_log.record(_engine(request), user.username, [c.id for c in state.calls], "GET /v1/state")
    return state


@router.get("/calls", response_model=list[CallPublic], responses=ERRORS)
def list_calls(
    request: Request,
    user: Authorised,
    state: CallState | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[CallPublic]:
    """Calls newest first, e.g. `?state=abandoned` to find callers who hung up."""
    stmt = select(CallRow).order_by(CallRow.received_at.desc()).limit(limit)
    if state is not None:
        stmt = stmt.where(CallRow.state == state.value)
    with _session(request) as session:
        found = [call_public(c) for c in session.scalars(stmt)]
    read_log.record(_engine(request), user.username, [c.id for c in found], "GET /v1/calls")
    return found


@router.get("/calls/{call_id}", response_model=CallPublic, responses=ERRORS)
def get_call(
    request: Request, response: Response, call_id: EntityId, user: Authorised
) -> CallPublic:
    with _session(request) as session:
        row = get_or_404(session, CallRow, call_id)
        _etag(response, row.version)
        call = call_public(row)
    read_log.record(_engine(request), user.username, [call.id], "GET /v1/calls/{call_id}")
    return call


@router.get("/incidents/{incident_id}", response_model=IncidentPublic, responses=ERRORS)
def get_incident(
    request: Request, response: Response, incident_id: EntityId, user: Authorised
) -> IncidentPublic:
    with _session(request) as session:
        row = get_or_404(session, IncidentRow, incident_id)
        _etag(response, row.version)
        return incident_public(row)


@router.get("/units/{unit_id}", response_model=UnitPublic, responses=ERRORS)
def get_unit(
    request: Request, response: Response, unit_id: EntityId, user: Authorised
) -> UnitPublic:
    with _session(request) as session:
        row = get_or_404(session, UnitRow, unit_id)
        _etag(response, row.version)
        return unit_public(row)


@router.get("/assignments/{assignment_id}", response_model=AssignmentPublic, responses=ERRORS)
def get_assignment(
    request: Request, response: Response, assignment_id: EntityId, user: Authorised
) -> AssignmentPublic:
    with _session(request) as session:
        row = get_or_404(session, AssignmentRow, assignment_id)
        _etag(response, row.version)
        return assignment_public(row)


@router.get("/history", response_model=HistoryPublic, responses=ERRORS)
def get_history(
    request: Request,
    user: Authorised,
    lat: Annotated[float | None, Query(ge=-90, le=90, allow_inf_nan=False)] = None,
    lon: Annotated[float | None, Query(ge=-180, le=180, allow_inf_nan=False)] = None,
    radius_m: Annotated[float, Query(ge=10, le=2000, allow_inf_nan=False)] = 250,
    days: Annotated[int, Query(ge=1, le=731)] = 365,
    caller_number: Annotated[
        str | None, Query(min_length=1, max_length=32, pattern=LINE_PATTERN)
    ] = None,
    exclude_call_id: Annotated[
        str | None, Query(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_:-]+$")
    ] = None,
) -> HistoryPublic:
    """What the call-taker sees on answering: incidents within `radius_m` of the place in
    the last `days` (default a year), and earlier calls from the number, with their results;
    newest first. Give lat and lon together, a caller number, or both."""
    if (lat is None) != (lon is None):
        raise Invalid("give lat and lon together", field="lon" if lon is None else "lat")
    with _session(request) as session:
        found = history(
            session,
            datetime.now(UTC),
            lat=lat,
            lon=lon,
            radius_m=radius_m,
            days=days,
            caller_number=caller_number.strip() if caller_number else None,
            exclude_call_id=exclude_call_id,
        )
    # Who rang from a number, and when, is a caller's personal data: log it like a read.
    read_log.record(_engine(request), user.username, [c.id for c in found.calls], "GET /v1/history")
    return found
