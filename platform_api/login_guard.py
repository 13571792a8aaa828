"""Sign-in throttling: per user name (a lockout an admin lifts) and per client address.

Both counts live in the database, so every platform instance behind a load balancer sees
the same ones (two instances counting apart gave an attacker twice the tries: issue 12).

Per user name, failures in a row are counted (`login_failures`), for names that exist and
names that do not alike, so a lockout reveals nothing about who exists. After
`max_failures` the name is locked for `lockout_s`: every sign-in for it is a 429 with
`Retry-After`, even with the right password, until the time passes or an admin lifts it
(`DELETE /v1/users/{username}/lockout`, `platform-api unlock NAME`). A successful sign-in
clears the count.

Per client address, each failure is a row (`login_address_failures`) over a sliding window:
an address with `address_max_failures` failures in the last `address_window_s` gets 429
until the oldest of them leaves the window (or `platform-api unlock --address A` forgets
them: a room behind one NAT address must not wait five minutes for one typing error too
many). Instances racing on one address may each let one more try through before seeing
the others' rows; the bound is the count plus the instances, not a multiple of it.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from platform_api.db.models import LoginAddressFailureRow, LoginFailureRow
from platform_api.errors import TooManyAttempts
from platform_api.settings import LoginPolicy


def check_address(session: Session, address: str, now: datetime, policy: LoginPolicy) -> None:
    """TooManyAttempts if `address` failed too often within the window."""
    since = now - timedelta(seconds=policy.address_window_s)
    count, oldest = session.execute(
        select(func.count(), func.min(LoginAddressFailureRow.failed_at)).where(
            LoginAddressFailureRow.address == address, LoginAddressFailureRow.failed_at > since
        )
    ).one()
    if count >= policy.address_max_failures and oldest is not None:
        wait = (oldest - since).total_seconds()
        raise TooManyAttempts(
            "too many failed sign-ins from this address; wait and try again",
            retry_after=max(1, math.ceil(wait)),
        )


def record_address_failure(
    session: Session, address: str, now: datetime, policy: LoginPolicy
) -> None:
    """Count one failure from `address`, and forget every address's failures past the window."""
    since = now - timedelta(seconds=policy.address_window_s)
    session.execute(delete(LoginAddressFailureRow).where(LoginAddressFailureRow.failed_at <= since))
    session.add(LoginAddressFailureRow(address=address, failed_at=now))


def clear_address(session: Session, address: str) -> bool:
    """Forget an address's failed sign-ins; True if there were any."""
    where = LoginAddressFailureRow.address == address
    had = session.scalar(select(func.count()).where(where)) or 0
    session.execute(delete(LoginAddressFailureRow).where(where))
    return had > 0


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
