"""The feed turns Store changes into small diffs: only what changed, coalesced."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from console.store import Store
from maps.feed import MapFeed
from platform_api.contract import StatePublic, UnitPublic, UnitStatus, UnitType

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _unit(unit_id: str, status: UnitStatus = UnitStatus.AVAILABLE) -> UnitPublic:
    return UnitPublic.model_validate(
        {
            "id": unit_id,
            "version": 1,
            "callsign": unit_id.upper(),
            "type": UnitType.DOG,
            "capabilities": [],
            "home_station": "Lambeth",
            "borough": None,
            "status": status,
            "status_since": NOW,
            "position": {"lat": 51.5, "lon": -0.1, "at": NOW},
            "incident_id": None,
        }
    )


def _event(seq: int, type_: str, payload: dict[str, Any]) -> dict[str, Any]:
    return {"seq": seq, "ts": NOW.isoformat(), "type": type_, "payload": payload}


def _store(*units: UnitPublic) -> Store:
    store = Store()
    store.bootstrap(
        StatePublic(as_of_seq=1, calls=[], incidents=[], units=list(units), assignments=[])
    )
    return store


def test_a_ready_page_gets_everything_then_only_what_moved(qapp: Any) -> None:
    store = _store(_unit("u1"), _unit("u2"))
    feed = MapFeed(store)
    diffs: list[dict[str, Any]] = []
    feed.diff_ready.connect(diffs.append)
    feed.start()
    assert set(diffs[0]["upsert"]["units"]) == {"u1", "u2"}
    assert diffs[0]["upsert"]["units"]["u1"]["ty"] == "dog"

    positions = [{"unit_id": "u1", "lat": 51.51, "lon": -0.1, "at": NOW.isoformat()}]
    store.apply(_event(2, "unit.positions", {"positions": positions}))
    positions = [{"unit_id": "u1", "lat": 51.52, "lon": -0.1, "at": NOW.isoformat()}]
    store.apply(_event(3, "unit.positions", {"positions": positions}))
    feed.flush()
    assert diffs[1] == {"upsert": {"units": {"u1": {"lat": 51.52}}}, "remove": {}}


def test_a_status_change_sends_the_status_alone(qapp: Any) -> None:
    store = _store(_unit("u1"))
    feed = MapFeed(store)
    diffs: list[dict[str, Any]] = []
    feed.diff_ready.connect(diffs.append)
    feed.start()
    busy = _unit("u1", UnitStatus.COMMITTED).model_dump(mode="json")
    store.apply(_event(2, "unit.status_changed", {"changes": {"units": [busy]}}))
    feed.flush()
    assert diffs[-1] == {"upsert": {"units": {"u1": {"st": "committed"}}}, "remove": {}}


def test_nothing_is_sent_before_the_page_is_ready_and_no_empty_diff_after(qapp: Any) -> None:
    store = _store(_unit("u1"))
    feed = MapFeed(store)
    diffs: list[dict[str, Any]] = []
    feed.diff_ready.connect(diffs.append)
    positions = [{"unit_id": "u1", "lat": 51.51, "lon": -0.1, "at": NOW.isoformat()}]
    store.apply(_event(2, "unit.positions", {"positions": positions}))
    feed.flush()
    assert diffs == []
    feed.start()
    feed.flush()
    assert len(diffs) == 1


def _marker(status: str = "active", version: int = 1) -> dict[str, Any]:
    return {
        "id": "m1",
        "version": version,
        "category": "officer_safety",
        "text": "Violent towards police",
        "source": "PNC",
        "review_date": "2027-01-31",
        "location": {"lat": 51.5, "lon": -0.12, "address": None, "borough": None},
        "radius_m": 80,
        "status": status,
        "created_at": NOW.isoformat(),
        "created_by": "supervisor",
        "updated_at": NOW.isoformat(),
        "updated_by": "supervisor",
    }


def test_a_warning_marker_is_drawn_with_its_radius_and_removed_when_retired(qapp: Any) -> None:
    store = _store()
    feed = MapFeed(store)
    diffs: list[dict[str, Any]] = []
    feed.diff_ready.connect(diffs.append)
    feed.start()
    store.apply(_event(2, "marker.created", {"changes": {"markers": [_marker()]}}))
    feed.flush()
    ring = diffs[-1]["upsert"]["warnings"]["m1"]
    assert (ring["r"], ring["lat"]) == (80, 51.5)
    assert ring["txt"].startswith("OFFICER SAFETY: Violent towards police")
    retired = _marker("retired", 2)
    store.apply(_event(3, "marker.retired", {"changes": {"markers": [retired]}}))
    feed.flush()
    assert diffs[-1]["remove"] == {"warnings": ["m1"]}
