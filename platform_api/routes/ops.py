"""Operations: liveness with the log head, and Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel
from sqlalchemy.orm import Session

from platform_api.auth import metrics_reader
from platform_api.eventlog import head_seq
from platform_api.routes.deps import ERRORS

router = APIRouter(tags=["ops"])


class Health(BaseModel):
    status: str
    head_seq: int
    subscribers: int
    mode: str = "live"  # "training" on a training sandbox: consoles then show TRAINING


@router.get("/healthz", response_model=Health)
def healthz(request: Request) -> Health:
    """Answers only if the database does: a platform that cannot read its log is not healthy."""
    with Session(request.app.state.engine) as session, session.begin():
        seq = head_seq(session)
    mode = "training" if request.app.state.settings.training else "live"
    return Health(
        status="ok", head_seq=seq, subscribers=request.app.state.broadcaster.count, mode=mode
    )


@router.get(
    "/metrics",
    response_class=Response,
    dependencies=[Depends(metrics_reader)],
    responses={**ERRORS, 200: {"content": {CONTENT_TYPE_LATEST: {}}}},
)
def metrics(request: Request) -> Response:
    """Prometheus metrics: a bearer token is required (the scraper's, or a supervisor's)."""
    m = request.app.state.metrics
    m.subscribers.set(request.app.state.broadcaster.count)
    return Response(generate_latest(m.registry), media_type=CONTENT_TYPE_LATEST)
