"""A site's own geocoding server (Nominatim's API), reached through geopy.

Use it when a force runs a geocoding server, configured with `--geocoder-url`. It knows
street addresses, which the offline gazetteer does not. geopy is synchronous, so the
routes call this adapter in a worker thread. Each answer gets its borough from the
platform's own boundaries, so a borough looks the same whichever adapter answered. A
server that is down, slow or answering nonsense is a `GeocoderUnavailable` (503) naming
the server, never a 500.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

# geopy ships no type information (no py.typed); what we use of it is typed here instead.
from geopy.exc import GeopyError  # type: ignore[import-untyped]
from geopy.geocoders import Nominatim  # type: ignore[import-untyped]

from platform_api.contract import GeoSource, PlaceKind, Precision
from platform_api.geo import haversine_m
from platform_api.geocoding.base import GeocoderUnavailable, Place
from platform_api.packs import ForcePack, load_pack

USER_AGENT = "control-room-platform"
DEFAULT_TIMEOUT_S = 5.0


def split_url(url: str) -> tuple[str, str]:
    """`https://geo.example.org/nominatim` → ("https", "geo.example.org/nominatim"): the
    scheme and the "domain" geopy wants (host, port and any path prefix)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"a geocoder URL is http(s)://host[:port][/path], not {url!r}")
    if parts.query or parts.fragment:
        raise ValueError(f"a geocoder URL has no query or fragment: {url!r}")
    return parts.scheme, (parts.netloc + parts.path).rstrip("/")


def _force_area_viewbox(pack: ForcePack) -> list[tuple[float, float]]:
    """The districts' bounding box as two (lat, lon) corners: a preference, not a limit."""
    areas = pack.districts
    return [
        (min(b.bbox[1] for b in areas), min(b.bbox[0] for b in areas)),
        (max(b.bbox[3] for b in areas), max(b.bbox[2] for b in areas)),
    ]


class GeopyGeocoder:
    """A `Geocoder` over a Nominatim-compatible server."""

    def __init__(
        self, url: str, *, timeout_s: float = DEFAULT_TIMEOUT_S, pack: ForcePack | None = None
    ) -> None:
        self._pack = pack if pack is not None else load_pack()
        scheme, domain = split_url(url)
        self.url = f"{scheme}://{domain}"
        self._nominatim: Any = Nominatim(
            domain=domain, scheme=scheme, timeout=timeout_s, user_agent=USER_AGENT
        )
        self._viewbox = _force_area_viewbox(self._pack)

    def search(self, text: str, limit: int) -> list[Place]:
        found = self._call(
            "search",
            lambda: self._nominatim.geocode(
                text, exactly_one=False, limit=limit, viewbox=self._viewbox, bounded=False
            ),
        )
        return [self._place(location) for location in (found or [])][:limit]

    def reverse(self, lat: float, lon: float) -> Place | None:
        found = self._call("reverse", lambda: self._nominatim.reverse((lat, lon), exactly_one=True))
        if found is None:
            return None
        place = self._place(found)
        distance = round(haversine_m(lat, lon, place.lat, place.lon), 1)
        return replace(place, distance_m=distance)

    def _call(self, what: str, request: Callable[[], Any]) -> Any:
        try:
            return request()
        except GeopyError as exc:
            raise GeocoderUnavailable(
                f"the geocoding server at {self.url} did not answer the {what}: "
                f"{exc or exc.__class__.__name__}; place the incident by the map or the "
                "handset location"
            ) from exc
        except (ValueError, TypeError, KeyError) as exc:  # a malformed answer
            raise GeocoderUnavailable(
                f"the geocoding server at {self.url} gave a {what} answer we cannot read"
            ) from exc

    def _place(self, location: Any) -> Place:
        try:
            lat, lon = float(location.latitude), float(location.longitude)
            name = str(location.address or f"{lat:.5f}, {lon:.5f}")
        except (TypeError, ValueError, AttributeError) as exc:
            raise GeocoderUnavailable(
                f"the geocoding server at {self.url} gave a place with no position"
            ) from exc
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise GeocoderUnavailable(
                f"the geocoding server at {self.url} gave a position off the Earth"
            )
        return Place(
            name=name,
            lat=lat,
            lon=lon,
            kind=PlaceKind.ADDRESS,
            precision=Precision.EXACT,
            source=GeoSource.GEOPY,
            borough=self._pack.district_name_at(lat, lon),
        )
