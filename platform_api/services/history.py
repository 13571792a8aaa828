"""History at the moment of answering: incidents near a place and calls from a number.

Both read through indexes so they stay fast on a year of log (see `platform_api.grid`):
incidents by `(cell, created_at)`, reading only the cells that cover the circle's box and
the last `days`, then keeping those truly within the radius; calls by
`(caller_number, received_at)`. Closed incidents stay in the `incidents` projection, so
no second table is needed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from platform_api.contract import (
    CallState,
    Grade,
    HistoryPublic,
    IncidentStatus,
    Line,
    PastCall,
    PastIncident,
)
from platform_api.contract.geodesy import haversine_m
from platform_api.db.models import CallRow, IncidentRow
from platform_api.grid import cells_around

MAX_INCIDENTS = 50
MAX_CALLS = 20


def incidents_near(
    session: Session, lat: float, lon: float, radius_m: float, since: datetime
) -> list[PastIncident]:
    rows = session.execute(
        select(
            IncidentRow.id,
            IncidentRow.reference,
            IncidentRow.opening_classification,
            IncidentRow.closing_classification,
            IncidentRow.grade,
            IncidentRow.status,
            IncidentRow.created_at,
            IncidentRow.closed_at,
            IncidentRow.address,
            IncidentRow.lat,
            IncidentRow.lon,
        ).where(
            IncidentRow.cell.in_(cells_around(lat, lon, radius_m)),
            IncidentRow.created_at >= since,
        )
    ).all()
    found = []
    for r in rows:
        d = haversine_m(lat, lon, r.lat, r.lon)
        if d <= radius_m:
            found.append(
                PastIncident(
                    id=r.id,
                    reference=r.reference,
                    opening_classification=r.opening_classification,
                    closing_classification=r.closing_classification,
                    grade=Grade(r.grade),
                    status=IncidentStatus(r.status),
                    created_at=r.created_at,
                    closed_at=r.closed_at,
                    address=r.address,
                    distance_m=round(d, 1),
                )
            )
    found.sort(key=lambda p: p.created_at, reverse=True)
    return found[:MAX_INCIDENTS]


def _result(state: CallState, reference: str | None, closing: str | None) -> str:
    if reference is not None:
        return f"{reference}: {closing}" if closing else f"{reference}: still open"
    if state == CallState.ABANDONED:
        return "abandoned"
    if state == CallState.CLOSED:
        return "closed without an incident"
    return state.value


def calls_from(
    session: Session, number: str, since: datetime, exclude_call_id: str | None
) -> list[PastCall]:
    stmt = (
        select(
            CallRow.id,
            CallRow.line,
            CallRow.received_at,
            CallRow.state,
            CallRow.incident_id,
            IncidentRow.reference,
            IncidentRow.closing_classification,
        )
        .outerjoin(IncidentRow, IncidentRow.id == CallRow.incident_id)
        .where(CallRow.caller_number == number, CallRow.received_at >= since)
        .order_by(CallRow.received_at.desc())
        .limit(MAX_CALLS + 1)
    )
    out = []
    for r in session.execute(stmt):
        if r.id == exclude_call_id:
            continue
        state = CallState(r.state)
        out.append(
            PastCall(
                id=r.id,
                line=Line(r.line),
                received_at=r.received_at,
                state=state,
                incident_id=r.incident_id,
                incident_reference=r.reference,
                result=_result(state, r.reference, r.closing_classification),
            )
        )
    return out[:MAX_CALLS]


def history(
    session: Session,
    now: datetime,
    *,
    lat: float | None,
    lon: float | None,
    radius_m: float,
    days: int,
    caller_number: str | None,
    exclude_call_id: str | None,
) -> HistoryPublic:
    since = now - timedelta(days=days)
    incidents = (
        incidents_near(session, lat, lon, radius_m, since)
        if lat is not None and lon is not None
        else []
    )
    calls = calls_from(session, caller_number, since, exclude_call_id) if caller_number else []
    return HistoryPublic(radius_m=radius_m, days=days, incidents=incidents, calls=calls)
