"""Call commands over HTTP."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from platform_api.contract import CallClose, CallCreate, CallLink, IncidentCreate
from platform_api.roles import Right, may
from platform_api.routes.deps import (
    COMMAND,
    AppendCommand,
    EntityCommand,
    EntityId,
    NewCommand,
)
from platform_api.services import calls

router = APIRouter(prefix="/v1/calls", tags=["calls"])


@router.post("", status_code=201, **COMMAND)
async def receive_call(body: CallCreate, cmd: NewCommand) -> Response:
    """A call arrives from the telephony gateway (or is keyed in by a call-taker)."""
    return await cmd.run(lambda ctx: calls.receive(ctx, body), body)


@router.post("/{call_id}/answer", **COMMAND)
async def answer_call(call_id: EntityId, cmd: EntityCommand) -> Response:
    """Take a queued call for this operator; a second operator gets 409 naming the first."""
    return await cmd.run(lambda ctx: calls.answer(ctx, call_id, cmd.version))


@router.post("/{call_id}/abandon", **COMMAND)
async def abandon_call(call_id: EntityId, cmd: AppendCommand) -> Response:
    """The caller hung up before an answer. If-Match is optional: a hang-up is a fact."""
    return await cmd.run(lambda ctx: calls.abandon(ctx, call_id, cmd.if_match))


@router.post("/{call_id}/close", **COMMAND)
async def close_call(call_id: EntityId, body: CallClose, cmd: EntityCommand) -> Response:
    """Finish an answered call that needs no incident."""
    others = may(cmd.user.role, Right.CLOSE_OTHERS_CALL)
    return await cmd.run(
        lambda ctx: calls.close(ctx, call_id, cmd.version, body.reason, others=others), body
    )


@router.post("/{call_id}/incident", status_code=201, **COMMAND)
async def raise_incident(
    request: Request, call_id: EntityId, body: IncidentCreate, cmd: EntityCommand
) -> Response:
    """Create an incident from an answered call (If-Match: the call's version)."""
    prefix: str | None = request.app.state.reference_prefix
    return await cmd.run(
        lambda ctx: calls.create_incident(ctx, call_id, cmd.version, body, prefix), body
    )


@router.post("/{call_id}/link", **COMMAND)
async def link_call(call_id: EntityId, body: CallLink, cmd: EntityCommand) -> Response:
    """Link an answered call to an existing open incident (a duplicate report)."""
    return await cmd.run(lambda ctx: calls.link(ctx, call_id, cmd.version, body.incident_id), body)
