"""What the platform serves: calls, incidents, units, assignments, markers, the
live state and the events that change it."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from platform_api.contract.enums import (
    AssignmentState,
    CallState,
    Grade,
    IncidentStatus,
    Line,
    Shift,
    UnitStatus,
    UnitType,
)
from platform_api.contract.geodesy import haversine_m
from platform_api.contract.wire_types import (
    AccuracyMetres,
    Address,
    CollarNumber,
    Latitude,
    Longitude,
    LongText,
    Skill,
    Text,
)

__all__ = [
    "GROWING_FIELDS",
    "Appended",
    "AssignmentPublic",
    "CallPublic",
    "ChainReport",
    "Changes",
    "CommandResult",
    "CrewMember",
    "CrewMemberPublic",
    "EventPage",
    "EventPublic",
    "HandsetLocation",
    "IncidentAppended",
    "IncidentFields",
    "IncidentLocation",
    "IncidentPublic",
    "LocatedPublic",
    "LogEntryPublic",
    "MarkerCategory",
    "MarkerPublic",
    "MarkerStatus",
    "Point",
    "PositionPublic",
    "StatePublic",
    "Thrive",
    "UnitPublic",
]


class _Strict(BaseModel):
    """Commands reject unknown fields so that a typo is an error, not a silent no-op."""

    model_config = ConfigDict(extra="forbid")


# ---------------------------------------------------------------- shared pieces


class Point(_Strict):
    lat: Latitude
    lon: Longitude


class HandsetLocation(Point):
    """An automatic mobile location (AML) fix with its accuracy radius."""

    accuracy_m: AccuracyMetres


class IncidentLocation(Point):
    address: Address | None = None


class LocatedPublic(IncidentLocation):
    borough: str | None = None


class Thrive(_Strict):
    """THRIVE: free-text notes per dimension; an empty dimension is left None."""

    threat: LongText | None = None
    harm: LongText | None = None
    risk: LongText | None = None
    investigation: LongText | None = None
    vulnerability: LongText | None = None
    engagement: LongText | None = None


# ---------------------------------------------------------------- entities (public)


class CallPublic(BaseModel):
    id: str
    version: int
    line: Line
    caller_number: str
    caller_name: str | None
    handset_location: HandsetLocation | None
    state: CallState
    received_at: datetime
    answered_at: datetime | None
    answered_by: str | None
    ended_at: datetime | None
    incident_id: str | None


class LogEntryPublic(BaseModel):
    at: datetime
    author: str
    text: str


class IncidentFields(BaseModel):
    """An incident without its growing lists: the form an event's `changes` carries.

    `call_ids` and `log` only grow, so an event names what it adds to them (`Appended`)
    instead of repeating them: the thousandth log entry costs what the first did.
    """

    id: str
    version: int
    reference: str
    opening_classification: str
    closing_classification: str | None
    grade: Grade
    target_at: datetime | None
    thrive: Thrive
    location: LocatedPublic
    status: IncidentStatus
    created_at: datetime
    created_by: str
    closed_at: datetime | None
    # The force whose area it is in (a code of the platform's pack: `GET /v1/pack`); None
    # in recordings from before forces.
    force: str | None = None


class IncidentPublic(IncidentFields):
    """The full incident: `/v1/state`, `GET /v1/incidents/{id}`, the console's Store."""

    call_ids: list[str]
    log: list[LogEntryPublic]


# Fields of an entity that only grow: events carry what they add, never the whole list.
GROWING_FIELDS: dict[str, tuple[str, ...]] = {"incidents": ("call_ids", "log")}


class PositionPublic(Point):
    at: datetime
    heading: float | None = None
    speed_kmh: float | None = None


class CrewMember(_Strict):
    """One officer on a unit: collar number and the skills the unit gains ("taser",
    "first aid", "advanced driver"), which recommendations count as capabilities."""

    collar: CollarNumber
    name: Text | None = None
    skills: Annotated[list[Skill], Field(max_length=20)] = []


class CrewMemberPublic(BaseModel):
    """A crew member as served: what was accepted when the crew booked on (not checked
    again, so a row kept from before a rule was added still reads)."""

    collar: str
    name: str | None = None
    skills: list[str] = []


class UnitPublic(BaseModel):
    id: str
    version: int
    callsign: str
    type: UnitType
    capabilities: list[str]
    home_station: str
    borough: str | None
    status: UnitStatus
    status_since: datetime
    position: PositionPublic | None
    incident_id: str | None
    # Defaults keep recordings from before crews readable.
    crew: list[CrewMemberPublic] = []
    shift: Shift | None = None
    status_until: datetime | None = None  # when a refreshment break ends
    force: str | None = None  # whose unit (a code of the platform's pack)

    def all_capabilities(self) -> frozenset[str]:
        """The vehicle's capabilities and its crew's skills: what recommendations use."""
        return frozenset(self.capabilities).union(*(m.skills for m in self.crew))


class AssignmentPublic(BaseModel):
    id: str
    version: int
    unit_id: str
    incident_id: str
    state: AssignmentState
    dispatched_at: datetime
    dispatched_by: str
    en_route_at: datetime | None
    at_scene_at: datetime | None
    cleared_at: datetime | None
    cleared_reason: str | None
    # When the unit's device acknowledged, and by when it had to (None: no deadline).
    # Defaults keep recordings from before acknowledgement readable.
    acknowledged_at: datetime | None = None
    ack_due_at: datetime | None = None
    # A unit of one force sent to the other's incident: why (flagged in both forces' rooms).
    cross_border_reason: str | None = None

    def unacknowledged_at(self, now: datetime) -> bool:
        """Still only dispatched after its acknowledgement deadline: flag it."""
        return (
            self.state == AssignmentState.DISPATCHED
            and self.ack_due_at is not None
            and now >= self.ack_due_at
        )


class MarkerCategory(StrEnum):
    """What a warning marker warns of (College of Policing warning signals, simplified)."""

    OFFICER_SAFETY = "officer_safety"  # violent towards police, weapons
    FIREARMS = "firearms"  # firearms or shotgun certificate holder at the address
    VULNERABLE_PERSON = "vulnerable_person"  # e.g. dementia, child at risk
    DOMESTIC_ABUSE = "domestic_abuse"
    PREMISES_RISK = "premises_risk"  # dogs, structure, chemicals
    HEALTH = "health"  # infectious disease, medical need
    OTHER = "other"


class MarkerStatus(StrEnum):
    ACTIVE = "active"
    RETIRED = "retired"


class MarkerPublic(BaseModel):
    """A warning marker on a place: every incident within `radius_m` shows it."""

    id: str
    version: int
    category: MarkerCategory
    text: str
    source: str
    review_date: date
    location: LocatedPublic
    radius_m: float
    status: MarkerStatus
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str
    retired_reason: str | None = None
    force: str | None = None  # whose area the place is in

    def covers(self, lat: float, lon: float) -> bool:
        return haversine_m(self.location.lat, self.location.lon, lat, lon) <= self.radius_m

    def due_for_review(self, today: date) -> bool:
        return self.status == MarkerStatus.ACTIVE and self.review_date <= today


class Changes(BaseModel):
    """The new form of every entity one event changed; consumers upsert them.

    An incident comes without `call_ids` and `log` (see `IncidentFields`): a consumer keeps
    the lists it has and adds what `Appended` names. Events written before that rule carry
    the whole lists, which then replace the consumer's (`platform_api.contract.fold` takes both).
    """

    calls: list[CallPublic] = []
    incidents: list[IncidentFields] = []
    units: list[UnitPublic] = []
    assignments: list[AssignmentPublic] = []
    markers: list[MarkerPublic] = []


class IncidentAppended(BaseModel):
    """What one event adds at the end of an incident's growing lists."""

    call_ids: list[str] = []
    log: list[LogEntryPublic] = []


class Appended(BaseModel):
    """`payload.appended` of an event: additions to growing lists, by kind then entity id."""

    incidents: dict[str, IncidentAppended] = {}


class StatePublic(BaseModel):
    as_of_seq: int
    calls: list[CallPublic]
    incidents: list[IncidentPublic]
    units: list[UnitPublic]
    assignments: list[AssignmentPublic]
    # Active warning markers (default: recordings from before markers).
    markers: list[MarkerPublic] = []


class EventPublic(BaseModel):
    """One row of the event log. `payload` holds `changes` (see `Changes`), `appended`
    (see `Appended`) when the event adds to a growing list, and details."""

    seq: int
    ts: datetime
    actor: str
    type: str
    entity_type: str | None
    entity_id: str | None
    payload: dict[str, Any]
    prev_hash: str
    hash: str


class EventPage(BaseModel):
    events: list[EventPublic]
    next_after: int
    head_seq: int


class CommandResult(BaseModel):
    """What a command returns: the seq of the event it wrote and what it changed."""

    seq: int
    type: str
    changes: Changes
    appended: Appended = Appended()


class ChainReport(BaseModel):
    """`verify`: the chain, the projections against the folded log, the signed checkpoints."""

    ok: bool
    checked: int
    head_seq: int
    first_bad_seq: int | None = None
    reason: str | None = None
    projection_differences: list[str] = []  # "units/<id>: callsign differ"
    checkpoints_checked: int | None = None  # None: no checkpoint file was given
    checkpoint_problems: list[str] = []
