"""Ranked recommendations for one incident, and why a given unit is not among them.

Eligibility, in the order a dispatcher would ask:

1. **status**: available; or, for supervisors (`include_committed`), a unit assigned or at
   scene on another incident, which the platform's reallocate command can move. A unit on an
   Immediate incident (or one whose grade we cannot see) is offered only with `insist`:
   pulling a unit off a live emergency must be a deliberate act.
   Units "committed" without an incident (refs, paperwork) cannot be reallocated by the
   platform, so they are never offered; their status must change first.
2. **capabilities** the classification requires (`AllocationConfig.required_capabilities`).
3. **a position**: without one there is no ETA, so the unit is left out ("no position").
   A stale position still ranks from where it was last seen, with its age in the reason.

Ranking is by ETA, except that a preferred capability counts `preferred_bonus_s` sooner.
`recommend` estimates it as haversine distance x road factor / speed of the unit's type;
`recommend_routed` asks a `console.routing` router (a road graph, a site's OSRM server).
Both work over numpy columns (`UnitIndex`); `exclusion_reason` answers for one unit in
plain Python, and a test keeps the two in agreement.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from console.allocation.config import AllocationConfig
from console.allocation.index import Bools, Floats, Rows, UnitIndex, haversine_m
from console.allocation.plans import ResponsePlan
from console.allocation.reasons import TYPE_LABELS, committed_words, unit_reason
from console.routing import Origins, Router
from platform_api.contract import (
    ACTIVE_ASSIGNMENT_STATES,
    GRADE_TARGET_MINUTES,
    AssignmentPublic,
    Grade,
    IncidentPublic,
    UnitPublic,
    UnitStatus,
    UnitType,
)

# Statuses a reallocation can take a unit from (it has an active assignment).
REALLOCATABLE = frozenset({UnitStatus.ASSIGNED, UnitStatus.AT_SCENE})

_STATUS_WORDS = {
    UnitStatus.ASSIGNED: "assigned",
    UnitStatus.AT_SCENE: "at scene",
    UnitStatus.COMMITTED: "committed (not at an incident)",
    UnitStatus.REFRESHMENT: "on a refreshment break",
    UnitStatus.UNAVAILABLE: "unavailable",
    UnitStatus.OFF_DUTY: "off duty",
}


@dataclass(frozen=True)
class Recommendation:
    """One ranked unit for an incident.

    `distance_m` is by road when `by_road`, else straight-line; `eta_s` is the router's
    time (or the straight-line estimate: distance x road factor / the type's speed).
    `committed_to` is the incident id a reallocation would take the unit from (None when
    the unit is available). `stale` flags a last-known position older than the threshold;
    `preferred` says the unit has a capability the classification prefers.
    """

    unit_id: str
    callsign: str
    unit_type: UnitType
    distance_m: float
    eta_s: float
    reason: str
    committed_to: str | None = None
    stale: bool = False
    preferred: bool = False
    by_road: bool = False


@dataclass(frozen=True)
class _Eligible:
    """The rows `recommend` may offer, with what ranking and reasons need of them."""

    index: UnitIndex
    rows: Rows
    committed: dict[int, tuple[str, str]]
    preferred: Bools
    specialist: Bools  # of a type the response plans hold back
    asked: Bools  # the incident's response plan asks for this unit specifically


def asked_by(plan: ResponsePlan, index: UnitIndex) -> Bools:
    """Rows the plan asks for *specifically*, by type or capability (`ResponsePlan.asks_for`
    over every row at once: a loop over each specialist's capabilities cost milliseconds)."""
    return index.of_types(plan.types_asked) | index.with_any_capability(plan.capabilities_asked)


def _eligible(
    incident: IncidentPublic,
    units: UnitIndex | Iterable[UnitPublic],
    assignments: Iterable[AssignmentPublic],
    config: AllocationConfig,
    incidents: Mapping[str, IncidentPublic] | None,
    include_committed: bool,
    insist: bool,
) -> _Eligible | None:
    index = units if isinstance(units, UnitIndex) else UnitIndex.from_units(units)
    if len(index) == 0:
        return None
    eligible = index.status(UnitStatus.AVAILABLE)
    committed: dict[int, tuple[str, str]] = {}
    if include_committed:
        committed = _reallocatable(incident, index, assignments, incidents or {}, insist)
        eligible[list(committed)] = True
    eligible &= index.has_pos
    required = config.required_for(incident.opening_classification)
    if required:
        eligible &= index.with_capabilities(required)
    rows = np.flatnonzero(eligible)
    if rows.size == 0:
        return None
    preferred = index.with_any_capability(config.preferred_for(incident.opening_classification))
    plans = config.plans
    plan = plans.plan_for(incident.opening_classification, incident.grade)
    specialist = index.of_types(plans.specialists)[rows]
    asked = specialist & asked_by(plan, index)[rows]
    return _Eligible(index, rows, committed, preferred[rows], specialist, asked)


def recommend(
    incident: IncidentPublic,
    units: UnitIndex | Iterable[UnitPublic],
    assignments: Iterable[AssignmentPublic],
    config: AllocationConfig,
    limit: int | None = 10,
    *,
    incidents: Mapping[str, IncidentPublic] | None = None,
    include_committed: bool = False,
    insist: bool = False,
    now: datetime | None = None,
) -> list[Recommendation]:
    """The best `limit` units for `incident` (all eligible ones when None), soonest first,
    by the straight-line estimate (`recommend_routed` asks a road router instead).

    `units` is ideally a `UnitIndex` kept by the caller; a plain iterable is indexed on the
    spot (correct, but the indexing costs more than the ranking). `assignments` and
    `incidents` (id -> incident) matter only with `include_committed`: they say which
    incident each committed unit is on and its grade and reference. `now` is the clock for
    position age (replay passes its own); default: the wall clock.
    """
    if limit is not None and limit <= 0:
        return []
    found = _eligible(incident, units, assignments, config, incidents, include_committed, insist)
    if found is None:
        return []
    index, rows = found.index, found.rows
    distance = haversine_m(
        math.radians(incident.location.lat),
        math.radians(incident.location.lon),
        index.lat[rows],
        index.lon[rows],
        index.cos_lat[rows],
    )
    eta: Floats = distance * config.road_factor / index.speeds_mps(config.speed_kmh)[rows]
    chosen, notes = _rank(found, eta, distance, limit, incident, config)
    return _build(
        found, chosen, eta, distance[chosen], np.zeros(chosen.size, bool), notes, config, now
    )


async def recommend_routed(
    incident: IncidentPublic,
    units: UnitIndex | Iterable[UnitPublic],
    assignments: Iterable[AssignmentPublic],
    config: AllocationConfig,
    router: Router,
    limit: int | None = 10,
    *,
    incidents: Mapping[str, IncidentPublic] | None = None,
    include_committed: bool = False,
    insist: bool = False,
    now: datetime | None = None,
) -> list[Recommendation]:
    """As `recommend`, with each eligible unit's time from `router` (a road graph, a site's
    OSRM server, or the straight line). Units the router finds cannot reach the incident,
    and those it did not reach within its search because `limit` quicker ones were found,
    are left out."""
    if limit is not None and limit <= 0:
        return []
    found = _eligible(incident, units, assignments, config, incidents, include_committed, insist)
    if found is None:
        return []
    index, rows = found.index, found.rows
    origins = Origins(
        np.degrees(index.lat[rows]), np.degrees(index.lon[rows]), index.type_code[rows]
    )
    travel = await router.travel(
        incident.location.lat, incident.location.lon, origins, limit, config.preferred_bonus_s
    )
    eta = travel.duration_s
    chosen, notes = _rank(found, eta, eta, limit, incident, config)
    distance = travel.distance_m(chosen)
    return _build(found, chosen, eta, distance, travel.by_road[chosen], notes, config, now)


def _rank(
    found: _Eligible,
    eta: Floats,
    tiebreak: Floats,
    limit: int | None,
    incident: IncidentPublic,
    config: AllocationConfig,
) -> tuple[Rows, dict[int, str]]:
    """The positions (into `found.rows`) to offer, best first, and notes for some of them.

    Units with no time (not reached by the router) are left out. Specialists the response
    plan does not ask for are held back while a general unit can arrive within the grade's
    target; when none can, they are offered, and their note says why.
    """
    usable = np.isfinite(eta)
    notes: dict[int, str] = {}
    held = found.specialist & ~found.asked
    if held.any():
        minutes = GRADE_TARGET_MINUTES.get(incident.grade)
        limit_s = math.inf if minutes is None else minutes * 60.0
        general_in_time = usable & ~found.specialist & (eta <= limit_s)
        if general_in_time.any():
            usable &= ~held
        else:
            within = "at all" if minutes is None else f"within {minutes} min"
            for k in np.flatnonzero(held & usable).tolist():
                notes[k] = f"specialist offered: no general unit can arrive {within}"
    candidates = np.flatnonzero(usable)
    rank_key = eta[candidates] - found.preferred[candidates] * config.preferred_bonus_s
    chosen: Rows = candidates[_best(rank_key, tiebreak[candidates], limit)]
    return chosen, notes


def _build(
    found: _Eligible,
    chosen: Rows,
    eta: Floats,
    distance: Floats,
    by_road: Bools,
    notes: Mapping[int, str],
    config: AllocationConfig,
    now: datetime | None,
) -> list[Recommendation]:
    """Recommendations for the `chosen` positions (into `found.rows`), in their order."""
    index = found.index
    now_ts = now.timestamp() if now is not None else time.time()
    result: list[Recommendation] = []
    for n, k in enumerate(chosen.tolist()):
        r = int(found.rows[k])
        age = now_ts - float(index.pos_ts[r])
        stale = age > config.stale_position_s
        on = found.committed.get(r)
        unit_type = index.types[r]
        result.append(
            Recommendation(
                unit_id=index.ids[r],
                callsign=index.callsigns[r],
                unit_type=unit_type,
                distance_m=float(distance[n]),
                eta_s=float(eta[k]),
                reason=unit_reason(
                    float(distance[n]),
                    float(eta[k]),
                    unit_type,
                    "available" if on is None else on[1],
                    age if stale else None,
                    by_road=bool(by_road[n]),
                )
                + (f"; {notes[k]}" if k in notes else ""),
                committed_to=None if on is None else on[0],
                stale=stale,
                preferred=bool(found.preferred[k]),
                by_road=bool(by_road[n]),
            )
        )
    return result


def _best(rank_key: Floats, distance: Floats, limit: int | None) -> Rows:
    """Positions of the `limit` smallest keys, ordered (ties: the nearer unit first)."""
    picked = np.arange(rank_key.size)
    if limit is not None and limit < rank_key.size:
        picked = np.argpartition(rank_key, limit - 1)[:limit]
    order = np.lexsort((distance[picked], rank_key[picked]))
    result: Rows = picked[order]
    return result


def _reallocatable(
    incident: IncidentPublic,
    index: UnitIndex,
    assignments: Iterable[AssignmentPublic],
    incidents: Mapping[str, IncidentPublic],
    insist: bool,
) -> dict[int, tuple[str, str]]:
    """Rows a supervisor may move here -> (incident id it is on, words for the reason)."""
    found: dict[int, tuple[str, str]] = {}
    for a in assignments:
        if a.state not in ACTIVE_ASSIGNMENT_STATES or a.incident_id == incident.id:
            continue
        row = index.row.get(a.unit_id)
        if row is None or index.status_at(row) not in REALLOCATABLE:
            continue
        other = incidents.get(a.incident_id)
        grade = other.grade if other is not None else None
        if not insist and grade in (Grade.IMMEDIATE, None):
            continue
        reference = other.reference if other is not None else a.incident_id
        found[row] = (a.incident_id, committed_words(reference, grade))
    return found


def exclusion_reason(
    incident: IncidentPublic,
    unit: UnitPublic,
    assignments: Iterable[AssignmentPublic],
    config: AllocationConfig,
    *,
    incidents: Mapping[str, IncidentPublic] | None = None,
    include_committed: bool = False,
    insist: bool = False,
) -> str | None:
    """Why `recommend` (with the same arguments) would leave `unit` out; None if it would not.

    For the UI: a tooltip on a greyed unit, or the message when a unit is dragged onto an
    incident it cannot take. The first reason found is given: status, capability, position,
    a specialist held back (which `recommend` still offers when no general unit can make
    the grade's target, saying so in its reason).
    """
    if unit.status is not UnitStatus.AVAILABLE:
        active = next(
            (
                a
                for a in assignments
                if a.unit_id == unit.id and a.state in ACTIVE_ASSIGNMENT_STATES
            ),
            None,
        )
        if active is not None and active.incident_id == incident.id:
            return "already on this incident"
        if active is None or unit.status not in REALLOCATABLE:
            return _STATUS_WORDS[unit.status]
        other = (incidents or {}).get(active.incident_id)
        grade = other.grade if other is not None else None
        words = committed_words(other.reference if other else active.incident_id, grade)
        if not include_committed:
            return f"{words}; a supervisor can reallocate it"
        if not insist and grade in (Grade.IMMEDIATE, None):
            return f"{words}; offered only if the supervisor insists"
    missing = sorted(config.required_for(incident.opening_classification) - unit.all_capabilities())
    if missing:
        return f"no {' or '.join(missing)} capability"
    if unit.position is None:
        return "no position"
    plans = config.plans
    plan = plans.plan_for(incident.opening_classification, incident.grade)
    if unit.type in plans.specialists and not plan.asks_for(unit.type, unit.all_capabilities()):
        minutes = GRADE_TARGET_MINUTES.get(incident.grade)
        when = "no general unit can arrive" + ("" if minutes is None else f" within {minutes} min")
        return (
            f"{TYPE_LABELS[unit.type]} held back: the plan for {plan.name} does not ask for "
            f"one; offered only when {when}"
        )
    return None
