"""Who a bearer token belongs to, remembered for a few seconds so a command costs no lookup.

Every request used to look its token up in the database (the token row, then its user):
two queries and a trip through the threadpool before any command could start. This cache
keeps what one lookup found, keyed by the token's hash, for at most `ttl_s` seconds
(`Settings.sse_auth_check_s`, 5 s by default) and never past the token's own expiry.

The bound, stated once:

- a logout on *this* instance ends the token at once: the logout route forgets it here, and
  every hit is also checked against `sessions.RevokedTokens` (so a lookup that raced the
  logout cannot put it back);
- a logout on *another* instance, or an account disabled in the database, takes effect here
  within `ttl_s` of it: the same bound an open event stream already has
  (`sessions.StreamSession`);
- an expired token is refused on time: each entry carries the token's `expires_at`.

Only tokens that resolved to an active user are kept, so unknown tokens cannot fill it;
`max_entries` bounds it anyway (a room has dozens of consoles, not thousands).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Generic, TypeVar

from platform_api.eventlog import utc_now

T = TypeVar("T")


class TokenCache(Generic[T]):
    """Token hash -> what it resolved to, for `ttl_s` seconds and until it expires."""

    def __init__(
        self,
        ttl_s: float,
        max_entries: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = ttl_s
        self._max = max_entries
        self._clock = clock
        self._entries: dict[str, tuple[T, datetime, float]] = {}
        self._lock = threading.Lock()

    def get(self, hashed: str) -> T | None:
        """What the token resolved to, if looked up within `ttl_s` and not yet expired."""
        with self._lock:
            entry = self._entries.get(hashed)
        if entry is None:
            return None
        value, expires_at, read_at = entry
        if self._clock() - read_at >= self._ttl or utc_now() >= expires_at:
            self.forget(hashed)
            return None
        return value

    def put(self, hashed: str, value: T, expires_at: datetime, read_at: float) -> None:
        """Remember a lookup; `read_at` is `clock()` taken before the lookup began, so the
        entry's age counts from the oldest moment the database could have answered for."""
        if self._ttl <= 0:
            return
        with self._lock:
            if len(self._entries) >= self._max:
                now = self._clock()
                self._entries = {h: e for h, e in self._entries.items() if now - e[2] < self._ttl}
                if len(self._entries) >= self._max:
                    self._entries.clear()
            self._entries[hashed] = (value, expires_at, read_at)

    def forget(self, hashed: str) -> None:
        with self._lock:
            self._entries.pop(hashed, None)

    def now(self) -> float:
        return self._clock()
