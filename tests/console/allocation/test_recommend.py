"""console/allocation/recommend.py: who is recommended, in what order, and why not the others."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.allocation import (
    UnitIndex,
    exclusion_reason,
    propose_rebalance,
    recommend,
)
from platform_api.contract import (
    AssignmentState,
    Grade,
    UnitPublic,
    UnitStatus,
    UnitType,
)
from tests.console.allocation.builders import (
    CONFIG,
    NOW,
    assignment,
    expected_eta,
    ids,
    incident,
    on_incident,
    unit,
)

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
