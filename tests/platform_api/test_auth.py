"""Sign-in, tokens and the role each endpoint demands."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from platform_api.db.engine import make_engine
from platform_api.embedded import EmbeddedPlatform
from platform_api.settings import Settings
from tests.platform_api.helpers import (
    answered_call,
    incident_body,
    make_call,
    make_incident,
    make_unit,
)


def test_a_wrong_password_or_missing_token_is_401(platform: EmbeddedPlatform) -> None:
    bad = httpx.post(
        f"{platform.url}/v1/auth/login", json={"username": "dispatcher", "password": "nope"}
    )
    assert bad.status_code == 401
    assert bad.json()["error"]["field"] == "password"
    assert httpx.get(f"{platform.url}/v1/state").status_code == 401
    forged = httpx.get(f"{platform.url}/v1/state", headers={"Authorization": "Bearer forged"})
    assert forged.status_code == 401


def test_login_tells_the_console_who_what_role_and_which_force(platform: EmbeddedPlatform) -> None:
    body = httpx.post(
        f"{platform.url}/v1/auth/login", json={"username": "supervisor", "password": "demo"}
    ).json()
    assert body["user"] == {
        "username": "supervisor",
        "display_name": "Demo Supervisor",
        "role": "supervisor",
        "force": "met",
    }
    me = httpx.get(
        f"{platform.url}/v1/auth/me", headers={"Authorization": f"Bearer {body['token']}"}
    )
    assert me.json()["role"] == "supervisor"


def test_a_logged_out_token_no_longer_works(platform: EmbeddedPlatform, api_for: Any) -> None:
    api = api_for("dispatcher")
    assert api.client.post("/v1/auth/logout").status_code == 204
    assert api.client.get("/v1/state").status_code == 401


@pytest.fixture
def short_lived(db_url: str) -> Iterator[EmbeddedPlatform]:
    settings = Settings(db_url=db_url, demo_users=True, token_ttl_s=0)
    with EmbeddedPlatform(settings) as running:
        yield running


def test_an_expired_token_asks_to_sign_in_again(short_lived: EmbeddedPlatform) -> None:
    token = short_lived.login("dispatcher")
    response = httpx.get(
        f"{short_lived.url}/v1/state", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 401
    assert "sign in again" in response.json()["error"]["message"]


def test_the_platform_stores_no_token_in_clear(platform: EmbeddedPlatform) -> None:
    token = platform.login("dispatcher")
    url = platform.settings.db_url
    if url.startswith("sqlite:///"):
        db = Path(url.removeprefix("sqlite:///"))
        stored = b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))
    else:  # every row of the tables a token could be in, as text
        engine = make_engine(url)
        with engine.connect() as conn:
            rows = [conn.execute(text(f"SELECT * FROM {t}")).all() for t in ("tokens", "users")]
        engine.dispose()
        stored = repr(rows).encode()
        assert b"dispatcher" in stored  # the query did read the tokens
    assert token.encode() not in stored


def test_an_admin_adds_a_user_who_can_sign_in(platform: EmbeddedPlatform, api_for: Any) -> None:
    admin = api_for("admin")
    body = {
        "username": "jsmith",
        "display_name": "J Smith",
        "role": "call_taker",
        "password": "s3cret-pass",
    }
    assert admin.client.post("/v1/users", json=body).status_code == 201
    assert admin.client.post("/v1/users", json=body).status_code == 409
    assert platform.login("jsmith", "s3cret-pass")
    dispatcher = api_for("dispatcher")
    assert dispatcher.client.post("/v1/users", json={**body, "username": "x2"}).status_code == 403


def test_each_role_is_refused_what_it_may_not_do(
    gateway: Any, calltaker: Any, dispatcher: Any, api_for: Any
) -> None:
    trainer = api_for("trainer")
    call = make_call(gateway)
    incident = make_incident(gateway, calltaker)
    unit = make_unit(gateway)
    refused = [
        (trainer, f"/v1/calls/{call['id']}/answer", {}, 1),
        (gateway, f"/v1/calls/{call['id']}/answer", {}, 1),
        (
            calltaker,
            "/v1/positions",
            {"positions": [{"unit_id": unit["id"], "lat": 51.5, "lon": 0}]},
            None,
        ),
        (calltaker, f"/v1/units/{unit['id']}/assign", {"incident_id": incident["id"]}, 1),
        (trainer, "/v1/incidents", incident_body(), None),
        (dispatcher, "/v1/units", {"callsign": "Z1", "type": "dog", "home_station": "x"}, None),
        (trainer, f"/v1/incidents/{incident['id']}/log", {"text": "hello"}, None),
    ]
    for api, path, body, version in refused:
        response = api.post(path, body, version=version)
        assert response.status_code == 403, (path, response.text)
        assert response.json()["error"]["code"] == "forbidden"
    assert trainer.client.get("/v1/audit/verify").status_code == 200
    assert calltaker.client.get("/v1/audit/verify").status_code == 403
    assert answered_call(gateway, dispatcher)["answered_by"] == "dispatcher"


def test_signing_in_while_commands_are_written_never_fails(
    platform: EmbeddedPlatform, gateway: Any
) -> None:
    import threading

    writer = threading.Thread(target=lambda: [make_call(gateway) for _ in range(80)])
    writer.start()
    try:
        tokens = [platform.login("calltaker") for _ in range(15)]
    finally:
        writer.join()
    assert len(set(tokens)) == 15
