"""Routing: how long each unit would take to reach an incident (see `base` for the protocol).

router = StraightLine(config.road_factor, config.speed_kmh)        # always there
router = load_road_graph(Path("area.osm.pbf"), load_policy(), router)  # in an executor
router = Osrm(url, client, load_policy(), router)                   # a site's server
travel = await router.travel(incident_lat, incident_lon, origins, needed=10)
"""

from __future__ import annotations

from pathlib import Path

from console.routing.base import Origins, Router, Travel
from console.routing.graph import RoadGraph, RoadTravel
from console.routing.network import RoadNetwork, grid_city
from console.routing.osm import ROAD_ATTRIBUTION, OsmError, read_osm
from console.routing.osrm import Osrm, OsrmTravel
from console.routing.policy import PolicyError, RoutingPolicy, load_policy
from console.routing.straight import StraightLine, StraightTravel

__all__ = [
    "ROAD_ATTRIBUTION",
    "Origins",
    "OsmError",
    "Osrm",
    "OsrmTravel",
    "PolicyError",
    "RoadGraph",
    "RoadNetwork",
    "RoadTravel",
    "Router",
    "RoutingPolicy",
    "StraightLine",
    "StraightTravel",
    "Travel",
    "grid_city",
    "load_policy",
    "load_road_graph",
    "read_osm",
]


def load_road_graph(path: Path, policy: RoutingPolicy, fallback: StraightLine) -> RoadGraph:
    """Read an OpenStreetMap file and build its search graphs: a second or two for a city,
    so call it from an executor, never on the GUI thread."""
    return RoadGraph(read_osm(path, policy.drive_kmh.keys()), policy, fallback)
