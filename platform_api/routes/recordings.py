"""`GET /v1/recordings`: a window of the log as a recording, streamed as JSON Lines.

The header (with the initial state) is built before the first byte is sent, so bad bounds
are still a clean 422 naming the parameter; the events then stream a batch at a time.
Trainers, supervisors and admins may export (the same people who may verify the log).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse

from platform_api import read_log
from platform_api.auth import Authorised
from platform_api.contract import RecordingHeader
from platform_api.contract.wire_types import ZonedTime
from platform_api.db.engine import snapshot_session
from platform_api.export import Window, build_header, recording_chunks, resolve_window
from platform_api.routes.deps import ERRORS

router = APIRouter(prefix="/v1", tags=["recordings"])

MEDIA_TYPE = "application/x-ndjson"


def _prepare(
    request: Request,
    from_ts: datetime | None,
    to_ts: datetime | None,
    from_seq: int | None,
    to_seq: int | None,
) -> tuple[Window, RecordingHeader]:
    with snapshot_session(request.app.state.engine) as session, session.begin():
        window = resolve_window(
            session, from_ts=from_ts, to_ts=to_ts, from_seq=from_seq, to_seq=to_seq
        )
        source = f"platform {str(request.base_url).rstrip('/')}"
        return window, build_header(session, window, source, request.app.state.pack.id)


@router.get(
    "/recordings",
    responses={**ERRORS, 200: {"content": {MEDIA_TYPE: {}}}},
    response_class=StreamingResponse,
)
async def export_recording(
    request: Request,
    user: Authorised,
    from_ts: Annotated[ZonedTime | None, Query(alias="from")] = None,
    to_ts: Annotated[ZonedTime | None, Query(alias="to")] = None,
    from_seq: Annotated[int | None, Query(ge=1, le=10**15)] = None,
    to_seq: Annotated[int | None, Query(ge=0, le=10**15)] = None,
) -> StreamingResponse:
    """A recording of `from <= ts < to` (or of seqs `from_seq..to_seq`): header line, events."""
    window, header = await run_in_threadpool(_prepare, request, from_ts, to_ts, from_seq, to_seq)
    name = f"recording-{window.first_seq}-{window.last_seq}.jsonl"
    via = f"recording seq {window.first_seq}..{window.last_seq}"
    engine = request.app.state.engine
    await run_in_threadpool(read_log.record, engine, user.username, [], via, whole=True)
    return StreamingResponse(
        recording_chunks(request.app.state.engine, header, window),
        media_type=MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
