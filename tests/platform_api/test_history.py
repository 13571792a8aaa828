"""History at answering over real HTTP: incidents near the place in the last year, earlier
calls from the number with their results, read through indexes on a generated year."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text

from platform_api.contract.geodesy import haversine_m
from platform_api.db.engine import make_engine
from platform_api.embedded import EmbeddedPlatform
from tests.databases import on_postgres
from tests.platform_api.helpers import WESTMINSTER, answered_call, incident_body, make_call
from tests.yeargen import generate_year

NEAR = {"lat": 51.5010, "lon": -0.1250, "address": "Parliament Street"}  # 40 m away


def test_a_place_and_a_number_bring_their_history(
    gateway: Any, calltaker: Any, dispatcher: Any
) -> None:
    call = answered_call(gateway, calltaker)
    made = calltaker.ok(
        f"/v1/calls/{call['id']}/incident", incident_body(NEAR), version=call["version"]
    )
    incident = made["changes"]["incidents"][0]
    dispatcher.ok(
        f"/v1/incidents/{incident['id']}/close",
        {"closing_classification": "Violence: arrest made"},
        version=incident["version"],
    )
    make_call(gateway, caller_number="07700 111222")  # another number: not listed
    again = make_call(gateway)  # the same number rings again
    found = calltaker.get(
        "/v1/history",
        lat=WESTMINSTER["lat"],
        lon=WESTMINSTER["lon"],
        caller_number="07700 900123",
        exclude_call_id=again["id"],
    )
    assert [i["reference"] for i in found["incidents"]] == [incident["reference"]]
    assert 30 < found["incidents"][0]["distance_m"] < 50
    assert found["incidents"][0]["closing_classification"] == "Violence: arrest made"
    assert [c["id"] for c in found["calls"]] == [call["id"]]
    assert found["calls"][0]["result"] == f"{incident['reference']}: Violence: arrest made"
    far = calltaker.get("/v1/history", lat=51.55, lon=-0.05)
    assert far["incidents"] == [] and far["calls"] == []


def test_half_a_place_is_refused(calltaker: Any) -> None:
    response = calltaker.client.get("/v1/history", params={"lat": 51.5})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "lon"


@pytest.mark.skipif(on_postgres(), reason="reads SQLite's EXPLAIN QUERY PLAN")
def test_a_year_of_incidents_is_searched_through_the_indexes(
    platform: EmbeddedPlatform, calltaker: Any
) -> None:
    now = datetime.now(UTC)
    engine = make_engine(platform.settings.db_url)
    generate_year(engine, now, 20_000, days=400)
    centre = (51.5007, -0.1246)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT lat, lon, created_at FROM incidents WHERE created_by = 'generated'")
        ).all()
        cutoff = (now - timedelta(days=365)).replace(tzinfo=None)
        expected = sum(
            1
            for lat, lon, created in rows
            if haversine_m(centre[0], centre[1], lat, lon) <= 1000
            and datetime.fromisoformat(str(created)) >= cutoff
        )
        plan = " ".join(
            str(r[-1])
            for r in conn.execute(
                text(
                    "EXPLAIN QUERY PLAN SELECT id FROM incidents WHERE cell IN (1, 2) "
                    "AND created_at >= '2026-01-01'"
                )
            )
        )
        call_plan = " ".join(
            str(r[-1])
            for r in conn.execute(
                text(
                    "EXPLAIN QUERY PLAN SELECT id FROM calls WHERE caller_number = 'x' "
                    "AND received_at >= '2026-01-01' ORDER BY received_at DESC"
                )
            )
        )
    engine.dispose()
    assert "ix_incidents_cell_created" in plan
    assert "ix_calls_caller_received" in call_plan
    found = calltaker.get("/v1/history", lat=centre[0], lon=centre[1], radius_m=1000)
    assert expected > 0
    assert len(found["incidents"]) == min(expected, 50)
    assert all(i["distance_m"] <= 1000 for i in found["incidents"])
    times = [i["created_at"] for i in found["incidents"]]
    assert times == sorted(times, reverse=True)
