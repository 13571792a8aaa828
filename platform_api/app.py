"""`create_app(settings)`: the one place that assembles the platform server."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Sequence

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from platform_api import auth
from platform_api.contract import ErrorBody, ErrorDetail
from platform_api.db.engine import make_engine, schema_head, upgrade, write_session
from platform_api.errors import PlatformError
from platform_api.eventlog import EventLog, WrittenEvent
from platform_api.fanout import Broadcaster
from platform_api.geocoding import make_geocoder
from platform_api.logs import log_request
from platform_api.metrics import Metrics
from platform_api.routes import auth as auth_routes
from platform_api.routes import (
    calls,
    events,
    geo,
    incidents,
    markers,
    ops,
    read,
    recordings,
    training,
    units,
)
from platform_api.settings import Settings

log = logging.getLogger(__name__)


def _error(status: int, code: str, message: str, field: str | None = None) -> JSONResponse:
    body = ErrorBody(error=ErrorDetail(code=code, message=message, field=field))
    return JSONResponse(body.model_dump(), status_code=status)


def _field_of(loc: Sequence[object]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:]
    out = ""
    for p in parts:
        out += f"[{p}]" if p.isdigit() else (f".{p}" if out else p)
    return out or "body"


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(PlatformError)
    async def _platform_error(request: Request, exc: PlatformError) -> JSONResponse:
        return JSONResponse(exc.body().model_dump(), status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        first = errors[0] if errors else {"loc": ("body",), "msg": "invalid request"}
        field = _field_of(first.get("loc", ()))
        return _error(422, "invalid", f"{field}: {first.get('msg', 'invalid')}", field)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "bad_request")
        return _error(exc.status_code, code, str(exc.detail))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return _error(500, "internal", "the platform failed; nothing was changed")


def create_app(settings: Settings) -> FastAPI:
    engine = make_engine(settings.db_url)
    upgrade(engine)
    if settings.demo_users:
        with write_session(engine) as session, session.begin():
            auth.ensure_demo_users(session)

    metrics = Metrics()
    broadcaster = Broadcaster(max_backlog=settings.sse_max_backlog)

    def publish(written: list[WrittenEvent]) -> None:
        broadcaster.publish(written)
        for event in written:
            metrics.events.labels(event.type).inc()
        if written:
            metrics.head_seq.set(written[-1].seq)

    app = FastAPI(
        title="Control-room platform API",
        version="1",
        description=(
            "Event-sourced CAD platform: bootstrap with GET /v1/state, then stream "
            "GET /v1/events from as_of_seq. Commands take Idempotency-Key and If-Match."
        ),
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.broadcaster = broadcaster
    app.state.metrics = metrics
    app.state.event_log = EventLog(engine, publish)
    app.state.geocoder = make_geocoder(settings)
    app.state.schema_head = schema_head()
    app.state.readiness = ops.readiness_state()
    _install_error_handlers(app)
    access_log = settings.access_log

    @app.middleware("http")
    async def _measure(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        start = time.perf_counter()
        response = await call_next(request)
        route = request.scope.get("route")
        path = getattr(route, "path", "unmatched")
        metrics.requests.labels(request.method, path, str(response.status_code)).inc()
        elapsed = time.perf_counter() - start
        metrics.latency.labels(request.method, path).observe(elapsed)
        if access_log:
            client = request.client.host if request.client else None
            log_request(request.method, request.url.path, response.status_code, elapsed, client)
        return response

    modules = (
        auth_routes,
        read,
        events,
        calls,
        incidents,
        units,
        markers,
        ops,
        geo,
        recordings,
        training,
    )
    for module in modules:
        app.include_router(module.router)
    return app
