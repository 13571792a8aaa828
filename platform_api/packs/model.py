"""A loaded force pack: forces, districts (shapely, with an STRtree), places, bases, roster.

Everything about a place is data (see `docs/packs.md`); this is what the platform makes of
one folder once it has been validated (`platform_api.packs.load`). Point-in-district goes
through an STRtree over the district polygons, so it stays fast for any number of
districts, and sampling a random point inside one uses shapely's vectorised contains.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from platform_api.contract import UnitType


@dataclass(frozen=True)
class Force:
    code: str
    name: str
    prefix: str  # incident references: PREFIX-YYYYMMDD-NNNN
    # The force's share of the simulated calls (relative to the others'): each force's calls
    # arrive at its own rate, `SimConfig.call_rate_per_hour` split by these shares.
    call_share: float = 1.0


@dataclass(frozen=True)
class District:
    name: str
    code: str  # short: callsign prefixes
    force: str  # a Force.code
    geometry: BaseGeometry = field(repr=False, compare=False)

    @property
    def centroid(self) -> tuple[float, float]:
        """(lat, lon) of a point surely inside the district (shapely's representative
        point: a true centroid can fall outside a crescent-shaped district)."""
        point = self.geometry.representative_point()
        return point.y, point.x

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        """min lon, min lat, max lon, max lat."""
        x0, y0, x1, y1 = self.geometry.bounds
        return x0, y0, x1, y1

    def contains(self, lat: float, lon: float) -> bool:
        return bool(shapely.intersects_xy(self.geometry, lon, lat))

    def random_point(self, rng: random.Random) -> tuple[float, float]:
        """A uniformly random (lat, lon) inside the district (rejection sampling)."""
        x0, y0, x1, y1 = self.geometry.bounds
        for _ in range(20):
            xs = np.array([rng.uniform(x0, x1) for _ in range(16)])
            ys = np.array([rng.uniform(y0, y1) for _ in range(16)])
            inside = np.flatnonzero(shapely.contains_xy(self.geometry, xs, ys))
            if inside.size:
                k = int(inside[0])
                return float(ys[k]), float(xs[k])
        return self.centroid


@dataclass(frozen=True)
class Place:
    """A gazetteer entry: somewhere an operator may type, in a district."""

    name: str
    lat: float
    lon: float
    district: str
    kind: str


@dataclass(frozen=True)
class Base:
    """A station or response base: where units start and return to."""

    name: str
    lat: float
    lon: float
    district: str
    force: str


@dataclass(frozen=True)
class RosterLine:
    """Units per district (callsign: district code + number), or specialists (prefix +
    number) for the whole area or, with `per_force`, for each force."""

    type: UnitType
    count: int
    first: int
    prefix: str = ""
    capabilities: tuple[str, ...] = ()
    per_force: bool = False


@dataclass(frozen=True)
class Overlay:
    name: str
    geojson: dict[str, Any] = field(repr=False, compare=False)


@dataclass(frozen=True)
class ForcePack:
    id: str
    name: str
    timezone: str
    district_word: str
    attribution: tuple[str, ...]
    forces: tuple[Force, ...]
    extent: tuple[float, float, float, float]  # west, south, east, north
    districts: tuple[District, ...]
    places: tuple[Place, ...]
    bases: tuple[Base, ...]
    per_district: tuple[RosterLine, ...]
    specialists: tuple[RosterLine, ...]
    overlays: tuple[Overlay, ...]
    districts_geojson: dict[str, Any] = field(repr=False, compare=False)
    path: Path | None = None
    _tree: shapely.STRtree = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        tree = shapely.STRtree([d.geometry for d in self.districts])
        object.__setattr__(self, "_tree", tree)

    def district_at(self, lat: float, lon: float) -> District | None:
        """The district containing the point (on a shared border: the first by name), or
        None outside the pack's area."""
        hits = self._tree.query(shapely.Point(lon, lat), predicate="intersects")
        return self.districts[int(min(hits))] if hits.size else None

    def district_name_at(self, lat: float, lon: float) -> str | None:
        """The name of the district containing the point, or None outside the area."""
        district = self.district_at(lat, lon)
        return district.name if district is not None else None

    def district_named(self, name: str) -> District:
        for d in self.districts:
            if d.name == name:
                return d
        raise KeyError(name)

    @property
    def home_force(self) -> Force:
        """The pack's first force: rows made before forces existed belong to it."""
        return self.forces[0]

    def force(self, code: str) -> Force:
        for f in self.forces:
            if f.code == code:
                return f
        raise KeyError(code)
