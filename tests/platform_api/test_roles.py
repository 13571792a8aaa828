"""One role matrix (platform_api/roles.py): the docs carry it, every route obeys it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import APIRouter
from fastapi.routing import APIRoute

from platform_api import app as app_module
from platform_api.app import create_app
from platform_api.auth import Authorised
from platform_api.contract import Role
from platform_api.embedded import EmbeddedPlatform
from platform_api.roles import PUBLIC_ROUTES, ROUTE_RIGHTS, docs_block, may
from platform_api.settings import Settings
from tests.platform_api.helpers import answered_call

DOCS = Path(__file__).parents[2] / "docs" / "platform.md"
USERS = {
    Role.GATEWAY: "gateway",
    Role.CALL_TAKER: "calltaker",
    Role.DISPATCHER: "dispatcher",
    Role.SUPERVISOR: "supervisor",
    Role.TRAINER: "trainer",
    Role.ADMIN: "admin",
}


def test_the_docs_role_table_is_the_matrix() -> None:
    text = DOCS.read_text(encoding="utf-8")
    found = re.search(r"<!-- role-matrix:begin[^\n]*-->\n(.*?)<!-- role-matrix:end -->", text, re.S)
    assert found, "docs/platform.md lost its role-matrix markers"
    assert found.group(1) == docs_block(), (
        "docs/platform.md's role table differs from platform_api/roles.py: "
        "regenerate it with `python -m platform_api.roles`"
    )


def _routes(platform: EmbeddedPlatform) -> list[tuple[str, str]]:
    document = httpx.get(f"{platform.url}/openapi.json").json()
    return [(m.upper(), path) for path, item in document["paths"].items() for m in item]


def test_the_matrix_names_exactly_the_routes_there_are(platform: EmbeddedPlatform) -> None:
    routes = set(_routes(platform))
    assert set(ROUTE_RIGHTS) <= routes, set(ROUTE_RIGHTS) - routes
    assert routes <= set(ROUTE_RIGHTS) | PUBLIC_ROUTES


def _request(client: httpx.Client, method: str, path: str, token: str | None) -> httpx.Response:
    url = re.sub(r"\{[a-z_]+\}", "nope", path)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if method == "GET":
        return client.get(url, headers=headers)
    return client.request(method, url, json={}, headers=headers)


def test_every_route_answers_every_role_as_the_matrix_says(platform: EmbeddedPlatform) -> None:
    tokens = {role: platform.login(user) for role, user in USERS.items()}
    routes = [r for r in _routes(platform) if r not in PUBLIC_ROUTES]
    with httpx.Client(base_url=platform.url, timeout=30) as client:
        for method, path in routes:
            right = ROUTE_RIGHTS[(method, path)]
            assert _request(client, method, path, None).status_code == 401, (method, path)
            training_only = (method, path) == ("POST", "/v1/training/seed")
            for role, token in tokens.items():
                if (method, path) == ("POST", "/v1/auth/logout"):
                    token = platform.login(USERS[role])  # a token of its own to end
                status = _request(client, method, path, token).status_code
                if training_only:
                    assert status == 404, role  # not a training platform: 404 for everyone
                elif may(role, right):
                    assert status != 403, (method, path, role.value)
                else:
                    assert status == 403, (method, path, role.value, status)


def test_the_gateway_reads_nothing_of_callers(gateway: Any) -> None:
    for path in ("/v1/state", "/v1/calls", "/v1/calls/x", "/v1/incidents/x", "/v1/events"):
        assert gateway.client.get(path).status_code == 403, path
    stream = gateway.client.get("/v1/events", headers={"Accept": "text/event-stream"})
    assert stream.status_code == 403


def test_only_the_gateway_reports_a_hang_up(gateway: Any, api_for: Any) -> None:
    call = gateway.ok("/v1/calls", {"line": "999", "caller_number": "07700 900123"})
    call_id = call["changes"]["calls"][0]["id"]
    for user in ("calltaker", "dispatcher", "supervisor"):
        assert api_for(user).post(f"/v1/calls/{call_id}/abandon").status_code == 403, user
    assert gateway.post(f"/v1/calls/{call_id}/abandon").status_code == 200


def test_closing_a_call_someone_else_answered_needs_a_supervisor(
    gateway: Any, calltaker: Any, api_for: Any, supervisor: Any
) -> None:
    call = answered_call(gateway, calltaker)
    colleague = api_for("sim-calltaker")  # another call-taker
    refused = colleague.post(f"/v1/calls/{call['id']}/close", {}, version=call["version"])
    assert refused.status_code == 403
    assert "answered by calltaker" in refused.json()["error"]["message"]
    assert (
        supervisor.post(f"/v1/calls/{call['id']}/close", {}, version=call["version"]).json()[
            "changes"
        ]["calls"][0]["state"]
        == "closed"
    )


def test_metrics_need_a_token(tmp_path: Path, api_for: Any, platform: EmbeddedPlatform) -> None:
    assert httpx.get(f"{platform.url}/metrics").status_code == 401
    assert api_for("calltaker").client.get("/metrics").status_code == 403
    assert "platform_head_seq" in api_for("supervisor").client.get("/metrics").text
    settings = Settings(db_url=f"sqlite:///{tmp_path / 'm.db'}", metrics_token="scraper-secret")
    with EmbeddedPlatform(settings) as scraped:
        ok = httpx.get(f"{scraped.url}/metrics", headers={"Authorization": "Bearer scraper-secret"})
        assert ok.status_code == 200
        wrong = httpx.get(f"{scraped.url}/metrics", headers={"Authorization": "Bearer guess"})
        assert wrong.status_code == 401


def test_the_platform_refuses_to_start_with_a_route_the_matrix_lacks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stray = APIRouter()

    @stray.get("/v1/stray")
    def stray_route(user: Authorised) -> None:
        return None

    monkeypatch.setattr(app_module, "ROUTERS", (*app_module.ROUTERS, stray))
    with pytest.raises(RuntimeError, match="GET /v1/stray"):
        create_app(Settings(db_url="sqlite://"))


def test_the_routes_checked_are_every_route_the_platform_publishes() -> None:
    app = create_app(Settings(db_url="sqlite://"))
    published = {
        (method.upper(), path)
        for path, item in app.openapi()["paths"].items()
        for method in item
    }
    checked = {
        (method, route.path)
        for router in app_module.ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute) and route.include_in_schema
        for method in route.methods or ()
    }
    assert checked == published
