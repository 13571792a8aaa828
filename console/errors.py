"""What can go wrong talking to the platform, as the console sees it.

    PlatformError
    ├── Unreachable            no answer: connection refused, reset, DNS (the outbox keeps
    │   └── Timeout            the command and sends it when the link is back)
    └── Rejected               the platform answered 4xx; never retried as-is
        ├── Unauthorised       401: sign in again
        ├── Forbidden          403: the role may not do this
        ├── NotFound           404: the id is unknown
        ├── Invalid            422 / 400 / 428: `field` names what is wrong
        └── Conflict           409 / 412: someone changed it first; `current_version`

Widgets catch the leaves they can explain; the outbox catches `Unreachable`.
"""

from __future__ import annotations

from typing import Any


class PlatformError(Exception):
    """Base of every error the platform client raises."""


class Unreachable(PlatformError):
    """The platform did not answer; the command may be retried with its idempotency key."""


class Timeout(Unreachable):
    pass


class Rejected(PlatformError):
    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        field: str | None = None,
        current_version: int | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.current_version = current_version


class Unauthorised(Rejected):
    pass


class Forbidden(Rejected):
    pass


class NotFound(Rejected):
    pass


class Invalid(Rejected):
    pass


class Conflict(Rejected):
    pass


_BY_STATUS: dict[int, type[Rejected]] = {
    401: Unauthorised,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    412: Conflict,
}


def rejected_from(status: int, body: Any) -> Rejected:
    """Build the right leaf from a platform error body (`contract.ErrorBody`)."""
    error = body.get("error", {}) if isinstance(body, dict) else {}
    cls = _BY_STATUS.get(status, Invalid)
    return cls(
        status,
        str(error.get("code", "error")),
        str(error.get("message", f"the platform refused the request ({status})")),
        error.get("field"),
        error.get("current_version"),
    )


def stream_error(body: Any) -> Rejected:
    """The `error` event that ends an event stream: signed out (401) or a gap in the log."""
    error = body.get("error", {}) if isinstance(body, dict) else {}
    if error.get("code") == "unauthenticated":
        return Unauthorised(401, "unauthenticated", str(error.get("message", "sign in again")))
    return rejected_from(502, body)
