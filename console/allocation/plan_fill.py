"""How far an incident's response plan is met, and a set of units that would meet it.

`cover` seats the units already on the incident in the plan's slots (slots that ask for a
type or capability first, so an ARV fills the ARV slot before a "general" one);
`propose` fills the empty seats from a ranking, best first, so one action can send the
whole set; `backup` picks one more general unit for an incident already resourced.
The summary reads as a dispatcher would say it:
"2 of 3 slots filled: ARV, response car; needs: ARV".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from types import MappingProxyType

from console.allocation.config import AllocationConfig
from console.allocation.index import UnitIndex
from console.allocation.plans import ResponsePlan, ResponsePlans, Slot
from console.allocation.reasons import TYPE_LABELS
from console.allocation.recommend import Recommendation, recommend
from platform_api.contract import AssignmentPublic, IncidentPublic, UnitPublic, UnitType


@dataclass(frozen=True)
class Seat:
    """One unit's place in a plan. `number` counts seats from 1 across the whole plan."""

    slot: Slot
    number: int
    unit_id: str | None = None
    callsign: str | None = None
    unit_type: UnitType | None = None
    proposed: bool = False  # filled by `propose`, not yet sent


@dataclass(frozen=True)
class PlanCoverage:
    plan: ResponsePlan
    seats: tuple[Seat, ...]

    @property
    def filled(self) -> list[Seat]:
        return [s for s in self.seats if s.unit_id is not None and not s.proposed]

    @property
    def empty(self) -> list[Seat]:
        return [s for s in self.seats if s.unit_id is None]

    @property
    def proposed(self) -> list[Seat]:
        return [s for s in self.seats if s.proposed]

    def summary(self) -> str:
        """'2 of 3 slots filled: ARV, response car; needs: ARV' (or 'plan met')."""
        if not self.seats:
            return f"{self.plan.name}: no units needed"
        filled = self.filled
        head = f"{len(filled)} of {len(self.seats)} slots filled"
        if filled:
            head += ": " + ", ".join(
                TYPE_LABELS[s.unit_type] if s.unit_type else s.slot.label for s in filled
            )
        needs = [s.slot.label for s in self.seats if s.unit_id is None or s.proposed]
        return head + ("; needs: " + ", ".join(needs) if needs else "; plan met")

    def slot_words(self, unit_id: str) -> str | None:
        """'plan slot 2 of 3 (ARV)' for a unit seated in the plan, else None."""
        for seat in self.seats:
            if seat.unit_id == unit_id:
                return f"plan slot {seat.number} of {len(self.seats)} ({seat.slot.label})"
        return None


def _seat_order(seats: Sequence[Seat]) -> list[int]:
    """Seats that ask for something specific first: they have fewer units to choose from."""
    return sorted(
        range(len(seats)),
        key=lambda i: (seats[i].slot.type is None and seats[i].slot.capability is None, i),
    )


def cover(
    plan: ResponsePlan, plans: ResponsePlans, on_incident: Iterable[UnitPublic]
) -> PlanCoverage:
    """Seat the units already assigned to (or at) the incident in the plan's slots."""
    seats = [
        Seat(slot, number)
        for number, slot in enumerate(
            (slot for slot in plan.slots for _ in range(slot.count)), start=1
        )
    ]
    waiting = list(on_incident)
    for i in _seat_order(seats):
        slot = seats[i].slot
        for unit in waiting:
            if slot.accepts(unit.type, unit.all_capabilities(), plans.specialists):
                seats[i] = replace(
                    seats[i], unit_id=unit.id, callsign=unit.callsign, unit_type=unit.type
                )
                waiting.remove(unit)
                break
    return PlanCoverage(plan, tuple(seats))


def propose(
    coverage: PlanCoverage,
    ranked: Sequence[Recommendation],
    capabilities: Mapping[str, Iterable[str]],
    plans: ResponsePlans,
) -> PlanCoverage:
    """Fill the empty seats from `ranked` (best first; `capabilities` by unit id), each
    unit at most once. Seats no ranked unit fits stay empty: the summary names them."""
    seats = list(coverage.seats)
    used = {s.unit_id for s in seats if s.unit_id is not None}
    for i in _seat_order(seats):
        if seats[i].unit_id is not None:
            continue
        slot = seats[i].slot
        for rec in ranked:
            caps = capabilities.get(rec.unit_id, ())
            if rec.unit_id in used or not slot.accepts(rec.unit_type, caps, plans.specialists):
                continue
            seats[i] = replace(
                seats[i],
                unit_id=rec.unit_id,
                callsign=rec.callsign,
                unit_type=rec.unit_type,
                proposed=True,
            )
            used.add(rec.unit_id)
            break
    return PlanCoverage(coverage.plan, tuple(seats))


def backup(
    ranked: Sequence[Recommendation], plans: ResponsePlans, exclude: Iterable[str] = ()
) -> Recommendation | None:
    """The best general-duty unit not already on the incident: "send backup"."""
    skip = set(exclude)
    return next(
        (r for r in ranked if r.unit_id not in skip and r.unit_type not in plans.specialists),
        None,
    )


def plan_proposal(
    incident: IncidentPublic,
    units: UnitIndex,
    assignments: Iterable[AssignmentPublic],
    config: AllocationConfig,
    on_incident: Iterable[UnitPublic],
    *,
    now: datetime | None = None,
) -> PlanCoverage:
    """The incident's plan, who already fills it, and the best units for the rest.

    The ranking ignores the site's required capabilities (the plan says what each seat
    needs: a firearms plan's general seat takes a response car) but still holds back
    specialists the plan does not ask for."""
    plans = config.plans
    plan = plans.plan_for(incident.opening_classification, incident.grade)
    coverage = cover(plan, plans, on_incident)
    if not coverage.empty:  # nothing to add: the plan is met
        return coverage
    open_config = replace(config, required_capabilities=MappingProxyType({}))
    ranked = recommend(incident, units, assignments, open_config, limit=None, now=now)
    capabilities = {r.unit_id: units.capabilities_of(units.row[r.unit_id]) for r in ranked}
    return propose(coverage, ranked, capabilities, plans)
