"""Road speeds by road class and unit type: site data (`resources/routing.toml`).

A site copies the shipped file and changes what it needs; anything it leaves out keeps the
shipped value, and an unknown key or a bad value is refused with the file and key named,
so a typo never silently changes how units are ranked.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from platform_api.contract import UnitType

DEFAULT_RESOURCE = "routing.toml"


class PolicyError(ValueError):
    """A routing policy file is wrong; the message names the file and the key."""


def _shipped() -> dict[str, Any]:
    text = (resources.files("resources") / DEFAULT_RESOURCE).read_text("utf-8")
    return tomllib.loads(text)


@dataclass(frozen=True)
class RoutingPolicy:
    """Attributes:
    drive_kmh: blue-light speed by OSM `highway` class; other classes are not driven on.
    type_factor: each driving unit type's share of the road speed.
    walk_kmh: a foot patrol's speed, on any way but motorways and trunk roads.
    access_kmh: speed from a point to its nearest graph node (and from the graph on).
    max_snap_m: a point further than this from any node is off the network.
    """

    drive_kmh: Mapping[str, float] = field(default_factory=dict)
    type_factor: Mapping[UnitType, float] = field(default_factory=dict)
    walk_kmh: float = 5.0
    access_kmh: float = 15.0
    max_snap_m: float = 400.0

    def factor(self, unit_type: UnitType) -> float:
        return self.type_factor.get(unit_type, 1.0)


def load_policy(path: Path | None = None) -> RoutingPolicy:
    """The shipped policy, overlaid with a site's file when `path` is given."""
    data = _shipped()
    source = f"resources/{DEFAULT_RESOURCE}"
    base = policy_from_mapping(data, source)
    if path is None:
        return base
    try:
        site = tomllib.loads(path.read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise PolicyError(f"{path}: {exc}") from exc
    merged = {k: (dict(v) if isinstance(v, dict) else v) for k, v in data.items()}
    for key, value in site.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key].update(value)
        else:
            merged[key] = value
    return policy_from_mapping(merged, str(path))


def policy_from_mapping(data: Mapping[str, Any], source: str) -> RoutingPolicy:
    unknown = sorted(set(data) - {"drive_kmh", "type_factor", "walk", "access"})
    if unknown:
        raise PolicyError(f"{source}: unknown setting(s) {', '.join(unknown)}")
    drive = {
        str(k): _positive(source, f"drive_kmh.{k}", v)
        for k, v in _table(source, "drive_kmh", data.get("drive_kmh", {})).items()
    }
    if not drive:
        raise PolicyError(f"{source}: drive_kmh: at least one road class must be driven on")
    factors: dict[UnitType, float] = {}
    for key, value in _table(source, "type_factor", data.get("type_factor", {})).items():
        try:
            unit_type = UnitType(key)
        except ValueError:
            choices = ", ".join(t.value for t in UnitType)
            raise PolicyError(
                f"{source}: type_factor.{key}: unknown unit type; expected one of {choices}"
            ) from None
        factors[unit_type] = _positive(source, f"type_factor.{key}", value)
    walk = _table(source, "walk", data.get("walk", {}))
    access = _table(source, "access", data.get("access", {}))
    for name, table, allowed in (
        ("walk", walk, {"speed_kmh"}),
        ("access", access, {"speed_kmh", "max_snap_m"}),
    ):
        extra = sorted(set(table) - allowed)
        if extra:
            raise PolicyError(f"{source}: {name}: unknown setting(s) {', '.join(extra)}")
    return RoutingPolicy(
        drive_kmh=MappingProxyType(drive),
        type_factor=MappingProxyType(factors),
        walk_kmh=_positive(source, "walk.speed_kmh", walk.get("speed_kmh", 5.0)),
        access_kmh=_positive(source, "access.speed_kmh", access.get("speed_kmh", 15.0)),
        max_snap_m=_positive(source, "access.max_snap_m", access.get("max_snap_m", 400.0)),
    )


def _table(source: str, name: str, value: Any) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise PolicyError(f"{source}: {name}: expected a table")
    return value


def _positive(source: str, name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise PolicyError(f"{source}: {name}: expected a positive number, got {value!r}")
    return float(value)
