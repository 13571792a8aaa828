"""The offline base map's data: London boroughs, their names and tube lines, as GeoJSON.

The repo ships them as TopoJSON (resources/data/london, see its README for licences). The
platform has its own decoder (platform_api/geo.py) but the map may not import the server,
so the few lines of arc decoding live here too.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

# Shown in the map's attribution control, as the data's README asks.
ATTRIBUTION = (
    "Boroughs: contains National Statistics data © Crown copyright and database right 2015, "
    "contains Ordnance Survey data © Crown copyright and database right 2015 (OGL v3); "
    "tube lines © OpenStreetMap contributors (ODbL), via vega-datasets"
)

Position = list[float]  # [lon, lat], GeoJSON order


def _resource_json(name: str) -> Any:
    path = resources.files("resources") / "data" / "london" / name
    return json.loads(path.read_text("utf-8"))


def _arcs(topo: dict[str, Any]) -> list[list[Position]]:
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    decoded: list[list[Position]] = []
    for arc in topo["arcs"]:
        x = y = 0
        points: list[Position] = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append([round(x * sx + tx, 6), round(y * sy + ty, 6)])
        decoded.append(points)
    return decoded


def _line(arcs: list[list[Position]], indexes: list[int]) -> list[Position]:
    out: list[Position] = []
    for i in indexes:
        points = arcs[i] if i >= 0 else arcs[~i][::-1]
        out.extend(points if not out else points[1:])
    return out


def _features(topo: dict[str, Any], object_name: str) -> list[dict[str, Any]]:
    arcs = _arcs(topo)
    features: list[dict[str, Any]] = []
    for geom in topo["objects"][object_name]["geometries"]:
        kind, refs = geom["type"], geom["arcs"]
        coords: Any
        if kind == "LineString":
            coords = _line(arcs, refs)
        elif kind in ("Polygon", "MultiLineString"):
            coords = [_line(arcs, ring) for ring in refs]
        elif kind == "MultiPolygon":
            coords = [[_line(arcs, ring) for ring in poly] for poly in refs]
        else:
            continue
        features.append(
            {
                "type": "Feature",
                "properties": {"name": str(geom.get("id", ""))},
                "geometry": {"type": kind, "coordinates": coords},
            }
        )
    return features


@cache
def boroughs_geojson() -> dict[str, Any]:
    topo = _resource_json("londonBoroughs.json")
    return {"type": "FeatureCollection", "features": _features(topo, "boroughs")}


@cache
def tube_lines_geojson() -> dict[str, Any]:
    topo = _resource_json("londonTubeLines.json")
    return {"type": "FeatureCollection", "features": _features(topo, "line")}


@cache
def borough_labels() -> list[tuple[str, float, float]]:
    """(name, lat, lon) of each borough's label point."""
    return [(c["name"], c["cy"], c["cx"]) for c in _resource_json("londonCentroids.json")]
