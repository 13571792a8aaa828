"""A rebalance proposal: available units to unresourced incidents, least weighted ETA.

The objective, minimised exactly by `scipy.optimize.linear_sum_assignment`:

    sum over served incidents   of  weight(grade) x rank_eta(incident, unit)
  + sum over unserved incidents of  weight(grade) x unserved_eta_s

where rank_eta is the ETA less `preferred_bonus_s` for a unit with a preferred capability
(the same order `recommend` uses). Without the unserved term, leaving an Immediate incident
out would be "cheaper" than serving it, so with fewer units than incidents the solver would
favour the low grades; the term makes every incident worth serving, the heavier ones more.
It is modelled as one dummy column per incident. Pairs a unit cannot take (a capability the
classification requires) or that are slower than `unserved_eta_s` cost infinity and are
never proposed. A specialist the incident's response plan does not ask for competes with
its ETA plus the grade's target (`_handicap`), so it goes only where no general unit can
do better, as in `recommend`. With more units than incidents the extra units stay where they are.

Unresourced means open, of a grade with a positive weight, and with no active assignment.

`propose_rebalance` is pure: it copies what it needs from its arguments first, so the
caller may run it via `run_in_executor` while the GUI thread goes on changing the Store,
provided it hands over lists (`list(store.units.values())`), not the live dicts.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from scipy.optimize import linear_sum_assignment

from console.allocation.config import AllocationConfig
from console.allocation.index import Bools, Floats, UnitIndex, haversine_m
from console.allocation.reasons import unit_reason
from console.allocation.recommend import asked_by
from platform_api.contract import (
    ACTIVE_ASSIGNMENT_STATES,
    GRADE_TARGET_MINUTES,
    AssignmentPublic,
    IncidentPublic,
    IncidentStatus,
    UnitPublic,
    UnitStatus,
)


@dataclass(frozen=True)
class Proposal:
    """One line of a rebalance, which the supervisor accepts or rejects on its own.

    `weighted_cost` is the line's share of the objective (weight x ranking ETA, see the
    module docstring; below zero when a preferred unit is closer than the bonus), so show
    `eta_s` to people; `eta_s` and `distance_m` are the true figures, as in `Recommendation`.
    """

    incident_id: str
    incident_reference: str
    unit_id: str
    callsign: str
    distance_m: float
    eta_s: float
    weighted_cost: float
    reason: str


def unresourced(
    incidents: Iterable[IncidentPublic],
    assignments: Iterable[AssignmentPublic],
    config: AllocationConfig,
) -> list[IncidentPublic]:
    """Open incidents with a positive grade weight and no active assignment."""
    resourced = {a.incident_id for a in assignments if a.state in ACTIVE_ASSIGNMENT_STATES}
    return [
        i
        for i in incidents
        if i.status is IncidentStatus.OPEN and config.weight(i.grade) > 0 and i.id not in resourced
    ]


def propose_rebalance(
    incidents: Iterable[IncidentPublic],
    units: Iterable[UnitPublic],
    config: AllocationConfig,
    *,
    assignments: Iterable[AssignmentPublic] = (),
    now: datetime | None = None,
) -> list[Proposal]:
    """Proposals for the unresourced `incidents` from the available `units`.

    Heaviest grade first, then soonest. Units without a position take no part.
    """
    todo = unresourced(list(incidents), list(assignments), config)
    pool = [u for u in list(units) if u.status is UnitStatus.AVAILABLE and u.position is not None]
    if not todo or not pool:
        return []
    index = UnitIndex.from_units(pool)
    weights = np.array([config.weight(i.grade) for i in todo])
    distance, eta = _distances(todo, index, config)
    rank_eta = eta - config.preferred_bonus_s * _preferred(todo, index, config)
    allowed = _capable(todo, index, config) & (rank_eta < config.unserved_eta_s)
    held = _held(todo, index, config)
    rank_eta = np.where(held, rank_eta + _handicap(todo, config)[:, None], rank_eta)

    n_inc, n_units = len(todo), len(pool)
    cost = np.full((n_inc, n_units + n_inc), np.inf)
    cost[:, :n_units] = np.where(allowed, weights[:, None] * rank_eta, np.inf)
    cost[:, n_units:] = (weights * config.unserved_eta_s)[:, None]
    rows, cols = linear_sum_assignment(cost)

    now_ts = now.timestamp() if now is not None else time.time()
    proposals: list[Proposal] = []
    for i, u in zip(rows.tolist(), cols.tolist(), strict=True):
        if u >= n_units:
            continue  # the dummy column: this incident stays unserved
        age = now_ts - float(index.pos_ts[u])
        proposals.append(
            Proposal(
                incident_id=todo[i].id,
                incident_reference=todo[i].reference,
                unit_id=index.ids[u],
                callsign=index.callsigns[u],
                distance_m=float(distance[i, u]),
                eta_s=float(eta[i, u]),
                weighted_cost=float(cost[i, u]),
                reason=unit_reason(
                    float(distance[i, u]),
                    float(eta[i, u]),
                    index.types[u],
                    "available",
                    age if age > config.stale_position_s else None,
                )
                + ("; specialist: no general unit could do better" if held[i, u] else ""),
            )
        )
    by_weight = {i.id: config.weight(i.grade) for i in todo}
    proposals.sort(key=lambda p: (-by_weight[p.incident_id], p.eta_s))
    return proposals


def _distances(
    todo: list[IncidentPublic], index: UnitIndex, config: AllocationConfig
) -> tuple[Floats, Floats]:
    """(incidents x units) straight-line metres and ETA seconds."""
    lat = np.radians([i.location.lat for i in todo])[:, None]
    lon = np.radians([i.location.lon for i in todo])[:, None]
    distance = haversine_m(lat, lon, index.lat[None, :], index.lon[None, :], index.cos_lat[None, :])
    eta: Floats = distance * config.road_factor / index.speeds_mps(config.speed_kmh)[None, :]
    return distance, eta


def _capable(todo: list[IncidentPublic], index: UnitIndex, config: AllocationConfig) -> Bools:
    """(incidents x units) whether the unit has what the classification requires."""
    masks: dict[frozenset[str], Bools] = {}
    out: Bools = np.empty((len(todo), len(index)), np.bool_)
    for k, incident in enumerate(todo):
        needed = config.required_for(incident.opening_classification)
        if needed not in masks:
            masks[needed] = index.with_capabilities(needed)
        out[k] = masks[needed]
    return out


def _held(todo: list[IncidentPublic], index: UnitIndex, config: AllocationConfig) -> Bools:
    """(incidents x units) a specialist the incident's response plan does not ask for."""
    plans = config.plans
    out: Bools = np.zeros((len(todo), len(index)), np.bool_)
    specialist = index.of_types(plans.specialists)
    for k, incident in enumerate(todo):
        plan = plans.plan_for(incident.opening_classification, incident.grade)
        out[k] = specialist & ~asked_by(plan, index)
    return out


def _handicap(todo: list[IncidentPublic], config: AllocationConfig) -> Floats:
    """Seconds added to a held-back specialist's ETA per incident: the grade's target, so
    any general unit that can make the target is preferred, as `recommend` does; with no
    target, just short of leaving the incident unserved (a last resort)."""
    out: Floats = np.array(
        [
            60.0 * minutes
            if (minutes := GRADE_TARGET_MINUTES.get(i.grade))
            else 0.99 * config.unserved_eta_s
            for i in todo
        ]
    )
    return out


def _preferred(todo: list[IncidentPublic], index: UnitIndex, config: AllocationConfig) -> Floats:
    """(incidents x units) 1.0 where the unit has a capability the classification prefers."""
    masks: dict[frozenset[str], Bools] = {}
    out: Floats = np.empty((len(todo), len(index)))
    for k, incident in enumerate(todo):
        wanted = config.preferred_for(incident.opening_classification)
        if wanted not in masks:
            masks[wanted] = index.with_any_capability(wanted)
        out[k] = masks[wanted]
    return out
