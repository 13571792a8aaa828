"""Schemathesis against our OpenAPI document: nothing a client sends yields a 5xx.

The schema comes from `create_app` on an in-memory database at import (it is the same
document the server serves); every generated request goes to a real server on loopback.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode

from platform_api.app import create_app
from platform_api.embedded import EmbeddedPlatform
from platform_api.settings import Settings
from tests.databases import fresh_db_url

schema = schemathesis.openapi.from_dict(create_app(Settings(db_url="sqlite://")).openapi())
schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    folder = Path(tmp_path_factory.mktemp("fuzz"))
    with (
        fresh_db_url(folder) as url,
        EmbeddedPlatform(Settings(db_url=url, demo_users=True)) as platform,
    ):
        yield platform.url, platform.login("admin")


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_yields_a_server_error(case: schemathesis.Case, live: tuple[str, str]) -> None:
    url, token = live
    headers = {"Authorization": f"Bearer {token}"}
    if case.headers and "Authorization" in case.headers:
        headers = {}
    response = case.call(base_url=url, headers=headers, timeout=10)
    assert response.status_code < 500, (case.method, case.path, response.text)
    if response.status_code >= 400:
        assert "error" in response.json(), response.text
