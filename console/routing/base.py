"""The routing protocol: how long each unit would take to reach one place.

Recommendations ask a `Router` for a `Travel` table: for one destination (the incident)
and many origins (units), the travel time of each, whether it was found on a road network
or is a straight-line estimate, and (for the few units finally shown) the distance. A
router may be slow (a site's OSRM server is a network call), so `travel` is a coroutine;
the CPU-bound ones do their work in an executor so the GUI thread never waits on it.

Adapters (see `console.routing`): `StraightLine` (always available), `RoadGraph` (a local
OpenStreetMap road network searched with scipy), `Osrm` (a site's OSRM table service).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from platform_api.contract import UnitType

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
Rows = npt.NDArray[np.intp]


Codes = npt.NDArray[np.int8]
# A unit type's code is its place here (the same order as `console.allocation.index`).
TYPES: tuple[UnitType, ...] = tuple(UnitType)
FOOT = TYPES.index(UnitType.FOOT_PATROL)


@dataclass(frozen=True)
class Origins:
    """The units to route from, as columns: positions in degrees and each unit's type code
    (its index in `TYPES`), so per-type figures are one array lookup, not a Python loop."""

    lat: Floats
    lon: Floats
    codes: Codes

    @classmethod
    def of(cls, lat: Floats, lon: Floats, types: Sequence[UnitType]) -> Origins:
        code = {t: i for i, t in enumerate(TYPES)}
        return cls(lat, lon, np.fromiter((code[t] for t in types), np.int8, count=len(types)))

    def __len__(self) -> int:
        return int(self.lat.size)

    def per_type(self, table: Mapping[UnitType, float], default: float = 1.0) -> Floats:
        """Each origin's value from a per-type table (types it leaves out: `default`)."""
        column = np.array([table.get(t, default) for t in TYPES], dtype=np.float64)
        result: Floats = column[self.codes]
        return result

    @property
    def walkers(self) -> Bools:
        result: Bools = self.codes == FOOT
        return result


class Travel(Protocol):
    """Travel times from each origin to the destination.

    `duration_s[i]` is inf when origin i was not reached: `unreachable[i]` says it cannot
    reach the destination at all (a one-way maze, another island of the graph); otherwise
    it lies beyond what the router searched, slower than the `needed` quickest the caller
    asked for. `by_road[i]` is False when the time is a straight-line estimate (no road
    data there, a point too far from any road, or a routing server that failed).
    """

    duration_s: Floats
    by_road: Bools
    unreachable: Bools

    def distance_m(self, which: Rows) -> Floats:
        """Travelled distance of the origins `which` (by road where `by_road`)."""
        ...


class Router(Protocol):
    """Anything that can fill a `Travel` table. `name` is shown to operators."""

    name: str
    attribution: str | None

    async def travel(
        self,
        dest_lat: float,
        dest_lon: float,
        origins: Origins,
        needed: int | None = None,
        margin_s: float = 0.0,
    ) -> Travel:
        """Times from every origin; with `needed`, only the `needed` quickest must be
        exact (the others may be inf, if they are slower by more than `margin_s`), which
        lets a router bound its search."""
        ...
