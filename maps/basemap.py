"""The offline base map's data: a force pack's districts, their names and its overlays.

A live or training console draws what its platform serves (`GET /v1/pack/map`, made a
`PackMap` by `served_map`), so every console of a room shows the same area. A replay has no
platform: it reads a shipped pack's files (resources/packs/<id>, see docs/packs.md; GeoJSON
made once by scripts/make_packs.py) with `pack_map`. The map may not import the server, so
it reads those files itself; the pack's `attribution` is what the map's attribution control
shows, as the data's licences ask.
"""

from __future__ import annotations

import csv
import io
import json
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from platform_api.contract.area import PackMapPublic

DEFAULT_PACK = "london"


def _pack_file(pack: str, name: str) -> str:
    return (resources.files("resources") / "packs" / pack / name).read_text("utf-8")


@cache
def _manifest(pack: str) -> dict[str, Any]:
    return tomllib.loads(_pack_file(pack, "pack.toml"))


@dataclass(frozen=True)
class PackMap:
    """What the map needs of a pack: its layers, their names, where it is, whose data."""

    pack: str
    name: str
    district_word: str  # "borough": the layers are "Boroughs" and "Borough names"
    timezone: str  # the area's local time (IANA)
    extent: tuple[float, float, float, float]  # west, south, east, north
    attribution: str
    districts: dict[str, Any]
    overlays: tuple[tuple[str, dict[str, Any]], ...]  # (name, GeoJSON)
    labels: tuple[tuple[str, float, float], ...]  # (district, lat, lon)

    @property
    def districts_layer(self) -> str:
        return self.district_word.capitalize() + "s"

    @property
    def names_layer(self) -> str:
        return self.district_word.capitalize() + " names"

    @property
    def centre(self) -> tuple[float, float]:
        w, s, e, n = self.extent
        return (s + n) / 2, (w + e) / 2


@cache
def pack_map(pack: str = DEFAULT_PACK) -> PackMap:
    manifest = _manifest(pack)
    files = manifest["files"]
    overlays = tuple(
        (str(o["name"]), json.loads(_pack_file(pack, o["file"])))
        for o in files.get("overlays", [])
    )
    # labels at each district's response base: London's are at the published centroids
    reader = csv.DictReader(io.StringIO(_pack_file(pack, files["bases"])))
    labels = tuple((row["district"], float(row["lat"]), float(row["lon"])) for row in reader)
    w, s, e, n = (float(v) for v in manifest["map"]["extent"])
    return PackMap(
        pack=pack,
        name=str(manifest["name"]),
        district_word=str(manifest.get("district_word", "district")),
        timezone=str(manifest["timezone"]),
        extent=(w, s, e, n),
        attribution="; ".join(manifest.get("attribution", [])),
        districts=json.loads(_pack_file(pack, files["districts"])),
        overlays=overlays,
        labels=labels,
    )


def served_map(doc: PackMapPublic) -> PackMap:
    """The map of the pack a platform serves."""
    pack = doc.pack
    return PackMap(
        pack=pack.id,
        name=pack.name,
        district_word=pack.district_word,
        timezone=pack.timezone,
        extent=pack.extent,
        attribution="; ".join(pack.attribution),
        districts=doc.districts,
        overlays=tuple((o.name, o.geojson) for o in doc.overlays),
        labels=tuple((label.name, label.lat, label.lon) for label in doc.labels),
    )


def attribution(pack: str = DEFAULT_PACK) -> str:
    return pack_map(pack).attribution


def boroughs_geojson(pack: str = DEFAULT_PACK) -> dict[str, Any]:
    return pack_map(pack).districts


def borough_labels(pack: str = DEFAULT_PACK) -> list[tuple[str, float, float]]:
    """(name, lat, lon) of each district's label point."""
    return list(pack_map(pack).labels)
