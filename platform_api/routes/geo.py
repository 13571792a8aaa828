"""Geolocation over HTTP: address search and "what is here", for every signed-in role.

The platform answers these for all consoles, so two call-takers searching one address
get the same point and the same borough. The adapter (the offline gazetteer, or a site's
geocoding server) is chosen once by `create_app`. The adapters may block, so each request
runs its adapter in a worker thread.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from platform_api.auth import Authorised
from platform_api.contract import ErrorBody, GeoResults, ReversePublic
from platform_api.contract.wire_types import LINE_PATTERN, line_problem
from platform_api.errors import Invalid
from platform_api.geocoding import Geocoder
from platform_api.routes.deps import ERRORS
from platform_api.routes.pack import pack_of

router = APIRouter(prefix="/v1/geo", tags=["geolocation"])

GEO_ERRORS: dict[int | str, dict[str, Any]] = {
    **{code: ERRORS[code] for code in (401, 403, 422)},
    503: {"model": ErrorBody, "description": "the site's geocoding server did not answer"},
}

SearchText = Annotated[
    str,
    Query(
        min_length=1,
        max_length=200,
        description="a place, station or address",
        json_schema_extra={"pattern": LINE_PATTERN},
    ),
]
Limit = Annotated[int, Query(ge=1, le=50, description="at most this many results")]
Lat = Annotated[float, Query(ge=-90, le=90, allow_inf_nan=False)]
Lon = Annotated[float, Query(ge=-180, le=180, allow_inf_nan=False)]


def geocoder_of(request: Request) -> Geocoder:
    geocoder: Geocoder = request.app.state.geocoder
    return geocoder


@router.get("/search", response_model=GeoResults, responses=GEO_ERRORS)
async def search(
    request: Request, user: Authorised, q: SearchText, limit: Limit = 10
) -> GeoResults:
    """Places matching `q`, best first: exact name, then prefix, then all words, then
    near misses. A `precision` other than "exact" means the point is only the place or
    borough the text names (an address the offline gazetteer cannot know)."""
    problem = line_problem(q)
    if problem is not None:
        raise Invalid(f"q: {problem}", field="q")
    places = await run_in_threadpool(geocoder_of(request).search, q.strip(), limit)
    return GeoResults(results=[p.public() for p in places])


@router.get("/reverse", response_model=ReversePublic, responses=GEO_ERRORS)
async def reverse(request: Request, user: Authorised, lat: Lat, lon: Lon) -> ReversePublic:
    """What is here: the nearest known place (with `distance_m`) and the borough the point
    falls in. `inside_force_area` is false outside every borough."""
    geocoder, pack = geocoder_of(request), pack_of(request)

    def lookup() -> ReversePublic:
        place = geocoder.reverse(lat, lon)
        borough = pack.district_name_at(lat, lon)
        return ReversePublic(
            place=place.public() if place is not None else None,
            borough=borough,
            inside_force_area=borough is not None,
        )

    return await run_in_threadpool(lookup)
