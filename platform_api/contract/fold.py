"""The live state as plain JSON, advanced by events with exactly the console Store's rules.

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

from typing import Any

from platform_api.contract import StatePublic

KINDS = ("calls", "incidents", "units", "assignments")
_LIVE_CALL = frozenset({"queued", "answered"})
_LIVE_ASSIGNMENT = frozenset({"dispatched", "en_route", "at_scene"})


def is_live_json(kind: str, entity: dict[str, Any]) -> bool:
    if kind == "calls":
        return entity.get("state") in _LIVE_CALL
    if kind == "incidents":
        return bool(entity.get("status") == "open")
    if kind == "assignments":
        return entity.get("state") in _LIVE_ASSIGNMENT
    return True


class StateFold:
    """The live state at `seq`, as JSON dicts keyed by entity id."""

    __slots__ = ("assignments", "calls", "incidents", "last_ts", "seq", "units")

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
            for p in payload.get("positions", ()):
                unit = units.get(p["unit_id"])
                if unit is not None:
                    unit["position"] = {
                        "lat": p["lat"],
                        "lon": p["lon"],
                        "at": p["at"],
                        "heading": p.get("heading"),
                        "speed_kmh": p.get("speed_kmh"),
                    }
        changes = payload.get("changes")
        if changes:
            for kind, items in changes.items():
                if kind not in KINDS:
                    continue
                table = self.table(kind)
                for entity in items:
                    if is_live_json(kind, entity):
                        table[entity["id"]] = entity
                    else:
                        table.pop(entity["id"], None)
        self.seq = seq
        self.last_ts = ts

    def copy(self) -> StateFold:
        """An independent copy (see the module docstring for why one level suffices)."""
        tables = {
            "calls": dict(self.calls),
            "incidents": dict(self.incidents),
            "units": {k: dict(v) for k, v in self.units.items()},
            "assignments": dict(self.assignments),
        }
        return StateFold(self.seq, tables, self.last_ts)

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of_seq": self.seq,
            "calls": list(self.calls.values()),
            "incidents": list(self.incidents.values()),
            "units": list(self.units.values()),
            "assignments": list(self.assignments.values()),
        }

    def to_state(self) -> StatePublic:
        return StatePublic.model_validate(self.to_json())
