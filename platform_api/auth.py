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
from datetime import datetime, timedelta
from typing import Annotated

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from platform_api import login_guard
from platform_api.contract import Role, TokenPublic, UserPublic
from platform_api.db.models import TokenRow, UserRow
from platform_api.errors import Forbidden, Unauthenticated
from platform_api.eventlog import utc_now
from platform_api.packs import ForcePack
from platform_api.roles import RIGHTS, ROUTE_RIGHTS, Right, may
from platform_api.settings import LoginPolicy
from platform_api.token_cache import TokenCache

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
    force: str | None = None

    def public(self) -> UserPublic:
        return UserPublic(
            username=self.username,
            display_name=self.display_name,
            role=self.role,
            force=self.force,
        )


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
    force: str | None = None,
) -> None:
    session.add(
        UserRow(
            username=username,
            display_name=display_name,
            role=role.value,
            password_hash=password_hash or hash_password(password),
            active=True,
            force=force,
        )
    )


# In a pack of several forces, each force after the first has its own demo room:
# "<force>-calltaker", "<force>-dispatcher", "<force>-supervisor".
_FORCE_DEMO_USERS = [u for u in DEMO_USERS if u[0] in ("calltaker", "dispatcher", "supervisor")]


def ensure_demo_users(session: Session, pack: ForcePack | None = None) -> None:
    """The demo users (the pack's first force), and a demo room for each other force."""
    demo_hash = _demo_hasher.hash(DEMO_PASSWORD)
    home = pack.home_force.code if pack is not None else None
    for username, name, role in DEMO_USERS:
        if session.get(UserRow, username) is None:
            add_user(
                session, username, name, role, DEMO_PASSWORD, password_hash=demo_hash, force=home
            )
    for force in pack.forces[1:] if pack is not None else ():
        for username, name, role in _FORCE_DEMO_USERS:
            own = f"{force.code}-{username}"
            if session.get(UserRow, own) is None:
                add_user(
                    session,
                    own,
                    f"{name} ({force.name})",
                    role,
                    DEMO_PASSWORD,
                    password_hash=demo_hash,
                    force=force.code,
                )


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
    user = User(row.username, row.display_name, Role(row.role), row.force)
    return TokenPublic(token=token, expires_at=expires, user=user.public())


def logout(session: Session, token: str) -> None:
    session.execute(delete(TokenRow).where(TokenRow.token_hash == token_hash(token)))


def lookup_token(session: Session, hashed: str) -> tuple[User, datetime]:
    """The user a token hash belongs to and when the token expires, in one query;
    Unauthenticated if the token is unknown or expired, or its account disabled."""
    found = session.execute(
        select(
            TokenRow.expires_at,
            UserRow.username,
            UserRow.display_name,
            UserRow.role,
            UserRow.active,
            UserRow.force,
        )
        .outerjoin(UserRow, UserRow.username == TokenRow.username)
        .where(TokenRow.token_hash == hashed)
    ).first()
    if found is None or found.expires_at <= utc_now():
        raise Unauthenticated(
            "sign in again: the token is unknown or has expired", field="Authorization"
        )
    if found.username is None or not found.active:
        raise Unauthenticated("this account is disabled", field="Authorization")
    user = User(found.username, found.display_name, Role(found.role), found.force)
    return user, found.expires_at


def resolve_token(session: Session, token: str) -> User:
    return lookup_token(session, token_hash(token))[0]


def _lookup(engine: Engine, hashed: str) -> tuple[User, datetime]:
    with Session(engine) as session:
        return lookup_token(session, hashed)


async def bearer_token(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    if credentials is None or not credentials.credentials:
        raise Unauthenticated("a bearer token is required", field="Authorization")
    return credentials.credentials


BearerToken = Annotated[str, Depends(bearer_token)]


async def current_user(request: Request, token: BearerToken) -> User:
    """The token's user: from this instance's `TokenCache` when it looked the token up
    within `Settings.sse_auth_check_s` (the bound is in `platform_api.token_cache`), else
    from the database (one query, in the threadpool)."""
    state = request.app.state
    hashed = token_hash(token)
    if hashed in state.revoked_tokens:  # signed out here: even a racing lookup is refused
        raise Unauthenticated(
            "sign in again: the token is unknown or has expired", field="Authorization"
        )
    cache: TokenCache[User] = state.token_cache
    cached = cache.get(hashed)
    if cached is not None:
        return cached
    read_at = cache.now()
    user, expires_at = await run_in_threadpool(_lookup, state.engine, hashed)
    cache.put(hashed, user, expires_at, read_at)
    return user


CurrentUser = Annotated[User, Depends(current_user)]


def _route_key(request: Request) -> tuple[str, str]:
    route = request.scope.get("route")
    method = "GET" if request.method == "HEAD" else request.method
    # scope["path"], not request.url: building a URL per request showed in the profile
    return method, str(route.path) if route is not None else request.scope["path"]


async def authorised(request: Request, user: CurrentUser) -> User:
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
