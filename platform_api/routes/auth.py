"""Sign-in, sign-out, who am I, and user administration."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Path, Request, Response

from platform_api import auth, login_guard
from platform_api.auth import Authorised
from platform_api.contract import ErrorBody, LoginRequest, TokenPublic, UserCreate, UserPublic
from platform_api.db.engine import write_session
from platform_api.db.models import UserRow
from platform_api.errors import Conflict, NotFound, Unauthenticated
from platform_api.eventlog import utc_now
from platform_api.forces import known_force
from platform_api.routes.deps import ERRORS, settings_of

router = APIRouter(prefix="/v1", tags=["auth"])


@router.post(
    "/auth/login",
    response_model=TokenPublic,
    responses={**ERRORS, 429: {"model": ErrorBody, "description": "throttled: see Retry-After"}},
)
def login(request: Request, body: LoginRequest) -> TokenPublic:
    """Exchange user name and password for a bearer token that expires after a shift.

    Failed sign-ins are throttled per user name (a lockout an admin can lift) and per client
    address: 429 with `Retry-After`."""
    settings = settings_of(request)
    policy = settings.login_policy
    # the address column's width; IPv6 with a zone is the longest real one (under 64)
    address = (request.client.host if request.client else "unknown")[:64]
    # Both counts are in the database, so instances behind one load balancer share them.
    with write_session(request.app.state.engine) as session, session.begin():
        login_guard.check_address(session, address, utc_now(), policy)
        token = auth.login(session, body.username, body.password, settings.token_ttl_s, policy)
        if token is None:
            login_guard.record_address_failure(session, address, utc_now(), policy)
    if token is None:  # the failures are committed; now refuse
        raise Unauthenticated("wrong user name or password", field="password")
    return token


@router.post("/auth/logout", status_code=204, responses=ERRORS)
def logout(request: Request, user: Authorised, token: auth.BearerToken) -> Response:
    with write_session(request.app.state.engine) as session, session.begin():
        auth.logout(session, token)
    # open event streams of this token end at once (sessions.py)
    until = utc_now() + timedelta(seconds=settings_of(request).token_ttl_s)
    hashed = auth.token_hash(token)
    request.app.state.revoked_tokens.add(hashed, until)
    request.app.state.token_cache.forget(hashed)  # refused here at once (token_cache)
    return Response(status_code=204)


@router.get("/auth/me", response_model=UserPublic, responses=ERRORS)
def me(user: Authorised) -> UserPublic:
    return user.public()


@router.delete("/users/{username}/lockout", status_code=204, responses=ERRORS)
def lift_lockout(
    request: Request,
    username: Annotated[str, Path(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")],
    user: Authorised,
) -> Response:
    """Lift a sign-in lockout and forget the name's failed attempts (admin)."""
    with write_session(request.app.state.engine) as session, session.begin():
        if not login_guard.clear(session, username):
            raise NotFound(f"{username} has no failed sign-ins", field="username")
    return Response(status_code=204)


@router.post("/users", status_code=201, response_model=UserPublic, responses=ERRORS)
def create_user(request: Request, body: UserCreate, user: Authorised) -> UserPublic:
    with write_session(request.app.state.engine) as session, session.begin():
        if session.get(UserRow, body.username) is not None:
            raise Conflict(f"user {body.username} exists", field="username")
        pack = request.app.state.pack
        force = known_force(pack, body.force) if body.force else pack.home_force.code
        auth.add_user(
            session, body.username, body.display_name, body.role, body.password, force=force
        )
    return UserPublic(
        username=body.username, display_name=body.display_name, role=body.role, force=force
    )
