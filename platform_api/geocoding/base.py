"""What every geocoder gives back, the protocol adapters implement, and their one error.

The platform geocodes for all consoles, so they agree on where an address is. Each source
(the offline gazetteer, or a site's geocoding server through geopy) is an adapter behind
`Geocoder`. Adapters are synchronous: the routes run them in a worker thread, so a slow
geocoding server never blocks the event loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from platform_api.contract import GeoSource, PlaceKind, PlacePublic, Precision
from platform_api.errors import PlatformError


@dataclass(frozen=True)
class Place:
    """One answer: where, what it is, and how precisely the point stands for the text.

    `precision` is "exact" when the point is the thing the text named (a station, an
    address). It is "place" or "borough" when the text asked for something finer, such as
    a house on a street, and the answer is the place or borough centroid that contains it.
    """

    name: str
    lat: float
    lon: float
    kind: PlaceKind
    precision: Precision
    source: GeoSource
    borough: str | None = None
    distance_m: float | None = None

    def public(self) -> PlacePublic:
        return PlacePublic(
            name=self.name,
            lat=self.lat,
            lon=self.lon,
            borough=self.borough,
            kind=self.kind,
            precision=self.precision,
            source=self.source,
            distance_m=self.distance_m,
        )


class Geocoder(Protocol):
    """Search by text, and find what is at a point. May block, so call it in a thread."""

    def search(self, text: str, limit: int) -> list[Place]:
        """Best first; at most `limit` places; empty when nothing matches."""
        ...

    def reverse(self, lat: float, lon: float) -> Place | None:
        """The nearest known place or address with `distance_m`, or None if none is near."""
        ...


class GeocoderUnavailable(PlatformError):
    """The configured geocoding server did not answer, or gave an answer we cannot read.

    It is a 503, not a 500: the platform is fine, and the console can tell the operator to
    place the incident by a map click or the handset location instead.
    """

    status = 503
    code = "geocoder_unavailable"
