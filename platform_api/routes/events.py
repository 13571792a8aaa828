"""The event log over HTTP: a Server-Sent Events stream, or JSON pages for export.

`GET /v1/events` with `Accept: text/event-stream` streams from `Last-Event-ID` (or
`?after=`, or the head): first the backlog from the log, then live events, with no gap
and no duplicate. The stream subscribes to live events *before* reading the backlog and
skips any seq it has already sent, so an event committed while the backlog is being
read is delivered exactly once. Without that Accept header the same URL returns a page.

A stream ends on purpose with one `event: error` (no id): `unauthenticated` when its
session ends (platform_api/sessions.py), `gap` when a seq is missing from the log, which
it never skips in silence, and `unavailable` when the database fails under it (a failover):
the client resumes from its last seq, here or on another instance.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncGenerator
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session

from platform_api import audit, read_log
from platform_api.auth import Authorised, BearerToken
from platform_api.contract import CallerReadPublic, ChainReport, EventPage
from platform_api.errors import Conflict, Invalid
from platform_api.eventlog import head_seq, read_events, wire_json
from platform_api.fanout import Broadcaster, Framed, framed
from platform_api.routes.deps import ERRORS, settings_of
from platform_api.sessions import StreamSession
from platform_api.sse import EventStream

router = APIRouter(prefix="/v1", tags=["events"])
log = logging.getLogger(__name__)

CATCH_UP_BATCH = 500
COALESCE_MAX = 64  # queued events one write may carry
SEND_TIMEOUT_S = 30.0  # a write stuck this long (a client that stopped reading) ends it
PAGE_LIMIT_MAX = 10_000  # Settings.page_limit_max may lower it


def _read_wire(request: Request, after: int, limit: int) -> tuple[list[tuple[int, str, str]], int]:
    with Session(request.app.state.engine) as session, session.begin():
        rows = read_events(session, after, limit)
        return [(r.seq, r.type, wire_json(r)) for r in rows], head_seq(session)


def _start_seq(last_event_id: str | None, after: int | None) -> int | None:
    if last_event_id is not None:
        text = last_event_id.strip()
        # ASCII digits only: `str.isdigit()` is also true of "²", which `int()` refuses.
        if not (text.isascii() and text.isdigit()) or len(text) > 15:
            raise Invalid("Last-Event-ID must be an event seq", field="Last-Event-ID")
        return int(text)
    return after


@router.get(
    "/events",
    response_model=EventPage,
    responses={**ERRORS, 200: {"content": {"text/event-stream": {}}}},
)
async def events(
    request: Request,
    user: Authorised,
    token: BearerToken,
    after: Annotated[int | None, Query(ge=0, le=10**15)] = None,
    limit: Annotated[int | None, Query(ge=1, le=PAGE_LIMIT_MAX)] = None,
    last_event_id: Annotated[
        str | None,
        Header(
            alias="Last-Event-ID",
            pattern=r"^[0-9]{1,15}$",
            description="resume after this seq (wins over `after`); a seq beyond the log's "
            "end is a 409: the log was replaced, bootstrap again",
        ),
    ] = None,
) -> Response:
    """The log after a seq: a page of JSON, or with `Accept: text/event-stream` a stream."""
    start = _start_seq(last_event_id, after)
    settings = settings_of(request)
    if "text/event-stream" in request.headers.get("accept", ""):
        return await _stream(request, start, token, user.username)
    max_limit = settings.page_limit_max
    if limit is not None and limit > max_limit:
        raise Invalid(f"limit may be at most {max_limit}", field="limit")
    rows, head = await run_in_threadpool(_read_wire, request, start or 0, limit or 1000)
    await _log_reads(request, user.username, [w for _, _, w in rows], "GET /v1/events")
    next_after = rows[-1][0] if rows else (start or 0)
    events_json = ",".join(w for _, _, w in rows)
    body = f'{{"events":[{events_json}],"next_after":{next_after},"head_seq":{head}}}'
    return Response(body, media_type="application/json")


async def _stream(request: Request, start: int | None, token: str, username: str) -> Response:
    broadcaster: Broadcaster = request.app.state.broadcaster
    _, head = await run_in_threadpool(_read_wire, request, 0, 0)
    if start is None:
        start = head
    elif start > head:
        raise Conflict(
            f"seq {start} is beyond the end of the log ({head}); bootstrap again",
            field="Last-Event-ID",
        )
    settings = settings_of(request)
    stream_session = await run_in_threadpool(
        StreamSession,
        request.app.state.engine,
        token,
        request.app.state.revoked_tokens,
        request.app.state.stream_checks,
    )
    return EventStream(
        _ending_when_the_database_fails(
            _generate(request, broadcaster, start, stream_session, username)
        ),
        ping_s=settings.sse_ping_s,
        send_timeout_s=SEND_TIMEOUT_S,
    )


def _error_event(code: str, message: str) -> bytes:
    """The last event of a stream that ends on purpose; no id, so no client resumes at it."""
    body = {"error": {"code": code, "message": message, "field": None}}
    return f"event: error\r\ndata: {json.dumps(body)}\r\n\r\n".encode()


async def _ending_when_the_database_fails(
    events: AsyncGenerator[bytes, None],
) -> AsyncGenerator[bytes, None]:
    """`events`, ended by an `unavailable` error event if the database fails under them.

    The response has started, so no error status can be sent any more: without this the
    failure escaped to the error handlers, which logged three tracebacks per stream in a
    failover and cut the connection with no word to the client."""
    try:
        async for event in events:
            yield event
    except (sa_exc.OperationalError, sa_exc.InterfaceError) as exc:
        log.warning("an event stream ended: the database failed (%s)", exc.orig or exc)
        yield _error_event(
            "unavailable", "the database is unavailable: resume from your last event"
        )
    finally:
        await events.aclose()  # closed with this one: its `finally` unsubscribes now


async def _session_ended(session: StreamSession) -> str | None:
    reason = session.ended_here()
    if reason is None and session.database_check_due():
        reason = await run_in_threadpool(session.ended_in_database)
    return reason


async def _log_reads(request: Request, username: str, wires: list[str], via: str) -> None:
    """Log the callers whose details these events carry (platform_api.read_log)."""
    ids = [i for wire in wires for i in read_log.calls_in_wire(wire)]
    if ids:
        await run_in_threadpool(read_log.record, request.app.state.engine, username, ids, via)


async def _log_caller_reads(request: Request, username: str, events: list[Framed]) -> None:
    """The stream's read log: the callers these events carry, found once per event."""
    ids = [i for event in events for i in event.callers]
    if ids:
        engine = request.app.state.engine
        await run_in_threadpool(read_log.record, engine, username, ids, "event stream")


async def _generate(
    request: Request,
    broadcaster: Broadcaster,
    last: int,
    session: StreamSession,
    username: str,
) -> AsyncGenerator[bytes, None]:
    """The stream's frames: events as bytes framed once (platform_api.fanout), or a last
    `error` event."""
    sub = broadcaster.subscribe()  # before reading the backlog: see the module docstring
    session.open()
    try:
        while True:
            # Catch up from the log until it has nothing newer than what the queue will bring.
            while True:
                rows, _ = await run_in_threadpool(_read_wire, request, last, CATCH_UP_BATCH)
                if (ended := await _session_ended(session)) is not None:
                    yield _error_event("unauthenticated", ended)
                    return
                backlog = [framed(seq, type_, wire) for seq, type_, wire in rows]
                await _log_caller_reads(request, username, backlog)
                frames: list[bytes] = []
                for event in backlog:
                    if event.seq != last + 1:  # a row is missing: never skip it in silence
                        if frames:
                            yield b"".join(frames)
                        yield _error_event(
                            "gap", f"event {last + 1} is missing from the log; run verify"
                        )
                        return
                    frames.append(event.frame)
                    last = event.seq
                if frames:
                    yield b"".join(frames)  # the backlog in one write
                if len(rows) < CATCH_UP_BATCH:
                    break
            # Live: events arrive in seq order; anything unexpected sends us back to the log.
            held: list[Framed | None] = []  # taken from the queue, not yet handled
            while True:
                if held:
                    item = held.pop()
                elif not sub.empty() or await sub.wait(session.seconds_to_next_check()):
                    item = sub.get_nowait()
                else:
                    item = None  # time to check the session
                if (ended := await _session_ended(session)) is not None:
                    yield _error_event("unauthenticated", ended)
                    return
                if item is None:
                    if sub.closed:
                        return
                    if sub.lagging:
                        sub.recover()
                        break
                    continue
                if item.seq <= last:
                    continue
                if item.seq != last + 1:
                    break
                # A stream that fell behind sends what is queued in one write, not one each.
                ready = [item]
                while len(ready) < COALESCE_MAX and not sub.empty():
                    follower = sub.get_nowait()
                    if follower is None or follower.seq != ready[-1].seq + 1:
                        held.append(follower)
                        break
                    ready.append(follower)
                if any(event.callers for event in ready):
                    await _log_caller_reads(request, username, ready)
                yield item.frame if len(ready) == 1 else b"".join(e.frame for e in ready)
                last = ready[-1].seq
    finally:
        broadcaster.unsubscribe(sub)
        session.close()


@router.get("/audit/verify", response_model=ChainReport, responses=ERRORS)
def verify(request: Request, user: Authorised) -> ChainReport:
    """Recompute the hash chain, compare the projections with the folded log and check the
    signed checkpoints (supervisors, trainers, admin)."""
    settings = settings_of(request)
    key, checkpoints = settings.anchor_key_file, settings.anchor_file
    with Session(request.app.state.engine) as session, session.begin():
        if key and checkpoints:
            return audit.verify(session, Path(checkpoints), Path(key))
        return audit.verify(session)


@router.get("/audit/reads", response_model=list[CallerReadPublic], responses=ERRORS)
def caller_reads(
    request: Request,
    user: Authorised,
    call_id: Annotated[str | None, Query(max_length=64, pattern=r"^[A-Za-z0-9_:-]+$")] = None,
    username: Annotated[str | None, Query(max_length=64, pattern=r"^[a-z0-9_.-]+$")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[CallerReadPublic]:
    """Who read callers' details, newest first; by call and/or by user (auditors)."""
    return read_log.reads(request.app.state.engine, call_id, username, limit)
