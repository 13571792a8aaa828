"""The road graph read from a real OpenStreetMap extract (north London, ODbL).

Expectations come from the file itself, read independently (ElementTree) or from graph
theory (strongly connected components), never from the router under test.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from scipy.sparse.csgraph import breadth_first_order

from console.allocation.config import AllocationConfig
from console.routing import Origins, OsmError, RoadGraph, StraightLine, load_policy, read_osm
from platform_api.contract import UnitType

EXTRACT = Path(__file__).parents[4] / "shared" / "data" / "osm-extract" / "london_large.osm"
CONFIG = AllocationConfig()
POLICY = load_policy()

pytestmark = pytest.mark.skipif(not EXTRACT.is_file(), reason="shared/data is not beside the repo")


@pytest.fixture(scope="module")
def graph() -> RoadGraph:
    network = read_osm(EXTRACT, POLICY.drive_kmh.keys())
    return RoadGraph(network, POLICY, StraightLine(CONFIG.road_factor, CONFIG.speed_kmh))


def _one_way_residential() -> tuple[tuple[float, float], tuple[float, float]]:
    """The first two nodes of a one-way residential street, from the XML itself."""
    nodes: dict[str, tuple[float, float]] = {}
    for _event, el in ET.iterparse(EXTRACT):
        if el.tag == "node":
            nodes[el.attrib["id"]] = (float(el.attrib["lat"]), float(el.attrib["lon"]))
        elif el.tag == "way":
            tags = {t.attrib["k"]: t.attrib["v"] for t in el.findall("tag")}
            refs = [nd.attrib["ref"] for nd in el.findall("nd")]
            if tags.get("highway") == "residential" and tags.get("oneway") == "yes":
                return nodes[refs[0]], nodes[refs[1]]
    raise AssertionError("the extract has no one-way residential street")


def test_the_extract_becomes_a_driving_and_a_walking_graph(graph: RoadGraph) -> None:
    net = graph.network
    assert 10_000 < net.node_count <= 13_789  # the README's node count, roads only
    assert "footway" in net.classes and "residential" in net.classes
    footway = net.classes.index("footway")
    assert not net.drivable[net.road_class == footway].any()
    assert net.walkable[net.road_class == footway].any()
    # every node lies in the README's bounding box
    assert net.lat.min() >= 51.5977 and net.lat.max() <= 51.6316
    assert net.lon.min() >= -0.1585 and net.lon.max() <= -0.0948


def test_driving_against_a_one_way_street_takes_longer_walking_does_not(
    graph: RoadGraph,
) -> None:
    start, end = _one_way_residential()
    kinds = [UnitType.RESPONSE_CAR, UnitType.FOOT_PATROL]
    with_flow = graph.table(
        end[0], end[1], Origins.of(np.array([start[0]] * 2), np.array([start[1]] * 2), kinds)
    )
    against = graph.table(
        start[0], start[1], Origins.of(np.array([end[0]] * 2), np.array([end[1]] * 2), kinds)
    )
    assert with_flow.by_road.all() and against.by_road.all()
    assert against.duration_s[0] > with_flow.duration_s[0] * 1.5
    assert against.duration_s[1] == pytest.approx(with_flow.duration_s[1], rel=1e-6)


def test_a_unit_where_no_road_leads_to_the_incident_is_unreachable(graph: RoadGraph) -> None:
    drive = graph.drive
    assert drive is not None
    net = graph.network
    # the busiest junction of the driving graph
    incident = int(np.argmax(np.bincount(np.r_[net.src[net.drivable], net.dst[net.drivable]])))
    # the nodes from which the incident can be driven to: a search of the reversed graph
    reaches_incident = set(
        breadth_first_order(drive.weights, incident, return_predecessors=False).tolist()
    )
    stuck = next(int(n) for n in drive.nodes if int(n) not in reaches_incident)
    travel = graph.table(
        float(net.lat[incident]),
        float(net.lon[incident]),
        Origins.of(np.array([net.lat[stuck]]), np.array([net.lon[stuck]]), [UnitType.RESPONSE_CAR]),
    )
    assert travel.unreachable[0] and travel.duration_s[0] == math.inf


def test_a_file_that_is_not_osm_is_refused_by_name(tmp_path: Path) -> None:
    bad = tmp_path / "roads.osm"
    bad.write_text("this is not xml")
    with pytest.raises(OsmError, match=r"roads\.osm"):
        read_osm(bad, POLICY.drive_kmh.keys())
    with pytest.raises(OsmError, match="no such file"):
        read_osm(tmp_path / "missing.osm", POLICY.drive_kmh.keys())
