"""Unit and assignment commands over real HTTP, including the dispatch race."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

from platform_api.contract.fold import position_fixes
from tests.platform_api.helpers import LAMBETH, assign, first, make_incident, make_unit


def test_a_callsign_is_unique(gateway: Any) -> None:
    make_unit(gateway, "CW11")
    again = gateway.post("/v1/units", {"callsign": "CW11", "type": "dog", "home_station": "x"})
    assert again.status_code == 409
    assert again.json()["error"]["field"] == "callsign"


def test_status_changes_are_limited_to_what_an_operator_may_set(
    gateway: Any, dispatcher: Any
) -> None:
    unit = make_unit(gateway)
    committed = first(
        dispatcher.ok(
            f"/v1/units/{unit['id']}/status", {"status": "committed"}, version=unit["version"]
        ),
        "units",
    )
    assert committed["status"] == "committed"
    direct = dispatcher.post(
        f"/v1/units/{unit['id']}/status", {"status": "at_scene"}, version=committed["version"]
    )
    assert direct.status_code == 422
    assert direct.json()["error"]["field"] == "status"


def test_a_unit_on_an_incident_must_be_stood_down_before_a_status_change(
    gateway: Any, calltaker: Any, dispatcher: Any
) -> None:
    incident = make_incident(gateway, calltaker)
    unit = make_unit(gateway)
    assigned = first(assign(dispatcher, unit, incident), "units")
    refused = dispatcher.post(
        f"/v1/units/{unit['id']}/status", {"status": "unavailable"}, version=assigned["version"]
    )
    assert refused.status_code == 409
    stood = dispatcher.ok(
        f"/v1/units/{unit['id']}/stand-down", {"reason": "wrong unit"}, version=assigned["version"]
    )
    assert first(stood, "assignments")["cleared_reason"] == "wrong unit"
    assert first(stood, "units")["status"] == "available"


def test_positions_move_units_without_bumping_their_version(gateway: Any, dispatcher: Any) -> None:
    a, b = make_unit(gateway, "CW11"), make_unit(gateway, "LX11", at=LAMBETH)
    result = gateway.ok(
        "/v1/positions",
        {
            "positions": [
                {"unit_id": a["id"], "lat": 51.51, "lon": -0.13, "heading": 90, "speed_kmh": 30},
                {"unit_id": b["id"], "lat": 51.46, "lon": -0.11},
            ]
        },
    )
    assert result["type"] == "unit.positions"
    units = {u["id"]: u for u in dispatcher.get("/v1/state")["units"]}
    assert (units[a["id"]]["position"]["lat"], units[a["id"]]["position"]["speed_kmh"]) == (
        51.51,
        30.0,
    )
    assert units[a["id"]]["version"] == a["version"]


def test_a_batch_with_an_unknown_unit_changes_nothing(gateway: Any, dispatcher: Any) -> None:
    a = make_unit(gateway)
    response = gateway.post(
        "/v1/positions",
        {
            "positions": [
                {"unit_id": a["id"], "lat": 51.6, "lon": -0.1},
                {"unit_id": "ghost", "lat": 51.6, "lon": -0.1},
            ]
        },
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "positions[1].unit_id"
    assert dispatcher.get(f"/v1/units/{a['id']}")["position"]["lat"] == a["position"]["lat"]


def test_a_fix_naming_no_possible_unit_id_is_refused_on_its_item(gateway: Any) -> None:
    # unit ids are entity ids (letters, digits, _ : -), checked by the schema's pattern
    a = make_unit(gateway)
    fixes = [
        {"unit_id": a["id"], "lat": 51.6, "lon": -0.1},
        {"unit_id": "a b", "lat": 51.6, "lon": -0.1},
    ]
    response = gateway.post("/v1/positions", {"positions": fixes})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "positions[1].unit_id"


def test_a_batch_with_two_fixes_of_one_unit_keeps_the_newer(
    gateway: Any, dispatcher: Any
) -> None:
    # The batch's rows updated are counted against its distinct units, not its fixes.
    a, b = make_unit(gateway, "CW11"), make_unit(gateway, "CW12")
    earlier = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    result = gateway.ok(
        "/v1/positions",
        {
            "positions": [
                {"unit_id": a["id"], "lat": 51.6, "lon": -0.1, "at": earlier},
                {"unit_id": b["id"], "lat": 51.62, "lon": -0.12},
                {"unit_id": a["id"], "lat": 51.61, "lon": -0.11},
            ]
        },
    )
    assert result["type"] == "unit.positions"
    units = {u["id"]: u["position"]["lat"] for u in dispatcher.get("/v1/state")["units"]}
    assert (units[a["id"]], units[b["id"]]) == (51.61, 51.62)


def test_two_dispatchers_assigning_one_unit_at_once_get_one_winner(
    gateway: Any, calltaker: Any, api_for: Any
) -> None:
    first_incident = make_incident(gateway, calltaker)
    second_incident = make_incident(gateway, calltaker, location=LAMBETH)
    unit = make_unit(gateway)
    d1, d2 = api_for("dispatcher"), api_for("supervisor")
    jobs = [(d1, first_incident), (d2, second_incident)]
    with ThreadPoolExecutor(2) as pool:
        results = list(
            pool.map(
                lambda job: job[0].post(
                    f"/v1/units/{unit['id']}/assign",
                    {"incident_id": job[1]["id"]},
                    version=unit["version"],
                ),
                jobs,
            )
        )
    assert sorted(r.status_code for r in results) == [201, 409]
    loser = next(r for r in results if r.status_code == 409).json()["error"]
    assert "not available" in loser["message"] and "LDN-" in loser["message"]
    state = d1.get("/v1/state")
    assert len(state["assignments"]) == 1
    assert state["units"][0]["incident_id"] == state["assignments"][0]["incident_id"]


def test_assignment_progress_moves_forward_and_stamps_times(
    gateway: Any, calltaker: Any, dispatcher: Any
) -> None:
    incident = make_incident(gateway, calltaker)
    unit = make_unit(gateway)
    a = first(assign(dispatcher, unit, incident), "assignments")
    en_route = first(
        gateway.ok(
            f"/v1/assignments/{a['id']}/progress", {"state": "en_route"}, version=a["version"]
        ),
        "assignments",
    )
    result = gateway.ok(
        f"/v1/assignments/{a['id']}/progress", {"state": "at_scene"}, version=en_route["version"]
    )
    at_scene = first(result, "assignments")
    assert first(result, "units")["status"] == "at_scene"
    assert at_scene["dispatched_at"] <= at_scene["en_route_at"] <= at_scene["at_scene_at"]
    backwards = gateway.post(
        f"/v1/assignments/{a['id']}/progress", {"state": "en_route"}, version=at_scene["version"]
    )
    assert backwards.status_code == 409
    cleared = gateway.ok(
        f"/v1/assignments/{a['id']}/progress", {"state": "cleared"}, version=at_scene["version"]
    )
    assert first(cleared, "units")["status"] == "available"


def test_only_supervisors_reallocate_and_they_must_give_a_reason(
    gateway: Any, calltaker: Any, dispatcher: Any, supervisor: Any
) -> None:
    burglary = make_incident(gateway, calltaker, grade="priority")
    stabbing = make_incident(gateway, calltaker, location=LAMBETH)
    unit = make_unit(gateway)
    on_burglary = first(assign(dispatcher, unit, burglary), "units")
    path = f"/v1/units/{unit['id']}/reallocate"
    assert (
        dispatcher.post(
            path,
            {"incident_id": stabbing["id"], "reason": "stabbing"},
            version=on_burglary["version"],
        ).status_code
        == 403
    )
    no_reason = supervisor.post(
        path, {"incident_id": stabbing["id"]}, version=on_burglary["version"]
    )
    assert no_reason.status_code == 422 and no_reason.json()["error"]["field"] == "reason"
    blank = supervisor.post(
        path, {"incident_id": stabbing["id"], "reason": "  "}, version=on_burglary["version"]
    )
    assert blank.status_code == 422
    result = supervisor.ok(
        path,
        {"incident_id": stabbing["id"], "reason": "life at risk"},
        version=on_burglary["version"],
    )
    old, new = result["changes"]["assignments"]
    assert (old["incident_id"], old["state"], old["cleared_reason"]) == (
        burglary["id"],
        "cleared",
        "reallocated: life at risk",
    )
    assert (new["incident_id"], new["state"]) == (stabbing["id"], "dispatched")
    event = supervisor.get("/v1/events", after=result["seq"] - 1, limit=1)["events"][0]
    assert event["payload"]["reason"] == "life at risk"
    assert event["actor"] == "supervisor"
    active = supervisor.get("/v1/state")["assignments"]
    assert [a["incident_id"] for a in active] == [stabbing["id"]]


def test_reallocating_an_available_unit_is_refused(
    gateway: Any, calltaker: Any, supervisor: Any
) -> None:
    incident = make_incident(gateway, calltaker)
    unit = make_unit(gateway)
    response = supervisor.post(
        f"/v1/units/{unit['id']}/reallocate",
        {"incident_id": incident["id"], "reason": "x"},
        version=unit["version"],
    )
    assert response.status_code == 409
    assert "assign it instead" in response.json()["error"]["message"]


def test_reasons_for_downgrades_stand_downs_and_reallocations_are_in_both_logs(
    gateway: Any, calltaker: Any, dispatcher: Any, supervisor: Any
) -> None:
    parapet = make_incident(gateway, calltaker)  # Immediate
    stabbing = make_incident(gateway, calltaker, location=LAMBETH)
    # A downgrade from Immediate needs a reason; with one, the log says who and why.
    bare = calltaker.post(
        f"/v1/incidents/{parapet['id']}/grade", {"grade": "priority"}, version=parapet["version"]
    )
    assert bare.status_code == 422 and bare.json()["error"]["field"] == "reason"
    graded = first(
        calltaker.ok(
            f"/v1/incidents/{parapet['id']}/grade",
            {"grade": "priority", "reason": "man now off the parapet"},
            version=parapet["version"],
        ),
        "incidents",
    )
    assert graded["grade"] == "priority"
    # A stand-down from a Priority incident needs a reason, and is logged on it.
    unit = make_unit(gateway)
    on = first(assign(dispatcher, unit, parapet), "units")
    path = f"/v1/units/{unit['id']}/stand-down"
    assert dispatcher.post(path, {}, version=on["version"]).status_code == 422
    down = first(dispatcher.ok(path, {"reason": "crew injured"}, version=on["version"]), "units")
    # A reallocation is logged on both incidents, with who and why.
    again = first(assign(dispatcher, down, parapet), "units")
    supervisor.ok(
        f"/v1/units/{unit['id']}/reallocate",
        {"incident_id": stabbing["id"], "reason": "life at risk"},
        version=again["version"],
    )
    state = supervisor.get("/v1/state")
    logs = {i["id"]: [(e["author"], e["text"]) for e in i["log"]] for i in state["incidents"]}
    assert ("calltaker", "Re-graded immediate → priority: man now off the parapet") in logs[
        parapet["id"]
    ]
    assert ("dispatcher", "CW11 stood down: crew injured") in logs[parapet["id"]]
    assert (
        "supervisor",
        f"CW11 reallocated to {stabbing['reference']}: life at risk",
    ) in logs[parapet["id"]]
    assert (
        "supervisor",
        f"CW11 reallocated here from {parapet['reference']}: life at risk",
    ) in logs[stabbing["id"]]


def test_a_position_event_carries_only_what_each_fix_says(gateway: Any, dispatcher: Any) -> None:
    """The room's hot path: fixes as columns, no `at` when the fix is the event's own time,
    no column of nulls, coordinates to six decimals; the state still shows the whole
    position."""
    a, b = make_unit(gateway, "CW12"), make_unit(gateway, "LX12", at=LAMBETH)
    buffered = (datetime.now(UTC) - timedelta(minutes=2)).isoformat()
    result = gateway.ok(
        "/v1/positions",
        {
            "positions": [
                {"unit_id": a["id"], "lat": 51.50000000000001, "lon": -0.1234567891},
                {"unit_id": b["id"], "lat": 51.46, "lon": -0.11, "at": buffered, "heading": 45},
            ]
        },
    )
    page = dispatcher.get("/v1/events", after=result["seq"] - 1, limit=1)
    event = page["events"][0]
    columns = event["payload"]["fixes"]  # columns: no key repeated per fix, no null column
    assert set(columns) == {"unit_id", "lat", "lon", "at", "heading"}
    assert columns["at"][0] is None and columns["heading"] == [None, 45.0]
    fixes = {f["unit_id"]: f for f in position_fixes(event["payload"])}
    assert fixes[a["id"]] == {"unit_id": a["id"], "lat": 51.5, "lon": -0.123457}
    assert set(fixes[b["id"]]) == {"unit_id", "lat", "lon", "at", "heading"}
    units = {u["id"]: u for u in dispatcher.get("/v1/state")["units"]}
    shown = units[a["id"]]["position"]
    assert (shown["lon"], shown["heading"], shown["speed_kmh"]) == (-0.123457, None, None)
    assert datetime.fromisoformat(shown["at"]) == datetime.fromisoformat(event["ts"])
    assert datetime.fromisoformat(units[b["id"]]["position"]["at"]) < datetime.fromisoformat(
        event["ts"]
    )
