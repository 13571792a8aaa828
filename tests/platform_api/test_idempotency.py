"""A retried command takes effect once; a reused key with another body is refused."""

from __future__ import annotations

from typing import Any

from tests.platform_api.helpers import make_call


def test_a_retried_command_takes_effect_once(gateway: Any, calltaker: Any) -> None:
    call = make_call(gateway)
    path = f"/v1/calls/{call['id']}/answer"
    first = calltaker.post(path, version=1, key="answer-1")
    retry = calltaker.post(path, version=1, key="answer-1")
    assert first.status_code == retry.status_code == 200
    assert retry.json() == first.json()
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert calltaker.get("/v1/events")["head_seq"] == 2


def test_a_retried_create_makes_one_call(gateway: Any, dispatcher: Any) -> None:
    body = {"line": "999", "caller_number": "07700 900001"}
    responses = [gateway.post("/v1/calls", body, key="gw-call-77") for _ in range(3)]
    assert {r.json()["seq"] for r in responses} == {1}
    assert [r.status_code for r in responses] == [201, 201, 201]
    assert len(dispatcher.get("/v1/state")["calls"]) == 1


def test_a_key_reused_for_a_different_request_is_refused(gateway: Any) -> None:
    gateway.post("/v1/calls", {"line": "999", "caller_number": "07700 900001"}, key="k")
    other = gateway.post("/v1/calls", {"line": "101", "caller_number": "07700 900002"}, key="k")
    # 409, as documented on the header in the OpenAPI document: the key is bound already
    assert other.status_code == 409
    assert other.json()["error"]["field"] == "Idempotency-Key"


def test_keys_belong_to_their_user(api_for: Any) -> None:
    a, b = api_for("calltaker"), api_for("dispatcher")
    body = {"line": "101", "caller_number": "07700 900003"}
    assert a.post("/v1/calls", body, key="same").json()["seq"] == 1
    assert b.post("/v1/calls", body, key="same").json()["seq"] == 2


def test_a_failed_command_can_be_retried_with_its_key(gateway: Any, calltaker: Any) -> None:
    call = make_call(gateway)
    path = f"/v1/calls/{call['id']}/answer"
    assert calltaker.post(path, version=5, key="try").status_code == 412
    # A failure stores nothing, so the same key with the same request is evaluated afresh.
    assert calltaker.post(path, version=5, key="try").status_code == 412
    assert calltaker.get("/v1/events")["head_seq"] == 1
