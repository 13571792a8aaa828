"""Sign-in, sign-out, who am I, and user administration."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from platform_api import auth
from platform_api.auth import Authorised
from platform_api.contract import LoginRequest, TokenPublic, UserCreate, UserPublic
from platform_api.db.engine import write_session
from platform_api.db.models import UserRow
from platform_api.errors import Conflict
from platform_api.routes.deps import ERRORS, settings_of

router = APIRouter(prefix="/v1", tags=["auth"])


@router.post("/auth/login", response_model=TokenPublic, responses=ERRORS)
def login(request: Request, body: LoginRequest) -> TokenPublic:
    """Exchange user name and password for a bearer token that expires after a shift."""
    with write_session(request.app.state.engine) as session, session.begin():
        return auth.login(session, body.username, body.password, settings_of(request).token_ttl_s)


@router.post("/auth/logout", status_code=204, responses=ERRORS)
def logout(request: Request, user: Authorised, token: auth.BearerToken) -> Response:
    with write_session(request.app.state.engine) as session, session.begin():
        auth.logout(session, token)
    return Response(status_code=204)


@router.get("/auth/me", response_model=UserPublic, responses=ERRORS)
def me(user: Authorised) -> UserPublic:
    return user.public()


@router.post("/users", status_code=201, response_model=UserPublic, responses=ERRORS)
def create_user(request: Request, body: UserCreate, user: Authorised) -> UserPublic:
    with write_session(request.app.state.engine) as session, session.begin():
        if session.get(UserRow, body.username) is not None:
            raise Conflict(f"user {body.username} exists", field="username")
        auth.add_user(session, body.username, body.display_name, body.role, body.password)
    return UserPublic(username=body.username, display_name=body.display_name, role=body.role)
