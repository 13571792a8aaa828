"""Geolocation for every console: address search and "what is here", behind one protocol.

    Geocoder (protocol)        search(text, limit) -> list[Place]; reverse(lat, lon)
    ├── GazetteerGeocoder      offline default: boroughs, the shipped gazetteer, site CSVs
    └── GeopyGeocoder          a site's geocoding server (Nominatim API) via geopy

`make_geocoder(settings)` picks one: geopy when `geocoder_url` is set, else the gazetteer.
"""

from __future__ import annotations

from platform_api.geocoding.base import Geocoder, GeocoderUnavailable, Place
from platform_api.geocoding.gazetteer import GazetteerError, GazetteerGeocoder
from platform_api.geocoding.geopy_adapter import GeopyGeocoder
from platform_api.packs import ForcePack
from platform_api.settings import Settings

__all__ = [
    "GazetteerError",
    "GazetteerGeocoder",
    "Geocoder",
    "GeocoderUnavailable",
    "GeopyGeocoder",
    "Place",
    "make_geocoder",
]


def make_geocoder(settings: Settings, pack: ForcePack) -> Geocoder:
    """The site's geocoder for the platform's pack (its districts name every answer's)."""
    if settings.geocoder_url:
        return GeopyGeocoder(settings.geocoder_url, pack=pack)
    return GazetteerGeocoder(settings.gazetteer_files, pack=pack)
