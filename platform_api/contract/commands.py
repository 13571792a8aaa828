"""Command bodies: what a client may send. Every one forbids unknown fields."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal, Self

from pydantic import Field, StringConstraints, model_validator

from platform_api.contract.entities import (
    CrewMember,
    HandsetLocation,
    IncidentLocation,
    MarkerCategory,
    Point,
    Thrive,
    _Strict,
)
from platform_api.contract.enums import (
    AssignmentState,
    Grade,
    Line,
    Shift,
    UnitStatus,
    UnitType,
)
from platform_api.contract.wire_types import (
    Callsign,
    Capability,
    Heading,
    Latitude,
    Longitude,
    LongText,
    PhoneNumber,
    RecentTime,
    SpeedKmh,
    Text,
    ZonedTime,
)

__all__ = [
    "AssignmentAcknowledge",
    "AssignmentCreate",
    "AssignmentProgress",
    "BookOff",
    "BookOn",
    "CallClose",
    "CallCreate",
    "CallLink",
    "GradeUpdate",
    "IncidentClose",
    "IncidentCreate",
    "LocationUpdate",
    "LogEntryCreate",
    "MarkerCreate",
    "MarkerRadius",
    "MarkerRetire",
    "MarkerRevise",
    "PositionBatch",
    "PositionReport",
    "Reallocation",
    "StandDown",
    "UnitCreate",
    "UnitRef",
    "UnitStatusUpdate",
]


# ---------------------------------------------------------------- commands


class CallCreate(_Strict):
    line: Line
    caller_number: PhoneNumber
    caller_name: Text | None = None
    handset_location: HandsetLocation | None = None


class IncidentCreate(_Strict):
    opening_classification: Text
    grade: Grade
    location: IncidentLocation
    thrive: Thrive = Thrive()
    narrative: LongText | None = None


class CallLink(_Strict):
    incident_id: Text


class CallClose(_Strict):
    reason: Text | None = None


class GradeUpdate(_Strict):
    grade: Grade
    reason: Text | None = None


class LogEntryCreate(_Strict):
    text: LongText


class LocationUpdate(_Strict):
    location: IncidentLocation


class IncidentClose(_Strict):
    closing_classification: Text


class UnitCreate(_Strict):
    callsign: Callsign
    type: UnitType
    capabilities: Annotated[list[Capability], Field(max_length=20)] = []
    home_station: Text
    borough: Text | None = None
    position: Point | None = None
    # A force of the platform's pack; default: the force of the district it stands in
    force: Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]{1,32}$")] | None = None


class UnitStatusUpdate(_Strict):
    """Only the statuses a person or an MDT sets; the others follow assignments, and off
    duty follows booking off."""

    status: Literal[
        UnitStatus.AVAILABLE,
        UnitStatus.COMMITTED,
        UnitStatus.UNAVAILABLE,
        UnitStatus.REFRESHMENT,
    ]
    until: ZonedTime | None = None  # a refreshment break's end


class BookOn(_Strict):
    """`POST /v1/units/{id}/book-on`: the crew takes the unit for a shift."""

    crew: Annotated[list[CrewMember], Field(min_length=1, max_length=8)]
    shift: Shift | None = None


class BookOff(_Strict):
    reason: Text | None = None


# An AVL fix's unit: an entity id as the routes take them (`/v1/units/{unit_id}`), checked
# by pydantic-core's own pattern, not a Python validator: a room's batches name 10,000
# units a second, and the general text check was most of their validation.
UnitRef = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_:-]+$")
]


class PositionReport(_Strict):
    unit_id: UnitRef
    lat: Latitude
    lon: Longitude
    at: RecentTime | None = None
    heading: Heading | None = None
    speed_kmh: SpeedKmh | None = None


class PositionBatch(_Strict):
    positions: Annotated[list[PositionReport], Field(min_length=1, max_length=10_000)]


class AssignmentCreate(_Strict):
    incident_id: Text
    # Required when the unit belongs to another force than the incident (422 without it).
    reason: Text | None = None


class StandDown(_Strict):
    reason: Text | None = None


class Reallocation(_Strict):
    incident_id: Text
    reason: Text


class AssignmentProgress(_Strict):
    state: AssignmentState


class AssignmentAcknowledge(_Strict):
    """`POST /v1/assignments/{id}/acknowledge` from the unit's device (a gateway)."""

    note: Text | None = None


MarkerRadius = Annotated[float, Field(ge=5, le=2000, allow_inf_nan=False)]


class MarkerCreate(_Strict):
    """A supervisor's new marker: on a point (`location`) or on an `address` the platform's
    geocoder places (refused when it finds only a borough or nothing)."""

    category: MarkerCategory
    text: LongText
    source: Text
    review_date: date
    radius_m: MarkerRadius = 50.0
    location: IncidentLocation | None = None
    address: Text | None = None

    @model_validator(mode="after")
    def _one_place(self) -> Self:
        if self.location is None and self.address is None:
            raise ValueError("give a location (lat, lon) or an address")
        return self


class MarkerRevise(_Strict):
    """Change some of a marker's fields (If-Match: its version); the rest are kept."""

    category: MarkerCategory | None = None
    text: LongText | None = None
    source: Text | None = None
    review_date: date | None = None
    radius_m: MarkerRadius | None = None
    location: IncidentLocation | None = None


class MarkerRetire(_Strict):
    reason: Text
