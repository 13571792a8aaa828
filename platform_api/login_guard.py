"""Sign-in throttling: per user name (a lockout an admin lifts) and per client address.

Per user name, failures in a row are counted in the database (`login_failures`), for names
that exist and names that do not alike, so a lockout reveals nothing about who exists.
After `max_failures` the name is locked for `lockout_s`: every sign-in for it is a 429 with
`Retry-After`, even with the right password, until the time passes or an admin lifts it
(`DELETE /v1/users/{username}/lockout`, `platform-api unlock NAME`). A successful sign-in
clears the count.

Per client address, failures are counted in memory over a sliding window: an address that
failed `address_max_failures` times in `address_window_s` gets 429 until the oldest of them
leaves the window. This instance's count only; several instances each keep their own.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from platform_api.db.models import LoginFailureRow
from platform_api.errors import TooManyAttempts
from platform_api.settings import LoginPolicy


class AddressThrottle:
    """Failed sign-ins per client address over a sliding window (thread-safe)."""

    def __init__(self, policy: LoginPolicy) -> None:
        self._policy = policy
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, address: str) -> None:
        with self._lock:
            times = self._prune(address, time.monotonic())
            if times is not None and len(times) >= self._policy.address_max_failures:
                wait = times[0] + self._policy.address_window_s - time.monotonic()
                raise TooManyAttempts(
                    "too many failed sign-ins from this address; wait and try again",
                    retry_after=max(1, math.ceil(wait)),
                )

    def failed(self, address: str) -> None:
        with self._lock:
            now = time.monotonic()
            self._prune(address, now)
            self._failures.setdefault(address, deque()).append(now)

    def _prune(self, address: str, now: float) -> deque[float] | None:
        times = self._failures.get(address)
        if times is None:
            return None
        while times and times[0] <= now - self._policy.address_window_s:
            times.popleft()
        if not times:
            del self._failures[address]
            return None
        return times


def check_not_locked(session: Session, username: str, now: datetime) -> None:
    row = session.get(LoginFailureRow, username)
    if row is not None and row.locked_until is not None and row.locked_until > now:
        wait = (row.locked_until - now).total_seconds()
        raise TooManyAttempts(
            "this account is locked after repeated failed sign-ins; wait, or ask an admin "
            "to lift the lockout",
            retry_after=max(1, math.ceil(wait)),
            field="username",
        )


def record_failure(session: Session, username: str, now: datetime, policy: LoginPolicy) -> None:
    row = session.get(LoginFailureRow, username)
    if row is None:
        row = LoginFailureRow(username=username, failures=0, last_failed_at=now)
        session.add(row)
    row.failures += 1
    row.last_failed_at = now
    if row.failures >= policy.max_failures:
        row.locked_until = now + timedelta(seconds=policy.lockout_s)
        row.failures = 0  # the next round after the lockout starts afresh


def clear(session: Session, username: str) -> bool:
    """Forget a user's failures and lift any lockout; True if there was something."""
    row = session.get(LoginFailureRow, username)
    if row is None:
        return False
    session.delete(row)
    return True
