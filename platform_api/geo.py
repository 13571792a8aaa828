"""The platform's area: the districts (London's boroughs by default) of its force pack.

A thin face over `platform_api.packs` for the code that still speaks of boroughs (the
simulator, the geocoders, the services stamping each incident and unit with where it is).
Point-in-district goes through the pack's STRtree (shapely), not hand-written ray casting.
"""

from __future__ import annotations

from platform_api.contract.geodesy import EARTH_RADIUS_M, haversine_m
from platform_api.packs import District, load_pack

Borough = District  # the London pack's districts are boroughs

__all__ = ["EARTH_RADIUS_M", "Borough", "borough_at", "borough_named", "boroughs", "haversine_m"]


def boroughs() -> tuple[District, ...]:
    """Every district of the default pack, sorted by name."""
    return load_pack().districts


def borough_at(lat: float, lon: float) -> str | None:
    """The name of the district containing the point, or None outside the pack's area."""
    district = load_pack().district_at(lat, lon)
    return district.name if district is not None else None


def borough_named(name: str) -> District:
    return load_pack().district_named(name)
