"""Response plans: the units an incident should get, by classification and grade.

Site data (`resources/response_plans.toml`, commented there), validated on load: any
mistake is refused with the file and the key at fault, e.g.
`response_plans.toml: plans."Firearms".immediate[0].type: unknown unit type "arv"`, so a
typo can never quietly send the wrong units. A force pack may ship plans of its own
(`resources/packs/<pack>/response_plans.toml`: San Francisco's fire engines, ladder trucks,
ambulances and officers), laid over the shipped ones; a site's file is laid over both. Each
layer replaces the plan of each classification it names (and `default`'s grades, and
`specialists`), and keeps the rest.

A slot asks for a unit type, "general" (any type not in `specialists`) or a capability,
with a count. Classification names match case-insensitively, ignoring surrounding spaces.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from console.allocation.reasons import TYPE_LABELS
from platform_api.contract import Grade, UnitType

DEFAULT_RESOURCE = "response_plans.toml"
GENERAL = "general"


class PlanError(ValueError):
    """A response plan file is wrong; the message names the file and the key."""


@dataclass(frozen=True)
class Slot:
    """One line of a plan: `count` units of a type, of general duty, or with a capability."""

    type: UnitType | None = None  # None with capability None: any general-duty unit
    capability: str | None = None
    count: int = 1

    def accepts(
        self, unit_type: UnitType, capabilities: Iterable[str], specialists: frozenset[UnitType]
    ) -> bool:
        if self.capability is not None:
            return self.capability in capabilities
        if self.type is not None:
            return unit_type is self.type
        return unit_type not in specialists

    @property
    def label(self) -> str:
        """What the slot asks for, as a dispatcher says it: 'ARV', 'general unit'."""
        if self.capability is not None:
            return f"unit with {self.capability.replace('_', ' ')}"
        if self.type is not None:
            return TYPE_LABELS[self.type]
        return "general unit"


@dataclass(frozen=True)
class ResponsePlan:
    """The slots for one classification and grade; `name` says where it came from."""

    name: str
    slots: tuple[Slot, ...]

    @property
    def seats(self) -> int:
        return sum(s.count for s in self.slots)

    @property
    def types_asked(self) -> frozenset[UnitType]:
        return frozenset(s.type for s in self.slots if s.type is not None)

    @property
    def capabilities_asked(self) -> frozenset[str]:
        return frozenset(s.capability for s in self.slots if s.capability is not None)

    def asks_for(self, unit_type: UnitType, capabilities: Iterable[str]) -> bool:
        """Whether any slot asks for this unit *specifically* (by type or capability)."""
        caps = set(capabilities)
        return any(
            (s.type is unit_type) or (s.capability is not None and s.capability in caps)
            for s in self.slots
        )


@dataclass(frozen=True)
class ResponsePlans:
    """Every plan of a site, and which unit types are specialists."""

    specialists: frozenset[UnitType] = frozenset()
    default: Mapping[Grade, tuple[Slot, ...]] = field(default_factory=dict)
    by_classification: Mapping[str, Mapping[str, tuple[Slot, ...]]] = field(default_factory=dict)

    def plan_for(self, classification: str, grade: Grade) -> ResponsePlan:
        own = self.by_classification.get(_key(classification))
        if own is not None:
            # "any" never sends units to an incident resolved without deployment
            keys = [grade.value]
            if grade is not Grade.RESOLVED_WITHOUT_DEPLOYMENT:
                keys.append("any")
            for key in keys:
                if key in own:
                    return ResponsePlan(f"{classification.strip()} ({key})", own[key])
        return ResponsePlan(f"default ({grade.value})", self.default.get(grade, ()))


def _key(classification: str) -> str:
    return classification.strip().casefold()


def _shipped_text() -> str:
    return (resources.files("resources") / DEFAULT_RESOURCE).read_text("utf-8")


def shipped_plans() -> ResponsePlans:
    return plans_from_mapping(tomllib.loads(_shipped_text()), f"resources/{DEFAULT_RESOURCE}")


def pack_plans_text(pack: str) -> tuple[str, str] | None:
    """A force pack's own plans (`resources/packs/<pack>/response_plans.toml`) and where
    they are, or None: San Francisco's fire and medical units need plans of their own."""
    if not pack.replace("-", "").replace("_", "").isalnum():
        return None  # a pack given as a path, or nonsense: no shipped plans of its own
    shipped = resources.files("resources") / "packs" / pack / DEFAULT_RESOURCE
    if not shipped.is_file():
        return None
    return shipped.read_text("utf-8"), f"resources/packs/{pack}/{DEFAULT_RESOURCE}"


def load_plans(path: Path | None = None, pack: str | None = None) -> ResponsePlans:
    """The shipped plans, with the force pack's own laid over them (when `pack` has any),
    then a site's file (`path`)."""
    data: dict[str, Any] = tomllib.loads(_shipped_text())
    source = f"resources/{DEFAULT_RESOURCE}"
    layers: list[tuple[str, str]] = []
    own = pack_plans_text(pack) if pack is not None else None
    if own is not None:
        layers.append(own)
    if path is not None:
        try:
            layers.append((path.read_text("utf-8"), str(path)))
        except OSError as exc:
            raise PlanError(f"{path}: {exc}") from exc
    for text, source in layers:
        try:
            data = _laid_over(data, tomllib.loads(text), source)
        except tomllib.TOMLDecodeError as exc:
            raise PlanError(f"{source}: {exc}") from exc
    return plans_from_mapping(data, source)


def _laid_over(data: Mapping[str, Any], site: Mapping[str, Any], source: str) -> dict[str, Any]:
    merged: dict[str, Any] = {
        "specialists": site.get("specialists", data.get("specialists", [])),
        "default": {**data.get("default", {}), **_mapping(source, "default", site, {})},
        "plans": {**data.get("plans", {}), **_mapping(source, "plans", site, {})},
    }
    extra = sorted(set(site) - set(merged))
    if extra:
        raise PlanError(f"{source}: unknown setting(s) {', '.join(extra)}")
    return merged


def _mapping(source: str, key: str, data: Mapping[str, Any], default: Any) -> Any:
    value = data.get(key, default)
    if not isinstance(value, Mapping):
        raise PlanError(f"{source}: {key}: expected a table")
    return value


def plans_from_mapping(data: Mapping[str, Any], source: str) -> ResponsePlans:
    extra = sorted(set(data) - {"specialists", "default", "plans"})
    if extra:
        raise PlanError(f"{source}: unknown setting(s) {', '.join(extra)}")
    raw_specialists = data.get("specialists", [])
    if not isinstance(raw_specialists, list):
        raise PlanError(f"{source}: specialists: expected a list of unit types")
    specialists = frozenset(
        _unit_type(source, f"specialists[{i}]", v) for i, v in enumerate(raw_specialists)
    )
    default: dict[Grade, tuple[Slot, ...]] = {}
    for key, slots in _mapping(source, "default", data, {}).items():
        try:
            grade = Grade(key)
        except ValueError:
            choices = ", ".join(g.value for g in Grade)
            raise PlanError(
                f"{source}: default.{key}: unknown grade; expected one of {choices}"
            ) from None
        default[grade] = _slots(source, f"default.{key}", slots)
    missing = [g.value for g in Grade if g not in default]
    if missing:
        raise PlanError(f"{source}: default: no plan for {', '.join(missing)}")
    plans: dict[str, Mapping[str, tuple[Slot, ...]]] = {}
    grades = {g.value for g in Grade} | {"any"}
    for name, by_grade in _mapping(source, "plans", data, {}).items():
        where = f'plans."{name}"'
        if not isinstance(by_grade, Mapping) or not by_grade:
            raise PlanError(f"{source}: {where}: expected a table of grades (or `any`)")
        own: dict[str, tuple[Slot, ...]] = {}
        for key, slots in by_grade.items():
            if key not in grades:
                raise PlanError(
                    f"{source}: {where}.{key}: unknown grade; expected one of "
                    f"{', '.join(sorted(grades))}"
                )
            own[key] = _slots(source, f"{where}.{key}", slots)
        plans[_key(name)] = MappingProxyType(own)
    return ResponsePlans(specialists, MappingProxyType(default), MappingProxyType(plans))


def _slots(source: str, where: str, value: Any) -> tuple[Slot, ...]:
    if not isinstance(value, list):
        raise PlanError(f"{source}: {where}: expected a list of slots")
    out: list[Slot] = []
    for i, raw in enumerate(value):
        at = f"{where}[{i}]"
        if not isinstance(raw, Mapping):
            raise PlanError(f'{source}: {at}: expected a table such as {{ type = "general" }}')
        extra = sorted(set(raw) - {"type", "capability", "count"})
        if extra:
            raise PlanError(f"{source}: {at}: unknown key(s) {', '.join(extra)}")
        count = raw.get("count", 1)
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 20:
            raise PlanError(f"{source}: {at}.count: expected a whole number from 1 to 20")
        if ("type" in raw) == ("capability" in raw):
            raise PlanError(f"{source}: {at}: give exactly one of `type` or `capability`")
        if "capability" in raw:
            capability = raw["capability"]
            if not isinstance(capability, str) or not capability.strip():
                raise PlanError(f"{source}: {at}.capability: expected a capability name")
            out.append(Slot(capability=capability.strip(), count=count))
        elif raw["type"] == GENERAL:
            out.append(Slot(count=count))
        else:
            out.append(Slot(type=_unit_type(source, f"{at}.type", raw["type"]), count=count))
    return tuple(out)


def _unit_type(source: str, where: str, value: Any) -> UnitType:
    try:
        return UnitType(value)
    except ValueError:
        choices = ", ".join([GENERAL, *(t.value for t in UnitType)])
        raise PlanError(
            f"{source}: {where}: unknown unit type {value!r}; expected one of {choices}"
        ) from None
