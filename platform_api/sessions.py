"""Open event streams end when their session does: signed out, expired or disabled.

A stream is authenticated once, when it opens; without more it would keep sending callers'
details after its token was revoked. `StreamSession` is asked before every event it sends:
a logout on this instance (`RevokedTokens`) ends it at once, the token's expiry ends it on
time, and every `Settings.sse_auth_check_s` it looks the token up in the database again
(a logout on another instance, an account disabled). The stream then sends one `error`
event (`{"error": {"code": "unauthenticated", ...}}`) and closes; the console signs in
again and resumes from its last seq.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from platform_api.auth import token_hash
from platform_api.db.models import TokenRow, UserRow
from platform_api.eventlog import utc_now


class RevokedTokens:
    """Hashes of tokens signed out on this instance, kept until they would have expired."""

    def __init__(self) -> None:
        self._until: dict[str, datetime] = {}
        self._lock = threading.Lock()

    def add(self, hashed: str, expires_at: datetime) -> None:
        now = utc_now()
        with self._lock:
            self._until = {h: t for h, t in self._until.items() if t > now}
            self._until[hashed] = expires_at

    def __contains__(self, hashed: object) -> bool:
        with self._lock:
            return hashed in self._until


class StreamSession:
    """Whether a stream's token still stands; `ended()` gives the reason it does not."""

    def __init__(
        self, engine: Engine, token: str, revoked: RevokedTokens, check_every_s: float
    ) -> None:
        self._engine = engine
        self._hash = token_hash(token)
        self._revoked = revoked
        self._every = check_every_s
        self._next_check = time.monotonic() + check_every_s
        with Session(engine) as session:
            row = session.get(TokenRow, self._hash)
            self._expires_at = row.expires_at if row is not None else utc_now()

    def ended_here(self) -> str | None:
        """Why the session ended, from what this instance knows (no I/O); None if it stands."""
        if self._hash in self._revoked:
            return "signed out"
        if utc_now() >= self._expires_at:
            return "the token expired: sign in again"
        return None

    def database_check_due(self) -> bool:
        return time.monotonic() >= self._next_check

    def ended_in_database(self) -> str | None:
        """Look the token and its user up again (blocking: run it in a worker thread)."""
        self._next_check = time.monotonic() + self._every
        with Session(self._engine) as session:
            row = session.get(TokenRow, self._hash)
            user = session.get(UserRow, row.username) if row is not None else None
            if row is None or user is None or not user.active:
                return "signed out"
        return None

    def seconds_to_next_check(self) -> float:
        to_expiry = (self._expires_at - utc_now()).total_seconds()
        return max(0.05, min(to_expiry, self._next_check - time.monotonic()))
