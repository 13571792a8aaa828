"""A dispatch is acknowledged by the unit's device: dispatched -> acknowledged -> en route."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from platform_api.contract import AssignmentPublic
from tests.platform_api.helpers import first, make_incident, make_unit


def _dispatch(gateway: Any, calltaker: Any, dispatcher: Any, grade: str) -> dict[str, Any]:
    incident = make_incident(gateway, calltaker, grade=grade)
    unit = make_unit(gateway)
    result = dispatcher.ok(
        f"/v1/units/{unit['id']}/assign", {"incident_id": incident["id"]}, version=unit["version"]
    )
    return first(result, "assignments")


def test_an_immediate_dispatch_must_be_acknowledged_within_a_minute(
    gateway: Any, calltaker: Any, dispatcher: Any
) -> None:
    a = _dispatch(gateway, calltaker, dispatcher, "immediate")
    dispatched = datetime.fromisoformat(a["dispatched_at"])
    assert datetime.fromisoformat(a["ack_due_at"]) - dispatched == timedelta(seconds=60)
    public = AssignmentPublic.model_validate(a)
    assert not public.unacknowledged_at(dispatched + timedelta(seconds=59))
    assert public.unacknowledged_at(dispatched + timedelta(seconds=60))


def test_the_units_device_acknowledges_and_the_flag_clears(
    gateway: Any, calltaker: Any, dispatcher: Any
) -> None:
    a = _dispatch(gateway, calltaker, dispatcher, "priority")
    result = gateway.ok(f"/v1/assignments/{a['id']}/acknowledge", {}, version=a["version"])
    assert result["type"] == "assignment.acknowledged"
    acked = first(result, "assignments")
    assert acked["state"] == "acknowledged" and acked["acknowledged_at"] is not None
    late = datetime.fromisoformat(acked["ack_due_at"]) + timedelta(hours=1)
    assert not AssignmentPublic.model_validate(acked).unacknowledged_at(late)
    state = dispatcher.get("/v1/state")
    assert [x["state"] for x in state["assignments"]] == ["acknowledged"]
    en_route = gateway.ok(
        f"/v1/assignments/{a['id']}/progress", {"state": "en_route"}, version=acked["version"]
    )
    assert first(en_route, "assignments")["state"] == "en_route"


def test_acknowledging_twice_or_stale_is_refused(
    gateway: Any, calltaker: Any, dispatcher: Any
) -> None:
    a = _dispatch(gateway, calltaker, dispatcher, "immediate")
    acked = first(
        gateway.ok(f"/v1/assignments/{a['id']}/acknowledge", {}, version=a["version"]),
        "assignments",
    )
    stale = gateway.post(f"/v1/assignments/{a['id']}/acknowledge", {}, version=a["version"])
    assert stale.status_code in (409, 412)
    again = gateway.post(f"/v1/assignments/{a['id']}/acknowledge", {}, version=acked["version"])
    assert again.status_code == 409
    assert again.json()["error"]["field"] == "state"


def test_only_a_device_acknowledges_through_the_acknowledge_command(
    gateway: Any, calltaker: Any, dispatcher: Any
) -> None:
    a = _dispatch(gateway, calltaker, dispatcher, "immediate")
    refused = dispatcher.post(f"/v1/assignments/{a['id']}/acknowledge", {}, version=a["version"])
    assert refused.status_code == 403


def test_a_retried_acknowledgement_takes_effect_once(
    gateway: Any, calltaker: Any, dispatcher: Any
) -> None:
    a = _dispatch(gateway, calltaker, dispatcher, "immediate")
    path = f"/v1/assignments/{a['id']}/acknowledge"
    one = gateway.client.post(path, json={}, headers={"Idempotency-Key": "ack-1", "If-Match": "1"})
    two = gateway.client.post(path, json={}, headers={"Idempotency-Key": "ack-1", "If-Match": "1"})
    assert one.status_code == two.status_code == 200
    assert two.headers.get("Idempotent-Replayed") == "true"
    assert one.json()["seq"] == two.json()["seq"]


def test_going_en_route_without_acknowledging_counts_as_acknowledged(
    gateway: Any, calltaker: Any, dispatcher: Any
) -> None:
    a = _dispatch(gateway, calltaker, dispatcher, "immediate")
    moved = first(
        gateway.ok(
            f"/v1/assignments/{a['id']}/progress", {"state": "en_route"}, version=a["version"]
        ),
        "assignments",
    )
    assert moved["acknowledged_at"] == moved["en_route_at"]
