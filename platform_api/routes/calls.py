"""Call commands over HTTP."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from platform_api.auth import Authorised
from platform_api.contract import CallClose, CallCreate, CallLink, IncidentCreate
from platform_api.roles import Right, may
from platform_api.routes.deps import (
    COMMAND,
    EntityId,
    IdempotencyHeader,
    IfMatchHeader,
    IfMatchRequired,
    optional_version,
    required_version,
    run_command,
)
from platform_api.services import calls

router = APIRouter(prefix="/v1/calls", tags=["calls"])


@router.post("", status_code=201, **COMMAND)
def receive_call(
    request: Request, body: CallCreate, user: Authorised, key: IdempotencyHeader = None
) -> Response:
    """A call arrives from the telephony gateway (or is keyed in by a call-taker)."""
    return run_command(
        request, user, key, lambda ctx: calls.receive(ctx, body), body=body, status_code=201
    )


@router.post("/{call_id}/answer", **COMMAND)
def answer_call(
    request: Request,
    call_id: EntityId,
    user: Authorised,
    if_match: IfMatchRequired,
    key: IdempotencyHeader = None,
) -> Response:
    """Take a queued call for this operator; a second operator gets 409 naming the first."""
    version = required_version(if_match)
    return run_command(
        request, user, key, lambda ctx: calls.answer(ctx, call_id, version), if_match=version
    )


@router.post("/{call_id}/abandon", **COMMAND)
def abandon_call(
    request: Request,
    call_id: EntityId,
    user: Authorised,
    if_match: IfMatchHeader = None,
    key: IdempotencyHeader = None,
) -> Response:
    """The caller hung up before an answer. If-Match is optional: a hang-up is a fact."""
    version = optional_version(if_match)
    return run_command(
        request, user, key, lambda ctx: calls.abandon(ctx, call_id, version), if_match=version
    )


@router.post("/{call_id}/close", **COMMAND)
def close_call(
    request: Request,
    call_id: EntityId,
    body: CallClose,
    user: Authorised,
    if_match: IfMatchRequired,
    key: IdempotencyHeader = None,
) -> Response:
    """Finish an answered call that needs no incident."""
    version = required_version(if_match)
    return run_command(
        request,
        user,
        key,
        lambda ctx: calls.close(
            ctx, call_id, version, body.reason, others=may(user.role, Right.CLOSE_OTHERS_CALL)
        ),
        body=body,
        if_match=version,
    )


@router.post("/{call_id}/incident", status_code=201, **COMMAND)
def raise_incident(
    request: Request,
    call_id: EntityId,
    body: IncidentCreate,
    user: Authorised,
    if_match: IfMatchRequired,
    key: IdempotencyHeader = None,
) -> Response:
    """Create an incident from an answered call (If-Match: the call's version)."""
    version = required_version(if_match)
    prefix: str | None = request.app.state.reference_prefix
    return run_command(
        request,
        user,
        key,
        lambda ctx: calls.create_incident(ctx, call_id, version, body, prefix),
        body=body,
        if_match=version,
        status_code=201,
    )


@router.post("/{call_id}/link", **COMMAND)
def link_call(
    request: Request,
    call_id: EntityId,
    body: CallLink,
    user: Authorised,
    if_match: IfMatchRequired,
    key: IdempotencyHeader = None,
) -> Response:
    """Link an answered call to an existing open incident (a duplicate report)."""
    version = required_version(if_match)
    return run_command(
        request,
        user,
        key,
        lambda ctx: calls.link(ctx, call_id, version, body.incident_id),
        body=body,
        if_match=version,
    )
