"""Warning markers as the console shows them: those covering a place, in the order a
dispatcher must read them, and those past their review date for supervisors.

Markers live in the Store (the platform's `/v1/state` and `marker.*` events), so the form,
the detail, the map and the recommendations read them without asking the platform, and a
replay shows the markers that stood at the time.
"""

from __future__ import annotations

from datetime import date

from console.store import Store
from platform_api.contract import MarkerCategory, MarkerPublic

# Officer safety and firearms first: they change how a unit approaches.
ORDER = {
    MarkerCategory.OFFICER_SAFETY: 0,
    MarkerCategory.FIREARMS: 1,
    MarkerCategory.DOMESTIC_ABUSE: 2,
    MarkerCategory.VULNERABLE_PERSON: 3,
    MarkerCategory.PREMISES_RISK: 4,
    MarkerCategory.HEALTH: 5,
    MarkerCategory.OTHER: 6,
}
LABEL = {
    MarkerCategory.OFFICER_SAFETY: "OFFICER SAFETY",
    MarkerCategory.FIREARMS: "FIREARMS",
    MarkerCategory.DOMESTIC_ABUSE: "DOMESTIC ABUSE",
    MarkerCategory.VULNERABLE_PERSON: "VULNERABLE PERSON",
    MarkerCategory.PREMISES_RISK: "PREMISES RISK",
    MarkerCategory.HEALTH: "HEALTH",
    MarkerCategory.OTHER: "WARNING",
}


def covering(store: Store, lat: float, lon: float) -> list[MarkerPublic]:
    found = [m for m in store.markers.values() if m.covers(lat, lon)]
    return sorted(found, key=lambda m: (ORDER[m.category], m.created_at))


def for_incident(store: Store, incident_id: str) -> list[MarkerPublic]:
    incident = store.incidents.get(incident_id)
    if incident is None:
        return []
    return covering(store, incident.location.lat, incident.location.lon)


def due_for_review(store: Store, today: date) -> list[MarkerPublic]:
    return sorted(
        (m for m in store.markers.values() if m.due_for_review(today)),
        key=lambda m: m.review_date,
    )


def describe(marker: MarkerPublic) -> str:
    """One line: "OFFICER SAFETY: violent towards police (PNC, review 2027-01-31)"."""
    return (
        f"{LABEL[marker.category]}: {marker.text} "
        f"({marker.source}; review {marker.review_date.isoformat()})"
    )
