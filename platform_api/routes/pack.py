"""The platform's area over HTTP: its force pack, map layers and gazetteer, for consoles.

Every console of a room draws its map and names places from these, so all agree with each
other and with the districts the platform stamps on incidents and units. The documents
never change while the platform runs, so each is built once per app (the pack is the
app's own: a training sandbox in the same process may serve another) and served with a
strong ETag; a console that sends it back in If-None-Match gets a 304.
"""

from __future__ import annotations

import hashlib
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel

from platform_api.auth import Authorised
from platform_api.contract.area import (
    ForcePublic,
    GazetteerEntry,
    GazetteerPublic,
    MapLabel,
    MapLayer,
    PackMapPublic,
    PackPublic,
)
from platform_api.packs import ForcePack
from platform_api.routes.deps import ERRORS

router = APIRouter(prefix="/v1/pack", tags=["area"])

PACK_ERRORS: dict[int | str, dict[str, Any]] = {code: ERRORS[code] for code in (401, 403)}


def pack_of(request: Request) -> ForcePack:
    pack: ForcePack = request.app.state.pack
    return pack


def pack_public(pack: ForcePack) -> PackPublic:
    return PackPublic(
        id=pack.id,
        name=pack.name,
        timezone=pack.timezone,
        district_word=pack.district_word,
        attribution=list(pack.attribution),
        forces=[ForcePublic(code=f.code, name=f.name, prefix=f.prefix) for f in pack.forces],
        extent=pack.extent,
    )


def pack_map(pack: ForcePack) -> PackMapPublic:
    labels: dict[str, MapLabel] = {}
    for base in pack.bases:  # a district's name is written at its (first) base
        labels.setdefault(base.district, MapLabel(name=base.district, lat=base.lat, lon=base.lon))
    for district in pack.districts:  # and at a point inside it when it has none
        lat, lon = district.centroid
        labels.setdefault(district.name, MapLabel(name=district.name, lat=lat, lon=lon))
    return PackMapPublic(
        pack=pack_public(pack),
        districts=pack.districts_geojson,
        overlays=[MapLayer(name=o.name, geojson=o.geojson) for o in pack.overlays],
        labels=list(labels.values()),
    )


def gazetteer(pack: ForcePack) -> GazetteerPublic:
    return GazetteerPublic(
        pack=pack.id,
        places=[
            GazetteerEntry(name=p.name, lat=p.lat, lon=p.lon, district=p.district, kind=p.kind)
            for p in pack.places
        ],
    )


def _cached(request: Request, name: str, build: Any) -> Response:
    """The document `name`, built once per app, with its ETag; 304 when the client has it."""
    cache: dict[str, tuple[bytes, str]] = request.app.state.pack_documents
    if name not in cache:
        model: BaseModel = build(pack_of(request))
        body = model.model_dump_json().encode()
        cache[name] = (body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"')
    body, etag = cache[name]
    headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)


@router.get("", response_model=PackPublic, responses=PACK_ERRORS)
def get_pack(request: Request, user: Authorised) -> Response:
    """Which force pack this platform serves: its forces (with their reference prefixes),
    time zone, map extent and the attribution its data's licences ask for."""
    return _cached(request, "pack", pack_public)


@router.get("/map", response_model=PackMapPublic, responses=PACK_ERRORS)
def get_map(request: Request, user: Authorised) -> Response:
    """The base map's layers: the districts (GeoJSON, each feature with its `name` and
    `force`), overlays such as tube lines, and where each district's name is written."""
    return _cached(request, "map", pack_map)


@router.get("/gazetteer", response_model=GazetteerPublic, responses=PACK_ERRORS)
def get_gazetteer(request: Request, user: Authorised) -> Response:
    """Every place the pack names, with its district and kind (hospital, station...).
    To find one by what an operator typed, use `GET /v1/geo/search`."""
    return _cached(request, "gazetteer", gazetteer)
