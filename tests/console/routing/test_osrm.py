"""The OSRM adapter against a stand-in OSRM server on loopback.

OSRM is a site's own server, not ours, so the test serves its table API from a small
FastAPI app whose answers come from a road graph: what the adapter reports must match
what that graph says, for the units it asked about.
"""

from __future__ import annotations

import asyncio
import math
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import numpy as np
import pytest
import uvicorn
from fastapi import FastAPI

from console.allocation.config import AllocationConfig
from console.routing import Origins, Osrm, RoadGraph, StraightLine, grid_city, load_policy
from console.routing.base import TYPES
from platform_api.contract import UnitType

CONFIG = AllocationConfig()
STRAIGHT = StraightLine(CONFIG.road_factor, CONFIG.speed_kmh)
POLICY = load_policy()
GRAPH = RoadGraph(grid_city(40), POLICY, STRAIGHT)
# beside a junction near the middle (not equidistant from four: rounding must not matter)
DEST = (float(GRAPH.network.lat[820]) + 1e-4, float(GRAPH.network.lon[820]) + 2e-4)


def stand_in(asked: list[int]) -> FastAPI:
    app = FastAPI()

    @app.get("/table/v1/{profile}/{coords}")
    def table(profile: str, coords: str, sources: str, destinations: str) -> dict[str, Any]:
        points = [tuple(float(v) for v in c.split(",")) for c in coords.split(";")]
        if profile != "driving":
            return {"code": "InvalidService", "message": f"no profile {profile}"}
        rows = [int(s) for s in sources.split(";")]
        asked.append(len(rows))
        dest_lon, dest_lat = points[int(destinations)]
        units = Origins.of(
            np.array([points[r][1] for r in rows]),
            np.array([points[r][0] for r in rows]),
            [UnitType.RESPONSE_CAR] * len(rows),  # OSRM knows nothing of unit types
        )
        travel = GRAPH.table(dest_lat, dest_lon, units)
        metres = travel.distance_m(np.arange(len(rows)))
        return {
            "code": "Ok",
            "durations": [[None if math.isinf(t) else float(t)] for t in travel.duration_s],
            "distances": [[float(m)] for m in metres],
        }

    return app


@pytest.fixture
def osrm_server() -> Iterator[tuple[str, list[int]]]:
    asked: list[int] = []
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(stand_in(asked), log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}", asked
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


def units(n: int, seed: int = 3) -> Origins:
    rng = np.random.default_rng(seed)
    net = GRAPH.network
    types = [UnitType.RESPONSE_CAR, UnitType.ARMED_RESPONSE, UnitType.FOOT_PATROL]
    return Origins.of(
        rng.uniform(net.lat.min(), net.lat.max(), n),
        rng.uniform(net.lon.min(), net.lon.max(), n),
        [types[i % 3] for i in range(n)],
    )


async def ask(url: str, origins: Origins, **options: Any) -> Any:
    async with httpx.AsyncClient(timeout=5) as client:
        router = Osrm(url, client, POLICY, STRAIGHT, **options)
        return await router.travel(*DEST, origins)


def test_drivers_get_the_servers_times_divided_by_their_type_factor(
    osrm_server: tuple[str, list[int]],
) -> None:
    url, asked = osrm_server
    origins = units(12)
    travel = asyncio.run(ask(url, origins))
    truth = GRAPH.table(*DEST, Origins.of(origins.lat, origins.lon, [UnitType.RESPONSE_CAR] * 12))
    for i, code in enumerate(origins.codes.tolist()):
        unit_type = TYPES[code]
        if unit_type is UnitType.FOOT_PATROL:  # no foot profile: straight line
            assert not travel.by_road[i]
            continue
        assert travel.by_road[i]
        factor = POLICY.factor(unit_type)
        # coordinates travel to six decimals (10 cm): a few milliseconds either way
        assert travel.duration_s[i] == pytest.approx(truth.duration_s[i] / factor, abs=0.05)
    assert asked == [8]  # one request, for the eight drivers


def test_only_the_nearest_units_are_asked_about_when_there_are_many(
    osrm_server: tuple[str, list[int]],
) -> None:
    url, asked = osrm_server
    origins = units(60)
    travel = asyncio.run(ask(url, origins, max_sources=10))
    assert asked == [10]
    drivers = ~origins.walkers
    routed = travel.by_road & drivers
    assert int(routed.sum()) == 10
    # the ones not asked about rank after every routed one, and are not "unreachable"
    assert np.isinf(travel.duration_s[drivers & ~routed]).all()
    assert not travel.unreachable.any()
    straight = STRAIGHT.table(*DEST, origins)
    asked_far = straight.distances[routed].max()
    assert (straight.distances[drivers & ~routed] >= asked_far).all()


def test_a_server_that_is_down_or_refuses_leaves_straight_line_estimates_and_says_so(
    osrm_server: tuple[str, list[int]],
) -> None:
    url, _asked = osrm_server
    origins = units(6)
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
    for travel in (
        asyncio.run(ask(dead, origins)),
        asyncio.run(ask(url, origins, profile="car")),  # the stand-in refuses it
    ):
        assert not travel.by_road.any()
        assert travel.failure is not None and "straight-line" in travel.failure
        assert np.isfinite(travel.duration_s).all()
