"""Read a road network from an OpenStreetMap file (.osm, .osm.pbf) with pyosmium.

Every way with a `highway` tag becomes edges between its consecutive nodes. Driving
follows the site's road classes (`RoutingPolicy.drive_kmh`) and one-way rules (`oneway`
yes/1/true or -1, roundabouts and motorways one-way unless tagged otherwise); ways closed
to motor vehicles (`access`/`motor_vehicle` no or private) are not driven. Walking uses any
way but motorways, trunk roads and ones tagged `foot=no`, in both directions. Roads being
built or only proposed are skipped.

The data is © OpenStreetMap contributors (ODbL): whatever shows routes from it must say so
(`ROAD_ATTRIBUTION`).
"""

from __future__ import annotations

import itertools
from collections.abc import Collection
from pathlib import Path

import numpy as np
import osmium

from console.routing.network import RoadNetwork, segment_m

ROAD_ATTRIBUTION = "Roads © OpenStreetMap contributors (ODbL)"

_SKIP = frozenset({"proposed", "construction", "abandoned", "razed", "platform", "bus_stop"})
_NO_WALK = frozenset({"motorway", "motorway_link", "trunk", "trunk_link"})
_CLOSED = frozenset({"no", "private"})
_YES = frozenset({"yes", "true", "1"})


class OsmError(ValueError):
    """The file cannot be read as a road network; the message names the file."""


def read_osm(path: Path, drive_classes: Collection[str]) -> RoadNetwork:
    """The road network in `path`; `drive_classes` are the `highway` values vehicles use."""
    if not path.is_file():
        raise OsmError(f"{path}: no such file")
    index: dict[int, int] = {}
    lats: list[float] = []
    lons: list[float] = []
    src: list[int] = []
    dst: list[int] = []
    cls: list[int] = []
    drive: list[bool] = []
    walk: list[bool] = []
    classes: dict[str, int] = {}

    def node_at(ref: int, lat: float, lon: float) -> int:
        found = index.get(ref)
        if found is None:
            found = index[ref] = len(lats)
            lats.append(lat)
            lons.append(lon)
        return found

    try:
        # nodes are read for their locations only; the filter passes ways on to us
        processor = (
            osmium.FileProcessor(str(path))
            .with_locations()
            .with_filter(osmium.filter.EntityFilter(osmium.osm.WAY))
        )
        for way in processor:
            if not isinstance(way, osmium.osm.Way):
                continue
            highway = way.tags.get("highway")
            if highway is None or highway in _SKIP:
                continue
            tags = way.tags
            drivable = highway in drive_classes and not (
                tags.get("access") in _CLOSED or tags.get("motor_vehicle") in _CLOSED
            )
            walkable = highway not in _NO_WALK and tags.get("foot") != "no"
            if not (drivable or walkable):
                continue
            oneway = tags.get("oneway", "")
            forward_only = oneway in _YES or (
                oneway != "no"
                and (tags.get("junction") in ("roundabout", "circular") or highway == "motorway")
            )
            backward_only = oneway in ("-1", "reverse")
            code = classes.setdefault(highway, len(classes))
            refs: list[int] = []
            for nd in way.nodes:
                if not nd.location.valid():
                    continue  # a node outside the extract: the way is cut there
                refs.append(node_at(nd.ref, nd.location.lat, nd.location.lon))
            for a, b in itertools.pairwise(refs):
                if a == b:
                    continue
                for s, d, allowed in ((a, b, not backward_only), (b, a, not forward_only)):
                    src.append(s)
                    dst.append(d)
                    cls.append(code)
                    drive.append(drivable and allowed)
                    # walkers go both ways: one walkable edge per pair is enough
                    walk.append(walkable and s == a)
    except RuntimeError as exc:  # osmium reports unreadable files as RuntimeError
        raise OsmError(f"{path}: not a readable OpenStreetMap file ({exc})") from exc
    if not src:
        raise OsmError(f"{path}: no roads (no way with a highway tag)")
    lat = np.asarray(lats, dtype=np.float64)
    lon = np.asarray(lons, dtype=np.float64)
    starts = np.asarray(src, dtype=np.int64)
    ends = np.asarray(dst, dtype=np.int64)
    return RoadNetwork(
        lat=lat,
        lon=lon,
        src=starts,
        dst=ends,
        length_m=segment_m(lat[starts], lon[starts], lat[ends], lon[ends]),
        road_class=np.asarray(cls, dtype=np.int64),
        classes=tuple(sorted(classes, key=classes.__getitem__)),
        drivable=np.asarray(drive, dtype=np.bool_),
        walkable=np.asarray(walk, dtype=np.bool_),
    )
