"""Answers to reads: history at answering, sign-in, errors and places."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, StringConstraints

from platform_api.contract.entities import (
    _Strict,
)
from platform_api.contract.enums import (
    CallState,
    Grade,
    IncidentStatus,
    Line,
    Role,
)
from platform_api.contract.wire_types import (
    Text,
)

__all__ = [
    "ErrorBody",
    "ErrorDetail",
    "GeoResults",
    "GeoSource",
    "HistoryPublic",
    "LoginRequest",
    "PastCall",
    "PastIncident",
    "PlaceKind",
    "PlacePublic",
    "Precision",
    "ReversePublic",
    "TokenPublic",
    "UserCreate",
    "UserPublic",
]


# ---------------------------------------------------------------- history at answering


class PastIncident(BaseModel):
    id: str
    reference: str
    opening_classification: str
    closing_classification: str | None
    grade: Grade
    status: IncidentStatus
    created_at: datetime
    closed_at: datetime | None
    address: str | None
    distance_m: float


class PastCall(BaseModel):
    id: str
    line: Line
    received_at: datetime
    state: CallState
    incident_id: str | None
    incident_reference: str | None
    result: str  # "LDN-…-0042: Violence, no further action", "abandoned"...


class HistoryPublic(BaseModel):
    """`GET /v1/history`: what happened near a place and from a number, newest first."""

    radius_m: float
    days: int
    incidents: list[PastIncident]
    calls: list[PastCall]


# ---------------------------------------------------------------- auth


class LoginRequest(_Strict):
    username: Text
    password: Annotated[str, StringConstraints(min_length=1, max_length=200)]


class UserPublic(BaseModel):
    username: str
    display_name: str
    role: Role
    force: str | None = None  # whose room the user works in (their console shows it first)


class UserCreate(_Strict):
    username: Annotated[str, StringConstraints(pattern=r"^[a-z0-9_.-]{2,40}$")]
    display_name: Text
    role: Role
    password: Annotated[str, StringConstraints(min_length=8, max_length=200)]
    # a force of the platform's pack (422 otherwise); default: its first
    force: Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]{1,32}$")] | None = None


class TokenPublic(BaseModel):
    token: str
    expires_at: datetime
    user: UserPublic


# ---------------------------------------------------------------- errors


class ErrorDetail(BaseModel):
    """Machine-readable error: `code` for programs, `message` for people, `field` at fault."""

    code: str
    message: str
    field: str | None = None
    current_version: int | None = None


class ErrorBody(BaseModel):
    error: ErrorDetail


# ---- geolocation


class PlaceKind(StrEnum):
    BOROUGH = "borough"  # one of the force area's boroughs, at its centroid
    PLACE = "place"  # a named place: station, landmark, hospital, town centre
    ADDRESS = "address"  # a street address from a geocoding server


class Precision(StrEnum):
    """How well the point stands for the text searched: "exact" is the thing named;
    "place" and "borough" mean the text was finer (a house number and street) and the
    point is the place or borough centroid that contains it."""

    EXACT = "exact"
    PLACE = "place"
    BOROUGH = "borough"


class GeoSource(StrEnum):
    GAZETTEER = "gazetteer"  # the platform's offline gazetteer
    GEOPY = "geopy"  # the site's geocoding server, through geopy


class PlacePublic(BaseModel):
    name: str
    lat: float
    lon: float
    borough: str | None
    kind: PlaceKind
    precision: Precision
    source: GeoSource
    distance_m: float | None = None  # from the point asked about (reverse geocoding only)


class GeoResults(BaseModel):
    """`GET /v1/geo/search`: best match first."""

    results: list[PlacePublic]


class ReversePublic(BaseModel):
    """`GET /v1/geo/reverse`: the nearest known place, and the borough the point is in."""

    place: PlacePublic | None
    borough: str | None
    inside_force_area: bool
