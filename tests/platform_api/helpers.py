"""Builders for test worlds: a call, an incident, a unit, made through the real API."""

from __future__ import annotations

from typing import Any

WESTMINSTER = {"lat": 51.5007, "lon": -0.1246, "address": "Parliament Square, SW1"}
LAMBETH = {"lat": 51.4613, "lon": -0.1156, "address": "Brixton Road, SW9"}
# in the two forces of the hampshire-thames-valley pack
READING = {"lat": 51.4543, "lon": -0.9781, "address": "Broad Street, Reading"}  # Thames Valley
WINCHESTER = {"lat": 51.0632, "lon": -1.3080, "address": "High Street, Winchester"}  # Hampshire


def first(result: dict[str, Any], kind: str) -> dict[str, Any]:
    item: dict[str, Any] = result["changes"][kind][0]
    return item


def make_call(gateway: Any, line: str = "999", **extra: Any) -> dict[str, Any]:
    body = {"line": line, "caller_number": "07700 900123", **extra}
    return first(gateway.ok("/v1/calls", body), "calls")


def answered_call(gateway: Any, calltaker: Any, line: str = "999") -> dict[str, Any]:
    call = make_call(gateway, line)
    return first(calltaker.ok(f"/v1/calls/{call['id']}/answer", version=call["version"]), "calls")


def incident_body(
    location: dict[str, Any] | None = None, grade: str = "immediate"
) -> dict[str, Any]:
    return {
        "opening_classification": "Violence",
        "grade": grade,
        "location": location or WESTMINSTER,
        "thrive": {"threat": "knife seen", "vulnerability": "caller is 15"},
        "narrative": "Caller reports a fight outside the station.",
    }


def make_incident(gateway: Any, calltaker: Any, **kw: Any) -> dict[str, Any]:
    call = answered_call(gateway, calltaker)
    result = calltaker.ok(
        f"/v1/calls/{call['id']}/incident", incident_body(**kw), version=call["version"]
    )
    return first(result, "incidents")


def make_unit(
    gateway: Any,
    callsign: str = "CW11",
    unit_type: str = "response_car",
    capabilities: list[str] | None = None,
    at: dict[str, Any] | None = None,
) -> dict[str, Any]:
    pos = at or WESTMINSTER
    body = {
        "callsign": callsign,
        "type": unit_type,
        "capabilities": capabilities or [],
        "home_station": "Charing Cross",
        "position": {"lat": pos["lat"], "lon": pos["lon"]},
    }
    return first(gateway.ok("/v1/units", body), "units")


def assign(dispatcher: Any, unit: dict[str, Any], incident: dict[str, Any]) -> dict[str, Any]:
    """Dispatch `unit` (at its current version) to `incident`; the command's whole result."""
    result: dict[str, Any] = dispatcher.ok(
        f"/v1/units/{unit['id']}/assign", {"incident_id": incident["id"]}, version=unit["version"]
    )
    return result
