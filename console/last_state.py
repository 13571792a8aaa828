"""The last state this console saw, kept next to its outbox, for a start while the platform
is down: the console then shows it read-only, marked as such, and signs in when the
platform answers (console/sync.py). Without it an operator would face an empty screen, or
no screen at all, at the moment they most need to know what was open.

One JSON file per user and platform (the session folder), written after each bootstrap, every
`EVERY_S` seconds while connected, and when the console stops. Written whole to a temporary
file and renamed, so a crash mid-write leaves the previous copy.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pydantic import ValidationError

from platform_api.contract import StatePublic

log = logging.getLogger(__name__)

FILE_NAME = "last_state.json"
EVERY_S = 30.0


@dataclass(frozen=True)
class LastState:
    username: str
    role: str
    saved_at: datetime
    state: StatePublic


def save(folder: Path, username: str, role: str, state: StatePublic) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    body = {
        "username": username,
        "role": role,
        "saved_at": datetime.now(UTC).isoformat(),
        "state": json.loads(state.model_dump_json()),
    }
    partial = folder / (FILE_NAME + ".partial")
    partial.write_text(json.dumps(body), encoding="utf-8")
    partial.replace(folder / FILE_NAME)


def load(folder: Path) -> LastState | None:
    """The saved state, or None when there is none or it cannot be read (said in the log)."""
    path = folder / FILE_NAME
    if not path.exists():
        return None
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
        return LastState(
            username=str(body["username"]),
            role=str(body["role"]),
            saved_at=datetime.fromisoformat(body["saved_at"]),
            state=StatePublic.model_validate(body["state"]),
        )
    except (OSError, ValueError, KeyError, TypeError, ValidationError) as exc:
        log.warning("last known state unreadable (%s): %s", path, exc)
        return None
