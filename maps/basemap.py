"""The offline base map's data: the force pack's districts, their names and its overlays.

A force pack (resources/packs/<id>, see docs/packs.md) holds its layers as GeoJSON, made
once from their sources by scripts/make_packs.py, so the map only reads files. The map may
not import the server, so it reads the pack's files itself; the pack's `attribution` is
what the map's attribution control shows, as the data's licences ask.
"""

from __future__ import annotations

import csv
import io
import json
import tomllib
from functools import cache
from importlib import resources
from typing import Any

PACK = "london"  # the shipped default; the map follows the platform's pack in time


def _pack_file(name: str) -> str:
    return (resources.files("resources") / "packs" / PACK / name).read_text("utf-8")


@cache
def _manifest() -> dict[str, Any]:
    return tomllib.loads(_pack_file("pack.toml"))


@cache
def attribution() -> str:
    return "; ".join(_manifest().get("attribution", []))


@cache
def boroughs_geojson() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_pack_file(_manifest()["files"]["districts"]))
    return data


@cache
def tube_lines_geojson() -> dict[str, Any]:
    """The pack's first overlay (London: the tube lines), or an empty collection."""
    overlays = _manifest()["files"].get("overlays", [])
    if not overlays:
        return {"type": "FeatureCollection", "features": []}
    data: dict[str, Any] = json.loads(_pack_file(overlays[0]["file"]))
    return data


@cache
def borough_labels() -> list[tuple[str, float, float]]:
    """(name, lat, lon) of each district's label point: its response base in the pack
    (London's are at the published borough centroids)."""
    reader = csv.DictReader(io.StringIO(_pack_file(_manifest()["files"]["bases"])))
    return [(row["district"], float(row["lat"]), float(row["lon"])) for row in reader]
