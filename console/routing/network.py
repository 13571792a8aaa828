"""A road network as plain arrays: nodes (lat/lon) and edges (from, to, metres, road class).

The reader of OpenStreetMap files (`console.routing.osm`) and the synthetic city used by
the benchmark both produce a `RoadNetwork`; `RoadGraph` turns one into search graphs.
Edges are directed: a two-way road is two edges, a one-way street one. `walkable` marks
the edges a foot patrol may use in either direction (one-way rules do not bind walkers).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from console.routing.straight import great_circle_m

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class RoadNetwork:
    """Attributes:
    lat, lon: node positions in degrees.
    src, dst, length_m: directed edges.
    road_class: index into `classes` per edge (the OSM `highway` value).
    drivable: per edge, vehicles may use it in the src -> dst direction.
    walkable: per edge, walkers may use it (in both directions).
    """

    lat: Floats
    lon: Floats
    src: Ints
    dst: Ints
    length_m: Floats
    road_class: Ints
    classes: tuple[str, ...]
    drivable: Bools
    walkable: Bools

    @property
    def node_count(self) -> int:
        return int(self.lat.size)


# Pairwise metres between two columns of points (degrees): the straight router's formula.
segment_m = great_circle_m


def grid_city(
    side: int,
    *,
    spacing_m: float = 120.0,
    origin: tuple[float, float] = (51.45, -0.35),
    arterial_every: int = 8,
) -> RoadNetwork:
    """A synthetic city: a `side` x `side` street grid, every `arterial_every`th street a
    primary road, the rest residential, and every third residential row one-way
    (alternating direction). For benchmarks that need a graph larger than the shipped
    extract; `side=317` gives over 100,000 nodes."""
    lat0, lon0 = origin
    dlat = spacing_m / 111_320.0
    dlon = dlat / np.cos(np.radians(lat0))
    rows, cols = np.divmod(np.arange(side * side, dtype=np.int64), side)
    lat = lat0 + rows * dlat
    lon = lon0 + cols * dlon
    node = np.arange(side * side, dtype=np.int64).reshape(side, side)
    classes = ("primary", "residential")
    src_parts: list[Ints] = []
    dst_parts: list[Ints] = []
    cls_parts: list[Ints] = []
    # east-west streets (along a row) and north-south streets (along a column)
    for along_row in (True, False):
        a = node[:, :-1] if along_row else node[:-1, :]
        b = node[:, 1:] if along_row else node[1:, :]
        line = np.broadcast_to(
            (np.arange(side)[:, None] if along_row else np.arange(side)[None, :]), a.shape
        )
        arterial = line % arterial_every == 0
        one_way = (~arterial) & (line % 3 == 1)
        forward = one_way & (line % 2 == 0)
        backward = one_way & ~forward
        two_way = ~one_way
        cls = np.where(arterial, 0, 1)
        for mask, s, d in ((two_way | forward, a, b), (two_way | backward, b, a)):
            src_parts.append(s[mask])
            dst_parts.append(d[mask])
            cls_parts.append(cls[mask])
    src = np.concatenate(src_parts)
    dst = np.concatenate(dst_parts)
    length = segment_m(lat[src], lon[src], lat[dst], lon[dst])
    ones = np.ones(src.size, dtype=np.bool_)
    return RoadNetwork(
        lat=lat.astype(np.float64),
        lon=lon.astype(np.float64),
        src=src,
        dst=dst,
        length_m=length,
        road_class=np.concatenate(cls_parts).astype(np.int64),
        classes=classes,
        drivable=ones,
        walkable=ones.copy(),
    )
