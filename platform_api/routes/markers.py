"""Warning markers: supervisors create, revise and retire them; anyone reads those near a
point or an incident; supervisors list those past their review date."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session

from platform_api.auth import Authorised
from platform_api.contract import (
    MarkerCreate,
    MarkerPublic,
    MarkerRetire,
    MarkerRevise,
    Point,
    Precision,
)
from platform_api.db.models import IncidentRow
from platform_api.errors import Invalid
from platform_api.geocoding.base import Geocoder
from platform_api.routes.deps import COMMAND, ERRORS, EntityCommand, EntityId, NewCommand
from platform_api.services import markers
from platform_api.services.views import get_or_404

router = APIRouter(prefix="/v1", tags=["markers"])

Lat = Annotated[float, Query(ge=-90, le=90, allow_inf_nan=False)]
Lon = Annotated[float, Query(ge=-180, le=180, allow_inf_nan=False)]


async def _place_of(request: Request, body: MarkerCreate) -> tuple[Point, str | None]:
    """The body's point, or where the platform's geocoder puts its address: an address
    found only as a borough (or not at all) is refused, never guessed."""
    if body.location is not None:
        loc = body.location
        return Point(lat=loc.lat, lon=loc.lon), loc.address or body.address
    assert body.address is not None  # the model requires one of the two
    geocoder: Geocoder = request.app.state.geocoder
    places = await run_in_threadpool(geocoder.search, body.address, 1)
    if not places or places[0].precision == Precision.BOROUGH:
        raise Invalid(
            f"the address {body.address!r} was not found precisely; give a point instead",
            field="address",
        )
    return Point(lat=places[0].lat, lon=places[0].lon), body.address


@router.post("/markers", status_code=201, **COMMAND)
async def create_marker(request: Request, body: MarkerCreate, cmd: NewCommand) -> Response:
    place, address = await _place_of(request, body)
    return await cmd.run(lambda ctx: markers.create(ctx, body, place, address), body)


@router.post("/markers/{marker_id}/revise", **COMMAND)
async def revise_marker(marker_id: EntityId, body: MarkerRevise, cmd: EntityCommand) -> Response:
    return await cmd.run(lambda ctx: markers.revise(ctx, marker_id, cmd.version, body), body)


@router.post("/markers/{marker_id}/retire", **COMMAND)
async def retire_marker(marker_id: EntityId, body: MarkerRetire, cmd: EntityCommand) -> Response:
    return await cmd.run(lambda ctx: markers.retire(ctx, marker_id, cmd.version, body.reason), body)


@router.get("/markers/near", response_model=list[MarkerPublic], responses=ERRORS)
def markers_near(request: Request, user: Authorised, lat: Lat, lon: Lon) -> list[MarkerPublic]:
    """Active markers whose radius reaches the point, nearest first."""
    with Session(request.app.state.engine) as session:
        return markers.covering(session, lat, lon)


@router.get("/markers/due", response_model=list[MarkerPublic], responses=ERRORS)
def markers_due(request: Request, user: Authorised) -> list[MarkerPublic]:
    """Active markers at or past their review date, oldest review first (supervisors)."""
    with Session(request.app.state.engine) as session:
        return markers.due_for_review(session, datetime.now(UTC).date())


@router.get("/incidents/{incident_id}/markers", response_model=list[MarkerPublic], responses=ERRORS)
def incident_markers(
    request: Request, incident_id: EntityId, user: Authorised
) -> list[MarkerPublic]:
    """The markers covering an incident: what a unit's device shows with its dispatch."""
    with Session(request.app.state.engine) as session:
        row = get_or_404(session, IncidentRow, incident_id)
        return markers.covering(session, row.lat, row.lon)
