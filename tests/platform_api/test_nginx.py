"""Two instances behind nginx with the shipped configuration (deploy/nginx.conf): commands
spread over both and keep their guarantees, and the event stream passes through live."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from httpx_sse import connect_sse
from prometheus_client.parser import text_string_to_metric_families

from bench import nginx
from platform_api.embedded import EmbeddedPlatform
from tests.conftest import Api
from tests.databases import on_postgres
from tests.platform_api.helpers import make_call, make_unit
from tests.platform_api.instances import instances

pytestmark = [
    pytest.mark.skipif(not on_postgres(), reason="instances share PostgreSQL"),
    pytest.mark.skipif(nginx.binary() is None, reason="needs nginx (scripts/server-packages)"),
]


@pytest.fixture
def behind_nginx(db_url: str) -> Iterator[tuple[str, list[EmbeddedPlatform]]]:
    with instances(db_url, 2) as platforms, nginx.balancer([p.url for p in platforms]) as url:
        yield url, platforms


def _calls_served(platform: EmbeddedPlatform) -> float:
    token = platform.login("supervisor")  # /metrics needs a token
    text = httpx.get(f"{platform.url}/metrics", headers={"Authorization": f"Bearer {token}"}).text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            labels = sample.labels
            if (
                sample.name == "platform_requests_total"
                and labels.get("route") == "/v1/calls"
                and labels.get("status") == "201"
            ):
                return sample.value
    return 0.0


def test_commands_through_nginx_reach_both_instances_and_keep_one_winner(
    behind_nginx: tuple[str, list[EmbeddedPlatform]],
) -> None:
    url, platforms = behind_nginx
    gateway = Api(url, platforms[0].login("gateway"))
    takers = [Api(url, platforms[i].login("calltaker")) for i in (0, 1)]
    calls = [make_call(gateway) for _ in range(10)]
    assert all(_calls_served(p) > 0 for p in platforms)  # round robin: both did work
    for call in calls:
        path = f"/v1/calls/{call['id']}/answer"
        with ThreadPoolExecutor(2) as pool:
            results = list(pool.map(lambda api, p=path: api.post(p, version=1), takers))
        assert sorted(r.status_code for r in results) == [200, 409]
    for api in (gateway, *takers):
        api.close()


def test_the_event_stream_passes_through_nginx_live(
    behind_nginx: tuple[str, list[EmbeddedPlatform]],
) -> None:
    url, platforms = behind_nginx
    gateway = Api(url, platforms[0].login("gateway"))
    token = platforms[1].login("dispatcher")
    first_arrived = threading.Event()
    seqs: list[int] = []
    with (
        httpx.Client(base_url=url, timeout=20) as client,
        connect_sse(
            client, "GET", "/v1/events", headers={"Authorization": f"Bearer {token}"}
        ) as source,
    ):
        assert source.response.status_code == 200
        assert source.response.headers["content-type"].startswith("text/event-stream")
        reader = Api(url, platforms[0].login("dispatcher"))  # the gateway reads no events
        head = reader.get("/v1/events", limit=1)["head_seq"]
        reader.close()
        make_call(gateway)
        for sse in source.iter_sse():
            if not sse.data:
                continue
            seqs.append(json.loads(sse.data)["seq"])
            if len(seqs) == 1:
                # the first event came through before any other was written: not buffered
                first_arrived.set()
                for _ in range(9):
                    make_call(gateway)
            if len(seqs) == 10:
                break
    assert first_arrived.is_set()
    assert seqs == list(range(head + 1, head + 11))
    gateway.close()


def test_a_large_batch_of_positions_passes_through_nginx(
    behind_nginx: tuple[str, list[EmbeddedPlatform]],
) -> None:
    url, platforms = behind_nginx
    gateway = Api(url, platforms[0].login("gateway"))
    units = [make_unit(gateway, callsign=f"CW{i}") for i in range(5)]
    fixes = [
        {"unit_id": u["id"], "lat": 51.5 + n * 1e-5, "lon": -0.12, "speed_kmh": 30.0}
        for n in range(800)
        for u in units
    ]  # ~300 kB: more than nginx keeps in memory, so it goes through its temp files
    response = gateway.post("/v1/positions", {"positions": fixes})
    assert response.status_code == 200, response.text
    assert response.json()["type"] == "unit.positions"
    gateway.close()
