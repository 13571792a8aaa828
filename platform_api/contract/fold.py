"""The live state as plain JSON, advanced by events with exactly the console Store's rules.

An event carries an incident without its growing lists (`call_ids`, `log`) and names what
it adds to them under `appended`; `complete` rebuilds the full form from what the consumer
holds. Events written before that rule carry the whole lists, which then replace what the
consumer holds, so old recordings fold as they always did.

Both sides need to know "the state at seq N" without a database: the platform's export
(the initial state of a recording that starts mid-log) and the console's replay player
(periodic snapshots, so a seek applies a few thousand events instead of half a million).
Folding raw JSON is an order of magnitude faster than building pydantic models for every
event, and a snapshot is a cheap copy: events replace whole entities, and a position
replaces a unit's `position` value without mutating it, so a copy only needs the unit
dicts one level deep.

The rules mirror `console.store.Store.apply` (and the platform's `/v1/state`): an entity
that reaches a terminal state leaves the live state; positions of unknown units are
ignored. Tests compare a fold with the Store and with the platform's own state.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from platform_api.contract import GROWING_FIELDS, StatePublic

KINDS = ("calls", "incidents", "units", "assignments", "markers")


def fix_time(fix: Mapping[str, Any], ts: str) -> str:
    """A `unit.positions` fix's time: its own `at`, or the event's `ts` when it has none
    (the platform leaves `at` out when the fix is as old as the event)."""
    return str(fix.get("at", ts))


FIX_COLUMNS = ("unit_id", "lat", "lon", "at", "heading", "speed_kmh")


def position_fixes(payload: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A `unit.positions` event's fixes, each `{unit_id, lat, lon, at?, heading?, speed_kmh?}`.

    The platform writes them as columns (`{"fixes": {"unit_id": [...], "lat": [...], ...}}`:
    each unit id, key and digit once per fix, not a JSON object per fix, which made a
    room's position events half as large again); `at`, `heading` and `speed_kmh` are
    columns only when some fix has them, null where one has not. Older logs and recordings
    hold a list of objects (`{"positions": [...]}`); both read the same here."""
    columns = payload.get("fixes")
    if not isinstance(columns, Mapping):
        return list(payload.get("positions", ()))
    keys = [key for key in FIX_COLUMNS if key in columns]
    return [
        {key: value for key, value in zip(keys, values, strict=True) if value is not None}
        for values in zip(*(columns[key] for key in keys), strict=True)
    ]


def position_count(payload: Mapping[str, Any]) -> int:
    """How many fixes a `unit.positions` event carries, whichever its shape."""
    columns = payload.get("fixes")
    if isinstance(columns, Mapping):
        return len(columns.get("unit_id", ()))
    return len(payload.get("positions", ()))


_LIVE_CALL = frozenset({"queued", "answered"})
_LIVE_ASSIGNMENT = frozenset({"dispatched", "acknowledged", "en_route", "at_scene"})


def is_live_json(kind: str, entity: dict[str, Any]) -> bool:
    if kind == "calls":
        return entity.get("state") in _LIVE_CALL
    if kind == "incidents":
        return bool(entity.get("status") == "open")
    if kind == "assignments":
        return entity.get("state") in _LIVE_ASSIGNMENT
    if kind == "markers":
        return bool(entity.get("status") == "active")
    return True


def complete(
    kind: str,
    entity: Mapping[str, Any],
    previous: Mapping[str, Any] | None,
    added: Mapping[str, list[Any]] | None,
) -> dict[str, Any]:
    """The entity's full form after an event: `entity` as the event carries it, the growing
    lists it leaves out taken from `previous` (empty for an entity not seen before), then
    what `added` (the event's `appended` for this entity) puts at their end.

    A list the entity does carry (an event from before this rule, `training.seeded`, a
    state) replaces the previous one. New lists are built: snapshots share entity dicts.
    Items are passed through untouched, so the Store may hand in pydantic models.
    """
    out = dict(entity)
    for name in GROWING_FIELDS.get(kind, ()):
        if name in entity:
            base = entity[name]
        elif previous is not None:
            base = previous.get(name) or []
        else:
            base = []
        extra = added.get(name) if added else None
        out[name] = [*base, *extra] if extra else base
    return out


def appended_of(payload: Mapping[str, Any], kind: str) -> Mapping[str, Mapping[str, list[Any]]]:
    """An event's additions to growing lists of one kind, by entity id (often empty)."""
    appended = payload.get("appended")
    if not appended:
        return {}
    by_id: Mapping[str, Mapping[str, list[Any]]] = appended.get(kind) or {}
    return by_id


class StateFold:
    """The live state at `seq`, as JSON dicts keyed by entity id."""

    __slots__ = ("assignments", "calls", "incidents", "last_ts", "markers", "seq", "units")

    def __init__(
        self,
        seq: int,
        tables: dict[str, dict[str, dict[str, Any]]],
        last_ts: str | None = None,
    ) -> None:
        self.seq = seq
        self.calls = tables["calls"]
        self.incidents = tables["incidents"]
        self.units = tables["units"]
        self.assignments = tables["assignments"]
        self.markers = tables.get("markers", {})
        self.last_ts = last_ts

    @classmethod
    def from_state(cls, state: StatePublic) -> StateFold:
        raw = state.model_dump(mode="json")
        return cls.from_json(raw)

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> StateFold:
        tables = {kind: {e["id"]: e for e in raw.get(kind, [])} for kind in KINDS}
        return cls(int(raw["as_of_seq"]), tables)

    def table(self, kind: str) -> dict[str, dict[str, Any]]:
        table: dict[str, dict[str, Any]] = getattr(self, kind)
        return table

    def apply(self, seq: int, ts: str, type_: str, payload: dict[str, Any]) -> None:
        """Apply the event that follows `self.seq` (the caller checks continuity)."""
        if type_ == "unit.positions":
            units = self.units
            for p in position_fixes(payload):
                unit = units.get(p["unit_id"])
                if unit is not None:
                    unit["position"] = {
                        "lat": p["lat"],
                        "lon": p["lon"],
                        "at": fix_time(p, ts),
                        "heading": p.get("heading"),
                        "speed_kmh": p.get("speed_kmh"),
                    }
        changes = payload.get("changes") or {}
        for kind in KINDS:
            items = changes.get(kind)
            added = appended_of(payload, kind)
            if not items and not added:
                continue
            table = self.table(kind)
            done = set()
            for entity in items or ():
                entity_id = entity["id"]
                done.add(entity_id)
                if is_live_json(kind, entity):
                    table[entity_id] = complete(
                        kind, entity, table.get(entity_id), added.get(entity_id)
                    )
                else:
                    table.pop(entity_id, None)
            for entity_id, extra in added.items():
                current = table.get(entity_id)
                if entity_id not in done and current is not None:
                    table[entity_id] = complete(kind, current, None, extra)
        self.seq = seq
        self.last_ts = ts

    def copy(self) -> StateFold:
        """An independent copy (see the module docstring for why one level suffices)."""
        tables = {
            "calls": dict(self.calls),
            "incidents": dict(self.incidents),
            "units": {k: dict(v) for k, v in self.units.items()},
            "assignments": dict(self.assignments),
            "markers": dict(self.markers),
        }
        return StateFold(self.seq, tables, self.last_ts)

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of_seq": self.seq,
            "calls": list(self.calls.values()),
            "incidents": list(self.incidents.values()),
            "units": list(self.units.values()),
            "assignments": list(self.assignments.values()),
            "markers": list(self.markers.values()),
        }

    def to_state(self) -> StatePublic:
        return StatePublic.model_validate(self.to_json())
