"""Crews over real HTTP: a unit books on with its crew and their skills, takes a refreshment
break with an end time, and books off; recommendations count crew skills as capabilities."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from console.allocation import AllocationConfig, recommend
from platform_api.contract import BookOn, IncidentPublic, UnitPublic
from tests.platform_api.helpers import first, make_incident, make_unit

CREW = [
    {"collar": "PC 1234", "skills": ["Taser", "advanced driver"]},
    {"collar": "PC 5678", "name": "Jo Bloggs", "skills": ["first aid"]},
]


def test_a_crew_books_on_takes_a_break_and_books_off(gateway: Any, dispatcher: Any) -> None:
    unit = make_unit(gateway)
    on = gateway.ok(
        f"/v1/units/{unit['id']}/book-on", {"crew": CREW, "shift": "late"}, version=unit["version"]
    )
    assert on["type"] == "unit.booked_on"
    booked = first(on, "units")
    assert [m["collar"] for m in booked["crew"]] == ["PC 1234", "PC 5678"]
    assert booked["crew"][0]["skills"] == ["taser", "advanced driver"]
    assert (booked["shift"], booked["status"]) == ("late", "available")
    assert UnitPublic.model_validate(booked).all_capabilities() == {
        "taser",
        "advanced driver",
        "first aid",
    }
    until = (datetime.now(UTC) + timedelta(minutes=45)).isoformat()
    brk = first(
        dispatcher.ok(
            f"/v1/units/{unit['id']}/status",
            {"status": "refreshment", "until": until},
            version=booked["version"],
        ),
        "units",
    )
    assert brk["status"] == "refreshment" and brk["status_until"] is not None
    off = first(gateway.ok(f"/v1/units/{unit['id']}/book-off", {}, version=brk["version"]), "units")
    assert (off["status"], off["crew"], off["status_until"]) == ("off_duty", [], None)
    refused = dispatcher.post(
        f"/v1/units/{unit['id']}/status", {"status": "available"}, version=off["version"]
    )
    assert refused.status_code == 409


def test_a_break_ends_in_the_next_24_hours_not_in_another_year(
    gateway: Any, dispatcher: Any
) -> None:
    unit = make_unit(gateway)
    for until in ((datetime.now(UTC) + timedelta(days=2)).isoformat(), "9999-01-01T00:00:00Z"):
        response = dispatcher.post(
            f"/v1/units/{unit['id']}/status",
            {"status": "refreshment", "until": until},
            version=unit["version"],
        )
        assert response.status_code == 422, response.text
        assert response.json()["error"]["field"] == "until"


def test_bad_crews_are_refused_with_the_field_named(gateway: Any) -> None:
    unit = make_unit(gateway)
    path = f"/v1/units/{unit['id']}/book-on"
    empty = gateway.post(path, {"crew": []}, version=unit["version"])
    assert empty.status_code == 422 and "crew" in empty.json()["error"]["field"]
    twice = gateway.post(path, {"crew": [CREW[0], {"collar": "PC 1234"}]}, version=unit["version"])
    assert twice.status_code == 422 and twice.json()["error"]["field"] == "crew"
    shift = gateway.post(path, {"crew": CREW, "shift": "brunch"}, version=unit["version"])
    assert shift.status_code == 422 and "shift" in shift.json()["error"]["field"]


def test_a_crews_skill_makes_its_unit_eligible_where_the_classification_requires_it(
    gateway: Any, calltaker: Any, dispatcher: Any
) -> None:
    plain = make_unit(gateway, "CW11")
    crewed = make_unit(gateway, "CW12", at={"lat": 51.51, "lon": -0.12})
    gateway.ok(f"/v1/units/{crewed['id']}/book-on", {"crew": CREW}, version=crewed["version"])
    make_incident(gateway, calltaker)
    state = dispatcher.get("/v1/state")
    incident = IncidentPublic.model_validate(state["incidents"][0])
    units = [UnitPublic.model_validate(u) for u in state["units"]]
    config = AllocationConfig(required_capabilities={"violence": frozenset({"taser"})})
    ranked = recommend(incident, units, [], config, limit=None)
    assert [r.unit_id for r in ranked] == [crewed["id"]]
    assert plain["id"] not in {r.unit_id for r in ranked}


def test_a_crew_kept_from_before_the_control_character_rule_still_reads() -> None:
    """Booking on refuses an ANSI escape in a collar number; a unit row that stored one
    before the rule existed is still served (validating it again would make every read of
    the unit, /v1/state included, a 500)."""
    bad = {"collar": "PC\x1b[31m1", "skills": ["taser"]}
    with pytest.raises(ValidationError, match="not allowed"):
        BookOn.model_validate({"crew": [bad]})
    kept = UnitPublic.model_validate(
        {
            "id": "u1",
            "version": 3,
            "callsign": "CW11",
            "type": "response_car",
            "capabilities": [],
            "home_station": "Brixton",
            "borough": None,
            "status": "available",
            "status_since": "2026-11-23T12:00:00Z",
            "position": None,
            "incident_id": None,
            "crew": [bad],
        }
    )
    assert kept.crew[0].collar == bad["collar"]
