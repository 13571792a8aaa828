"""Wire schemas shared by the platform and the console: the public contract.

This package is everything both sides may import, and it is pure (no server, no Qt; the
import contracts in pyproject.toml hold both to that): the schemas here, the event log's
hash chain (`chain`), folding events into the live state (`fold`) and distances
(`geodesy`).

Everything that crosses HTTP is declared here, so the console and the server cannot
disagree about a field. Naming follows `XCreate` (a command's body) and `XPublic`
(what the platform returns). Enumerations are plain strings on the wire.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from platform_api.contract.geodesy import haversine_m
from platform_api.contract.wire_types import (
    AccuracyMetres,
    Address,
    Callsign,
    Capability,
    CollarNumber,
    Heading,
    Latitude,
    Longitude,
    LongText,
    PhoneNumber,
    RecentTime,
    Skill,
    SpeedKmh,
    Text,
    ZonedTime,
)

API_PREFIX = "/v1"


class Role(StrEnum):
    CALL_TAKER = "call_taker"
    DISPATCHER = "dispatcher"
    SUPERVISOR = "supervisor"
    TRAINER = "trainer"
    ADMIN = "admin"
    GATEWAY = "gateway"


class Line(StrEnum):
    EMERGENCY = "999"
    NON_EMERGENCY = "101"


class CallState(StrEnum):
    QUEUED = "queued"
    ANSWERED = "answered"
    ABANDONED = "abandoned"
    CLOSED = "closed"


class Grade(StrEnum):
    """England and Wales grading; the response target is in `GRADE_TARGET_MINUTES`."""

    IMMEDIATE = "immediate"
    PRIORITY = "priority"
    SCHEDULED = "scheduled"
    RESOLVED_WITHOUT_DEPLOYMENT = "resolved_without_deployment"


# The demo platform's simulated colleagues (platform_api.simulator answers, raises and
# dispatches as them): the Room's answer figures count people, so leave them out.
SIMULATED_COLLEAGUES = frozenset({"sim-calltaker", "sim-dispatcher"})

# Minutes from creation to the attendance target (urban Immediate: 15 min).
GRADE_TARGET_MINUTES: dict[Grade, int | None] = {
    Grade.IMMEDIATE: 15,
    Grade.PRIORITY: 60,
    Grade.SCHEDULED: None,
    Grade.RESOLVED_WITHOUT_DEPLOYMENT: None,
}


class IncidentStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class UnitStatus(StrEnum):
    AVAILABLE = "available"
    ASSIGNED = "assigned"  # dispatched or en route
    AT_SCENE = "at_scene"
    COMMITTED = "committed"  # busy, not at an incident
    REFRESHMENT = "refreshment"  # a meal break, with the time it ends (`status_until`)
    UNAVAILABLE = "unavailable"  # out of service (vehicle defect, at the custody suite)
    OFF_DUTY = "off_duty"  # booked off: no crew


# Statuses an operator or an MDT may set directly; the others follow assignments, and
# off duty follows booking off.
DIRECT_UNIT_STATUSES = frozenset(
    {
        UnitStatus.AVAILABLE,
        UnitStatus.COMMITTED,
        UnitStatus.REFRESHMENT,
        UnitStatus.UNAVAILABLE,
    }
)


class Shift(StrEnum):
    """The three shifts of a 24-hour response team rota."""

    EARLY = "early"  # 07:00-15:00
    LATE = "late"  # 15:00-23:00
    NIGHT = "night"  # 23:00-07:00


class UnitType(StrEnum):
    RESPONSE_CAR = "response_car"
    FOOT_PATROL = "foot_patrol"
    DOG = "dog"
    ARMED_RESPONSE = "armed_response"
    TRAFFIC = "traffic"
    PUBLIC_ORDER = "public_order"
    # Fire and medical services' units (the San Francisco Fire Department's recording):
    # shown and recommended as what they are, never as police response cars.
    FIRE_ENGINE = "fire_engine"
    FIRE_TRUCK = "fire_truck"  # a ladder truck
    AMBULANCE = "ambulance"
    FIRE_OFFICER = "fire_officer"  # a chief or rescue captain's car


class AssignmentState(StrEnum):
    """Dispatched, acknowledged by the unit's device, en route, at scene, cleared."""

    DISPATCHED = "dispatched"
    ACKNOWLEDGED = "acknowledged"
    EN_ROUTE = "en_route"
    AT_SCENE = "at_scene"
    CLEARED = "cleared"


ACTIVE_ASSIGNMENT_STATES = frozenset(
    {
        AssignmentState.DISPATCHED,
        AssignmentState.ACKNOWLEDGED,
        AssignmentState.EN_ROUTE,
        AssignmentState.AT_SCENE,
    }
)

# Seconds a unit has to acknowledge a dispatch, by the incident's grade (site data: the
# platform's `Settings.ack_within_s` overrides it). None: no deadline.
ACK_WITHIN_S: dict[Grade, int | None] = {
    Grade.IMMEDIATE: 60,
    Grade.PRIORITY: 180,
    Grade.SCHEDULED: 600,
    Grade.RESOLVED_WITHOUT_DEPLOYMENT: None,
}


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


def _datetimes(model: BaseModel, prefix: str = "") -> list[tuple[str, datetime]]:
    """Every datetime in a model, with its dotted path (nested models included)."""
    found: list[tuple[str, datetime]] = []
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, datetime):
            found.append((prefix + name, value))
        elif isinstance(value, BaseModel):
            found.extend(_datetimes(value, f"{prefix}{name}."))
        elif isinstance(value, list):
            for j, item in enumerate(value):
                if isinstance(item, BaseModel):
                    found.extend(_datetimes(item, f"{prefix}{name}[{j}]."))
    return found


class CallerReadPublic(BaseModel):
    """One read of a caller's details (`GET /v1/audit/reads`); `call_id` empty for a
    recording exported (`via` names its window)."""

    at: datetime
    username: str
    call_id: str | None
    via: str


RECORDING_FORMAT = "control-room-recording/1"


class RecordingHeader(BaseModel):
    """The first line of a recording (JSON Lines); one `EventPublic` per line follows.

    `initial_state` is the live state just before `first_seq` (its `as_of_seq` is
    `first_seq - 1`), so a player starts from a known state; `initial_state_sha256` is the
    sha256 of its canonical JSON (`contract.chain.dumps`). `prev_hash` is the hash of the
    event before `first_seq` (zeros for a log's first event): the first event's chain link.
    """

    format: str = RECORDING_FORMAT
    source: str
    area: str = "london"  # older name of the place: "london", "san_francisco"
    # The force pack the recording happened in: replay, a training sandbox taken over from
    # it and the simulator inside that sandbox use its map, gazetteer, time zone and units.
    # Recordings made before packs name none: theirs is the one their `area` names.
    pack: str = "london"
    from_ts: datetime
    to_ts: datetime
    first_seq: int
    last_seq: int
    event_count: int
    prev_hash: str
    last_hash: str
    created_at: datetime
    initial_state_sha256: str
    initial_state: StatePublic
    # True when callers are pseudonymised (`export --redact`): the events are chained again,
    # so the file verifies on its own but no longer matches the platform's log.
    redacted: bool = False

    @model_validator(mode="before")
    @classmethod
    def _pack_from_area(cls, data: Any) -> Any:
        if isinstance(data, dict) and "pack" not in data:
            area = str(data.get("area", "london"))
            return {**data, "pack": _AREA_PACKS.get(area, area)}
        return data


# A recording's `area`, from before recordings named their pack -> the pack.
_AREA_PACKS = {"london": "london", "san_francisco": "san-francisco"}


class TrainingSeed(_Strict):
    """`POST /v1/training/seed` (training platforms only): start from a recorded moment.

    Every time in `state` is moved by `now - at`, so the moment taken over becomes now and
    response targets keep the time they had left.
    """

    state: StatePublic
    at: ZonedTime

    @model_validator(mode="after")
    def _times_have_zones(self) -> TrainingSeed:
        for kind in ("calls", "incidents", "units", "assignments"):
            for i, entity in enumerate(getattr(self.state, kind)):
                for name, value in _datetimes(entity):
                    if value.tzinfo is None:
                        raise ValueError(f"state.{kind}[{i}].{name} needs a time zone")
        return self


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
