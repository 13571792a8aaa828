"""ETAs from a site's OSRM server (its table service), through the console's httpx client.

OSRM answers "how long from each of these points to that one" in one request
(`GET /table/v1/{profile}/{coordinates}?sources=...&destinations=0`). Servers cap the
table's size (`--max-table-size`, 100 by default), so only the `max_sources` units nearest
in a straight line are asked about; the others keep no time (inf) and rank after them.
Walkers keep the straight-line estimate unless the site names a foot profile. OSRM's times
are for normal driving; a unit type's factor (`RoutingPolicy.type_factor`) divides them.
If the server cannot be reached or refuses, every unit falls back to the straight-line
estimate and `failure` says why, so the panel can show it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import httpx
import numpy as np

from console.routing.base import Bools, Floats, Origins, Rows
from console.routing.policy import RoutingPolicy
from console.routing.straight import StraightLine, StraightTravel


@dataclass
class OsrmTravel:
    """A `Travel` from an OSRM table; straight-line where OSRM was not asked or failed."""

    duration_s: Floats
    by_road: Bools
    unreachable: Bools
    distances: Floats
    failure: str | None = None

    def distance_m(self, which: Rows) -> Floats:
        result: Floats = self.distances[which]
        return result


class Osrm:
    """The OSRM router. `client` is the console's long-lived `httpx.AsyncClient`."""

    name = "OSRM"

    def __init__(
        self,
        base_url: str,
        client: httpx.AsyncClient,
        policy: RoutingPolicy,
        fallback: StraightLine,
        *,
        profile: str = "driving",
        foot_profile: str | None = None,
        max_sources: int = 99,
        attribution: str | None = "Routes: OSRM, © OpenStreetMap contributors (ODbL)",
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.client = client
        self.policy = policy
        self.fallback = fallback
        self.profile = profile
        self.foot_profile = foot_profile
        self.max_sources = max_sources
        self.attribution = attribution

    async def travel(
        self,
        dest_lat: float,
        dest_lon: float,
        origins: Origins,
        needed: int | None = None,
        margin_s: float = 0.0,
    ) -> OsrmTravel:
        base = self.fallback.table(dest_lat, dest_lon, origins)
        result = OsrmTravel(
            base.duration_s.copy(),
            np.zeros(len(origins), dtype=np.bool_),
            np.zeros(len(origins), dtype=np.bool_),
            base.distances.copy(),
        )
        walker = origins.walkers
        for profile, rows in ((self.profile, ~walker), (self.foot_profile, walker)):
            if profile is None or not rows.any():
                continue
            try:
                await self._ask(profile, dest_lat, dest_lon, origins, rows, base, result)
            except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
                result.duration_s[rows] = base.duration_s[rows]
                result.by_road[rows] = False
                result.failure = (
                    f"OSRM server at {self.base_url} failed ({exc}); straight-line estimates shown"
                )
        return result

    async def _ask(
        self,
        profile: str,
        dest_lat: float,
        dest_lon: float,
        origins: Origins,
        rows: Bools,
        base: StraightTravel,
        result: OsrmTravel,
    ) -> None:
        candidates = np.flatnonzero(rows)
        if candidates.size > self.max_sources:
            nearest = np.argpartition(base.distances[candidates], self.max_sources - 1)
            asked = candidates[nearest[: self.max_sources]]
            rest = np.setdiff1d(candidates, asked)
            result.duration_s[rest] = math.inf  # not asked: slower than the nearest asked
        else:
            asked = candidates
        coords = ";".join(
            [f"{dest_lon:.6f},{dest_lat:.6f}"]
            + [f"{origins.lon[i]:.6f},{origins.lat[i]:.6f}" for i in asked.tolist()]
        )
        response = await self.client.get(
            f"{self.base_url}/table/v1/{profile}/{coords}",
            params={
                "sources": ";".join(str(k + 1) for k in range(asked.size)),
                "destinations": "0",
                "annotations": "duration,distance",
            },
        )
        response.raise_for_status()
        body = response.json()
        if body.get("code") != "Ok":
            raise ValueError(f"answered {body.get('code')}: {body.get('message', '')}")
        factors = origins.per_type(self.policy.type_factor)
        for k, row in enumerate(asked.tolist()):
            seconds = body["durations"][k][0]
            metres = (body.get("distances") or [[None]] * asked.size)[k][0]
            result.by_road[row] = True
            if seconds is None:  # OSRM: no route
                result.duration_s[row] = math.inf
                result.unreachable[row] = True
                continue
            factor = float(factors[row]) if profile == self.profile else 1.0
            result.duration_s[row] = float(seconds) / factor
            if metres is not None:
                result.distances[row] = float(metres)
