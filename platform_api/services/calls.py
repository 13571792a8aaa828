"""Call commands: receive (telephony gateway), answer, abandon, close, link, raise incident.

Call and incident rows are read and written with Core statements (`services.snapshots`):
every 999 call is received, answered and closed, so these are on the hot path.
"""

from __future__ import annotations

import uuid

from sqlalchemy import insert

from platform_api.contract import CallCreate, CallState, IncidentAppended, IncidentCreate
from platform_api.db.models import CallRow, IncidentRow
from platform_api.errors import Conflict, Forbidden
from platform_api.eventlog import CommandContext
from platform_api.services.incidents import new_incident
from platform_api.services.snapshots import load, save
from platform_api.services.views import call_public, check_version, incident_fields

_CALL_INSERT = insert(CallRow.metadata.tables[CallRow.__tablename__])


def receive(ctx: CommandContext, body: CallCreate) -> None:
    aml = body.handset_location
    values = dict(
        id=uuid.uuid4().hex,
        version=1,
        line=body.line.value,
        caller_number=body.caller_number,
        caller_name=body.caller_name,
        aml_lat=aml.lat if aml else None,
        aml_lon=aml.lon if aml else None,
        aml_accuracy_m=aml.accuracy_m if aml else None,
        state=CallState.QUEUED.value,
        received_at=ctx.now,
        answered_at=None,
        answered_by=None,
        ended_at=None,
        incident_id=None,
    )
    ctx.session.connection().execute(_CALL_INSERT, values)
    row = CallRow(**values)
    ctx.emit("call.received", "call", row.id, changes={"calls": [call_public(row)]})


def _require_state(row: CallRow, *states: CallState, doing: str) -> None:
    if row.state not in {s.value for s in states}:
        who = (
            f" by {row.answered_by}"
            if row.state == CallState.ANSWERED.value and row.answered_by
            else ""
        )
        raise Conflict(
            f"cannot {doing}: the call is {row.state}{who}",
            field="state",
            current_version=row.version,
        )


def answer(ctx: CommandContext, call_id: str, if_match: int) -> None:
    row = load(ctx.session, CallRow, call_id)
    # State before version: the operator who lost the race should hear "answered by X".
    _require_state(row, CallState.QUEUED, doing="answer it")
    check_version(row, if_match)
    save(
        ctx.session,
        row,
        state=CallState.ANSWERED.value,
        answered_at=ctx.now,
        answered_by=ctx.actor,
        version=row.version + 1,
    )
    ctx.emit("call.answered", "call", row.id, changes={"calls": [call_public(row)]})


def abandon(ctx: CommandContext, call_id: str, if_match: int | None) -> None:
    """The caller hung up before an answer (the gateway tells us)."""
    row = load(ctx.session, CallRow, call_id)
    _require_state(row, CallState.QUEUED, doing="abandon it")
    if if_match is not None:
        check_version(row, if_match)
    save(
        ctx.session,
        row,
        state=CallState.ABANDONED.value,
        ended_at=ctx.now,
        version=row.version + 1,
    )
    ctx.emit("call.abandoned", "call", row.id, changes={"calls": [call_public(row)]})


def close(
    ctx: CommandContext, call_id: str, if_match: int, reason: str | None, *, others: bool
) -> None:
    """Finish an answered call that needs no incident (advice given, wrong number...).

    Only the operator who answered it closes it, unless `others` (a supervisor's right).
    """
    row = load(ctx.session, CallRow, call_id)
    _require_state(row, CallState.ANSWERED, doing="close it")
    if row.answered_by != ctx.actor and not others:
        raise Forbidden(
            f"the call was answered by {row.answered_by}: only they or a supervisor may close it"
        )
    check_version(row, if_match)
    _finish(ctx, row)
    ctx.emit("call.closed", "call", row.id, changes={"calls": [call_public(row)]}, reason=reason)


def _finish(ctx: CommandContext, row: CallRow, incident_id: str | None = None) -> None:
    save(
        ctx.session,
        row,
        state=CallState.CLOSED.value,
        ended_at=ctx.now,
        incident_id=incident_id,
        version=row.version + 1,
    )


def create_incident(
    ctx: CommandContext, call_id: str, if_match: int, body: IncidentCreate, prefix: str | None
) -> None:
    """Raise a new incident from an answered call; the call is closed and linked to it."""
    call = load(ctx.session, CallRow, call_id)
    _require_state(call, CallState.ANSWERED, doing="raise an incident from it")
    check_version(call, if_match)
    incident, entries = new_incident(ctx, body, prefix)
    _finish(ctx, call, incident.id)
    ctx.emit(
        "incident.created",
        "incident",
        incident.id,
        changes={"incidents": [incident_fields(incident)], "calls": [call_public(call)]},
        appended={"incidents": {incident.id: IncidentAppended(call_ids=[call.id], log=entries)}},
        call_id=call.id,
    )


def link(ctx: CommandContext, call_id: str, if_match: int, incident_id: str) -> None:
    """Attach an answered call to an existing open incident (a duplicate report)."""
    call = load(ctx.session, CallRow, call_id)
    _require_state(call, CallState.ANSWERED, doing="link it")
    check_version(call, if_match)
    incident = load(ctx.session, IncidentRow, incident_id, field="incident_id")
    if incident.status != "open":
        raise Conflict(
            f"incident {incident.reference} is closed; raise a new one",
            field="incident_id",
            current_version=incident.version,
        )
    _finish(ctx, call, incident.id)
    save(ctx.session, incident, version=incident.version + 1)
    ctx.emit(
        "call.linked",
        "call",
        call.id,
        changes={"calls": [call_public(call)], "incidents": [incident_fields(incident)]},
        appended={"incidents": {incident.id: IncidentAppended(call_ids=[call.id])}},
        incident_id=incident.id,
    )
