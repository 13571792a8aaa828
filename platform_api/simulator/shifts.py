"""Crews and shifts for the simulated force: who is on each unit, shift changes at 07:00,
15:00 and 23:00 (early, late, night), and refreshment breaks, so the board breathes.

A unit whose crew's shift has ended books off when it is next free, and a new crew books
on after a handover; each crew takes one 45-minute refreshment break mid-shift when free.
The shift clock is the wall clock, sped up by `SimConfig.shift_speed` for demos and tests.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

SKILLS = [("first aid", 0.95), ("taser", 0.3), ("advanced driver", 0.4), ("public order", 0.2)]
BREAK_S = 45 * 60


def shift_at(moment: datetime) -> str:
    hour = moment.hour
    if 7 <= hour < 15:
        return "early"
    if 15 <= hour < 23:
        return "late"
    return "night"


def crew(rng: random.Random, size: int) -> list[dict[str, Any]]:
    members = []
    for _ in range(size):
        skills = [name for name, share in SKILLS if rng.random() < share]
        members.append({"collar": f"PC {rng.randrange(1000, 99999)}", "skills": skills})
    return members


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

    def new_crew(self, unit_id: str, now: float) -> tuple[str, list[dict[str, Any]]]:
        shift = self.now_shift(now)
        self.crews[unit_id] = _Crew(
            shift, break_due=now + self._rng.uniform(0.3, 0.7) * self.shift_s()
        )
        return shift, crew(self._rng, 2 if self._rng.random() < 0.6 else 1)

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
