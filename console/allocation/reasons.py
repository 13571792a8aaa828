"""The words a dispatcher reads beside a unit: "1.4 km, about 3 min, ARV, available".

One place for the wording so the recommendation list, the rebalance proposal and the
"why not this unit?" tooltip say things the same way. A time from a road router says "by
road"; a straight-line estimate says so, so nobody mistakes a guess across the Thames for
a route. Times are rounded to what an operator would say aloud.
"""

from __future__ import annotations

from platform_api.contract import Grade, UnitType

TYPE_LABELS: dict[UnitType, str] = {
    UnitType.RESPONSE_CAR: "response car",
    UnitType.FOOT_PATROL: "foot patrol",
    UnitType.DOG: "dog unit",
    UnitType.ARMED_RESPONSE: "ARV",
    UnitType.TRAFFIC: "traffic car",
    UnitType.PUBLIC_ORDER: "public order carrier",
    UnitType.FIRE_ENGINE: "fire engine",
    UnitType.FIRE_TRUCK: "ladder truck",
    UnitType.AMBULANCE: "ambulance",
    UnitType.FIRE_OFFICER: "fire officer",
}


def distance_words(metres: float) -> str:
    """'350 m' under a kilometre (to 10 m), else '1.4 km' (to 100 m)."""
    if metres < 995:
        return f"{round(metres / 10) * 10:.0f} m"
    return f"{metres / 1000:.1f} km"


def duration_words(seconds: float) -> str:
    """'about 3 min' (nearest minute, at least 1); 'about 1 h 20 min' from an hour."""
    minutes = max(1, int(seconds / 60 + 0.5))
    if minutes < 60:
        return f"about {minutes} min"
    hours, rest = divmod(minutes, 60)
    return f"about {hours} h" + (f" {rest} min" if rest else "")


def age_words(seconds: float) -> str:
    """How old a position is, for a stale flag: 'position 7 min old'."""
    if seconds < 90:
        return f"position {max(0, round(seconds))} s old"
    return f"position {round(seconds / 60)} min old"


def unit_reason(
    distance_m: float,
    eta_s: float,
    unit_type: UnitType,
    status_words: str,
    stale_age_s: float | None = None,
    *,
    by_road: bool = False,
) -> str:
    """'2.1 km by road, about 4 min, ARV, available' from a router, or '1.4 km, about
    3 min (straight-line estimate), …' (+ ', position 7 min old' when stale)."""
    if by_road:
        parts = [f"{distance_words(distance_m)} by road", duration_words(eta_s)]
    else:
        parts = [distance_words(distance_m), f"{duration_words(eta_s)} (straight-line estimate)"]
    parts.append(TYPE_LABELS[unit_type])
    parts.append(status_words)
    if stale_age_s is not None:
        parts.append(age_words(stale_age_s))
    return ", ".join(parts)


def committed_words(reference: str, grade: Grade | None) -> str:
    """'committed to LDN-20261122-0042', noting an Immediate (or unknown) incident."""
    if grade is Grade.IMMEDIATE:
        return f"committed to {reference} (Immediate)"
    if grade is None:
        return f"committed to {reference} (grade unknown)"
    return f"committed to {reference}"
