"""Users, password hashing (argon2) and bearer tokens (random, stored as sha256, expiring).

Route dependencies: `CurrentUser` is any signed-in user; `Authorised` is the signed-in user
whose role holds the right the route needs, as `platform_api.roles` (the one role matrix)
says.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import delete
from sqlalchemy.orm import Session

from platform_api import login_guard
from platform_api.contract import Role, TokenPublic, UserPublic
from platform_api.db.models import TokenRow, UserRow
from platform_api.errors import Forbidden, Unauthenticated
from platform_api.eventlog import utc_now
from platform_api.roles import RIGHTS, ROUTE_RIGHTS, Right, may
from platform_api.settings import LoginPolicy

_hasher = PasswordHasher()
# Demo accounts have a published password, so a costly hash protects nothing; a cheap one
# keeps the embedded start and every test's sign-in fast. Real users get the defaults.
_demo_hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
_bearer = HTTPBearer(auto_error=False, description="token from POST /v1/auth/login")

DEMO_PASSWORD = "demo"
DEMO_USERS: list[tuple[str, str, Role]] = [
    ("calltaker", "Demo Call-taker", Role.CALL_TAKER),
    ("dispatcher", "Demo Dispatcher", Role.DISPATCHER),
    ("supervisor", "Demo Supervisor", Role.SUPERVISOR),
    ("trainer", "Demo Trainer", Role.TRAINER),
    ("admin", "Demo Admin", Role.ADMIN),
    ("gateway", "Simulated gateways", Role.GATEWAY),
    ("sim-calltaker", "Simulated colleague (calls)", Role.CALL_TAKER),
    ("sim-dispatcher", "Simulated colleague (dispatch)", Role.DISPATCHER),
]


@dataclass(frozen=True)
class User:
    username: str
    display_name: str
    role: Role

    def public(self) -> UserPublic:
        return UserPublic(username=self.username, display_name=self.display_name, role=self.role)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def add_user(
    session: Session,
    username: str,
    display_name: str,
    role: Role,
    password: str,
    *,
    password_hash: str | None = None,
) -> None:
    session.add(
        UserRow(
            username=username,
            display_name=display_name,
            role=role.value,
            password_hash=password_hash or hash_password(password),
            active=True,
        )
    )


def ensure_demo_users(session: Session) -> None:
    demo_hash = _demo_hasher.hash(DEMO_PASSWORD)
    for username, name, role in DEMO_USERS:
        if session.get(UserRow, username) is None:
            add_user(session, username, name, role, DEMO_PASSWORD, password_hash=demo_hash)


@functools.cache
def _dummy_hash() -> str:
    """A hash with real users' parameters, verified when the user name is unknown."""
    return _hasher.hash(secrets.token_urlsafe(16))


def verify_password(row: UserRow | None, password: str) -> bool:
    """Check a password; an unknown or disabled user costs the same as a known one, so
    the time taken does not tell who exists."""
    stored = row.password_hash if row is not None and row.active else _dummy_hash()
    ok: bool
    try:
        ok = _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        ok = False
    return ok and row is not None and row.active


def login(
    session: Session, username: str, password: str, ttl_s: int, policy: LoginPolicy
) -> TokenPublic | None:
    """A token, or None after recording the failure (the caller commits, then refuses).

    Raises `TooManyAttempts` while the user name is locked out.
    """
    now = utc_now()
    login_guard.check_not_locked(session, username, now)
    row = session.get(UserRow, username)
    if not verify_password(row, password) or row is None:
        login_guard.record_failure(session, username, now, policy)
        return None
    login_guard.clear(session, username)
    token = secrets.token_urlsafe(32)
    expires = now + timedelta(seconds=ttl_s)
    session.execute(delete(TokenRow).where(TokenRow.expires_at < now))
    session.add(
        TokenRow(
            token_hash=token_hash(token), username=username, created_at=now, expires_at=expires
        )
    )
    user = User(row.username, row.display_name, Role(row.role))
    return TokenPublic(token=token, expires_at=expires, user=user.public())


def logout(session: Session, token: str) -> None:
    session.execute(delete(TokenRow).where(TokenRow.token_hash == token_hash(token)))


def resolve_token(session: Session, token: str) -> User:
    tok = session.get(TokenRow, token_hash(token))
    if tok is None or tok.expires_at <= utc_now():
        raise Unauthenticated(
            "sign in again: the token is unknown or has expired", field="Authorization"
        )
    row = session.get(UserRow, tok.username)
    if row is None or not row.active:
        raise Unauthenticated("this account is disabled", field="Authorization")
    return User(row.username, row.display_name, Role(row.role))


def bearer_token(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    if credentials is None or not credentials.credentials:
        raise Unauthenticated("a bearer token is required", field="Authorization")
    return credentials.credentials


BearerToken = Annotated[str, Depends(bearer_token)]


def current_user(request: Request, token: BearerToken) -> User:
    with Session(request.app.state.engine) as session:
        return resolve_token(session, token)


CurrentUser = Annotated[User, Depends(current_user)]


def _route_key(request: Request) -> tuple[str, str]:
    route = request.scope.get("route")
    method = "GET" if request.method == "HEAD" else request.method
    return method, str(getattr(route, "path", request.url.path))


def authorised(request: Request, user: CurrentUser) -> User:
    """The signed-in user, if their role holds the right this route needs (`roles`)."""
    right = ROUTE_RIGHTS.get(_route_key(request))
    if right is None:  # create_app refuses to start with such a route; belt and braces
        raise Forbidden("this route has no right assigned in platform_api.roles")
    if not may(user.role, right):
        holders = ", ".join(sorted(r.value for r in RIGHTS[right]))
        raise Forbidden(f"role {user.role.value} may not {right.value} (needs one of: {holders})")
    return user


Authorised = Annotated[User, Depends(authorised)]


def metrics_reader(request: Request, token: BearerToken) -> None:
    """`/metrics`: the scraper's own token (`Settings.metrics_token`), or a user with the
    metrics right. A scraper cannot sign in every shift, so it gets a long-lived secret."""
    expected = request.app.state.settings.metrics_token
    if expected and hmac.compare_digest(token.encode(), expected.encode()):
        return
    with Session(request.app.state.engine) as session:
        user = resolve_token(session, token)
    if not may(user.role, Right.METRICS):
        raise Forbidden(f"role {user.role.value} may not {Right.METRICS.value}")
