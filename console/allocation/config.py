"""What a site may tune about allocation: speeds, road factor, capabilities, grade weights.

The figures are a site's policy, not code, so they live in `resources/allocation.toml`
(commented) and a site may point the console at its own file; a file need only name what
it changes. The dataclass defaults and the shipped file agree (a test checks it), so the
console still ranks sensibly when the file is missing.

Capabilities per classification come in two strengths:

- **required**: a unit without them is never offered (a firearms incident needs an armed
  response vehicle; sending an unarmed car first is a safety failure, not a slower choice);
- **preferred**: any unit may go, but one with the capability ranks as if it were
  `preferred_bonus_s` closer (a traffic car for a collision, a dog for a missing person).
  The ETA shown stays the true one; only the order changes.

Classification names match case-insensitively, ignoring surrounding spaces.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

from console.allocation.plans import ResponsePlans, load_plans, pack_plans_text, shipped_plans
from platform_api.contract import Grade, UnitType

DEFAULT_RESOURCE = "allocation.toml"

K = TypeVar("K")
V = TypeVar("V")
E = TypeVar("E", UnitType, Grade)

# Blue-light road speeds (km/h) for London; ETA uses them on the road distance.
_SPEED_KMH: dict[UnitType, float] = {
    UnitType.RESPONSE_CAR: 48.0,
    UnitType.ARMED_RESPONSE: 56.0,
    UnitType.TRAFFIC: 56.0,
    UnitType.DOG: 45.0,
    UnitType.PUBLIC_ORDER: 40.0,  # carriers: vans, slower through traffic
    UnitType.FOOT_PATROL: 5.0,
    UnitType.FIRE_ENGINE: 40.0,
    UnitType.FIRE_TRUCK: 35.0,
    UnitType.AMBULANCE: 48.0,
    UnitType.FIRE_OFFICER: 50.0,
}

_GRADE_WEIGHTS: dict[Grade, float] = {
    Grade.IMMEDIATE: 10.0,
    Grade.PRIORITY: 3.0,
    Grade.SCHEDULED: 1.0,
    Grade.RESOLVED_WITHOUT_DEPLOYMENT: 0.0,  # weight 0: never part of a rebalance
}

_REQUIRED: dict[str, frozenset[str]] = {
    "firearms": frozenset({"firearms"}),
}

_PREFERRED: dict[str, frozenset[str]] = {
    "road traffic collision": frozenset({"traffic"}),
    "missing person": frozenset({"dog"}),
    "public disorder": frozenset({"public_order"}),
}


def _key(classification: str) -> str:
    return classification.strip().casefold()


def _frozen(mapping: Mapping[K, V]) -> Mapping[K, V]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class AllocationConfig:
    """Allocation policy; immutable, so one instance can be shared with executor threads.

    Attributes:
        road_factor: road distance over straight-line distance (1.4 suits a dense city).
        speed_kmh: blue-light road speed per unit type.
        stale_position_s: a position older than this is flagged (still used, last known).
        required_capabilities: casefolded classification -> capabilities a unit must have.
        preferred_capabilities: casefolded classification -> capabilities that earn the bonus.
        preferred_bonus_s: how much sooner a unit with a preferred capability ranks.
        grade_weights: multiplier of ETA per grade in a rebalance; 0 leaves the grade out.
        unserved_eta_s: in a rebalance, an incident left without a unit costs as if its unit
            took this long; a unit further than this is never proposed.
        plans: the response plans (`resources/response_plans.toml`): what each incident
            should get, and which unit types are held back as specialists.
    """

    road_factor: float = 1.4
    speed_kmh: Mapping[UnitType, float] = field(default_factory=lambda: _frozen(_SPEED_KMH))
    stale_position_s: float = 120.0
    required_capabilities: Mapping[str, frozenset[str]] = field(
        default_factory=lambda: _frozen(_REQUIRED)
    )
    preferred_capabilities: Mapping[str, frozenset[str]] = field(
        default_factory=lambda: _frozen(_PREFERRED)
    )
    preferred_bonus_s: float = 120.0
    grade_weights: Mapping[Grade, float] = field(default_factory=lambda: _frozen(_GRADE_WEIGHTS))
    unserved_eta_s: float = 7200.0
    plans: ResponsePlans = field(default_factory=shipped_plans)

    def __post_init__(self) -> None:
        if self.road_factor < 1.0:
            raise ValueError("road_factor: must be at least 1 (roads are never shorter)")
        missing = [t.value for t in UnitType if t not in self.speed_kmh]
        if missing:
            raise ValueError(f"speed_kmh: no speed for {', '.join(missing)}")
        for unit_type, speed in self.speed_kmh.items():
            if not speed > 0:
                raise ValueError(f"speed_kmh.{unit_type.value}: must be positive")
        for grade in Grade:
            if self.grade_weights.get(grade, 0.0) < 0:
                raise ValueError(f"grade_weights.{grade.value}: must not be negative")
        for name in ("stale_position_s", "preferred_bonus_s", "unserved_eta_s"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name}: must not be negative")

    def required_for(self, classification: str) -> frozenset[str]:
        return self.required_capabilities.get(_key(classification), frozenset())

    def preferred_for(self, classification: str) -> frozenset[str]:
        return self.preferred_capabilities.get(_key(classification), frozenset())

    def weight(self, grade: Grade) -> float:
        return self.grade_weights.get(grade, 0.0)


def config_from_mapping(
    data: Mapping[str, Any], base: AllocationConfig | None = None
) -> AllocationConfig:
    """Overlay `data` (a parsed TOML/JSON document) on `base`; unknown keys are errors.

    Raises ValueError naming the key at fault, so a site's typo is never silently ignored.
    """
    base = base or AllocationConfig()
    known = {f.name for f in fields(AllocationConfig)} - {"plans"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ValueError(f"unknown allocation setting(s): {', '.join(unknown)}")
    changes: dict[str, Any] = {}
    for name in ("road_factor", "stale_position_s", "preferred_bonus_s", "unserved_eta_s"):
        if name in data:
            changes[name] = _number(name, data[name])
    if "speed_kmh" in data:
        speeds = dict(base.speed_kmh)
        for key, value in _table("speed_kmh", data["speed_kmh"]).items():
            speeds[_enum(UnitType, "speed_kmh", key)] = _number(f"speed_kmh.{key}", value)
        changes["speed_kmh"] = _frozen(speeds)
    if "grade_weights" in data:
        weights = dict(base.grade_weights)
        for key, value in _table("grade_weights", data["grade_weights"]).items():
            weights[_enum(Grade, "grade_weights", key)] = _number(f"grade_weights.{key}", value)
        changes["grade_weights"] = _frozen(weights)
    for name in ("required_capabilities", "preferred_capabilities"):
        if name in data:
            # A site lists the whole policy: a classification it leaves out has no needs.
            changes[name] = _frozen(
                {
                    _key(cls): frozenset(_strings(f"{name}.{cls}", caps))
                    for cls, caps in _table(name, data[name]).items()
                }
            )
    return replace(base, **changes)


def load_config(
    path: Path | None = None, plans: Path | None = None, pack: str | None = None
) -> AllocationConfig:
    """Read a site's TOML file, or the shipped `resources/allocation.toml` when None, and
    the response plans: the shipped ones, the force `pack`'s own over them (if it has
    any), and the site's `plans` file over both."""
    if path is None:
        text = (resources.files("resources") / DEFAULT_RESOURCE).read_text("utf-8")
    else:
        text = path.read_text("utf-8")
    if plans is None and (pack is None or pack_plans_text(pack) is None):
        base = AllocationConfig()
    else:
        base = AllocationConfig(plans=load_plans(plans, pack))
    return config_from_mapping(tomllib.loads(text), base)


def _number(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name}: expected a number, got {value!r}")
    return float(value)


def _table(name: str, value: Any) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ValueError(f"{name}: expected a table")
    return value


def _strings(name: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{name}: expected a list of capability names")
    return [v.strip() for v in value]


def _enum(kind: type[E], name: str, key: str) -> E:
    try:
        return kind(key)
    except ValueError:
        choices = ", ".join(m.value for m in kind)
        raise ValueError(f"{name}.{key}: unknown; expected one of {choices}") from None
