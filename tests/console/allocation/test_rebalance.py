"""console/allocation/rebalance.py: the proposal is optimal and serves heavier grades first."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.allocation import (
    AllocationConfig,
    Proposal,
    propose_rebalance,
)
from platform_api.contract import (
    Grade,
    IncidentPublic,
    IncidentStatus,
    UnitPublic,
    UnitStatus,
    UnitType,
)
from tests.console.allocation.builders import (
    CONFIG,
    NOW,
    expected_eta,
    incident,
    on_incident,
    unit,
)

# ---------------------------------------------------------------- rebalance


def brute_force_best(
    incidents: list[IncidentPublic], units: list[UnitPublic], config: AllocationConfig
) -> float:
    """The least objective over every partial one-to-one assignment (see rebalance.py)."""
    pool = [u for u in units if u.status is UnitStatus.AVAILABLE and u.position is not None]
    best = math.inf
    for choice in itertools.product([None, *range(len(pool))], repeat=len(incidents)):
        taken = [c for c in choice if c is not None]
        if len(taken) != len(set(taken)):
            continue
        pairs = [
            (inc, None if c is None else pool[c]) for inc, c in zip(incidents, choice, strict=True)
        ]
        best = min(best, objective(pairs, config))
    return best


def pair_cost(inc: IncidentPublic, u: UnitPublic | None, config: AllocationConfig) -> float:
    weight = config.grade_weights[inc.grade]
    if u is None:
        return weight * config.unserved_eta_s
    if not config.required_for(inc.opening_classification) <= set(u.capabilities):
        return math.inf
    preferred = bool(config.preferred_for(inc.opening_classification) & set(u.capabilities))
    rank_eta = expected_eta(u, inc, config) - (config.preferred_bonus_s if preferred else 0.0)
    return weight * rank_eta if rank_eta < config.unserved_eta_s else math.inf


def objective(
    pairs: list[tuple[IncidentPublic, UnitPublic | None]], config: AllocationConfig
) -> float:
    return sum(pair_cost(inc, u, config) for inc, u in pairs)


def proposal_objective(
    proposals: list[Proposal],
    incidents: list[IncidentPublic],
    units: list[UnitPublic],
    config: AllocationConfig,
) -> float:
    by_unit = {u.id: u for u in units}
    served = {p.incident_id: by_unit[p.unit_id] for p in proposals}
    return objective([(inc, served.get(inc.id)) for inc in incidents], config)


def check_proposals(
    proposals: list[Proposal], incidents: list[IncidentPublic], units: list[UnitPublic]
) -> None:
    """One unit per incident and vice versa, every pair one the unit can take."""
    assert len({p.unit_id for p in proposals}) == len(proposals)
    assert len({p.incident_id for p in proposals}) == len(proposals)
    by_unit = {u.id: u for u in units}
    by_incident = {i.id: i for i in incidents}
    for p in proposals:
        u, inc = by_unit[p.unit_id], by_incident[p.incident_id]
        assert u.status is UnitStatus.AVAILABLE
        assert math.isfinite(pair_cost(inc, u, CONFIG)), f"{p} is not a pair the unit can take"
        assert p.eta_s == pytest.approx(expected_eta(u, inc), rel=1e-6)


GRADES = [Grade.IMMEDIATE, Grade.PRIORITY, Grade.SCHEDULED]
KM = st.floats(-15_000, 15_000)


CLASSIFICATIONS = st.sampled_from(["Violence", "Firearms", "Road traffic collision"])
MOSTLY_AVAILABLE = st.sampled_from(
    [UnitStatus.AVAILABLE, UnitStatus.AVAILABLE, UnitStatus.COMMITTED]
)


@settings(max_examples=120, deadline=None, database=None)
@given(
    st.lists(st.tuples(KM, KM, CLASSIFICATIONS, st.sampled_from(GRADES)), max_size=4),
    st.lists(st.tuples(KM, KM, st.sampled_from(list(UnitType)), MOSTLY_AVAILABLE), max_size=5),
)
def test_rebalance_is_optimal_against_brute_force(
    incident_specs: list[tuple[float, float, str, Grade]],
    unit_specs: list[tuple[float, float, UnitType, UnitStatus]],
) -> None:
    incidents = [
        incident(f"i{k}", (n, e), classification=c, grade=g)
        for k, (n, e, c, g) in enumerate(incident_specs)
    ]
    units = [unit(f"u{k}", (n, e), type=t, status=s) for k, (n, e, t, s) in enumerate(unit_specs)]
    proposals = propose_rebalance(incidents, units, CONFIG, now=NOW)
    check_proposals(proposals, incidents, units)
    assert proposal_objective(proposals, incidents, units, CONFIG) == pytest.approx(
        brute_force_best(incidents, units, CONFIG), rel=1e-9, abs=1e-6
    )


def test_rebalance_serves_immediate_incidents_first_when_units_are_short() -> None:
    # The Scheduled incident is next to the only car; the Immediate one is 3 km away.
    near_scheduled = incident("sch", (100, 0), grade=Grade.SCHEDULED)
    far_immediate = incident("imm", (3000, 0), grade=Grade.IMMEDIATE)
    car = unit("car", (0, 0))
    (p,) = propose_rebalance([near_scheduled, far_immediate], [car], CONFIG, now=NOW)
    assert (p.incident_id, p.unit_id) == ("imm", "car")
    assert p.incident_reference == "LDN-20261123-imm"
    assert p.weighted_cost == pytest.approx(10 * expected_eta(car, far_immediate), rel=1e-6)
    assert p.reason == "3.0 km, about 5 min (straight-line estimate), response car, available"


def test_rebalance_with_more_units_than_incidents_serves_every_incident() -> None:
    incidents = [incident(f"i{k}", (k * 1000.0, 0)) for k in range(3)]
    units = [unit(f"u{k}", (k * 700.0, 500)) for k in range(8)]
    proposals = propose_rebalance(incidents, units, CONFIG, now=NOW)
    assert sorted(p.incident_id for p in proposals) == ["i0", "i1", "i2"]
    check_proposals(proposals, incidents, units)


def test_rebalance_never_proposes_a_unit_an_incident_cannot_take() -> None:
    firearms = incident("gun", classification="Firearms")
    cars = [unit(f"car{k}", (k * 100.0, 0)) for k in range(5)]
    assert propose_rebalance([firearms], cars, CONFIG, now=NOW) == []
    far_foot = unit("foot", (20_000, 0), type=UnitType.FOOT_PATROL)  # 5.6 h on foot
    assert propose_rebalance([incident()], [far_foot], CONFIG, now=NOW) == []
    arv = unit("arv", (8000, 0), type=UnitType.ARMED_RESPONSE)
    (p,) = propose_rebalance([firearms], [*cars, arv], CONFIG, now=NOW)
    assert p.unit_id == "arv"


def test_rebalance_leaves_out_resourced_closed_and_undeployable_incidents() -> None:
    resourced = incident("res")
    closed = incident("closed").model_copy(update={"status": IncidentStatus.CLOSED})
    rwd = incident("rwd", grade=Grade.RESOLVED_WITHOUT_DEPLOYMENT)
    waiting = incident("wait", (5000, 0), grade=Grade.PRIORITY)
    busy, busy_a = on_incident("busy", "res", (0, 0))
    units = [busy, unit("free", (0, 0))]
    proposals = propose_rebalance(
        [resourced, closed, rwd, waiting], units, CONFIG, assignments=[busy_a], now=NOW
    )
    assert [(p.incident_id, p.unit_id) for p in proposals] == [("wait", "free")]
    assert propose_rebalance([], units, CONFIG, now=NOW) == []
    assert propose_rebalance([waiting], [], CONFIG, now=NOW) == []


def test_rebalance_lists_heavier_grades_first() -> None:
    incidents = [
        incident("s", (0, 0), grade=Grade.SCHEDULED),
        incident("p", (0, 3000), grade=Grade.PRIORITY),
        incident("i", (3000, 0), grade=Grade.IMMEDIATE),
    ]
    units = [unit("a", (0, 100)), unit("b", (0, 3100)), unit("c", (3100, 0))]
    proposals = propose_rebalance(incidents, units, CONFIG, now=NOW)
    assert [(p.incident_id, p.unit_id) for p in proposals] == [("i", "c"), ("p", "b"), ("s", "a")]
