"""Seeding a force's units from its pack's roster: per district, and specialists.

The roster is data (`[roster]` in a pack's `pack.toml`, see docs/packs.md): each district
gets its lines' units, callsign = the district's code and a number from `first` (London's
CW11..CW14 response cars and CW21 foot patrol, as the Metropolitan Police's borough
callsigns); specialists get the line's prefix and a number (TJ51.., DG10..), for the
whole area or, with `per_force`, for each force of the pack. Units start at a random point
of their district and belong to its response base.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from platform_api.contract import UnitType
from platform_api.packs import District, ForcePack, RosterLine, load_pack


@dataclass
class UnitPlan:
    callsign: str
    type: UnitType
    capabilities: list[str]
    home_station: str
    borough: str
    lat: float
    lon: float
    extra: dict[str, Any] = field(default_factory=dict)

    def body(self) -> dict[str, Any]:
        return {
            "callsign": self.callsign,
            "type": self.type.value,
            "capabilities": self.capabilities,
            "home_station": self.home_station,
            "borough": self.borough,
            "position": {"lat": self.lat, "lon": self.lon},
        }


def _base_name(pack: ForcePack, district: District) -> str:
    for base in pack.bases:
        if base.district == district.name:
            return base.name
    return f"{district.name} base"


def _specialists(
    pack: ForcePack, line: RosterLine, rng: random.Random, districts: tuple[District, ...],
    force_prefix: str,
) -> list[UnitPlan]:
    plans = []
    for i in range(line.count):
        d = rng.choice(districts)
        lat, lon = d.random_point(rng)
        callsign = f"{force_prefix}{line.prefix}{line.first + i}"
        plans.append(
            UnitPlan(
                callsign, line.type, list(line.capabilities), _base_name(pack, d), d.name, lat, lon
            )
        )
    return plans


def plan_units(rng: random.Random, pack: ForcePack | None = None) -> list[UnitPlan]:
    """The pack's roster: London's is about 200 units (5 per borough, 34 specialists)."""
    pack = pack if pack is not None else load_pack()
    plans: list[UnitPlan] = []
    for d in pack.districts:
        for line in pack.per_district:
            for n in range(line.first, line.first + line.count):
                lat, lon = d.random_point(rng)
                plans.append(
                    UnitPlan(
                        f"{d.code}{n}",
                        line.type,
                        list(line.capabilities),
                        _base_name(pack, d),
                        d.name,
                        lat,
                        lon,
                    )
                )
    for line in pack.specialists:
        if line.per_force and len(pack.forces) > 1:
            for force in pack.forces:
                mine = tuple(d for d in pack.districts if d.force == force.code)
                plans += _specialists(pack, line, rng, mine or pack.districts, force.prefix)
        else:
            plans += _specialists(pack, line, rng, pack.districts, "")
    return plans
