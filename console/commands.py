"""Operator commands as `Command`s: one place that knows the platform's paths and bodies.

Widgets and the command line build commands here and hand them to the outbox (or send them
directly when the operator must know at once, e.g. answering a call).
"""

from __future__ import annotations

from typing import Any

from console.client import Command
from console.grades import WORD
from platform_api.contract import (
    CallPublic,
    Grade,
    IncidentPublic,
    UnitPublic,
    UnitStatus,
)


def answer(call: CallPublic) -> Command:
    return Command(
        path=f"/v1/calls/{call.id}/answer",
        body={},
        label=f"Answer {call.line.value} call from {call.caller_number}",
        if_match=call.version,
    )


def raise_incident(call: CallPublic | None, body: dict[str, Any]) -> Command:
    """A new incident: from an answered call (If-Match its version), or a walk-in."""
    what = f"{body['opening_classification']} ({WORD[Grade(body['grade'])]})"
    if call is None:
        return Command(path="/v1/incidents", body=body, label=f"New incident: {what}")
    return Command(
        path=f"/v1/calls/{call.id}/incident",
        body=body,
        label=f"New incident from {call.caller_number}: {what}",
        if_match=call.version,
    )


def link_call(call: CallPublic, incident: IncidentPublic) -> Command:
    return Command(
        path=f"/v1/calls/{call.id}/link",
        body={"incident_id": incident.id},
        label=f"Link call from {call.caller_number} to {incident.reference}",
        if_match=call.version,
    )


def grade(incident: IncidentPublic, new_grade: Grade, reason: str | None = None) -> Command:
    body: dict[str, Any] = {"grade": new_grade.value}
    if reason:
        body["reason"] = reason
    return Command(
        path=f"/v1/incidents/{incident.id}/grade",
        body=body,
        label=f"Grade {incident.reference} {WORD[new_grade]}",
        if_match=incident.version,
    )


def add_log(incident: IncidentPublic, text: str) -> Command:
    """Log lines carry no If-Match: appending never overwrites anyone's work."""
    short = text if len(text) <= 40 else text[:39] + "…"
    return Command(
        path=f"/v1/incidents/{incident.id}/log",
        body={"text": text},
        label=f"Log on {incident.reference}: {short}",
    )


def assign(unit: UnitPublic, incident: IncidentPublic) -> Command:
    return Command(
        path=f"/v1/units/{unit.id}/assign",
        body={"incident_id": incident.id},
        label=f"Assign {unit.callsign} to {incident.reference}",
        if_match=unit.version,
    )


def set_status(unit: UnitPublic, status: UnitStatus) -> Command:
    return Command(
        path=f"/v1/units/{unit.id}/status",
        body={"status": status.value},
        label=f"{unit.callsign} {status.value.replace('_', ' ')}",
        if_match=unit.version,
    )


def stand_down(unit: UnitPublic, reason: str | None = None) -> Command:
    return Command(
        path=f"/v1/units/{unit.id}/stand-down",
        body={"reason": reason} if reason else {},
        label=f"Stand down {unit.callsign}",
        if_match=unit.version,
    )


def reallocate(unit: UnitPublic, incident: IncidentPublic, reason: str) -> Command:
    return Command(
        path=f"/v1/units/{unit.id}/reallocate",
        body={"incident_id": incident.id, "reason": reason},
        label=f"Reallocate {unit.callsign} to {incident.reference}",
        if_match=unit.version,
    )
