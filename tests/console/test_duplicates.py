"""Possible duplicates: near, recent, open, the same classification first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from console.duplicates import find_duplicates
from tests.console.test_command_line import _incident

# A fixed clock, as a replay's is: the window counts back from the Store's now, not the wall's.
NOW = datetime(2020, 4, 12, 3, 0, tzinfo=UTC)


def _at(reference: str, lat: float, lon: float, minutes_ago: float, **extra: Any) -> Any:
    incident = _incident(reference)
    incident.location.lat, incident.location.lon = lat, lon
    incident.created_at = NOW - timedelta(minutes=minutes_ago)
    for key, value in extra.items():
        setattr(incident, key, value)
    return incident


def test_near_recent_open_incidents_are_offered_same_classification_first() -> None:
    here = (51.5000, -0.1200)
    near_other = _at("A-20261123-1", 51.5005, -0.1200, 5, opening_classification="Theft")
    nearer_same = _at("A-20261123-2", 51.5012, -0.1200, 5)  # Violence, ~133 m
    too_far = _at("A-20261123-3", 51.5040, -0.1200, 5)  # ~445 m
    too_old = _at("A-20261123-4", 51.5001, -0.1200, 45)
    closed = _at("A-20261123-5", 51.5001, -0.1200, 5, status="closed")
    candidates = [near_other, nearer_same, too_far, too_old, closed]
    found = find_duplicates(candidates, *here, "violence", now=NOW)
    assert [d.incident.reference for d in found] == ["A-20261123-2", "A-20261123-1"]
    assert found[0].same_classification and not found[1].same_classification
    assert 120 < found[0].distance_m < 145


def test_radius_and_window_are_configurable() -> None:
    far = _at("A-20261123-3", 51.5040, -0.1200, 50)
    assert find_duplicates([far], 51.5, -0.12, now=NOW) == []
    wider = find_duplicates([far], 51.5, -0.12, radius_m=500, window_min=60, now=NOW)
    assert len(wider) == 1 and "50 min ago" in wider[0].describe(NOW)
