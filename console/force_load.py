"""Each force's load, for the supervisors of a room shared by two forces.

Open incidents (Immediate among them), those with no unit yet, free units, and the force's
units working the other force's incidents (across the border), from this console's Store.
A platform with one force gives one line, which the Room view does not show.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from console.store import Store
from platform_api.contract import ACTIVE_ASSIGNMENT_STATES, Grade, UnitStatus


@dataclass(frozen=True)
class ForceLoad:
    force: str
    open: int
    immediate: int
    no_unit: int
    free_units: int
    lent: int  # its units on the other force's incidents


def force_loads(store: Store) -> list[ForceLoad]:
    active = [a for a in store.assignments.values() if a.state in ACTIVE_ASSIGNMENT_STATES]
    resourced = {a.incident_id for a in active}
    opened: Counter[str] = Counter()
    immediate: Counter[str] = Counter()
    no_unit: Counter[str] = Counter()
    for incident in store.incidents.values():
        force = incident.force or ""
        opened[force] += 1
        immediate[force] += incident.grade == Grade.IMMEDIATE
        if incident.id not in resourced and incident.grade != Grade.RESOLVED_WITHOUT_DEPLOYMENT:
            no_unit[force] += 1
    free: Counter[str] = Counter()
    forces = set(opened)
    for unit in store.units.values():
        forces.add(unit.force or "")
        free[unit.force or ""] += unit.status == UnitStatus.AVAILABLE
    lent: Counter[str] = Counter()
    for a in active:
        worker, job = store.units.get(a.unit_id), store.incidents.get(a.incident_id)
        if worker is not None and job is not None and worker.force != job.force:
            lent[worker.force or ""] += 1
    return [
        ForceLoad(f, opened[f], immediate[f], no_unit[f], free[f], lent[f])
        for f in sorted(forces)
    ]
