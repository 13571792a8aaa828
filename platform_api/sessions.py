"""Open event streams end when their session does: signed out, expired or disabled.

A stream is authenticated once, when it opens; without more it would keep sending callers'
details after its token was revoked. `StreamSession` is asked before every event it sends:
a logout on this instance (`RevokedTokens`) ends it at once, the token's expiry ends it on
time, and every `Settings.sse_auth_check_s` the instance looks its streams' tokens up in the
database again (a logout on another instance, an account disabled). The stream then sends
one `error` event (`{"error": {"code": "unauthenticated", ...}}`) and closes; the console
signs in again and resumes from its last seq.

The database check is one query for all of an instance's open streams (`StreamChecks`), not
one per stream: a room's 200 consoles each checking their own token every 5 s were 40
look-ups a second, a tenth of the platform's time while it fanned out a room's positions.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from platform_api.auth import token_hash
from platform_api.db.models import TokenRow, UserRow
from platform_api.eventlog import utc_now

_CHUNK = 500  # token hashes per IN list


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


class StreamChecks:
    """The open streams' tokens on one instance, looked up again together every `every_s`.

    `run` is blocking (a worker thread); when several streams find the check due at once,
    one of them queries and the others go on with what is known, which the query's result
    then replaces: a session that ended is noticed within `every_s` plus one query."""

    def __init__(self, engine: Engine, every_s: float) -> None:
        self._engine = engine
        self.every_s = every_s
        self._open: Counter[str] = Counter()  # token hash -> streams open with it
        self._ended: set[str] = set()
        self._lock = threading.Lock()
        self._running = threading.Lock()
        self._next = time.monotonic() + every_s

    def add(self, hashed: str) -> None:
        with self._lock:
            self._open[hashed] += 1

    def discard(self, hashed: str) -> None:
        with self._lock:
            self._open[hashed] -= 1
            if self._open[hashed] <= 0:
                del self._open[hashed]
                self._ended.discard(hashed)

    def ended(self, hashed: str) -> bool:
        with self._lock:
            return hashed in self._ended

    def due(self) -> bool:
        return time.monotonic() >= self._next

    def seconds_to_next(self) -> float:
        return self._next - time.monotonic()

    def run(self) -> None:
        """Look every open stream's token and user up (one query per 500 tokens)."""
        if not self._running.acquire(blocking=False):
            return  # another stream is checking for everyone
        try:
            if not self.due():
                return
            with self._lock:
                hashes = list(self._open)
            standing: set[str] = set()
            with Session(self._engine) as session:
                for i in range(0, len(hashes), _CHUNK):
                    found = session.execute(
                        select(TokenRow.token_hash)
                        .join(UserRow, UserRow.username == TokenRow.username)
                        .where(TokenRow.token_hash.in_(hashes[i : i + _CHUNK]), UserRow.active)
                    )
                    standing.update(found.scalars())
            with self._lock:
                self._ended.update(h for h in hashes if h not in standing and h in self._open)
            self._next = time.monotonic() + self.every_s
        finally:
            self._running.release()


class StreamSession:
    """Whether a stream's token still stands; `ended()` gives the reason it does not."""

    def __init__(
        self, engine: Engine, token: str, revoked: RevokedTokens, checks: StreamChecks
    ) -> None:
        self._hash = token_hash(token)
        self._revoked = revoked
        self._checks = checks
        with Session(engine) as session:
            row = session.get(TokenRow, self._hash)
            self._expires_at = row.expires_at if row is not None else utc_now()
        # asked before every event: a float to compare, not a datetime made each time
        self._expires_ts = self._expires_at.timestamp()

    def open(self) -> None:
        """The stream starts: its token is checked with the others' from now on."""
        self._checks.add(self._hash)

    def close(self) -> None:
        """The stream has ended: its token no longer needs checking for it."""
        self._checks.discard(self._hash)

    def ended_here(self) -> str | None:
        """Why the session ended, from what this instance knows (no I/O); None if it stands."""
        if self._hash in self._revoked or self._checks.ended(self._hash):
            return "signed out"
        if time.time() >= self._expires_ts:
            return "the token expired: sign in again"
        return None

    def database_check_due(self) -> bool:
        return self._checks.due()

    def ended_in_database(self) -> str | None:
        """Run the instance's check if it is due (blocking: run it in a worker thread)."""
        self._checks.run()
        return "signed out" if self._checks.ended(self._hash) else None

    def seconds_to_next_check(self) -> float:
        to_expiry = self._expires_ts - time.time()
        return max(0.05, min(to_expiry, self._checks.seconds_to_next()))
