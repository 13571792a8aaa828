"""Roles, lines, states, grades and unit types, and the figures that hang on them."""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "ACK_WITHIN_S",
    "ACTIVE_ASSIGNMENT_STATES",
    "API_PREFIX",
    "DIRECT_UNIT_STATUSES",
    "GRADE_TARGET_MINUTES",
    "SIMULATED_COLLEAGUES",
    "AssignmentState",
    "CallState",
    "Grade",
    "IncidentStatus",
    "Line",
    "Role",
    "Shift",
    "UnitStatus",
    "UnitType",
]


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
