"""Units as column arrays, so ranking 5,000 of them is a few numpy passes, not a loop.

Building the columns from pydantic objects is the slow part (milliseconds for thousands of
units); ranking over them takes well under one. So the owner keeps one `UnitIndex` per
unit set and patches it as the Store changes:

    index = UnitIndex.from_units(store.units.values())   # on Store.reset
    index.update(store.units[i] for i in ids)             # on changed("units", ...) and
                                                          # units_moved(ids)

An index is not thread-safe: update and read it in one thread (the GUI thread). Work sent
to an executor gets plain lists of units and builds its own (see `rebalance`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import numpy.typing as npt

from platform_api.contract import UnitPublic, UnitStatus, UnitType
from platform_api.contract.geodesy import EARTH_RADIUS_M

STATUSES: tuple[UnitStatus, ...] = tuple(UnitStatus)
TYPES: tuple[UnitType, ...] = tuple(UnitType)
_STATUS_CODE = {s: i for i, s in enumerate(STATUSES)}
_TYPE_CODE = {t: i for i, t in enumerate(TYPES)}

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
Codes = npt.NDArray[np.int8]
Rows = npt.NDArray[np.intp]


def haversine_m(
    lat_rad: float | Floats, lon_rad: float | Floats, lats: Floats, lons: Floats, coss: Floats
) -> Floats:
    """Great-circle metres from points (radians) to others (radians, with their cosines).

    One point against a column, or a column of shape (n, 1) against a row of shape (1, m)
    for an n x m matrix: numpy broadcasting does the rest.
    """
    sin_dlat = np.sin((lats - lat_rad) * 0.5)
    sin_dlon = np.sin((lons - lon_rad) * 0.5)
    a = sin_dlat * sin_dlat + np.cos(lat_rad) * coss * sin_dlon * sin_dlon
    result: Floats = (2 * EARTH_RADIUS_M) * np.arcsin(np.sqrt(np.minimum(a, 1.0)))
    return result


class UnitIndex:
    """Column arrays over a set of units; row i of every column is the unit `ids[i]`.

    Positions are in radians (NaN when the unit has none); `pos_ts` is the fix's POSIX time.
    Capabilities are one boolean column per capability name ever seen.
    """

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.row: dict[str, int] = {}
        self.callsigns: list[str] = []
        self.types: list[UnitType] = []
        self.incident_ids: list[str | None] = []
        self.type_code: Codes = np.zeros(0, np.int8)
        self.status_code: Codes = np.zeros(0, np.int8)
        self.lat: Floats = np.zeros(0)
        self.lon: Floats = np.zeros(0)
        self.cos_lat: Floats = np.zeros(0)
        self.pos_ts: Floats = np.zeros(0)
        self.has_pos: Bools = np.zeros(0, np.bool_)
        self.caps: dict[str, Bools] = {}

    @classmethod
    def from_units(cls, units: Iterable[UnitPublic]) -> UnitIndex:
        index = cls()
        index.update(units)
        return index

    def __len__(self) -> int:
        return len(self.ids)

    def status(self, status: UnitStatus) -> Bools:
        result: Bools = self.status_code == _STATUS_CODE[status]
        return result

    def status_at(self, row: int) -> UnitStatus:
        return STATUSES[int(self.status_code[row])]

    def with_capabilities(self, needed: Iterable[str]) -> Bools:
        """Rows having every capability in `needed` (all rows when it is empty)."""
        ok: Bools = np.ones(len(self.ids), np.bool_)
        for cap in needed:
            column = self.caps.get(cap)
            if column is None:
                return np.zeros(len(self.ids), np.bool_)
            ok &= column
        return ok

    def with_any_capability(self, wanted: Iterable[str]) -> Bools:
        """Rows having at least one capability in `wanted` (no rows when it is empty)."""
        hit: Bools = np.zeros(len(self.ids), np.bool_)
        for cap in wanted:
            column = self.caps.get(cap)
            if column is not None:
                hit |= column
        return hit

    def of_types(self, types: Iterable[UnitType]) -> Bools:
        """Rows whose unit is of one of `types`."""
        return np.isin(self.type_code, [_TYPE_CODE[t] for t in types])

    def update(self, units: Iterable[UnitPublic]) -> None:
        """Upsert units: rows of known ids are overwritten, new ids are appended."""
        batch = list(units)
        new = [u for u in batch if u.id not in self.row]
        if new:
            self._grow(new)
        if not batch:
            return
        rows = np.fromiter((self.row[u.id] for u in batch), np.intp, len(batch))
        for r, u in zip(rows.tolist(), batch, strict=True):
            self.callsigns[r] = u.callsign
            self.types[r] = u.type
            self.incident_ids[r] = u.incident_id
        self.type_code[rows] = [_TYPE_CODE[u.type] for u in batch]
        self.status_code[rows] = [_STATUS_CODE[u.status] for u in batch]
        nan = float("nan")
        lat = np.array([u.position.lat if u.position else nan for u in batch])
        lon = np.array([u.position.lon if u.position else nan for u in batch])
        ts = np.array([u.position.at.timestamp() if u.position else nan for u in batch])
        self.lat[rows] = np.radians(lat)
        self.lon[rows] = np.radians(lon)
        self.cos_lat[rows] = np.cos(self.lat[rows])
        self.pos_ts[rows] = ts
        self.has_pos[rows] = ~np.isnan(lat)
        self._set_caps(rows, batch)

    def _set_caps(self, rows: Rows, batch: list[UnitPublic]) -> None:
        # A unit's capabilities are its vehicle's and its crew's skills ("taser").
        caps = [u.all_capabilities() for u in batch]
        for cap in frozenset().union(*caps):
            self.caps.setdefault(cap, np.zeros(len(self.ids), np.bool_))
        for cap, column in self.caps.items():
            column[rows] = [cap in c for c in caps]

    def _grow(self, new: list[UnitPublic]) -> None:
        start = len(self.ids)
        for offset, u in enumerate(new):
            self.row[u.id] = start + offset
            self.ids.append(u.id)
            self.callsigns.append(u.callsign)
            self.types.append(u.type)
            self.incident_ids.append(u.incident_id)
        n = len(new)
        self.type_code = np.concatenate([self.type_code, np.zeros(n, np.int8)])
        self.status_code = np.concatenate([self.status_code, np.zeros(n, np.int8)])
        self.lat = np.concatenate([self.lat, np.full(n, np.nan)])
        self.lon = np.concatenate([self.lon, np.full(n, np.nan)])
        self.cos_lat = np.concatenate([self.cos_lat, np.full(n, np.nan)])
        self.pos_ts = np.concatenate([self.pos_ts, np.full(n, np.nan)])
        self.has_pos = np.concatenate([self.has_pos, np.zeros(n, np.bool_)])
        for cap, column in self.caps.items():
            self.caps[cap] = np.concatenate([column, np.zeros(n, np.bool_)])

    def capabilities_of(self, row: int) -> frozenset[str]:
        """One unit's capabilities (a few dictionary lookups; for specialists, not all)."""
        return frozenset(cap for cap, column in self.caps.items() if column[row])

    def speeds_mps(self, speed_kmh: Mapping[UnitType, float]) -> Floats:
        """Per-row speed in m/s from a per-type table (km/h)."""
        table = np.array([speed_kmh[t] / 3.6 for t in TYPES])
        result: Floats = table[self.type_code]
        return result
