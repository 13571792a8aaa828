"""Training sandboxes: seed from a recorded moment (only where `Settings.training` is set).

A normal platform answers 404 here whatever the role: seeding rewrites the projections,
which must be impossible on a live platform. `Settings.training` has no command-line flag;
only `platform_api.sandbox` (through `EmbeddedPlatform`) starts a training platform, on a fresh
temporary database.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response

from platform_api.auth import CurrentUser
from platform_api.contract import TrainingSeed
from platform_api.errors import NotFound
from platform_api.routes.deps import COMMAND, NewCommand, settings_of
from platform_api.services import training

router = APIRouter(prefix="/v1", tags=["training"])


def _training_only(request: Request, user: CurrentUser) -> None:
    """Runs before the role check: a live platform answers 404 to every signed-in role
    (and 401, as every route does, to a request without a token)."""
    if not settings_of(request).training:
        raise NotFound("this platform is not a training sandbox", field="path")


@router.post("/training/seed", dependencies=[Depends(_training_only)], **COMMAND)
async def seed(body: TrainingSeed, cmd: NewCommand) -> Response:
    """Load a recorded state into an empty training platform (admin; training only)."""
    return await cmd.run(lambda ctx: training.seed(ctx, body), body)
