"""Hand-made road networks for routing tests: a few nodes whose answers are easy to work out."""

from __future__ import annotations

import numpy as np

from console.routing import RoadNetwork, RoutingPolicy
from console.routing.network import segment_m
from platform_api.contract import UnitType

# 36 km/h = 10 m/s on residential roads, walking and access at 1 m/s: times are easy to check
POLICY = RoutingPolicy(
    drive_kmh={"residential": 36.0},
    type_factor={UnitType.ARMED_RESPONSE: 2.0},
    walk_kmh=3.6,
    access_kmh=3.6,
    max_snap_m=50.0,
)


def network(points: list[tuple[float, float]], edges: list[tuple[int, int, bool]]) -> RoadNetwork:
    """Nodes at `points` (lat, lon); edges (a, b, oneway) between them, all residential."""
    src, dst = [], []
    for a, b, oneway in edges:
        src.append(a)
        dst.append(b)
        if not oneway:
            src.append(b)
            dst.append(a)
    lat = np.array([p[0] for p in points])
    lon = np.array([p[1] for p in points])
    s, d = np.array(src), np.array(dst)
    return RoadNetwork(
        lat=lat,
        lon=lon,
        src=s,
        dst=d,
        length_m=segment_m(lat[s], lon[s], lat[d], lon[d]),
        road_class=np.zeros(s.size, dtype=np.int64),
        classes=("residential",),
        drivable=np.ones(s.size, dtype=np.bool_),
        walkable=np.ones(s.size, dtype=np.bool_),
    )
