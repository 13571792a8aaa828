"""London boroughs from the repo's TopoJSON: decoding, point-in-borough, distances.

The boundaries are small (33 simplified polygons), so a bounding-box pre-check and a
ray-casting test per ring are fast enough for every incident and simulated point.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from platform_api.contract.geodesy import EARTH_RADIUS_M, haversine_m

__all__ = ["EARTH_RADIUS_M", "Borough", "borough_at", "borough_named", "boroughs", "haversine_m"]

Ring = list[tuple[float, float]]  # (lon, lat)


def _resource_json(name: str) -> Any:
    return json.loads((resources.files("resources") / "data" / "london" / name).read_text("utf-8"))


def decode_topojson(
    topo: dict[str, Any], object_name: str
) -> list[tuple[str, str, list[list[Ring]]]]:
    """Return (id, geometry type, polygons-or-lines as lists of rings) for each geometry."""
    scale = topo["transform"]["scale"]
    translate = topo["transform"]["translate"]
    arcs: list[Ring] = []
    for arc in topo["arcs"]:
        x = y = 0
        points: Ring = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * scale[0] + translate[0], y * scale[1] + translate[1]))
        arcs.append(points)

    def ring(indexes: list[int]) -> Ring:
        out: Ring = []
        for i in indexes:
            pts = arcs[i] if i >= 0 else list(reversed(arcs[~i]))
            out.extend(pts if not out else pts[1:])
        return out

    result: list[tuple[str, str, list[list[Ring]]]] = []
    for geom in topo["objects"][object_name]["geometries"]:
        kind = geom["type"]
        if kind == "Polygon":
            parts = [[ring(r) for r in geom["arcs"]]]
        elif kind == "MultiPolygon":
            parts = [[ring(r) for r in poly] for poly in geom["arcs"]]
        elif kind == "LineString":
            parts = [[ring(geom["arcs"])]]
        elif kind == "MultiLineString":
            parts = [[ring(r) for r in geom["arcs"]]]
        else:
            continue
        result.append((str(geom.get("id", "")), kind, parts))
    return result


def _in_ring(lon: float, lat: float, ring: Ring) -> bool:
    inside = False
    n = len(ring)
    j = n - 1
    for i in range(n):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


@dataclass(frozen=True)
class Borough:
    name: str
    polygons: list[list[Ring]]  # each polygon: outer ring then holes
    bbox: tuple[float, float, float, float]  # min lon, min lat, max lon, max lat
    centroid: tuple[float, float]  # lat, lon

    def contains(self, lat: float, lon: float) -> bool:
        x0, y0, x1, y1 = self.bbox
        if not (x0 <= lon <= x1 and y0 <= lat <= y1):
            return False
        for poly in self.polygons:
            if _in_ring(lon, lat, poly[0]) and not any(_in_ring(lon, lat, h) for h in poly[1:]):
                return True
        return False

    def random_point(self, rng: random.Random) -> tuple[float, float]:
        """A uniformly random (lat, lon) inside the borough (rejection sampling)."""
        x0, y0, x1, y1 = self.bbox
        for _ in range(1000):
            lat, lon = rng.uniform(y0, y1), rng.uniform(x0, x1)
            if self.contains(lat, lon):
                return lat, lon
        return self.centroid


@cache
def boroughs() -> tuple[Borough, ...]:
    topo = _resource_json("londonBoroughs.json")
    centroids = {c["name"]: (c["cy"], c["cx"]) for c in _resource_json("londonCentroids.json")}
    out = []
    for name, _kind, polys in decode_topojson(topo, "boroughs"):
        pts = [p for poly in polys for p in poly[0]]
        bbox = (
            min(p[0] for p in pts),
            min(p[1] for p in pts),
            max(p[0] for p in pts),
            max(p[1] for p in pts),
        )
        centroid = centroids.get(name, ((bbox[1] + bbox[3]) / 2, (bbox[0] + bbox[2]) / 2))
        out.append(Borough(name=name, polygons=polys, bbox=bbox, centroid=centroid))
    return tuple(sorted(out, key=lambda b: b.name))


def borough_at(lat: float, lon: float) -> str | None:
    """The name of the borough containing the point, or None outside London."""
    for b in boroughs():
        if b.contains(lat, lon):
            return b.name
    return None


def borough_named(name: str) -> Borough:
    for b in boroughs():
        if b.name == name:
            return b
    raise KeyError(name)


