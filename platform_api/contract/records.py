"""Records that carry the log elsewhere: a recording's header, a training seed, a
read of a caller's details."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, model_validator

from platform_api.contract.entities import (
    StatePublic,
    _Strict,
)
from platform_api.contract.wire_types import (
    ZonedTime,
)

__all__ = [
    "RECORDING_FORMAT",
    "CallerReadPublic",
    "RecordingHeader",
    "TrainingSeed",
]


def _datetimes(model: BaseModel, prefix: str = "") -> list[tuple[str, datetime]]:
    """Every datetime in a model, with its dotted path (nested models included)."""
    found: list[tuple[str, datetime]] = []
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, datetime):
            found.append((prefix + name, value))
        elif isinstance(value, BaseModel):
            found.extend(_datetimes(value, f"{prefix}{name}."))
        elif isinstance(value, list):
            for j, item in enumerate(value):
                if isinstance(item, BaseModel):
                    found.extend(_datetimes(item, f"{prefix}{name}[{j}]."))
    return found


class CallerReadPublic(BaseModel):
    """One read of a caller's details (`GET /v1/audit/reads`); `call_id` empty for a
    recording exported (`via` names its window)."""

    at: datetime
    username: str
    call_id: str | None
    via: str


RECORDING_FORMAT = "control-room-recording/1"


class RecordingHeader(BaseModel):
    """The first line of a recording (JSON Lines); one `EventPublic` per line follows.

    `initial_state` is the live state just before `first_seq` (its `as_of_seq` is
    `first_seq - 1`), so a player starts from a known state; `initial_state_sha256` is the
    sha256 of its canonical JSON (`contract.chain.dumps`). `prev_hash` is the hash of the
    event before `first_seq` (zeros for a log's first event): the first event's chain link.
    """

    format: str = RECORDING_FORMAT
    source: str
    area: str = "london"  # older name of the place: "london", "san_francisco"
    # The force pack the recording happened in: replay, a training sandbox taken over from
    # it and the simulator inside that sandbox use its map, gazetteer, time zone and units.
    # Recordings made before packs name none: theirs is the one their `area` names.
    pack: str = "london"
    from_ts: datetime
    to_ts: datetime
    first_seq: int
    last_seq: int
    event_count: int
    prev_hash: str
    last_hash: str
    created_at: datetime
    initial_state_sha256: str
    initial_state: StatePublic
    # True when callers are pseudonymised (`export --redact`): the events are chained again,
    # so the file verifies on its own but no longer matches the platform's log.
    redacted: bool = False

    @model_validator(mode="before")
    @classmethod
    def _pack_from_area(cls, data: Any) -> Any:
        if isinstance(data, dict) and "pack" not in data:
            area = str(data.get("area", "london"))
            return {**data, "pack": _AREA_PACKS.get(area, area)}
        return data


# A recording's `area`, from before recordings named their pack -> the pack.
_AREA_PACKS = {"london": "london", "san_francisco": "san-francisco"}


class TrainingSeed(_Strict):
    """`POST /v1/training/seed` (training platforms only): start from a recorded moment.

    Every time in `state` is moved by `now - at`, so the moment taken over becomes now and
    response targets keep the time they had left.
    """

    state: StatePublic
    at: ZonedTime

    @model_validator(mode="after")
    def _times_have_zones(self) -> TrainingSeed:
        for kind in ("calls", "incidents", "units", "assignments"):
            for i, entity in enumerate(getattr(self.state, kind)):
                for name, value in _datetimes(entity):
                    if value.tzinfo is None:
                        raise ValueError(f"state.{kind}[{i}].{name} needs a time zone")
        return self
