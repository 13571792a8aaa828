"""Automatic vehicle location: units drive to their incidents and patrol when free."""

from __future__ import annotations

import math
import random
from typing import Any

from platform_api.geo import EARTH_RADIUS_M, haversine_m

SPEED_KMH = {
    "response_car": 45.0,
    "armed_response": 60.0,
    "traffic": 55.0,
    "dog": 40.0,
    "public_order": 35.0,
    "foot_patrol": 5.0,
}
ARRIVED_M = 30.0


def step_towards(
    lat: float, lon: float, to_lat: float, to_lon: float, metres: float
) -> tuple[float, float, float, bool]:
    """Move up to `metres` towards the target; (lat, lon, heading, arrived)."""
    distance = haversine_m(lat, lon, to_lat, to_lon)
    heading = (
        math.degrees(
            math.atan2(
                math.radians(to_lon - lon) * math.cos(math.radians(lat)), math.radians(to_lat - lat)
            )
        )
        % 360
    )
    if distance <= max(metres, ARRIVED_M):
        return to_lat, to_lon, heading, True
    f = metres / distance
    return lat + (to_lat - lat) * f, lon + (to_lon - lon) * f, heading, False


def drift(rng: random.Random, lat: float, lon: float, metres: float) -> tuple[float, float]:
    """A small random patrol movement."""
    bearing = rng.uniform(0, 2 * math.pi)
    dlat = metres * math.cos(bearing) / EARTH_RADIUS_M
    dlon = metres * math.sin(bearing) / (EARTH_RADIUS_M * math.cos(math.radians(lat)))
    return lat + math.degrees(dlat), lon + math.degrees(dlon)


def fix(
    unit_id: str,
    lat: float,
    lon: float,
    heading: float | None = None,
    speed_kmh: float | None = None,
) -> dict[str, Any]:
    return {
        "unit_id": unit_id,
        "lat": round(lat, 6),
        "lon": round(lon, 6),
        "heading": None if heading is None else round(heading % 360, 1) % 360,
        "speed_kmh": speed_kmh,
    }
