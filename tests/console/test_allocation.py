"""Unit allocation: who is recommended, in what order, in what words; rebalance optimality.

Entities are the real wire classes. Geometry is built in metres north/east of a point in
central London, and expected ETAs are computed independently with the platform's own
haversine, so a slip in the numpy path shows up as a disagreement.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.allocation import (
    AllocationConfig,
    Proposal,
    Recommendation,
    UnitIndex,
    config_from_mapping,
    exclusion_reason,
    load_config,
    propose_rebalance,
    recommend,
)
from console.allocation.plans import shipped_plans
from console.allocation.reasons import distance_words, duration_words
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


# ---------------------------------------------------------------- ranking


def test_units_are_ranked_by_eta_not_by_distance() -> None:
    units = [
        unit("foot", (300, 0), type=UnitType.FOOT_PATROL),  # nearest, but on foot
        unit("car_far", (2500, 0)),
        unit("car_near", (0, 1500)),
        unit("arv", (2000, 0), type=UnitType.ARMED_RESPONSE),
    ]
    inc = incident()
    recs = recommend(inc, units, [], CONFIG, now=NOW)
    assert ids(recs) == ["car_near", "arv", "car_far", "foot"]
    by_id = {u.id: u for u in units}
    for rec in recs:
        assert rec.eta_s == pytest.approx(expected_eta(by_id[rec.unit_id], inc), rel=1e-6)
    assert [r.eta_s for r in recs] == sorted(r.eta_s for r in recs)


def test_limit_keeps_the_best_and_none_returns_every_eligible_unit() -> None:
    units = [unit(f"u{k}", (k * 500.0, 0)) for k in range(30)]
    inc = incident()
    assert ids(recommend(inc, units, [], CONFIG, limit=3, now=NOW)) == ["u0", "u1", "u2"]
    assert len(recommend(inc, units, [], CONFIG, now=NOW)) == 10
    assert len(recommend(inc, units, [], CONFIG, limit=None, now=NOW)) == 30
    assert recommend(inc, units, [], CONFIG, limit=0, now=NOW) == []
    assert recommend(inc, [], [], CONFIG, now=NOW) == []


def test_a_cached_index_ranks_like_plain_units_and_follows_updates() -> None:
    units = [unit("a", (1000, 0)), unit("b", (2000, 0))]
    inc = incident()
    index = UnitIndex.from_units(units)
    assert ids(recommend(inc, index, [], CONFIG, now=NOW)) == ["a", "b"]
    index.update([unit("b", (100, 0)), unit("c", (500, 0), type=UnitType.ARMED_RESPONSE)])
    assert ids(recommend(inc, index, [], CONFIG, now=NOW)) == ["b", "c", "a"]
    index.update([unit("a", (1000, 0), status=UnitStatus.UNAVAILABLE)])
    assert ids(recommend(inc, index, [], CONFIG, now=NOW)) == ["b", "c"]
    firearms = incident(classification="Firearms")
    assert ids(recommend(firearms, index, [], CONFIG, now=NOW)) == ["c"]
    index.update([unit("c", (500, 0), type=UnitType.ARMED_RESPONSE, caps=[])])  # stood down
    assert recommend(firearms, index, [], CONFIG, now=NOW) == []


# ---------------------------------------------------------------- capabilities


def test_a_firearms_incident_is_offered_only_armed_response_vehicles() -> None:
    units = [unit(f"{t.value}", (800, 0), type=t) for t in UnitType]
    units.append(unit("arv_far", (9000, 0), type=UnitType.ARMED_RESPONSE))
    recs = recommend(incident(classification="Firearms"), units, [], CONFIG, now=NOW)
    assert ids(recs) == ["armed_response", "arv_far"]
    assert all(r.unit_type is UnitType.ARMED_RESPONSE for r in recs)
    # the same units all qualify for an incident that requires nothing
    assert len(recommend(incident(), units, [], CONFIG, limit=None, now=NOW)) == len(units)


def test_classification_matches_ignoring_case_and_spaces() -> None:
    units = [unit("car", (100, 0)), unit("arv", (5000, 0), type=UnitType.ARMED_RESPONSE)]
    recs = recommend(incident(classification="  FIREARMS "), units, [], CONFIG, now=NOW)
    assert ids(recs) == ["arv"]


def test_a_preferred_capability_ranks_a_unit_higher_but_shows_its_true_eta() -> None:
    car = unit("car", (1000, 0))  # 105 s
    traffic = unit("traffic", (1600, 0), type=UnitType.TRAFFIC)  # 144 s, within the bonus
    rtc = incident(classification="Road traffic collision")
    recs = recommend(rtc, [car, traffic], [], CONFIG, now=NOW)
    assert ids(recs) == ["traffic", "car"]
    assert recs[0].preferred and not recs[1].preferred
    assert recs[0].eta_s == pytest.approx(expected_eta(traffic, rtc), rel=1e-6)
    # without the bonus, or for another classification, ETA alone decides
    no_bonus = replace(CONFIG, preferred_bonus_s=0.0)
    assert ids(recommend(rtc, [car, traffic], [], no_bonus, now=NOW)) == ["car", "traffic"]
    assert ids(recommend(incident(), [car, traffic], [], CONFIG, now=NOW)) == ["car", "traffic"]


# ---------------------------------------------------------------- status


def test_only_available_units_are_offered_to_a_dispatcher() -> None:
    busy, busy_a = on_incident("busy", "other", (100, 0))
    units = [
        unit("free", (2000, 0)),
        busy,
        unit("refs", (100, 0), status=UnitStatus.COMMITTED),
        unit("off", (100, 0), status=UnitStatus.UNAVAILABLE),
    ]
    inc = incident()
    others = {"other": incident("other", grade=Grade.PRIORITY)}
    recs = recommend(inc, units, [busy_a], CONFIG, incidents=others, now=NOW)
    assert ids(recs) == ["free"]
    assert recs[0].committed_to is None
    reasons = {u.id: exclusion_reason(inc, u, [busy_a], CONFIG, incidents=others) for u in units}
    assert reasons == {
        "free": None,
        "busy": "committed to LDN-20261123-other; a supervisor can reallocate it",
        "refs": "committed (not at an incident)",
        "off": "unavailable",
    }


def test_supervisors_are_offered_units_committed_to_lower_grade_incidents() -> None:
    inc = incident("target")
    prio, prio_a = on_incident("prio", "p1", (500, 0))
    imm, imm_a = on_incident("imm", "i1", (300, 0), at_scene=True)
    here, here_a = on_incident("here", "target", (10, 0))
    ghost, ghost_a = on_incident("ghost", "unknown", (200, 0))  # its incident is not known
    refs = unit("refs", (100, 0), status=UnitStatus.COMMITTED)
    units = [unit("free", (4000, 0)), prio, imm, here, ghost, refs]
    active = [prio_a, imm_a, here_a, ghost_a]
    known = {
        "p1": incident("p1", grade=Grade.PRIORITY),
        "i1": incident("i1", grade=Grade.IMMEDIATE),
        "target": inc,
    }

    def offered(**flags: bool) -> list[str]:
        recs = recommend(inc, units, active, CONFIG, incidents=known, now=NOW, **flags)
        return ids(recs)

    assert offered() == ["free"]
    assert offered(include_committed=True) == ["prio", "free"]
    assert offered(include_committed=True, insist=True) == ["ghost", "imm", "prio", "free"]
    assert offered(insist=True) == ["free"]  # insisting alone offers no committed unit

    recs = recommend(
        inc, units, active, CONFIG, incidents=known, include_committed=True, insist=True, now=NOW
    )
    by_id = {r.unit_id: r for r in recs}
    assert by_id["prio"].committed_to == "p1"
    assert by_id["prio"].reason.endswith(", response car, committed to LDN-20261123-p1")
    assert by_id["imm"].reason.endswith("committed to LDN-20261123-i1 (Immediate)")
    assert by_id["ghost"].reason.endswith("committed to unknown (grade unknown)")
    assert by_id["free"].committed_to is None

    def why(u: UnitPublic, **flags: bool) -> str | None:
        return exclusion_reason(inc, u, active, CONFIG, incidents=known, **flags)

    assert why(here, include_committed=True, insist=True) == "already on this incident"
    assert why(imm, include_committed=True) == (
        "committed to LDN-20261123-i1 (Immediate); offered only if the supervisor insists"
    )
    assert why(prio, include_committed=True) is None
    assert why(refs, include_committed=True, insist=True) == "committed (not at an incident)"


# ---------------------------------------------------------------- positions


def test_units_without_a_position_are_left_out_and_say_why() -> None:
    lost = unit("lost", None)
    units = [lost, unit("seen", (5000, 0))]
    inc = incident()
    assert ids(recommend(inc, units, [], CONFIG, now=NOW)) == ["seen"]
    assert exclusion_reason(inc, lost, [], CONFIG) == "no position"
    assert propose_rebalance([inc], [lost], CONFIG, now=NOW) == []


def test_a_stale_position_still_ranks_but_is_flagged_with_its_age() -> None:
    stale = unit("stale", (1000, 0), fix_age_s=7 * 60)
    fresh = unit("fresh", (2000, 0), fix_age_s=30)
    recs = recommend(incident(), [fresh, stale], [], CONFIG, now=NOW)
    assert ids(recs) == ["stale", "fresh"]
    assert recs[0].stale and not recs[1].stale
    assert recs[0].reason == (
        "1.0 km, about 2 min (straight-line estimate), response car, available, position 7 min old"
    )
    assert recs[1].reason == "2.0 km, about 4 min (straight-line estimate), response car, available"


# ---------------------------------------------------------------- words


def test_the_reason_reads_distance_time_type_and_status() -> None:
    arv = unit("tj51", (1400, 0), type=UnitType.ARMED_RESPONSE)
    (rec,) = recommend(incident(classification="Firearms"), [arv], [], CONFIG, now=NOW)
    # 1.4 km x 1.4 road factor at 56 km/h = 126 s
    assert rec.reason == "1.4 km, about 2 min (straight-line estimate), ARV, available"
    assert rec.callsign == "TJ51"
    assert rec.distance_m == pytest.approx(1400, rel=1e-3)
    assert rec.eta_s == pytest.approx(126, rel=1e-3)


@pytest.mark.parametrize(
    ("metres", "words"),
    [
        (0, "0 m"),
        (348, "350 m"),
        (994, "990 m"),
        (996, "1.0 km"),
        (1449, "1.4 km"),
        (12345, "12.3 km"),
    ],
)
def test_distance_words(metres: float, words: str) -> None:
    assert distance_words(metres) == words


@pytest.mark.parametrize(
    ("seconds", "words"),
    [(5, "about 1 min"), (89, "about 1 min"), (90, "about 2 min"), (180, "about 3 min"),
     (3590, "about 1 h"), (4800, "about 1 h 20 min")],
)  # fmt: skip
def test_duration_words(seconds: float, words: str) -> None:
    assert duration_words(seconds) == words


# ---------------------------------------------------------------- recommend vs why-not


@settings(max_examples=150, deadline=None, database=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(list(UnitType)),
            st.sampled_from(list(UnitStatus)),
            st.booleans(),  # has a position
            st.sampled_from([None, "p1", "i1", "target", "gone"]),  # active assignment
        ),
        max_size=12,
    ),
    st.sampled_from(["Violence", "Firearms", "Road traffic collision"]),
    st.booleans(),
    st.booleans(),
)
def test_recommend_offers_exactly_the_units_with_no_exclusion_reason(
    specs: list[tuple[UnitType, UnitStatus, bool, str | None]],
    classification: str,
    include_committed: bool,
    insist: bool,
) -> None:
    inc = incident("target", classification=classification)
    known = {"p1": incident("p1", grade=Grade.PRIORITY), "i1": incident("i1"), "target": inc}
    units, active = [], []
    for k, (utype, status, positioned, on) in enumerate(specs):
        uid = f"u{k}"
        units.append(unit(uid, (k * 100.0, 0) if positioned else None, type=utype, status=status))
        if on is not None:
            active.append(assignment(uid, on, AssignmentState.DISPATCHED))
    flags = {"include_committed": include_committed, "insist": insist}
    recs = recommend(inc, units, active, CONFIG, None, incidents=known, now=NOW, **flags)
    expected = [
        u.id
        for u in units
        if exclusion_reason(inc, u, active, CONFIG, incidents=known, **flags) is None
    ]
    assert sorted(ids(recs)) == sorted(expected)


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


# ---------------------------------------------------------------- config


def test_the_shipped_file_matches_the_built_in_defaults() -> None:
    assert load_config() == AllocationConfig()


def test_a_site_file_overrides_only_what_it_names(tmp_path: Path) -> None:
    path = tmp_path / "site.toml"
    path.write_text(
        """
        road_factor = 1.8   # hilly, winding roads
        [speed_kmh]
        foot_patrol = 6
        [required_capabilities]
        "Dog" = ["dog"]
        """,
        "utf-8",
    )
    config = load_config(path)
    assert config.road_factor == 1.8
    assert config.speed_kmh[UnitType.FOOT_PATROL] == 6.0
    assert config.speed_kmh[UnitType.RESPONSE_CAR] == 48.0
    assert config.required_for("dog") == frozenset({"dog"})
    assert config.required_for("Firearms") == frozenset()  # the table was replaced whole
    assert config.preferred_for("Missing person") == frozenset({"dog"})


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"road_factr": 1.2}, "unknown allocation setting(s): road_factr"),
        ({"road_factor": 0.5}, "road_factor"),
        ({"road_factor": "fast"}, "road_factor: expected a number"),
        ({"speed_kmh": {"hovercraft": 90}}, "speed_kmh.hovercraft: unknown"),
        ({"speed_kmh": {"dog": 0}}, "speed_kmh.dog: must be positive"),
        ({"grade_weights": {"immediate": -1}}, "grade_weights.immediate"),
        ({"required_capabilities": {"Firearms": "firearms"}}, "required_capabilities.Firearms"),
    ],
)
def test_a_bad_setting_is_an_error_naming_it(data: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        config_from_mapping(data)
