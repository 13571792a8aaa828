"""The area a platform serves: its force pack's forces, map layers and places, on the wire.

Every console of a room draws the map and names places from what its platform serves
(`GET /v1/pack`, `GET /v1/pack/map`, `GET /v1/pack/gazetteer`), so two consoles of one room
cannot disagree about where a district ends or what a place is called. Only a replay, which
has no platform, reads a pack from its own files (the recording names it).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class ForcePublic(BaseModel):
    code: str
    name: str
    prefix: str  # incident references: PREFIX-YYYYMMDD-NNNN


class PackPublic(BaseModel):
    """`GET /v1/pack`: which force pack the platform serves, and its forces."""

    id: str
    name: str
    timezone: str  # IANA, e.g. "Europe/London": the area's local time
    district_word: str  # "borough", "district", "neighborhood"
    attribution: list[str]  # shown on the map, as the data's licences ask
    forces: list[ForcePublic]
    extent: tuple[float, float, float, float]  # west, south, east, north (degrees)


class MapLayer(BaseModel):
    name: str
    geojson: dict[str, Any]


class MapLabel(BaseModel):
    name: str
    lat: float
    lon: float


class PackMapPublic(BaseModel):
    """`GET /v1/pack/map`: the base map's layers (GeoJSON in WGS84, as RFC 7946 says)."""

    pack: PackPublic
    districts: dict[str, Any]  # a FeatureCollection; each feature's `name` and `force`
    overlays: list[MapLayer]  # lines and the like: "Tube lines"
    labels: list[MapLabel]  # where each district's name is written


class GazetteerEntry(BaseModel):
    name: str
    lat: float
    lon: float
    district: str
    kind: str


class GazetteerPublic(BaseModel):
    """`GET /v1/pack/gazetteer`: every place the pack names (search: `/v1/geo/search`)."""

    pack: str
    places: list[GazetteerEntry]
