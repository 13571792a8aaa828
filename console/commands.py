"""Operator commands as `Command`s: the one place that knows the platform's paths.

Each body is one of the contract's schemas (`IncidentCreate`, `GradeUpdate`, ...), so a field
the platform would refuse is caught here, and the console and the server cannot disagree
about a name. Widgets and the command line build commands here and hand them to the command
service (`console.command_service`), which says how each one is sent.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

from pydantic import BaseModel

from console.client import Command
from console.grades import WORD
from platform_api.contract import (
    AssignmentCreate,
    CallLink,
    CallPublic,
    Grade,
    GradeUpdate,
    IncidentCreate,
    IncidentPublic,
    LogEntryCreate,
    Reallocation,
    StandDown,
    UnitPublic,
    UnitStatus,
    UnitStatusUpdate,
)


class _Empty(BaseModel):
    """The body of a command that carries nothing but its path and If-Match."""


def _body(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json", exclude_none=True)


def answer(call: CallPublic) -> Command:
    return Command(
        path=f"/v1/calls/{call.id}/answer",
        body=_body(_Empty()),
        label=f"Answer {call.line.value} call from {call.caller_number}",
        if_match=call.version,
    )


def raise_incident(call: CallPublic | None, body: IncidentCreate) -> Command:
    """A new incident: from an answered call (If-Match its version), or a walk-in."""
    what = f"{body.opening_classification} ({WORD[body.grade]})"
    if call is None:
        return Command(path="/v1/incidents", body=_body(body), label=f"New incident: {what}")
    return Command(
        path=f"/v1/calls/{call.id}/incident",
        body=_body(body),
        label=f"New incident from {call.caller_number}: {what}",
        if_match=call.version,
    )


def link_call(call: CallPublic, incident: IncidentPublic) -> Command:
    return Command(
        path=f"/v1/calls/{call.id}/link",
        body=_body(CallLink(incident_id=incident.id)),
        label=f"Link call from {call.caller_number} to {incident.reference}",
        if_match=call.version,
    )


def grade(incident: IncidentPublic, new_grade: Grade, reason: str | None = None) -> Command:
    return Command(
        path=f"/v1/incidents/{incident.id}/grade",
        body=_body(GradeUpdate(grade=new_grade, reason=reason or None)),
        label=f"Grade {incident.reference} {WORD[new_grade]}",
        if_match=incident.version,
    )


def add_log(incident: IncidentPublic, text: str) -> Command:
    """Log lines carry no If-Match: appending never overwrites anyone's work."""
    short = text if len(text) <= 40 else text[:39] + "…"
    return Command(
        path=f"/v1/incidents/{incident.id}/log",
        body=_body(LogEntryCreate(text=text)),
        label=f"Log on {incident.reference}: {short}",
    )


def crosses_border(unit: UnitPublic, incident: IncidentPublic) -> bool:
    """A unit of one force for the other force's incident (two forces on one platform)."""
    return unit.force is not None and incident.force is not None and unit.force != incident.force


def force_name(code: str | None) -> str:
    """A force's code as words ("thames-valley": "Thames Valley")."""
    return (code or "no force").replace("-", " ").title()


def assign(unit: UnitPublic, incident: IncidentPublic, reason: str | None = None) -> Command:
    """Dispatch; across the force border the platform needs a reason, so without one the
    command asks for it first (`Command.needs_reason`, the command service's
    `reason_needed`)."""
    question = None
    if crosses_border(unit, incident) and not reason:
        question = (
            f"{unit.callsign} is {force_name(unit.force)}'s; {incident.reference} is "
            f"{force_name(incident.force)}'s. Why send it across the border?"
        )
    border = " (across the border)" if crosses_border(unit, incident) else ""
    return Command(
        path=f"/v1/units/{unit.id}/assign",
        body=_body(AssignmentCreate(incident_id=incident.id, reason=reason or None)),
        label=f"Assign {unit.callsign} to {incident.reference}{border}",
        if_match=unit.version,
        needs_reason=question,
    )


def with_reason(command: Command, reason: str) -> Command:
    """The command, with the operator's answer to its question, ready to send."""
    return replace(
        command, body={**command.body, "reason": reason}, needs_reason=None, key=uuid.uuid4().hex
    )


def set_status(unit: UnitPublic, status: UnitStatus) -> Command:
    return Command(
        path=f"/v1/units/{unit.id}/status",
        body=_body(UnitStatusUpdate(status=status)),
        label=f"{unit.callsign} {status.value.replace('_', ' ')}",
        if_match=unit.version,
    )


def stand_down(
    unit: UnitPublic, reason: str | None = None, incident: IncidentPublic | None = None
) -> Command:
    target = "" if incident is None else f" from {incident.reference}"
    return Command(
        path=f"/v1/units/{unit.id}/stand-down",
        body=_body(StandDown(reason=reason or None)),
        label=f"Stand down {unit.callsign}{target}",
        if_match=unit.version,
    )


def reallocate(unit: UnitPublic, incident: IncidentPublic, reason: str) -> Command:
    return Command(
        path=f"/v1/units/{unit.id}/reallocate",
        body=_body(Reallocation(incident_id=incident.id, reason=reason)),
        label=f"Reallocate {unit.callsign} to {incident.reference}",
        if_match=unit.version,
    )
