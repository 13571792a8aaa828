"""The platform's error hierarchy and how each becomes a 4xx body.

    PlatformError                      (400, code "bad_request")
    ├── Unauthenticated                (401) no or expired token, bad password
    ├── Forbidden                      (403) the role may not do this
    ├── NotFound                       (404) unknown id; `field` names the id
    ├── Invalid                        (422) a field's value is wrong; `field` names it
    ├── Conflict                       (409) the entity's state forbids it (call already
    │                                        answered, unit not available); carries
    │                                        `current_version`
    ├── StaleVersion                   (412) If-Match differs from the current version
    ├── PreconditionRequired           (428) If-Match missing on a command that needs it
    └── TooManyAttempts                (429) sign-in throttled; carries `retry_after` (s)

Every error body is `contract.ErrorBody`; nothing a client sends may produce a 500.
"""

from __future__ import annotations

from typing import ClassVar

from platform_api.contract import ErrorBody, ErrorDetail


class PlatformError(Exception):
    status: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"

    def __init__(
        self, message: str, *, field: str | None = None, current_version: int | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.current_version = current_version

    def body(self) -> ErrorBody:
        return ErrorBody(
            error=ErrorDetail(
                code=self.code,
                message=self.message,
                field=self.field,
                current_version=self.current_version,
            )
        )


class Unauthenticated(PlatformError):
    status = 401
    code = "unauthenticated"


class Forbidden(PlatformError):
    status = 403
    code = "forbidden"


class NotFound(PlatformError):
    status = 404
    code = "not_found"


class Invalid(PlatformError):
    status = 422
    code = "invalid"


class Conflict(PlatformError):
    status = 409
    code = "conflict"


class StaleVersion(PlatformError):
    status = 412
    code = "stale_version"


class PreconditionRequired(PlatformError):
    status = 428
    code = "if_match_required"


class TooManyAttempts(PlatformError):
    status = 429
    code = "too_many_attempts"

    def __init__(self, message: str, *, retry_after: int, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.retry_after = retry_after
