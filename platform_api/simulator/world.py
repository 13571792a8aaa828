"""Seeding a London force: units with Met-style callsigns in every borough, and specialists.

Each borough has a two-letter code (as the Metropolitan Police's borough callsigns do):
response cars are CODE11..CODE14, a foot patrol CODE21. Specialists work pan-London:
armed response vehicles "TJ5x" (Trojan), dogs "DG1x", traffic "TD4x", public order "U1..".
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from platform_api.contract import UnitType
from platform_api.geo import boroughs

BOROUGH_CODES = {
    "Westminster": "CW",
    "Camden": "EK",
    "Islington": "NI",
    "Hackney": "GH",
    "Tower Hamlets": "HT",
    "Lambeth": "LX",
    "Southwark": "MD",
    "Croydon": "ZD",
    "Lewisham": "PL",
    "Greenwich": "RG",
    "Newham": "KF",
    "Ealing": "XD",
    "Barnet": "SX",
    "Brent": "QK",
    "Haringey": "YR",
    "Enfield": "YE",
    "Bromley": "PY",
    "Hillingdon": "XH",
    "Hounslow": "TX",
    "Kingston upon Thames": "VK",
    "Richmond upon Thames": "TW",
    "Merton": "VW",
    "Sutton": "ZT",
    "Wandsworth": "WW",
    "Kensington and Chelsea": "BS",
    "Hammersmith and Fulham": "FH",
    "Harrow": "QA",
    "Redbridge": "JI",
    "Havering": "KD",
    "Barking and Dagenham": "KG",
    "Bexley": "RY",
    "Waltham Forest": "JC",
    "City of London": "CY",
}

SPECIALISTS: list[tuple[str, UnitType, list[str], int, str]] = [
    # callsign prefix, type, capabilities, how many, base
    ("TJ5", UnitType.ARMED_RESPONSE, ["firearms"], 12, "Leman Street"),
    ("DG1", UnitType.DOG, ["dog"], 8, "Bow"),
    ("TD4", UnitType.TRAFFIC, ["traffic"], 8, "Chadwell Heath"),
    ("U", UnitType.PUBLIC_ORDER, ["public_order"], 6, "Lambeth"),
]


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


def plan_units(rng: random.Random) -> list[UnitPlan]:
    """About 200 units: 5 per borough and 34 pan-London specialists."""
    plans: list[UnitPlan] = []
    all_boroughs = boroughs()
    for b in all_boroughs:
        code = BOROUGH_CODES.get(b.name, b.name[:2].upper())
        for n, unit_type in [
            (11, UnitType.RESPONSE_CAR),
            (12, UnitType.RESPONSE_CAR),
            (13, UnitType.RESPONSE_CAR),
            (14, UnitType.RESPONSE_CAR),
            (21, UnitType.FOOT_PATROL),
        ]:
            lat, lon = b.random_point(rng)
            plans.append(
                UnitPlan(f"{code}{n}", unit_type, [], f"{b.name} police station", b.name, lat, lon)
            )
    for prefix, unit_type, caps, count, base in SPECIALISTS:
        for i in range(count):
            b = rng.choice(all_boroughs)
            lat, lon = b.random_point(rng)
            callsign = f"{prefix}{i + 1}" if prefix == "U" else f"{prefix}{i}"
            if unit_type is UnitType.ARMED_RESPONSE:
                callsign = f"TJ{51 + i}"
            plans.append(UnitPlan(callsign, unit_type, caps, base, b.name, lat, lon))
    return plans
