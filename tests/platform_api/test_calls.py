"""Call commands over real HTTP: receive, answer races, abandon, close, raise, link."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

from tests.platform_api.helpers import (
    LAMBETH,
    answered_call,
    first,
    incident_body,
    make_call,
    make_incident,
)


def test_a_received_call_waits_in_the_queue_with_its_handset_location(
    gateway: Any, calltaker: Any
) -> None:
    call = make_call(gateway, "999", handset_location={"lat": 51.5, "lon": -0.12, "accuracy_m": 35})
    state = calltaker.get("/v1/state")
    assert [(c["id"], c["state"], c["line"]) for c in state["calls"]] == [
        (call["id"], "queued", "999")
    ]
    assert state["calls"][0]["handset_location"] == {"lat": 51.5, "lon": -0.12, "accuracy_m": 35.0}


def test_two_call_takers_answering_at_once_get_one_winner(gateway: Any, api_for: Any) -> None:
    call = make_call(gateway)
    a, b = api_for("calltaker"), api_for("supervisor")
    with ThreadPoolExecutor(2) as pool:
        results = list(
            pool.map(
                lambda api: api.post(f"/v1/calls/{call['id']}/answer", version=call["version"]),
                [a, b],
            )
        )
    codes = sorted(r.status_code for r in results)
    assert codes == [200, 409]
    loser = next(r for r in results if r.status_code == 409).json()["error"]
    winner = a.get(f"/v1/calls/{call['id']}")["answered_by"]
    assert winner in loser["message"]
    assert loser["current_version"] == 2


def test_answer_needs_if_match_and_rejects_a_stale_version(gateway: Any, calltaker: Any) -> None:
    call = make_call(gateway)
    missing = calltaker.post(f"/v1/calls/{call['id']}/answer")
    assert missing.status_code == 428
    assert missing.json()["error"]["field"] == "If-Match"
    stale = calltaker.post(f"/v1/calls/{call['id']}/answer", version=7)
    assert stale.status_code == 412
    assert stale.json()["error"]["current_version"] == 1
    assert calltaker.get(f"/v1/calls/{call['id']}")["state"] == "queued"


def test_an_abandoned_call_leaves_the_queue_but_stays_findable(
    gateway: Any, calltaker: Any
) -> None:
    call = make_call(gateway, "101")
    gateway.ok(f"/v1/calls/{call['id']}/abandon")
    assert calltaker.get("/v1/state")["calls"] == []
    abandoned = calltaker.client.get("/v1/calls", params={"state": "abandoned"}).json()
    assert [c["id"] for c in abandoned] == [call["id"]]
    again = calltaker.post(f"/v1/calls/{call['id']}/answer", version=2)
    assert again.status_code == 409


def test_an_answered_call_can_be_closed_without_an_incident(gateway: Any, calltaker: Any) -> None:
    call = answered_call(gateway, calltaker, "101")
    result = calltaker.ok(
        f"/v1/calls/{call['id']}/close", {"reason": "advice given"}, version=call["version"]
    )
    assert first(result, "calls")["state"] == "closed"
    assert calltaker.get("/v1/state")["calls"] == []


def test_raising_an_incident_closes_the_call_and_sets_reference_borough_and_target(
    gateway: Any, calltaker: Any
) -> None:
    call = answered_call(gateway, calltaker)
    result = calltaker.ok(
        f"/v1/calls/{call['id']}/incident", incident_body(), version=call["version"]
    )
    incident = first(result, "incidents")
    linked_call = first(result, "calls")
    assert result["type"] == "incident.created"
    assert re.fullmatch(r"LDN-\d{8}-0001", incident["reference"])
    assert incident["location"]["borough"] == "Westminster"
    assert "log" not in incident  # the event names what it adds, not the whole lists
    added = result["appended"]["incidents"][incident["id"]]
    assert added["call_ids"] == [call["id"]]
    assert added["log"][0]["text"].startswith("Caller reports")
    full = calltaker.get(f"/v1/incidents/{incident['id']}")
    assert (full["call_ids"], full["log"]) == (added["call_ids"], added["log"])
    assert incident["thrive"]["threat"] == "knife seen"
    created = datetime.fromisoformat(incident["created_at"])
    assert datetime.fromisoformat(incident["target_at"]) - created == timedelta(minutes=15)
    assert (linked_call["state"], linked_call["incident_id"]) == ("closed", incident["id"])


def test_a_queued_call_cannot_become_an_incident(gateway: Any, calltaker: Any) -> None:
    call = make_call(gateway)
    response = calltaker.post(f"/v1/calls/{call['id']}/incident", incident_body(), version=1)
    assert response.status_code == 409
    assert "queued" in response.json()["error"]["message"]


def test_a_duplicate_call_links_to_the_open_incident(gateway: Any, calltaker: Any) -> None:
    incident = make_incident(gateway, calltaker)
    second = answered_call(gateway, calltaker)
    result = calltaker.ok(
        f"/v1/calls/{second['id']}/link", {"incident_id": incident["id"]}, version=second["version"]
    )
    updated = first(result, "incidents")
    assert result["appended"]["incidents"][incident["id"]] == {"call_ids": [second["id"]]}
    assert updated["version"] == incident["version"] + 1
    assert len(calltaker.get(f"/v1/incidents/{incident['id']}")["call_ids"]) == 2


def test_linking_to_an_unknown_or_closed_incident_is_refused(
    gateway: Any, calltaker: Any, dispatcher: Any
) -> None:
    call = answered_call(gateway, calltaker)
    unknown = calltaker.post(
        f"/v1/calls/{call['id']}/link", {"incident_id": "nope"}, version=call["version"]
    )
    assert unknown.status_code == 404
    assert unknown.json()["error"]["field"] == "incident_id"
    incident = make_incident(gateway, calltaker, location=LAMBETH)
    dispatcher.ok(
        f"/v1/incidents/{incident['id']}/close",
        {"closing_classification": "No offence"},
        version=incident["version"],
    )
    closed = calltaker.post(
        f"/v1/calls/{call['id']}/link", {"incident_id": incident["id"]}, version=call["version"]
    )
    assert closed.status_code == 409
    assert calltaker.get(f"/v1/calls/{call['id']}")["state"] == "answered"
