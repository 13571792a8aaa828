"""Builders for the allocation tests: real wire entities placed in metres north and east of
a point in central London, and ETAs computed independently with the platform's own
haversine, so a slip in the numpy path shows up as a disagreement."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from console.allocation import (
    AllocationConfig,
    Recommendation,
)
from console.allocation.plans import shipped_plans
from platform_api.contract import (
    AssignmentPublic,
    AssignmentState,
    Grade,
    IncidentPublic,
    IncidentStatus,
    LocatedPublic,
    PositionPublic,
    Thrive,
    UnitPublic,
    UnitStatus,
    UnitType,
)
from platform_api.contract.geodesy import haversine_m

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
ORIGIN = (51.5074, -0.1278)  # Charing Cross
# Ranking and eligibility, without the response plans' holding back of specialists (which
# tests/console/allocation/test_plans.py covers): every unit type competes on its ETA here.
CONFIG = AllocationConfig(plans=replace(shipped_plans(), specialists=frozenset()))
CAPS = {
    UnitType.ARMED_RESPONSE: ["firearms"],
    UnitType.DOG: ["dog"],
    UnitType.TRAFFIC: ["traffic"],
    UnitType.PUBLIC_ORDER: ["public_order"],
}


def at(north_m: float = 0.0, east_m: float = 0.0) -> tuple[float, float]:
    """A point `north_m` north and `east_m` east of the origin (small-offset approximation)."""
    lat = ORIGIN[0] + math.degrees(north_m / 6_371_000.0)
    lon = ORIGIN[1] + math.degrees(east_m / (6_371_000.0 * math.cos(math.radians(ORIGIN[0]))))
    return lat, lon


def unit(
    uid: str,
    where: tuple[float, float] | None = (0.0, 0.0),
    *,
    type: UnitType = UnitType.RESPONSE_CAR,
    status: UnitStatus = UnitStatus.AVAILABLE,
    caps: Sequence[str] | None = None,
    fix_age_s: float = 5.0,
    incident_id: str | None = None,
) -> UnitPublic:
    position = None
    if where is not None:
        lat, lon = at(*where)
        position = PositionPublic(lat=lat, lon=lon, at=NOW - timedelta(seconds=fix_age_s))
    return UnitPublic(
        id=uid,
        version=1,
        callsign=uid.upper(),
        type=type,
        capabilities=list(CAPS.get(type, []) if caps is None else caps),
        home_station="Charing Cross",
        borough="Westminster",
        status=status,
        status_since=NOW,
        position=position,
        incident_id=incident_id,
    )


def incident(
    iid: str = "inc",
    where: tuple[float, float] = (0.0, 0.0),
    *,
    classification: str = "Violence",
    grade: Grade = Grade.IMMEDIATE,
) -> IncidentPublic:
    lat, lon = at(*where)
    return IncidentPublic(
        id=iid,
        version=1,
        reference=f"LDN-20261123-{iid}",
        opening_classification=classification,
        closing_classification=None,
        grade=grade,
        target_at=None,
        thrive=Thrive(),
        location=LocatedPublic(lat=lat, lon=lon, address=None, borough="Westminster"),
        status=IncidentStatus.OPEN,
        created_at=NOW,
        created_by="calltaker",
        closed_at=None,
        call_ids=[],
        log=[],
    )


def assignment(unit_id: str, incident_id: str, state: AssignmentState) -> AssignmentPublic:
    return AssignmentPublic(
        id=f"a-{unit_id}",
        version=1,
        unit_id=unit_id,
        incident_id=incident_id,
        state=state,
        dispatched_at=NOW,
        dispatched_by="dispatcher",
        en_route_at=None,
        at_scene_at=None,
        cleared_at=None,
        cleared_reason=None,
    )


def on_incident(
    uid: str, incident_id: str, where: tuple[float, float], *, at_scene: bool = False
) -> tuple[UnitPublic, AssignmentPublic]:
    status = UnitStatus.AT_SCENE if at_scene else UnitStatus.ASSIGNED
    state = AssignmentState.AT_SCENE if at_scene else AssignmentState.EN_ROUTE
    return (
        unit(uid, where, status=status, incident_id=incident_id),
        assignment(uid, incident_id, state),
    )


def expected_eta(u: UnitPublic, inc: IncidentPublic, config: AllocationConfig = CONFIG) -> float:
    assert u.position is not None
    d = haversine_m(u.position.lat, u.position.lon, inc.location.lat, inc.location.lon)
    return d * config.road_factor / (config.speed_kmh[u.type] / 3.6)


def ids(recs: Sequence[Recommendation]) -> list[str]:
    return [r.unit_id for r in recs]
