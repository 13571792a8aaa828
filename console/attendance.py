"""Response targets as a supervisor reads them: met when the first unit arrives at scene.

A grade's target (Immediate 15 min, Priority 60: `GRADE_TARGET_MINUTES`) is to attend.
An incident whose first unit arrived by its `target_at` has met it and needs no watching
for it; one nobody has reached yet is what "past target" means on the Room view and what
turns the board's "Target left" red. Counting every open incident against its target
whether attended or not made the demo's opening room, whose incidents are raised together,
go red all at once 15 minutes in, units at scene included.

The first arrival comes from the Store (`Store.arrivals`), which keeps it after the unit
clears.
"""

from __future__ import annotations

from datetime import datetime

from console.store import Store
from platform_api.contract import IncidentPublic


def awaiting_left_s(store: Store, incident: IncidentPublic, now: datetime) -> float | None:
    """Seconds left to the target of an incident no unit has reached yet (negative: past);
    None when it has no target or a unit has arrived."""
    if incident.target_at is None or incident.id in store.arrivals:
        return None
    return (incident.target_at - now).total_seconds()


def target_text(store: Store, incident: IncidentPublic, now: datetime) -> str:
    """The board's "Target left": m:ss (-m:ss past), "met", "missed" (attended late), "-"."""
    if incident.target_at is None:
        return "-"
    arrived = store.arrivals.get(incident.id)
    if arrived is not None:
        return "met" if arrived <= incident.target_at else "missed"
    seconds = int((incident.target_at - now).total_seconds())
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    return f"{sign}{seconds // 60}:{seconds % 60:02d}"
