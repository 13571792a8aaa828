"""A `unit.positions` event's fixes read the same as columns (what the platform writes) and
as a list of objects (older logs and recordings): contract.fold and the console's Store."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from platform_api.contract import PositionReport
from platform_api.contract.fold import StateFold, position_count, position_fixes
from platform_api.services.positions import Fixes

TS = "2026-11-24T01:00:00Z"
LISTED = {
    "positions": [
        {"unit_id": "u1", "lat": 51.5, "lon": -0.1},
        {"unit_id": "u2", "lat": 51.6, "lon": -0.2, "at": "2026-11-24T00:59:00Z", "heading": 90.0},
    ]
}
COLUMNS = {
    "fixes": {
        "unit_id": ["u1", "u2"],
        "lat": [51.5, 51.6],
        "lon": [-0.1, -0.2],
        "at": [None, "2026-11-24T00:59:00Z"],
        "heading": [None, 90.0],
    }
}


def _fold(payload: dict[str, Any]) -> dict[str, Any]:
    units = [{"id": uid, "callsign": uid, "position": None} for uid in ("u1", "u2")]
    fold = StateFold.from_json({"as_of_seq": 0, "units": units})
    fold.apply(1, TS, "unit.positions", payload)
    return fold.table("units")


def test_columns_and_a_list_of_fixes_read_the_same() -> None:
    assert position_fixes(COLUMNS) == position_fixes(LISTED) == LISTED["positions"]
    assert position_count(COLUMNS) == position_count(LISTED) == 2
    folded = _fold(COLUMNS)
    assert folded == _fold(LISTED)
    assert folded["u1"]["position"] == {
        "lat": 51.5,
        "lon": -0.1,
        "at": TS,  # no `at`: the event's own time
        "heading": None,
        "speed_kmh": None,
    }


def test_the_platform_writes_the_columns_it_reads() -> None:
    now = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
    earlier = datetime(2026, 11, 24, 0, 59, tzinfo=UTC)
    reports = [
        PositionReport(unit_id="u1", lat=51.50000000001, lon=-0.1),
        # built without validation: a fixed `at` would fall outside "recent" some day
        PositionReport.model_construct(
            unit_id="u2", lat=51.6, lon=-0.2, at=earlier, heading=90.0, speed_kmh=None
        ),
    ]
    columns = Fixes.of(reports, now).columns()
    assert "speed_kmh" not in columns  # no column of nulls
    assert {"fixes": columns} == COLUMNS
