"""Which rows are this console's force's, for the boards and the map alike.

In a room two forces share, a console shows its own force's incidents and units first and
the neighbour's on demand (widgets/forces_view.py). The boards and the map ask this one
function, so they never disagree about what "ours" means: an incident or warning marker in
our area, or one from before forces (no force); a unit of ours, or the neighbour's unit
while it works one of our incidents (it is ours for now).
"""

from __future__ import annotations

from console.store import Store

SCOPED_KINDS = ("incidents", "units", "markers")


def ours(store: Store, kind: str, entity_id: str, own: str) -> bool:
    """Whether the row of Store kind `kind` belongs to force `own`'s view; kinds that are
    not scoped (calls, assignments), and rows not (or no longer) in the Store, always do."""
    if kind == "incidents":
        incident = store.incidents.get(entity_id)
        return incident is None or incident.force in (None, own)
    if kind == "markers":
        marker = store.markers.get(entity_id)
        return marker is None or marker.force in (None, own)
    if kind != "units":
        return True
    unit = store.units.get(entity_id)
    if unit is None or unit.force in (None, own):
        return True
    working = store.incidents.get(unit.incident_id or "")
    return working is not None and working.force == own
