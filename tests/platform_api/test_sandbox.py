"""Training sandboxes: seeded with a moment, marked as training, never touching the live log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from platform_api.contract import StatePublic, TrainingSeed
from platform_api.embedded import EmbeddedPlatform
from platform_api.sandbox import TrainingSandbox
from tests.platform_api.helpers import first, make_incident, make_unit


@pytest.fixture
def live_state(gateway: Any, calltaker: Any, dispatcher: Any) -> StatePublic:
    make_unit(gateway, "CW1")
    unit = make_unit(gateway, "CW2")
    incident = make_incident(gateway, calltaker)
    dispatcher.ok(f"/v1/units/{unit['id']}/assign", {"incident_id": incident["id"]}, version=1)
    gateway.ok("/v1/calls", {"line": "999", "caller_number": "07700 900001"})
    return StatePublic.model_validate(dispatcher.get("/v1/state"))


def test_a_sandbox_is_seeded_marked_training_and_never_writes_to_the_live_platform(
    platform: EmbeddedPlatform, live_state: StatePublic, supervisor: Any
) -> None:
    before = httpx.get(f"{platform.url}/healthz").json()
    assert before["mode"] == "live"
    at = datetime.now(UTC) - timedelta(minutes=10)
    sandbox = TrainingSandbox.start(live_state, at)
    try:
        assert sandbox.url != platform.url
        assert httpx.get(f"{sandbox.url}/healthz").json()["mode"] == "training"
        trainee = httpx.Client(
            base_url=sandbox.url, headers={"Authorization": f"Bearer {sandbox.login('calltaker')}"}
        )
        seeded = StatePublic.model_validate(trainee.get("/v1/state").json())
        assert {u.callsign for u in seeded.units} == {"CW1", "CW2"}
        assert [i.reference for i in seeded.incidents] == [
            i.reference for i in live_state.incidents
        ]
        assert len(seeded.assignments) == 1 and len(seeded.calls) == 1
        # times moved by ten minutes: the moment taken over is now
        moved = seeded.incidents[0].created_at - live_state.incidents[0].created_at
        assert abs(moved - timedelta(minutes=10)) < timedelta(seconds=5)

        call = sandbox.inject_call(caller_number="07700 900777", lat=51.5, lon=-0.12)
        assert call["handset_location"]["lat"] == 51.5
        answered = trainee.post(
            f"/v1/calls/{call['id']}/answer", headers={"If-Match": "1", "Idempotency-Key": "t1"}
        )
        assert answered.status_code == 200, answered.text
        trainee.close()
    finally:
        sandbox.stop()
    after = httpx.get(f"{platform.url}/healthz").json()
    assert after["head_seq"] == before["head_seq"] == live_state.as_of_seq
    assert supervisor.get("/v1/audit/verify")["ok"]
    assert StatePublic.model_validate(supervisor.get("/v1/state")) == live_state


def test_a_live_platform_refuses_to_be_seeded_even_for_admin(
    platform: EmbeddedPlatform, live_state: StatePublic, api_for: Any
) -> None:
    seed = TrainingSeed(state=live_state, at=datetime.now(UTC)).model_dump(mode="json")
    response = api_for("admin").post("/v1/training/seed", seed)
    assert response.status_code == 404
    assert "not a training sandbox" in response.json()["error"]["message"]


def test_a_sandbox_is_seeded_once_and_by_admin_only(live_state: StatePublic) -> None:
    sandbox = TrainingSandbox.start(live_state, datetime.now(UTC))
    try:
        seed = TrainingSeed(state=live_state, at=datetime.now(UTC)).model_dump(mode="json")
        for user, status in (("admin", 409), ("trainer", 403)):
            response = httpx.post(
                f"{sandbox.url}/v1/training/seed",
                json=seed,
                headers={"Authorization": f"Bearer {sandbox.login(user)}"},
            )
            assert response.status_code == status, response.text
    finally:
        sandbox.stop()


def test_an_assigned_unit_keeps_its_incident_in_the_sandbox(live_state: StatePublic) -> None:
    sandbox = TrainingSandbox.start(live_state, datetime.now(UTC))
    try:
        token = sandbox.login("dispatcher")
        state = httpx.get(
            f"{sandbox.url}/v1/state", headers={"Authorization": f"Bearer {token}"}
        ).json()
        unit = next(u for u in state["units"] if u["callsign"] == "CW2")
        assert unit["status"] == "assigned"
        assert unit["incident_id"] == first({"changes": state}, "incidents")["id"]
    finally:
        sandbox.stop()
