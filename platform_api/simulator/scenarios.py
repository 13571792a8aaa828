"""What callers report: classifications with their usual line, grade and THRIVE notes."""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass

from platform_api.geo import EARTH_RADIUS_M
from platform_api.packs import District, ForcePack


@dataclass(frozen=True)
class Kind:
    classification: str
    weight_999: float
    weight_101: float
    grade_999: str
    grade_101: str
    needs: str | None  # a capability the first unit must have
    threat: str
    closing: str


KINDS = [
    Kind(
        "Violence",
        18,
        4,
        "immediate",
        "priority",
        None,
        "assailant still present",
        "Violence with injury",
    ),
    Kind(
        "Domestic",
        14,
        4,
        "immediate",
        "priority",
        None,
        "partner shouting, children in house",
        "Domestic incident",
    ),
    Kind(
        "Road traffic collision",
        10,
        3,
        "immediate",
        "scheduled",
        "traffic",
        "vehicles blocking road",
        "RTC damage only",
    ),
    Kind(
        "Concern for safety",
        12,
        6,
        "immediate",
        "priority",
        None,
        "person not seen for days",
        "Concern - person found safe",
    ),
    Kind(
        "Burglary",
        8,
        10,
        "immediate",
        "scheduled",
        None,
        "suspects may be inside",
        "Burglary - residential",
    ),
    Kind(
        "Robbery",
        6,
        2,
        "immediate",
        "priority",
        None,
        "phone snatched at knifepoint",
        "Robbery of personal property",
    ),
    Kind(
        "Missing person",
        4,
        5,
        "priority",
        "priority",
        "dog",
        "vulnerable, aged 14",
        "Missing - returned",
    ),
    Kind(
        "Suspicious activity",
        6,
        10,
        "priority",
        "scheduled",
        None,
        "men trying car doors",
        "Suspicious - no offence",
    ),
    Kind("Theft", 2, 18, "priority", "scheduled", None, "no threat now", "Theft - other"),
    Kind(
        "Anti-social behaviour",
        3,
        16,
        "priority",
        "resolved_without_deployment",
        None,
        "group drinking, noise",
        "ASB - nuisance",
    ),
    Kind(
        "Firearms",
        2,
        0.2,
        "immediate",
        "immediate",
        "firearms",
        "caller saw a handgun",
        "Firearms - no trace",
    ),
    Kind(
        "Public disorder",
        3,
        1,
        "immediate",
        "priority",
        "public_order",
        "large fight outside pub",
        "Public order offence",
    ),
]


def pick_kind(rng: random.Random, line: str) -> Kind:
    weights = [k.weight_999 if line == "999" else k.weight_101 for k in KINDS]
    return rng.choices(KINDS, weights=weights)[0]


def pick_place(
    rng: random.Random, pack: ForcePack, force_rates: Mapping[str, float] | None = None
) -> tuple[District, float, float]:
    """Where a call comes from: first whose (each force's calls at its own rate, the
    superposition of Poisson arrivals), then a district of that force."""
    districts = pack.districts
    if force_rates and len(pack.forces) > 1:
        codes = list(force_rates)
        force = rng.choices(codes, weights=[force_rates[c] for c in codes])[0]
        districts = tuple(d for d in pack.districts if d.force == force) or districts
    borough = rng.choice(districts)
    lat, lon = borough.random_point(rng)
    return borough, lat, lon


def caller_number(rng: random.Random) -> str:
    """Ofcom's drama ranges: never a real subscriber's number."""
    if rng.random() < 0.75:
        return f"07700 900{rng.randrange(1000):03d}"
    return f"020 7946 0{rng.randrange(1000):03d}"


def handset_fix(rng: random.Random, lat: float, lon: float) -> dict[str, float]:
    """An AML fix: accuracy log-normal (median ~50 m), the point off by up to that much."""
    accuracy = min(2000.0, max(5.0, rng.lognormvariate(math.log(50), 1.0)))
    distance = accuracy * math.sqrt(rng.random())
    bearing = rng.uniform(0, 2 * math.pi)
    dlat = distance * math.cos(bearing) / EARTH_RADIUS_M
    dlon = distance * math.sin(bearing) / (EARTH_RADIUS_M * math.cos(math.radians(lat)))
    return {
        "lat": round(lat + math.degrees(dlat), 6),
        "lon": round(lon + math.degrees(dlon), 6),
        "accuracy_m": round(accuracy, 1),
    }
