"""Possible duplicates: open incidents near a new report, recent, similar first.

A single event draws many calls (a crash on a main road, a fight outside a pub); raising an
incident for each would send units twice. Before creating, the call-taker is offered the
open incidents within `radius_m` and `window_min`, the same classification first, then the
nearest.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from platform_api.contract import IncidentPublic, IncidentStatus
from platform_api.contract.geodesy import haversine_m

DEFAULT_RADIUS_M = 250.0
DEFAULT_WINDOW_MIN = 30.0


@dataclass(frozen=True)
class Duplicate:
    incident: IncidentPublic
    distance_m: float
    same_classification: bool

    def describe(self, now: datetime) -> str:
        age_min = (now - self.incident.created_at).total_seconds() / 60
        return (
            f"{self.incident.reference}  {self.incident.opening_classification}  "
            f"{self.distance_m:.0f} m away, {age_min:.0f} min ago"
        )


def find_duplicates(
    incidents: Iterable[IncidentPublic],
    lat: float,
    lon: float,
    classification: str = "",
    *,
    radius_m: float = DEFAULT_RADIUS_M,
    window_min: float = DEFAULT_WINDOW_MIN,
    now: datetime,
) -> list[Duplicate]:
    """Open incidents near (lat, lon) raised since `now - window_min` (the Store's clock)."""
    since = now - timedelta(minutes=window_min)
    wanted = classification.strip().casefold()
    found: list[Duplicate] = []
    for incident in incidents:
        if incident.status != IncidentStatus.OPEN or incident.created_at < since:
            continue
        d = haversine_m(lat, lon, incident.location.lat, incident.location.lon)
        if d <= radius_m:
            same = bool(wanted) and incident.opening_classification.casefold() == wanted
            found.append(Duplicate(incident, d, same))
    found.sort(key=lambda dup: (not dup.same_classification, dup.distance_m))
    return found
