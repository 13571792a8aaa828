"""What every route shares: ids in paths, If-Match, Idempotency-Key, errors, commands.

Command routes go through one pipeline: a `NewCommand`, `EntityCommand` or `AppendCommand`
dependency checks the role and parses If-Match and Idempotency-Key, and its `run(handler, body)`
fingerprints the request, runs the handler through the event log and answers with the stored
response (`run_command`)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Header, Path, Request, Response
from pydantic import BaseModel

from platform_api.auth import Authorised, User
from platform_api.contract import CommandResult, ErrorBody
from platform_api.errors import Invalid, PreconditionRequired
from platform_api.eventlog import Command as LoggedCommand
from platform_api.eventlog import CommandContext, Idempotency
from platform_api.group_commit import GroupCommitWriter
from platform_api.settings import Settings

# Ids are uuid hex or, in recordings imported from elsewhere, short slugs ("sf-inc-123").
EntityId = Annotated[
    str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_:-]+$", description="an id")
]

# `3`, `"3"` (an ETag as sent back) or `W/"3"`; ASCII digits only (`int()` takes more).
IF_MATCH_PATTERN = r'^(W/)?("[0-9]{1,12}"|[0-9]{1,12})$'
_IF_MATCH_DOC = (
    'the version you last saw: 3, "3" or W/"3" (the ETag of a read). Missing: 428; '
    "a version that is no longer current: 412 with the current version"
)
IfMatchHeader = Annotated[
    str | None,
    Header(alias="If-Match", pattern=IF_MATCH_PATTERN, description=_IF_MATCH_DOC),
]
IfMatchRequired = Annotated[
    str,
    Header(alias="If-Match", pattern=IF_MATCH_PATTERN, description=_IF_MATCH_DOC),
]
IDEMPOTENCY_DOC = (
    "Any string of 1-200 characters, unique per user and command. A retry with the same "
    "key and the same request (method, path, If-Match, body) takes effect once and gets the "
    "first answer again, with `Idempotent-Replayed: true`. The same key with a different "
    "request is refused with 409 (code `conflict`, field `Idempotency-Key`). A command that "
    "failed stored nothing, so its retry is evaluated afresh."
)
IdempotencyHeader = Annotated[
    str | None,
    Header(alias="Idempotency-Key", min_length=1, max_length=200, description=IDEMPOTENCY_DOC),
]

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (400, 401, 403, 404, 409, 412, 413, 422, 428)
}


IF_MATCH_REQUIRED = (
    "send If-Match with the version you last saw, so a stale write cannot "
    "overwrite someone else's change"
)


def required_version(value: str | None) -> int:
    """The If-Match version of a command that changes an entity; missing is a 428."""
    version = optional_version(value)
    if version is None:
        raise PreconditionRequired(IF_MATCH_REQUIRED, field="If-Match")
    return version


def optional_version(value: str | None) -> int | None:
    """Accept `3`, `"3"` or `W/"3"`; anything else is a 422 naming If-Match.

    The header's schema pattern already refuses the rest; this is the belt to its braces
    (`str.isdigit()` is true of "²", which `int()` refuses).
    """
    if value is None:
        return None
    text = value.strip()
    if text.startswith("W/"):
        text = text[2:]
    text = text.strip('"')
    if not (text.isascii() and text.isdigit()) or len(text) > 12:
        raise Invalid(f"If-Match must be a version number, not {value!r}", field="If-Match")
    return int(text)


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def run_command(
    request: Request,
    user: User,
    idempotency_key: str | None,
    handler: Callable[[CommandContext], object],
    *,
    body: BaseModel | None = None,
    if_match: int | None = None,
    status_code: int = 200,
) -> Response:
    """Execute a command through the event log (on its writer thread, `group_commit`),
    honouring its Idempotency-Key."""
    idem = None
    if idempotency_key:
        digest = hashlib.sha256()
        digest.update(f"{request.method} {request.url.path}\n{if_match}\n".encode())
        if body is not None:
            digest.update(body.model_dump_json().encode())
        idem = Idempotency(user.username, idempotency_key, digest.hexdigest())
    writer: GroupCommitWriter = request.app.state.log_writer
    stored = await writer.submit(LoggedCommand(user.username, handler, idem, status_code))
    headers = {"Idempotent-Replayed": "true"} if stored.replayed else {}
    return Response(
        stored.body, status_code=stored.status_code, media_type="application/json", headers=headers
    )


@dataclass(frozen=True, slots=True)
class Command:
    """One command request as the pipeline sees it: the request, who sends it, its
    Idempotency-Key and its If-Match version (None when the route takes none or none came).

    Routes take it as a dependency (`NewCommand`, `EntityCommand`, `AppendCommand`) and
    call `run` with their handler, so each route says only what it does."""

    request: Request
    user: User
    key: str | None
    if_match: int | None = None

    async def run(
        self, handler: Callable[[CommandContext], object], body: BaseModel | None = None
    ) -> Response:
        """Run `handler` through the event log; the status is the route's own (201 or 200).

        The handler runs on the event log's writer thread, so routes are `async def`."""
        route = self.request.scope.get("route")
        status_code = getattr(route, "status_code", None) or 200
        return await run_command(
            self.request,
            self.user,
            self.key,
            handler,
            body=body,
            if_match=self.if_match,
            status_code=status_code,
        )


class VersionedCommand(Command):
    """A command on an existing entity: If-Match was required, so `version` is known."""

    __slots__ = ()

    @property
    def version(self) -> int:
        if self.if_match is None:  # _entity_command never builds one without
            raise PreconditionRequired(IF_MATCH_REQUIRED, field="If-Match")
        return self.if_match


# The dependencies below are async on purpose: FastAPI runs a sync dependency in the
# threadpool, one hop per dependency per request, and these only parse headers.
async def _new_command(
    request: Request, user: Authorised, key: IdempotencyHeader = None
) -> Command:
    return Command(request, user, key)


async def _entity_command(
    request: Request, user: Authorised, if_match: IfMatchRequired, key: IdempotencyHeader = None
) -> VersionedCommand:
    return VersionedCommand(request, user, key, required_version(if_match))


async def _append_command(
    request: Request,
    user: Authorised,
    if_match: IfMatchHeader = None,
    key: IdempotencyHeader = None,
) -> Command:
    return Command(request, user, key, optional_version(if_match))


# A command that makes something new: Idempotency-Key, no If-Match.
NewCommand = Annotated[Command, Depends(_new_command)]
# A command that changes an entity: If-Match required (428 without), as `.version`.
EntityCommand = Annotated[VersionedCommand, Depends(_entity_command)]
# A command where If-Match is optional (appends, facts such as a hang-up): `.if_match`.
AppendCommand = Annotated[Command, Depends(_append_command)]


COMMAND: dict[str, Any] = {"response_model": CommandResult, "responses": ERRORS}
