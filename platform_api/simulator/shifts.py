"""Crews and shifts for the simulated force: who is on each unit, shift changes at 07:00,
15:00 and 23:00 (early, late, night), and refreshment breaks, so the board breathes.

A unit whose crew's shift has ended books off when it is next free, and a new crew books
on after a handover; each crew takes one 45-minute refreshment break mid-shift when free.
The shift clock is the wall clock, sped up by `SimConfig.shift_speed` for demos and tests.

A crew fits its vehicle (`CREWS`): police constables ("PC") on police units; an officer
and firefighters on a fire engine or truck (an engine's four include a paramedic, as the
San Francisco Fire Department staffs them); a paramedic and an EMT on an ambulance; a
chief alone in a fire officer's car. A San Francisco board showing "PC" crews on fire engines looked
like a police demo with fire-engine icons.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

BREAK_S = 45 * 60


def shift_at(moment: datetime) -> str:
    hour = moment.hour
    if 7 <= hour < 15:
        return "early"
    if 15 <= hour < 23:
        return "late"
    return "night"


@dataclass(frozen=True)
class Seat:
    """One place on a vehicle: the collar number's prefix (a rank or role) and skills,
    each (name, share of crews that have it)."""

    rank: str
    skills: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class CrewPlan:
    """Who is on one type of vehicle: `seats` in order; the first `always` are always
    filled, each further one with probability `extra_share` (a short-handed shift)."""

    seats: tuple[Seat, ...]
    always: int
    extra_share: float = 0.0


_CONSTABLE = Seat(
    "PC",
    (("first aid", 0.95), ("taser", 0.3), ("advanced driver", 0.4), ("public order", 0.2)),
)
_POLICE = CrewPlan((_CONSTABLE, _CONSTABLE), always=1, extra_share=0.6)
_FIRE_OFFICER = Seat("Capt", (("incident command", 1.0), ("emt", 1.0)))
_FIREFIGHTER = Seat("FF", (("emt", 0.9), ("hazmat", 0.2)))
# the engine's firefighter-paramedic ("PM": a "/" would read as two people on the board)
_FIREFIGHTER_PARAMEDIC = Seat("PM", (("paramedic", 1.0), ("emt", 1.0)))
_TRUCKIE = Seat("FF", (("emt", 0.9), ("rope rescue", 0.4)))
CREWS: dict[str, CrewPlan] = {
    "fire_engine": CrewPlan(
        (_FIRE_OFFICER, _FIREFIGHTER_PARAMEDIC, _FIREFIGHTER, _FIREFIGHTER), always=4
    ),
    "fire_truck": CrewPlan(
        (Seat("Lt", _FIRE_OFFICER.skills), _TRUCKIE, _TRUCKIE, _TRUCKIE, _TRUCKIE), always=5
    ),
    "ambulance": CrewPlan(
        (Seat("PM", (("paramedic", 1.0),)), Seat("EMT", (("emt", 1.0),))), always=2
    ),
    "fire_officer": CrewPlan((Seat("BC", (("incident command", 1.0),)),), always=1),
}


def plan_for(unit_type: str) -> CrewPlan:
    """The crew plan of a unit type; every police type has constables."""
    return CREWS.get(unit_type, _POLICE)


def crew(rng: random.Random, unit_type: str) -> list[dict[str, Any]]:
    """A crew for one vehicle of `unit_type`, collar numbers distinct within it."""
    plan = plan_for(unit_type)
    seats = list(plan.seats[: plan.always])
    seats += [s for s in plan.seats[plan.always :] if rng.random() < plan.extra_share]
    numbers = rng.sample(range(1000, 99999), len(seats))
    return [
        {
            "collar": f"{seat.rank} {number}",
            "skills": [name for name, share in seat.skills if rng.random() < share],
        }
        for seat, number in zip(seats, numbers, strict=True)
    ]


@dataclass
class _Crew:
    shift: str
    break_due: float  # monotonic time at which the crew wants its break
    break_taken: bool = False
    on_break_until: float | None = None
    rejoin_at: float | None = None  # booked off: a new crew books on at this time


class Rota:
    """Decides, each tick, which units book on or off or take or end a break."""

    def __init__(self, rng: random.Random, speed: float, started: float) -> None:
        self._rng = rng
        self._speed = speed
        self._started = started
        self._wall = datetime.now(UTC)
        self.crews: dict[str, _Crew] = {}

    def now_shift(self, now: float) -> str:
        return shift_at(self._wall + timedelta(seconds=(now - self._started) * self._speed))

    def shift_s(self) -> float:
        return 8 * 3600 / self._speed

    def new_crew(self, unit: dict[str, Any], now: float) -> tuple[str, list[dict[str, Any]]]:
        """The shift now and a crew fit for `unit` (a unit as the platform serves it)."""
        shift = self.now_shift(now)
        self.crews[unit["id"]] = _Crew(
            shift, break_due=now + self._rng.uniform(0.3, 0.7) * self.shift_s()
        )
        return shift, crew(self._rng, unit["type"])

    def decide(self, unit: dict[str, Any], now: float) -> str | None:
        """ "book_off", "book_on", "break", "back" or None for one unit now."""
        state = self.crews.get(unit["id"])
        status = unit["status"]
        if state is None:
            return "book_on" if status in ("off_duty", "available") else None
        if state.rejoin_at is not None:
            return "book_on" if now >= state.rejoin_at else None
        if state.on_break_until is not None:
            return "back" if now >= state.on_break_until and status == "refreshment" else None
        if status != "available":
            return None
        if state.shift != self.now_shift(now):
            state.rejoin_at = now + self._rng.uniform(60, 300) / self._speed
            return "book_off"
        if not state.break_taken and now >= state.break_due:
            state.break_taken = True
            state.on_break_until = now + BREAK_S / self._speed
            return "break"
        return None

    def break_end(self, unit_id: str) -> float | None:
        state = self.crews.get(unit_id)
        return None if state is None else state.on_break_until

    def ended_break(self, unit_id: str) -> None:
        state = self.crews.get(unit_id)
        if state is not None:
            state.on_break_until = None
