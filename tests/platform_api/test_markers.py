"""Warning markers over real HTTP: validated, kept by supervisors, every change an event,
shown with each incident they cover and given to each unit dispatched there."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from tests.platform_api.helpers import WESTMINSTER, first, make_incident, make_unit


def marker_body(**extra: Any) -> dict[str, Any]:
    # tomorrow as of the call, not of the import: a run across midnight made it today (due)
    tomorrow = (datetime.now(UTC).date() + timedelta(days=1)).isoformat()
    body = {
        "category": "officer_safety",
        "text": "Occupant violent towards police; knives kept in the kitchen",
        "source": "PNC warning signal, PC 1234",
        "review_date": tomorrow,
        "radius_m": 60,
        "location": {"lat": WESTMINSTER["lat"], "lon": WESTMINSTER["lon"]},
    }
    return body | extra


def test_a_supervisor_keeps_a_marker_and_every_change_is_an_event(supervisor: Any) -> None:
    created = supervisor.ok("/v1/markers", marker_body())
    assert created["type"] == "marker.created"
    marker = first(created, "markers")
    assert (marker["category"], marker["status"], marker["created_by"]) == (
        "officer_safety",
        "active",
        "supervisor",
    )
    revised = first(
        supervisor.ok(
            f"/v1/markers/{marker['id']}/revise",
            {"radius_m": 120, "text": "Violent towards police"},
            version=marker["version"],
        ),
        "markers",
    )
    assert (revised["radius_m"], revised["text"], revised["version"]) == (
        120,
        "Violent towards police",
        2,
    )
    assert [m["id"] for m in supervisor.get("/v1/state")["markers"]] == [marker["id"]]
    retired = supervisor.ok(
        f"/v1/markers/{marker['id']}/retire", {"reason": "occupant moved"}, version=2
    )
    assert first(retired, "markers")["status"] == "retired"
    assert supervisor.get("/v1/state")["markers"] == []
    types = [
        e["type"]
        for e in supervisor.get("/v1/events", limit=100)["events"]
        if e["entity_id"] == marker["id"]
    ]
    assert types == ["marker.created", "marker.revised", "marker.retired"]


def test_bad_markers_are_refused_with_the_field_named(supervisor: Any, dispatcher: Any) -> None:
    cases = [
        (marker_body(category="grumpy"), "category"),
        (marker_body(radius_m=5000), "radius_m"),
        (marker_body(review_date="soon"), "review_date"),
        (marker_body(review_date="9999-12-31"), "review_date"),  # never reviewed
        (marker_body(review_date="0001-01-01"), "review_date"),  # a typo
        ({k: v for k, v in marker_body().items() if k != "location"}, None),
        (marker_body(location=None, address="zzzz no such place qqqq"), "address"),
    ]
    for body, field in cases:
        response = supervisor.post("/v1/markers", body)
        assert response.status_code == 422, (body, response.text)
        if field is not None:
            assert field in (response.json()["error"]["field"] or ""), response.text
    assert dispatcher.post("/v1/markers", marker_body()).status_code == 403
    marker = first(supervisor.ok("/v1/markers", marker_body()), "markers")
    far = supervisor.post(
        f"/v1/markers/{marker['id']}/revise", {"review_date": "9999-12-31"},
        version=marker["version"],
    )
    assert far.status_code == 422 and far.json()["error"]["field"] == "review_date"


def test_a_marker_on_an_address_is_placed_by_the_platforms_geocoder(supervisor: Any) -> None:
    hit = supervisor.get("/v1/geo/search", q="Brixton")["results"][0]
    marker = first(
        supervisor.ok("/v1/markers", marker_body(location=None, address="Brixton")), "markers"
    )
    assert (marker["location"]["lat"], marker["location"]["lon"]) == (hit["lat"], hit["lon"])
    assert marker["location"]["address"] == "Brixton"


def test_a_unit_dispatched_within_a_markers_radius_gets_the_marker(
    gateway: Any, calltaker: Any, dispatcher: Any, supervisor: Any
) -> None:
    near = first(supervisor.ok("/v1/markers", marker_body()), "markers")
    supervisor.ok(
        "/v1/markers",
        marker_body(location={"lat": 51.52, "lon": -0.10}, text="somewhere else"),
    )
    incident = make_incident(gateway, calltaker)  # at Westminster, inside the 60 m
    unit = make_unit(gateway)
    sent = dispatcher.ok(
        f"/v1/units/{unit['id']}/assign", {"incident_id": incident["id"]}, version=unit["version"]
    )
    event = dispatcher.get("/v1/events", after=sent["seq"] - 1, limit=1)["events"][0]
    assert [m["id"] for m in event["payload"]["markers"]] == [near["id"]]
    briefing = gateway.get(f"/v1/incidents/{incident['id']}/markers")
    assert [m["text"] for m in briefing] == [near["text"]]


def test_markers_past_their_review_date_are_listed_for_supervisors(
    supervisor: Any, dispatcher: Any
) -> None:
    yesterday = (date.today() - timedelta(days=2)).isoformat()
    old = first(supervisor.ok("/v1/markers", marker_body(review_date=yesterday)), "markers")
    supervisor.ok("/v1/markers", marker_body())
    due = supervisor.get("/v1/markers/due")
    assert [m["id"] for m in due] == [old["id"]]
    assert dispatcher.client.get("/v1/markers/due").status_code == 403
