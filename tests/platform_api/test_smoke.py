from typing import Any

from tests.platform_api.helpers import make_incident, make_unit


def test_state_shows_an_incident_created_from_a_call(
    gateway: Any, calltaker: Any, dispatcher: Any
) -> None:
    incident = make_incident(gateway, calltaker)
    unit = make_unit(gateway)
    dispatcher.ok(
        f"/v1/units/{unit['id']}/assign", {"incident_id": incident["id"]}, version=unit["version"]
    )
    state = dispatcher.get("/v1/state")
    assert [i["reference"] for i in state["incidents"]] == [incident["reference"]]
    assert state["units"][0]["status"] == "assigned"
    assert state["as_of_seq"] == 5
