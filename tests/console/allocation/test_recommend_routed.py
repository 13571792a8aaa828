"""Recommendations ranked by a road router: the nearest unit by road, not as the crow flies."""

from __future__ import annotations

import asyncio

import pytest

from console.allocation import AllocationConfig, recommend, recommend_routed
from console.routing import RoadGraph, StraightLine
from platform_api.contract import UnitType
from tests.console.allocation.builders import NOW, at, incident, unit
from tests.console.routing.roads import POLICY, network

CONFIG = AllocationConfig()
STRAIGHT = StraightLine(CONFIG.road_factor, CONFIG.speed_kmh)

# The incident at n0. A is 150 m north as the crow flies, but its street joins the
# incident's only after a 400 m loop east (n3 - n2 - n1 - n0). B is 300 m west on a direct
# road. C is 200 m south on a one-way street that leads away from the incident only.
POINTS = [at(0, 0), at(0, 400), at(150, 400), at(150, 0), at(0, -300), at(-200, 0)]
EDGES = [(0, 1, False), (1, 2, False), (2, 3, False), (0, 4, False), (0, 5, True)]
GRAPH = RoadGraph(network(POINTS, EDGES), POLICY, STRAIGHT)
UNITS = [unit("a", (150, 0)), unit("b", (0, -300)), unit("c", (-200, 0))]


def test_the_straight_line_would_send_the_unit_across_the_block() -> None:
    ranked = recommend(incident(), UNITS, [], CONFIG, now=NOW)
    assert [r.unit_id for r in ranked] == ["a", "c", "b"]
    assert all(not r.by_road and "straight-line estimate" in r.reason for r in ranked)


def test_by_road_the_unit_round_the_corner_comes_first_and_the_cut_off_one_not_at_all() -> None:
    ranked = asyncio.run(recommend_routed(incident(), UNITS, [], CONFIG, GRAPH, now=NOW))
    assert [r.unit_id for r in ranked] == ["b", "a"]
    b, a = ranked
    assert b.by_road and b.reason.startswith("300 m by road, about 1 min, response car")
    assert a.distance_m == pytest.approx(950, rel=0.02)  # 150 + 400 + 400 m of road
    assert a.eta_s == pytest.approx(95, rel=0.02)  # at 10 m/s


def test_a_straight_line_router_ranks_exactly_as_recommend_does() -> None:
    units = [*UNITS, unit("d", (900, 900), type=UnitType.DOG), unit("e", (-50, 700))]
    plain = recommend(incident(), units, [], CONFIG, now=NOW)
    routed = asyncio.run(recommend_routed(incident(), units, [], CONFIG, STRAIGHT, now=NOW))
    assert [(r.unit_id, r.reason) for r in routed] == [(r.unit_id, r.reason) for r in plain]
    assert [r.eta_s for r in routed] == pytest.approx([r.eta_s for r in plain])
