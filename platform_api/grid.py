"""A fixed grid over the globe for "what happened near here": cells of 0.01° (about
1.1 km north-south, 0.7 km east-west in London) numbered in one integer.

Incidents store their cell (indexed with `created_at`), so "within 500 m in the last
12 months" reads the handful of cells that cover the circle's bounding box through the
index, then keeps those truly inside by great-circle distance. A year of a busy force's
incidents is a few hundred thousand rows; a circle of 500 m touches at most 4-6 cells.
Migration 0003 carries a copy of `cell_of`: change neither without the other.
"""

from __future__ import annotations

import math

CELL_DEG = 0.01
_M_PER_DEG_LAT = 111_320.0


def cell_of(lat: float, lon: float) -> int:
    return (math.floor(lat / CELL_DEG) + 9000) * 100_000 + math.floor(lon / CELL_DEG) + 18000


def cells_around(lat: float, lon: float, radius_m: float) -> list[int]:
    """Every cell that meets the bounding box of the circle (a superset of the circle)."""
    dlat = radius_m / _M_PER_DEG_LAT
    dlon = radius_m / (_M_PER_DEG_LAT * max(0.01, math.cos(math.radians(lat))))
    lat0, lat1 = math.floor((lat - dlat) / CELL_DEG), math.floor((lat + dlat) / CELL_DEG)
    lon0, lon1 = math.floor((lon - dlon) / CELL_DEG), math.floor((lon + dlon) / CELL_DEG)
    return [
        (i + 9000) * 100_000 + j + 18000
        for i in range(lat0, lat1 + 1)
        for j in range(lon0, lon1 + 1)
    ]
