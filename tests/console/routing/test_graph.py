"""ETAs on a road graph: one-way streets, unreachable units, walkers, snapping, bounds."""

from __future__ import annotations

import math

import numpy as np
import pytest

from console.allocation.config import AllocationConfig
from console.routing import (
    Origins,
    RoadGraph,
    RoadNetwork,
    StraightLine,
    grid_city,
    load_policy,
)
from console.routing.network import segment_m
from platform_api.contract import UnitType
from tests.console.routing.roads import POLICY, network

CONFIG = AllocationConfig()
STRAIGHT = StraightLine(CONFIG.road_factor, CONFIG.speed_kmh)
STEP = 0.001  # degrees of latitude between nodes: about 111 m
LON = -0.1


def line(lats: list[float], edges: list[tuple[int, int, bool]]) -> RoadNetwork:
    """Nodes on a north-south line at `lats`."""
    return network([(lat, LON) for lat in lats], edges)


def origins(points: list[tuple[float, float]], types: list[UnitType] | None = None) -> Origins:
    lats = np.array([p[0] for p in points])
    lons = np.array([p[1] for p in points])
    return Origins.of(lats, lons, types or [UnitType.RESPONSE_CAR] * len(points))


def test_a_one_way_street_is_driven_the_long_way_round_but_walked_straight() -> None:
    # a loop 0 -> 1 -> 2 -> 3 -> 0, each way one-way; the incident is at node 1
    lats = [51.5, 51.5 + STEP, 51.5 + 2 * STEP, 51.5 + 3 * STEP]
    net = line(lats, [(0, 1, True), (1, 2, True), (2, 3, True), (3, 0, True)])
    graph = RoadGraph(net, POLICY, STRAIGHT)
    at = [(lats[0], -0.1), (lats[2], -0.1), (lats[2], -0.1)]
    travel = graph.table(
        lats[1], -0.1, origins(at, [UnitType.RESPONSE_CAR] * 2 + [UnitType.FOOT_PATROL])
    )
    hop = float(net.length_m[0])
    # with the flow: one hop at 10 m/s; against it: three hops round the loop
    assert travel.duration_s[0] == pytest.approx(hop / 10, rel=1e-6)
    assert travel.duration_s[1] == pytest.approx(float(net.length_m[1:4].sum()) / 10, rel=1e-6)
    # a walker ignores the one-way rule: one hop at 1 m/s
    assert travel.duration_s[2] == pytest.approx(float(net.length_m[1]) / 1.0, rel=1e-6)
    assert travel.by_road.all() and not travel.unreachable.any()
    assert travel.distance_m(np.array([1]))[0] == pytest.approx(float(net.length_m[1:4].sum()))


def test_a_unit_that_cannot_reach_the_incident_is_unreachable_not_far() -> None:
    # 0 <-> 1, a one-way 1 -> 2, and 2 <-> 3: from 3 there is no way back to 0
    lats = [51.5, 51.5 + STEP, 51.5 + 2 * STEP, 51.5 + 3 * STEP]
    net = line(lats, [(0, 1, False), (1, 2, True), (3, 2, False)])
    graph = RoadGraph(net, POLICY, STRAIGHT)
    travel = graph.table(lats[0], -0.1, origins([(lats[1], -0.1), (lats[3], -0.1)]))
    assert math.isfinite(travel.duration_s[0]) and not travel.unreachable[0]
    assert travel.duration_s[1] == math.inf and travel.unreachable[1]
    assert travel.by_road[1]  # it is on the road network: its answer is the road's


def test_a_unit_off_the_network_gets_the_straight_line_estimate() -> None:
    lats = [51.5, 51.5 + STEP]
    graph = RoadGraph(line(lats, [(0, 1, False)]), POLICY, STRAIGHT)
    far = (51.5, -0.09)  # about 700 m east of the road: beyond max_snap_m
    travel = graph.table(lats[1], -0.1, origins([far]))
    expected = STRAIGHT.table(lats[1], -0.1, origins([far]))
    assert not travel.by_road[0]
    assert travel.duration_s[0] == pytest.approx(expected.duration_s[0])


def test_snapping_adds_the_walk_to_the_road_at_the_access_speed() -> None:
    lats = [51.5, 51.5 + STEP]
    graph = RoadGraph(line(lats, [(0, 1, False)]), POLICY, STRAIGHT)
    beside = (51.5, -0.1 + 0.0004)  # about 28 m east of node 0
    travel = graph.table(lats[1], -0.1, origins([beside]))
    offset = float(
        segment_m(np.array([51.5]), np.array([-0.1]), np.array([51.5]), np.array([beside[1]]))[0]
    )
    hop = float(graph.network.length_m[0])
    assert travel.duration_s[0] == pytest.approx(hop / 10 + offset / 1.0, rel=1e-3)
    assert travel.distance_m(np.array([0]))[0] == pytest.approx(hop + offset, rel=1e-3)


def test_a_faster_unit_type_divides_the_road_time() -> None:
    lats = [51.5, 51.5 + STEP]
    graph = RoadGraph(line(lats, [(0, 1, False)]), POLICY, STRAIGHT)
    travel = graph.table(
        lats[1],
        -0.1,
        origins([(lats[0], -0.1)] * 2, [UnitType.RESPONSE_CAR, UnitType.ARMED_RESPONSE]),
    )
    assert travel.duration_s[1] == pytest.approx(travel.duration_s[0] / 2)


def test_a_bounded_search_ranks_the_quickest_units_exactly_as_a_full_one() -> None:
    net = grid_city(60, spacing_m=150)
    graph = RoadGraph(net, load_policy(), STRAIGHT, first_horizon_s=60, horizon_s=240)
    rng = np.random.default_rng(7)
    types = [list(UnitType)[i % len(UnitType)] for i in range(400)]
    units = Origins.of(
        rng.uniform(net.lat.min(), net.lat.max(), 400),
        rng.uniform(net.lon.min(), net.lon.max(), 400),
        types,
    )
    bounded_searches = 0
    for _ in range(15):
        lat = float(rng.uniform(net.lat.min(), net.lat.max()))
        lon = float(rng.uniform(net.lon.min(), net.lon.max()))
        full = graph.table(lat, lon, units)
        quick = graph.table(lat, lon, units, needed=10, margin_s=60)
        best = np.argsort(full.duration_s, kind="stable")[:10]
        assert np.allclose(quick.duration_s[best], full.duration_s[best])
        assert not full.unreachable.any()
        bounded_searches += int(np.isinf(quick.duration_s).any())
    assert bounded_searches > 0  # the bound did cut some searches short


def test_the_synthetic_city_has_its_one_way_rows() -> None:
    net = grid_city(10)
    assert net.node_count == 100
    pairs = set(zip(net.src.tolist(), net.dst.tolist(), strict=True))
    one_way = [(a, b) for a, b in pairs if (b, a) not in pairs]
    assert one_way, "every third residential street is one-way"
