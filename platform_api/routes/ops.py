"""Operations: liveness, readiness, and Prometheus metrics.

Two probes, because they answer different questions and an orchestrator acts differently
on each (Kubernetes' liveness and readiness probes, a load balancer's health check):

- `/livez`: the process is up and serving. It never touches the database, so a database
  outage does not make an orchestrator restart every instance (which would cure nothing
  and drop every console's event stream).
- `/readyz`: this instance can do its job: the database answers and its schema is at the
  migration this code expects. 503 otherwise, with the reason, so a load balancer sends
  requests elsewhere until it recovers. The reason names the kind of failure, never the
  database URL or the driver's message (which may name hosts and users).

`/healthz`, which older scripts and the console's sandbox read for `head_seq` and `mode`,
answers as `/readyz` does: it always read the database.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from platform_api.auth import metrics_reader
from platform_api.db.engine import schema_revision
from platform_api.eventlog import head_seq
from platform_api.routes.deps import ERRORS

router = APIRouter(tags=["ops"])
log = logging.getLogger(__name__)


class Live(BaseModel):
    status: str = "ok"
    subscribers: int
    mode: str = "live"  # "training" on a training sandbox: consoles then show TRAINING


class Health(BaseModel):
    """`/readyz` (and `/healthz`): `status` is "ok", or "unavailable" with the `reason`."""

    status: str
    head_seq: int | None = None
    subscribers: int
    mode: str = "live"
    schema_revision: str | None = None
    reason: str | None = None


class _Transitions:
    """Logs readiness when it changes, not on every probe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last: str | None = None  # ready until a probe finds otherwise

    def note(self, reason: str | None) -> None:
        with self._lock:
            if reason == self._last:
                return
            self._last = reason
        if reason is None:
            log.info("ready again: the database answers and is migrated")
        else:
            log.warning("not ready: %s", reason)


def _mode(request: Request) -> str:
    return "training" if request.app.state.settings.training else "live"


@router.get("/livez", response_model=Live)
def livez(request: Request) -> Live:
    """The process serves requests (the database is not consulted)."""
    return Live(subscribers=request.app.state.broadcaster.count, mode=_mode(request))


def _ready(request: Request) -> JSONResponse:
    state = request.app.state
    expected = state.schema_head
    transitions: _Transitions = state.readiness
    health = Health(status="ok", subscribers=state.broadcaster.count, mode=_mode(request))
    reason = None
    try:
        with Session(state.engine) as session, session.begin():
            health.schema_revision = schema_revision(session.connection())
            if health.schema_revision == expected:
                health.head_seq = head_seq(session)
    except SQLAlchemyError as exc:
        log.debug("readiness check failed", exc_info=True)
        reason = f"database unreachable ({type(exc).__name__})"
    else:
        if health.schema_revision != expected:
            reason = (
                f"database schema is at {health.schema_revision or 'nothing'}, this platform "
                f"needs {expected}: run the migrations"
            )
    transitions.note(reason)
    if reason is not None:
        health.status = "unavailable"
        health.reason = reason
        return JSONResponse(health.model_dump(), status_code=503)
    return JSONResponse(health.model_dump())


_UNREADY: dict[int | str, dict[str, Any]] = {
    503: {"model": Health, "description": "the database is down or unmigrated"}
}


@router.get("/readyz", response_model=Health, responses=_UNREADY)
def readyz(request: Request) -> JSONResponse:
    """The database answers and is migrated: 200, else 503 with the reason."""
    return _ready(request)


@router.get("/healthz", response_model=Health, responses=_UNREADY)
def healthz(request: Request) -> JSONResponse:
    """As `/readyz` (kept for existing clients; probes should use `/livez` and `/readyz`)."""
    return _ready(request)


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


def readiness_state() -> _Transitions:
    """What `create_app` keeps on `app.state.readiness`."""
    return _Transitions()
