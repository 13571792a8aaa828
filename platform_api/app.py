"""`create_app(settings)`: the one place that assembles the platform server."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import NoMatchFound

from platform_api import auth, openapi
from platform_api.anchor import Checkpointer, wire_hash
from platform_api.contract import ErrorBody, ErrorDetail
from platform_api.db.engine import (
    is_current,
    is_postgres,
    make_engine,
    schema_head,
    seeding_session,
    upgrade,
)
from platform_api.errors import PlatformError, PreconditionRequired, TooManyAttempts
from platform_api.eventlog import EventLog, WrittenEvent
from platform_api.fanout import Broadcaster
from platform_api.forces import check_forces_belong, claim_unowned
from platform_api.geocoding import make_geocoder
from platform_api.group_commit import GroupCommitWriter
from platform_api.guards import BodyLimit, LastResort
from platform_api.metrics import MeasureRequests, Metrics
from platform_api.packs import load_pack
from platform_api.relay import LogRelay
from platform_api.roles import PUBLIC_ROUTES, ROUTE_RIGHTS
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
from platform_api.routes import pack as pack_routes
from platform_api.routes.deps import IF_MATCH_REQUIRED
from platform_api.sessions import RevokedTokens, StreamChecks
from platform_api.settings import Settings
from platform_api.token_cache import TokenCache

log = logging.getLogger(__name__)


class NotMigrated(RuntimeError):
    """`Settings(migrate=False)` on a database that `platform-api migrate` has not brought
    to the newest schema."""


def _error(
    status: int,
    code: str,
    message: str,
    field: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body = ErrorBody(error=ErrorDetail(code=code, message=message, field=field))
    return JSONResponse(body.model_dump(), status_code=status, headers=headers)


def _field_of(loc: Sequence[object]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:]
    out = ""
    for p in parts:
        out += f"[{p}]" if p.isdigit() else (f".{p}" if out else p)
    return out or "body"


def _field_with_nul(request: Request) -> str | None:
    for name, value in [*request.path_params.items(), *request.query_params.items()]:
        if "\x00" in str(value):
            return str(name)
    return None


def _data_message(exc: sa_exc.DataError) -> str:
    if "NUL" in str(exc.orig):
        return "text may not contain the NUL character (U+0000)"
    if "too long" in str(exc.orig):
        return "a text value is longer than the platform stores"
    return "a value is out of the range the platform stores"


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(PlatformError)
    async def _platform_error(request: Request, exc: PlatformError) -> JSONResponse:
        headers = None
        if isinstance(exc, TooManyAttempts):
            headers = {"Retry-After": str(exc.retry_after)}
        return JSONResponse(exc.body().model_dump(), status_code=exc.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        first = errors[0] if errors else {"loc": ("body",), "msg": "invalid request"}
        loc = tuple(first.get("loc", ()))
        if loc == ("header", "If-Match") and first.get("type") == "missing":
            err = PreconditionRequired(IF_MATCH_REQUIRED, field="If-Match")
            return JSONResponse(err.body().model_dump(), status_code=err.status)
        field = _field_of(loc)
        message = str(first.get("msg", "invalid")).removeprefix("Value error, ")
        return _error(422, "invalid", f"{field}: {message}", field)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "bad_request")
        headers = dict(exc.headers or {})
        if exc.status_code == 405:  # every method served at this path, from any module
            headers["Allow"] = ", ".join(openapi.allowed_methods(app, request.scope))
        return _error(exc.status_code, code, str(exc.detail), headers=headers)

    @app.exception_handler(sa_exc.DataError)
    async def _data_error(request: Request, exc: sa_exc.DataError) -> JSONResponse:
        # PostgreSQL refuses what SQLite stores: a NUL character in text, a string longer
        # than its column. The request is at fault, not the platform.
        field = _field_with_nul(request)
        return _error(422, "invalid", _data_message(exc), field)

    @app.exception_handler(sa_exc.IntegrityError)
    async def _integrity_error(request: Request, exc: sa_exc.IntegrityError) -> JSONResponse:
        # Commands are serialised on the log head, so this is a request racing one outside
        # that lock (two admins adding one user): the other got there first.
        log.info("integrity error on %s %s: %s", request.method, request.url.path, exc.orig)
        return _error(
            409, "conflict", "a concurrent request made the same change first; look again and retry"
        )

    @app.exception_handler(sa_exc.OperationalError)
    @app.exception_handler(sa_exc.InterfaceError)
    @app.exception_handler(sa_exc.TimeoutError)
    async def _database_down(request: Request, exc: Exception) -> JSONResponse:
        # A database restart or failover in progress. A command in flight either committed
        # or not: retrying it with the same Idempotency-Key takes effect exactly once.
        log.warning("database unavailable on %s %s: %s", request.method, request.url.path, exc)
        response = _error(
            503,
            "database_unavailable",
            "the database is unavailable; retry with the same Idempotency-Key",
        )
        response.headers["Retry-After"] = "1"
        return response

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return _error(
            500,
            "internal",
            "the platform failed; nothing was changed",
            headers={"Connection": "close"},
        )


def _checkpointer(settings: Settings) -> Checkpointer | None:
    if not (settings.anchor_key_file and settings.anchor_file):
        return None
    return Checkpointer(
        Path(settings.anchor_key_file),
        Path(settings.anchor_file),
        settings.checkpoint_every,
        settings.checkpoint_s,
    )


def create_app(settings: Settings) -> FastAPI:
    pack = load_pack(settings.pack)  # a PackError names the file at fault, before the database
    engine = make_engine(settings.db_url)
    try:
        if settings.migrate:
            upgrade(engine)
        elif not is_current(engine):
            raise NotMigrated(
                "the database is not at the newest schema: run `platform-api migrate`"
            )
        check_forces_belong(engine, pack)
    except BaseException:
        engine.dispose()  # refused: no connection left open behind the error
        raise
    if settings.demo_users:
        with seeding_session(engine) as session, session.begin():
            auth.ensure_demo_users(session, pack)
    claim_unowned(engine, pack)

    metrics = Metrics()
    broadcaster = Broadcaster(max_backlog=settings.sse_max_backlog)

    checkpointer = _checkpointer(settings)

    def publish(written: list[WrittenEvent]) -> None:
        broadcaster.publish(written)
        for event in written:
            metrics.events.labels(event.type).inc()
        if written:
            metrics.head_seq.set(written[-1].seq)
            if checkpointer is not None:
                checkpointer.written(written[-1].seq, wire_hash(written[-1].wire))

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
    relay: LogRelay | None = None
    if is_postgres(engine):  # instances share the log: fan out through LISTEN/NOTIFY
        relay = LogRelay(engine, publish)
        app.state.event_log = EventLog(engine, relay.offer, notify=True, pack=pack)
    else:  # one process: publish straight to this process's subscribers
        app.state.event_log = EventLog(engine, publish, pack=pack)
    app.state.relay = relay
    # commands run on one writer thread, several to a transaction (group_commit)
    app.state.log_writer = GroupCommitWriter(app.state.event_log)
    app.state.pack_documents = {}  # platform_api.routes.pack: each built once
    app.state.pack = pack  # per app: a sandbox in the same process may serve another
    # None: each incident's force's own prefix (a training sandbox sets TRN for all)
    app.state.reference_prefix = settings.reference_prefix
    app.state.geocoder = make_geocoder(settings, pack)
    app.state.schema_head = schema_head()
    app.state.readiness = ops.readiness_state()
    app.state.checkpointer = checkpointer  # None unless anchored; stop() signs the head
    app.state.revoked_tokens = RevokedTokens()
    # every open stream's token looked up again together (sessions.StreamChecks)
    app.state.stream_checks = StreamChecks(engine, settings.sse_auth_check_s)
    # who a token belongs to, for as long as an open stream trusts it (token_cache)
    app.state.token_cache = TokenCache[auth.User](settings.sse_auth_check_s)
    _install_error_handlers(app)
    openapi.install(app)
    # Innermost of ours: it sees the route the router chose, and what the app answered.
    app.add_middleware(MeasureRequests, metrics=metrics, access_log=settings.access_log)
    # Outermost last: the body limit runs before anything reads the body or the token.
    app.add_middleware(LastResort)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)

    _check_every_route_has_a_right(ROUTERS)
    for router in ROUTERS:
        app.include_router(router)
    _build_routes(app)
    if relay is not None:
        relay.start()
    return app


_BUILD_LOCK = threading.Lock()

# Every router the platform serves; the role check reads them (and only them).
ROUTERS = tuple(
    module.router
    for module in (
        auth_routes,
        read,
        events,
        calls,
        incidents,
        units,
        markers,
        ops,
        geo,
        pack_routes,
        recordings,
        training,
    )
)


def _build_routes(app: FastAPI) -> None:
    """Resolve every route's dependencies now, one app at a time.

    FastAPI resolves an included router's routes at their first request, building pydantic
    validators for our shared wire types. Two apps in one process (the console's embedded
    platform and a training sandbox; several instances in a test) then build the same
    types from two threads at once, which pydantic does not support: a request failed with
    `AttributeError: __pydantic_core_schema__`. Looking up a name that no route has walks
    (and so resolves) every route.
    """
    with _BUILD_LOCK, contextlib.suppress(NoMatchFound):
        app.url_path_for("_resolve_every_route_")


_CHECKED: set[tuple[int, ...]] = set()  # the router sets already checked in this process


def _check_every_route_has_a_right(routers: tuple[APIRouter, ...]) -> None:
    """The role matrix (`platform_api.roles`) is the one place rights live: a route it
    does not know would be open or shut by accident, so the platform refuses to start.

    Read off the routers (what the OpenAPI document publishes), once a process: building
    the document for this took a second at every start."""
    key = tuple(id(router) for router in routers)
    if key in _CHECKED:
        return
    missing = [
        f"{method} {route.path}"
        for router in routers
        for route in router.routes
        if isinstance(route, APIRoute) and route.include_in_schema
        for method in sorted(route.methods or ())
        if (method, route.path) not in ROUTE_RIGHTS and (method, route.path) not in PUBLIC_ROUTES
    ]
    if missing:
        raise RuntimeError(f"routes without a right in platform_api.roles: {missing}")
    _CHECKED.add(key)
