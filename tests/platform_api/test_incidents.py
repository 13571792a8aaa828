"""Incident commands over real HTTP: create, grade, log, relocate, close."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tests.platform_api.helpers import LAMBETH, first, incident_body, make_incident, make_unit


def test_a_walk_in_incident_needs_no_call(calltaker: Any) -> None:
    result = calltaker.ok("/v1/incidents", incident_body(grade="scheduled"))
    incident = first(result, "incidents")
    assert calltaker.get(f"/v1/incidents/{incident['id']}")["call_ids"] == []
    assert incident["target_at"] is None
    assert incident["created_by"] == "calltaker"


def test_regrading_moves_the_target_and_logs_the_reason(gateway: Any, calltaker: Any) -> None:
    incident = make_incident(gateway, calltaker)
    result = calltaker.ok(
        f"/v1/incidents/{incident['id']}/grade",
        {"grade": "priority", "reason": "suspect left"},
        version=incident["version"],
    )
    graded = first(result, "incidents")
    created = datetime.fromisoformat(graded["created_at"])
    assert graded["grade"] == "priority"
    assert datetime.fromisoformat(graded["target_at"]) - created == timedelta(minutes=60)
    [entry] = result["appended"]["incidents"][incident["id"]]["log"]
    assert entry["text"] == "Re-graded immediate → priority: suspect left"
    stale = calltaker.post(
        f"/v1/incidents/{incident['id']}/grade", {"grade": "scheduled"}, version=incident["version"]
    )
    assert stale.status_code == 412
    assert stale.json()["error"]["current_version"] == graded["version"]


def test_log_entries_append_in_order_without_if_match(
    gateway: Any, calltaker: Any, dispatcher: Any
) -> None:
    incident = make_incident(gateway, calltaker)
    calltaker.ok(f"/v1/incidents/{incident['id']}/log", {"text": "Caller called back"})
    dispatcher.ok(f"/v1/incidents/{incident['id']}/log", {"text": "CW11 asked to expedite"})
    log = dispatcher.get(f"/v1/incidents/{incident['id']}")["log"]
    assert [(e["author"], e["text"]) for e in log[1:]] == [
        ("calltaker", "Caller called back"),
        ("dispatcher", "CW11 asked to expedite"),
    ]


def test_moving_an_incident_recomputes_its_borough(gateway: Any, calltaker: Any) -> None:
    incident = make_incident(gateway, calltaker)
    result = calltaker.ok(
        f"/v1/incidents/{incident['id']}/location",
        {"location": LAMBETH},
        version=incident["version"],
    )
    assert first(result, "incidents")["location"]["borough"] == "Lambeth"


def test_a_location_outside_london_has_no_borough(calltaker: Any) -> None:
    body = incident_body(location={"lat": 52.2, "lon": 0.12, "address": "Cambridge"})
    assert first(calltaker.ok("/v1/incidents", body), "incidents")["location"]["borough"] is None


def test_closing_frees_its_units_and_removes_it_from_the_live_state(
    gateway: Any, calltaker: Any, dispatcher: Any
) -> None:
    incident = make_incident(gateway, calltaker)
    unit = make_unit(gateway)
    dispatcher.ok(
        f"/v1/units/{unit['id']}/assign", {"incident_id": incident["id"]}, version=unit["version"]
    )
    current = dispatcher.get(f"/v1/incidents/{incident['id']}")
    result = dispatcher.ok(
        f"/v1/incidents/{incident['id']}/close",
        {"closing_classification": "Violence - no injury"},
        version=current["version"],
    )
    assert first(result, "units")["status"] == "available"
    assert first(result, "assignments")["state"] == "cleared"
    state = dispatcher.get("/v1/state")
    assert state["incidents"] == [] and state["assignments"] == []
    regrade = calltaker.post(
        f"/v1/incidents/{incident['id']}/grade",
        {"grade": "priority"},
        version=first(result, "incidents")["version"],
    )
    assert regrade.status_code == 409


def test_a_call_taker_may_not_close_an_incident(gateway: Any, calltaker: Any) -> None:
    incident = make_incident(gateway, calltaker)
    response = calltaker.post(
        f"/v1/incidents/{incident['id']}/close",
        {"closing_classification": "x"},
        version=incident["version"],
    )
    assert response.status_code == 403
