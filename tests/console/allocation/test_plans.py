"""Response plans: validated site data, specialists held back, a set that fills the plan."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

from console.allocation import (
    AllocationConfig,
    UnitIndex,
    exclusion_reason,
    load_config,
    propose_rebalance,
    recommend,
)
from console.allocation.plan_fill import backup, cover, plan_proposal
from console.allocation.plans import GENERAL, PlanError, load_plans, shipped_plans
from platform_api.contract import Grade, UnitType
from tests.console.allocation.builders import NOW, incident, unit

SHIPPED = AllocationConfig()  # the shipped plans: ARVs, dogs, carriers, traffic held back


def classifications() -> list[str]:
    text = (resources.files("resources") / "call_handling" / "classifications.json").read_text()
    return [c["name"] for c in json.loads(text)["classifications"]]


def test_every_classification_has_a_plan_at_every_grade() -> None:
    plans = shipped_plans()
    for name in classifications():
        for grade in Grade:
            plan = plans.plan_for(name, grade)
            assert (plan.seats == 0) == (grade is Grade.RESOLVED_WITHOUT_DEPLOYMENT), plan
    firearms = plans.plan_for("  firearms ", Grade.IMMEDIATE)
    assert [(s.type, s.count) for s in firearms.slots] == [(UnitType.ARMED_RESPONSE, 2), (None, 1)]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (
            '[plans."Firearms"]\nimmediate = [{ type = "arv" }]\n',
            "plans.\"Firearms\".immediate[0].type: unknown unit type 'arv'",
        ),
        (
            '[plans."Firearms"]\nimmediate = [{ type = "general", count = 0 }]\n',
            'plans."Firearms".immediate[0].count: expected a whole number',
        ),
        (
            '[plans."Firearms"]\nimmediate = [{ type = "dog", capability = "dog" }]\n',
            "immediate[0]: give exactly one of `type` or `capability`",
        ),
        (
            '[plans."Firearms"]\nurgent = [{ type = "general" }]\n',
            'plans."Firearms".urgent: unknown grade',
        ),
        ('[plans."Firearms"]\nimmediate = [{ kind = "general" }]\n', "unknown key(s) kind"),
        ('specialists = ["dragon"]\n', "specialists[0]: unknown unit type 'dragon'"),
        ("[defaults]\n", "unknown setting(s) defaults"),
        ('[plans."Firearms"]\nimmediate = "two ARVs"\n', "expected a list of slots"),
    ],
)
def test_a_wrong_plan_file_is_refused_naming_file_and_key(
    tmp_path: Path, text: str, words: str
) -> None:
    site = tmp_path / "plans.toml"
    site.write_text(text)
    with pytest.raises(PlanError) as caught:
        load_plans(site)
    assert str(site) in str(caught.value)
    assert words in str(caught.value)


def test_a_site_file_replaces_the_plans_it_names_and_keeps_the_rest(tmp_path: Path) -> None:
    site = tmp_path / "plans.toml"
    site.write_text(f'[plans."Burglary"]\nany = [{{ type = "{GENERAL}" }}, {{ type = "dog" }}]\n')
    plans = load_plans(site)
    assert [s.type for s in plans.plan_for("Burglary", Grade.PRIORITY).slots] == [
        None,
        UnitType.DOG,
    ]
    assert plans.plan_for("Firearms", Grade.IMMEDIATE) == shipped_plans().plan_for(
        "Firearms", Grade.IMMEDIATE
    )


def test_an_arv_is_held_back_from_a_burglary_a_response_car_can_reach_in_time() -> None:
    units = [unit("arv", (500, 0), type=UnitType.ARMED_RESPONSE), unit("car", (4000, 0))]
    burglary = incident(classification="Burglary", grade=Grade.IMMEDIATE)
    assert [r.unit_id for r in recommend(burglary, units, [], SHIPPED, now=NOW)] == ["car"]
    why = exclusion_reason(burglary, units[0], [], SHIPPED)
    assert why is not None and "ARV held back" in why and "within 15 min" in why


def test_an_arv_is_sent_when_no_general_unit_can_make_the_target_and_says_why() -> None:
    # the car is 20 km away: about 35 min at 48 km/h x 1.4, past the 15 min target
    units = [unit("arv", (500, 0), type=UnitType.ARMED_RESPONSE), unit("car", (20_000, 0))]
    burglary = incident(classification="Burglary", grade=Grade.IMMEDIATE)
    ranked = recommend(burglary, units, [], SHIPPED, now=NOW)
    assert [r.unit_id for r in ranked] == ["arv", "car"]
    assert ranked[0].reason.endswith("specialist offered: no general unit can arrive within 15 min")
    assert "specialist" not in ranked[1].reason


def test_a_dog_unit_does_not_come_first_for_a_concern_for_safety() -> None:
    units = [unit("dog", (300, 0), type=UnitType.DOG), unit("car", (2000, 0))]
    concern = incident(classification="Concern for safety")
    assert [r.unit_id for r in recommend(concern, units, [], SHIPPED, now=NOW)] == ["car"]
    # a missing person's plan asks for a dog: then it is offered, nearest first
    missing = incident(classification="Missing person", grade=Grade.IMMEDIATE)
    assert [r.unit_id for r in recommend(missing, units, [], SHIPPED, now=NOW)] == ["dog", "car"]


def test_coverage_says_what_is_filled_and_what_is_still_needed() -> None:
    plans = shipped_plans()
    plan = plans.plan_for("Firearms", Grade.IMMEDIATE)
    arv = unit("arv1", type=UnitType.ARMED_RESPONSE)
    car = unit("car1")
    assert cover(plan, plans, []).summary() == (
        "0 of 3 slots filled; needs: ARV, ARV, general unit"
    )
    # the car takes the general seat, the ARV an ARV seat, whatever order they came in
    both = cover(plan, plans, [car, arv])
    assert both.summary() == "2 of 3 slots filled: ARV, response car; needs: ARV"
    assert both.slot_words("car1") == "plan slot 3 of 3 (general unit)"


def test_the_proposal_fills_the_plan_with_the_nearest_fitting_units() -> None:
    units = [
        unit("car_near", (300, 0)),
        unit("arv_far", (6000, 0), type=UnitType.ARMED_RESPONSE),
        unit("arv_near", (1000, 0), type=UnitType.ARMED_RESPONSE),
        unit("dog", (100, 0), type=UnitType.DOG),
        unit("car_far", (3000, 0)),
    ]
    firearms = incident(classification="Firearms", grade=Grade.IMMEDIATE)
    proposal = plan_proposal(firearms, UnitIndex.from_units(units), [], SHIPPED, [], now=NOW)
    assert [(s.slot.label, s.unit_id) for s in proposal.seats] == [
        ("ARV", "arv_near"),
        ("ARV", "arv_far"),
        ("general unit", "car_near"),
    ]
    assert all(s.proposed for s in proposal.seats)
    # with an ARV already there, only the missing seats are proposed
    on_it = [units[2]]
    rest = plan_proposal(
        firearms, UnitIndex.from_units(units[:2] + units[3:]), [], SHIPPED, on_it, now=NOW
    )
    assert [s.unit_id for s in rest.proposed] == ["arv_far", "car_near"]
    assert rest.summary() == "1 of 3 slots filled: ARV; needs: ARV, general unit"


def test_backup_is_the_best_general_unit_not_already_there() -> None:
    units = [
        unit("dog", (100, 0), type=UnitType.DOG),
        unit("car1", (200, 0)),
        unit("car2", (900, 0)),
    ]
    ranked = recommend(
        incident(classification="Missing person"), units, [], SHIPPED, limit=None, now=NOW
    )
    chosen = backup(ranked, SHIPPED.plans, exclude=["car1"])
    assert chosen is not None and chosen.unit_id == "car2"


def test_the_rebalance_keeps_an_arv_back_from_a_burglary_a_car_can_reach() -> None:
    burglary = incident("b", classification="Burglary", grade=Grade.IMMEDIATE)
    arv = unit("arv", (100, 0), type=UnitType.ARMED_RESPONSE)
    car = unit("car", (3000, 0))
    (line,) = propose_rebalance([burglary], [arv, car], SHIPPED, now=NOW)
    assert line.unit_id == "car"
    # with the car gone, the ARV goes rather than leave the burglary unserved, and says why
    (line,) = propose_rebalance([burglary], [arv], SHIPPED, now=NOW)
    assert line.unit_id == "arv" and "specialist" in line.reason
    # a firearms incident's plan asks for an ARV: no handicap there
    firearms = incident("f", (0, 200), classification="Firearms", grade=Grade.IMMEDIATE)
    lines = propose_rebalance([burglary, firearms], [arv, car], SHIPPED, now=NOW)
    assert {(p.incident_id, p.unit_id) for p in lines} == {("b", "car"), ("f", "arv")}
    assert all("specialist" not in p.reason for p in lines)


SF = load_config(pack="san-francisco")  # the shipped plans with San Francisco's over them


def test_san_francisco_sends_an_ambulance_and_an_engine_to_a_medical_emergency() -> None:
    units = [
        unit("truck", (100, 0), type=UnitType.FIRE_TRUCK),
        unit("chief", (150, 0), type=UnitType.FIRE_OFFICER),
        unit("engine", (900, 0), type=UnitType.FIRE_ENGINE),
        unit("medic", (1500, 0), type=UnitType.AMBULANCE),
    ]
    medical = incident(classification="Medical Incident", grade=Grade.IMMEDIATE)
    proposal = plan_proposal(medical, UnitIndex.from_units(units), [], SF, [], now=NOW)
    assert [(s.slot.label, s.unit_id) for s in proposal.seats] == [
        ("ambulance", "medic"),
        ("fire engine", "engine"),
    ]
    # the ladder truck and the chief are held back: the engine and the medic make the target
    assert [r.unit_id for r in recommend(medical, units, [], SF, now=NOW)] == ["engine", "medic"]
    # with the shipped (police) plans every one of them was a general unit, the truck first
    assert recommend(medical, units, [], SHIPPED, now=NOW)[0].unit_id == "truck"


def test_san_francisco_sends_the_full_first_alarm_to_a_structure_fire() -> None:
    plan = SF.plans.plan_for("Structure Fire", Grade.IMMEDIATE)
    assert cover(plan, SF.plans, []).summary() == (
        "0 of 10 slots filled; needs: fire engine, fire engine, fire engine, fire engine, "
        "ladder truck, ladder truck, fire officer, fire officer, fire officer, ambulance"
    )
    alarm = SF.plans.plan_for("Alarms", Grade.PRIORITY)
    assert [s.type for s in alarm.slots] == [
        UnitType.FIRE_ENGINE, UnitType.FIRE_TRUCK, UnitType.FIRE_OFFICER
    ]
    assert SF.plans.specialists == {UnitType.FIRE_TRUCK, UnitType.FIRE_OFFICER}


def test_a_site_file_is_laid_over_its_packs_plans_and_london_keeps_the_shipped_ones(
    tmp_path: Path,
) -> None:
    site = tmp_path / "plans.toml"
    site.write_text('[plans."Medical Incident"]\nany = [{ type = "fire_engine" }]\n')
    plans = load_plans(site, pack="san-francisco")
    assert [s.type for s in plans.plan_for("Medical Incident", Grade.IMMEDIATE).slots] == [
        UnitType.FIRE_ENGINE
    ]
    assert plans.plan_for("Alarms", Grade.IMMEDIATE) == SF.plans.plan_for(
        "Alarms", Grade.IMMEDIATE
    )
    assert load_plans(pack="london") == shipped_plans()
    assert load_config(pack="london").plans == SHIPPED.plans
