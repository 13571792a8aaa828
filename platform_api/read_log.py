"""Who read which caller's details, and when: an append-only table beside the event log.

Callers' numbers and names are personal data; a force must be able to say who looked at a
caller's record. Every read that returns callers' details writes one row per call it
returned (`caller_reads`): `GET /v1/calls/{id}`, `GET /v1/calls`, `GET /v1/state`, pages
and streams of `GET /v1/events` (each event that carries a call), and one row per recording
exported (`call_id` empty, `via` naming the window, which holds every caller in it).
Supervisors, trainers and admins read the log with `GET /v1/audit/reads`.

Not the event log: reads change nothing, and a console's bootstrap must not write events
that every other console would then receive.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from platform_api.contract import CallerReadPublic
from platform_api.db.engine import write_session
from platform_api.db.models import CallerReadRow
from platform_api.eventlog import utc_now


def record(
    engine: Engine, username: str, call_ids: Iterable[str], via: str, *, whole: bool = False
) -> None:
    """Log a read of these calls' details (`whole`: one row even with no call id)."""
    ids: list[str | None] = list(dict.fromkeys(call_ids))
    if not ids and whole:
        ids = [None]
    if not ids:
        return
    now = utc_now()
    with write_session(engine) as session, session.begin():
        session.add_all(
            CallerReadRow(at=now, username=username, call_id=i, via=via[:200]) for i in ids
        )


def _calls_in(value: Any, found: list[str]) -> None:
    if isinstance(value, list):
        for item in value:
            _calls_in(item, found)
    elif isinstance(value, dict):
        if "caller_number" in value and isinstance(value.get("id"), str):
            found.append(value["id"])
        for item in value.values():
            _calls_in(item, found)


def calls_in_wire(wire: str) -> list[str]:
    """Ids of the calls whose details an event (wire JSON) carries; cheap when none."""
    if '"caller_number"' not in wire:
        return []
    found: list[str] = []
    _calls_in(json.loads(wire).get("payload"), found)
    return found


def reads(
    engine: Engine, call_id: str | None, username: str | None, limit: int
) -> list[CallerReadPublic]:
    stmt = select(CallerReadRow).order_by(CallerReadRow.id.desc()).limit(limit)
    if call_id is not None:
        stmt = stmt.where(CallerReadRow.call_id == call_id)
    if username is not None:
        stmt = stmt.where(CallerReadRow.username == username)
    with Session(engine) as session:
        return [
            CallerReadPublic(at=r.at, username=r.username, call_id=r.call_id, via=r.via)
            for r in session.scalars(stmt)
        ]
