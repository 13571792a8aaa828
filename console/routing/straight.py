"""The straight-line router: great-circle distance x road factor / the unit type's speed.

Always available and instant; its times are estimates, which every reason says ("straight-
line estimate"). Other routers fall back to it for units off their road network.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from console.routing.base import Bools, Floats, Origins, Rows
from platform_api.contract import UnitType
from platform_api.contract.geodesy import EARTH_RADIUS_M


def great_circle_m(lat: float | Floats, lon: float | Floats, lats: Floats, lons: Floats) -> Floats:
    """Metres by the haversine formula (degrees): from one point to many, or pairwise
    between two columns of points (numpy broadcasts either way)."""
    lat_r, lon_r = np.radians(lat), np.radians(lon)
    lats_r, lons_r = np.radians(lats), np.radians(lons)
    sin_dlat = np.sin((lats_r - lat_r) * 0.5)
    sin_dlon = np.sin((lons_r - lon_r) * 0.5)
    a = sin_dlat * sin_dlat + np.cos(lat_r) * np.cos(lats_r) * sin_dlon * sin_dlon
    result: Floats = (2 * EARTH_RADIUS_M) * np.arcsin(np.sqrt(np.minimum(a, 1.0)))
    return result


@dataclass(frozen=True)
class StraightTravel:
    """A `Travel` whose every entry is a straight-line estimate."""

    duration_s: Floats
    by_road: Bools
    unreachable: Bools
    distances: Floats

    def distance_m(self, which: Rows) -> Floats:
        result: Floats = self.distances[which]
        return result


@dataclass(frozen=True)
class StraightLine:
    """ETA = straight-line distance x `road_factor` / the speed of the unit's type."""

    road_factor: float
    speed_kmh: Mapping[UnitType, float]
    name: str = "straight line"
    attribution: str | None = None

    def table(self, dest_lat: float, dest_lon: float, origins: Origins) -> StraightTravel:
        """The same as `travel`, synchronously (it is a few numpy passes)."""
        distance = great_circle_m(dest_lat, dest_lon, origins.lat, origins.lon)
        speed = origins.per_type(self.speed_kmh) / 3.6
        duration: Floats = distance * self.road_factor / speed
        never = np.zeros(len(origins), dtype=np.bool_)
        return StraightTravel(duration, never, never.copy(), distance)

    async def travel(
        self,
        dest_lat: float,
        dest_lon: float,
        origins: Origins,
        needed: int | None = None,
        margin_s: float = 0.0,
    ) -> StraightTravel:
        return self.table(dest_lat, dest_lon, origins)
