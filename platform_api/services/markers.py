"""Warning markers: supervisors keep them on places; every incident within a marker's
radius shows it, and each unit dispatched there gets it in its dispatch.

Every change (created, revised, retired) is an event like any other, so the log says who
put a warning on an address, when, and on whose word (`source`). A retired marker leaves
the live state but stays in the log and the table.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from platform_api.contract import (
    LocatedPublic,
    MarkerCategory,
    MarkerCreate,
    MarkerPublic,
    MarkerRevise,
    MarkerStatus,
    Point,
)
from platform_api.contract.geodesy import haversine_m
from platform_api.db.models import MarkerRow
from platform_api.errors import Conflict, Invalid, NotFound, StaleVersion
from platform_api.eventlog import CommandContext
from platform_api.forces import force_at

# A review date's window around today (docs/platform.md, "Bounds").
REVIEW_MAX_BEHIND = timedelta(days=366)
REVIEW_MAX_AHEAD = timedelta(days=5 * 366)
MAX_RADIUS_M = 2000.0  # contract.MarkerRadius: the search box below relies on it
_DEG_LAT = MAX_RADIUS_M / 111_320.0
_DEG_LON = MAX_RADIUS_M / (111_320.0 * 0.5)  # cos(60°): good up to 60° N (Shetland aside)


def marker_public(row: MarkerRow) -> MarkerPublic:
    return MarkerPublic(
        id=row.id,
        version=row.version,
        category=MarkerCategory(row.category),
        text=row.text,
        source=row.source,
        review_date=row.review_date,
        location=LocatedPublic(lat=row.lat, lon=row.lon, address=row.address, borough=row.borough),
        radius_m=row.radius_m,
        status=MarkerStatus(row.status),
        created_at=row.created_at,
        created_by=row.created_by,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
        retired_reason=row.retired_reason,
        force=row.force,
    )


def _get(session: Session, marker_id: str, if_match: int) -> MarkerRow:
    row = session.get(MarkerRow, marker_id)
    if row is None:
        raise NotFound(f"no marker with id {marker_id!r}", field="marker_id")
    if row.status != MarkerStatus.ACTIVE.value:
        raise Conflict("the marker is retired", field="marker_id", current_version=row.version)
    if row.version != if_match:
        raise StaleVersion(
            f"this marker has changed since you saw it (you had version {if_match}, "
            f"it is now {row.version}); look again and retry",
            field="If-Match",
            current_version=row.version,
        )
    return row


def _check_review_date(ctx: CommandContext, review_date: date) -> None:
    """A review date from a year back (a marker carried over, already due) to five years
    ahead: year 0001 or 9999 is a typo or a marker nobody would ever review."""
    today = ctx.now.date()
    if not today - REVIEW_MAX_BEHIND <= review_date <= today + REVIEW_MAX_AHEAD:
        raise Invalid(
            f"review_date must lie between {today - REVIEW_MAX_BEHIND} and "
            f"{today + REVIEW_MAX_AHEAD} (a year back to five years ahead)",
            field="review_date",
        )


def create(ctx: CommandContext, body: MarkerCreate, place: Point, address: str | None) -> None:
    """`place` is the body's location or where the geocoder put its address."""
    _check_review_date(ctx, body.review_date)
    row = MarkerRow(
        id=uuid.uuid4().hex,
        version=1,
        category=body.category.value,
        text=body.text,
        source=body.source,
        review_date=body.review_date,
        lat=place.lat,
        lon=place.lon,
        radius_m=body.radius_m,
        address=address,
        borough=ctx.pack.district_name_at(place.lat, place.lon),
        force=force_at(ctx.pack, place.lat, place.lon),
        status=MarkerStatus.ACTIVE.value,
        created_at=ctx.now,
        created_by=ctx.actor,
        updated_at=ctx.now,
        updated_by=ctx.actor,
    )
    ctx.session.add(row)
    ctx.emit("marker.created", "marker", row.id, changes={"markers": [marker_public(row)]})


def revise(ctx: CommandContext, marker_id: str, if_match: int, body: MarkerRevise) -> None:
    row = _get(ctx.session, marker_id, if_match)
    changed = sorted(body.model_fields_set)
    if body.category is not None:
        row.category = body.category.value
    if body.text is not None:
        row.text = body.text
    if body.source is not None:
        row.source = body.source
    if body.review_date is not None:
        _check_review_date(ctx, body.review_date)
        row.review_date = body.review_date
    if body.radius_m is not None:
        row.radius_m = body.radius_m
    if body.location is not None:
        row.lat, row.lon = body.location.lat, body.location.lon
        row.address = body.location.address
        row.borough = ctx.pack.district_name_at(row.lat, row.lon)
        row.force = force_at(ctx.pack, row.lat, row.lon)
    row.version += 1
    row.updated_at, row.updated_by = ctx.now, ctx.actor
    ctx.emit(
        "marker.revised",
        "marker",
        row.id,
        changes={"markers": [marker_public(row)]},
        fields=changed,
    )


def retire(ctx: CommandContext, marker_id: str, if_match: int, reason: str) -> None:
    row = _get(ctx.session, marker_id, if_match)
    row.status = MarkerStatus.RETIRED.value
    row.retired_reason = reason
    row.version += 1
    row.updated_at, row.updated_by = ctx.now, ctx.actor
    ctx.emit("marker.retired", "marker", row.id, changes={"markers": [marker_public(row)]})


def covering(session: Session, lat: float, lon: float) -> list[MarkerPublic]:
    """Active markers whose radius reaches the point, nearest first."""
    rows = session.scalars(
        select(MarkerRow).where(
            MarkerRow.status == MarkerStatus.ACTIVE.value,
            MarkerRow.lat.between(lat - _DEG_LAT, lat + _DEG_LAT),
            MarkerRow.lon.between(lon - _DEG_LON, lon + _DEG_LON),
        )
    )
    near = [
        (d, row) for row in rows if (d := haversine_m(row.lat, row.lon, lat, lon)) <= row.radius_m
    ]
    return [marker_public(row) for _, row in sorted(near, key=lambda pair: pair[0])]


def due_for_review(session: Session, today: date) -> list[MarkerPublic]:
    rows = session.scalars(
        select(MarkerRow)
        .where(MarkerRow.status == MarkerStatus.ACTIVE.value, MarkerRow.review_date <= today)
        .order_by(MarkerRow.review_date)
    )
    return [marker_public(row) for row in rows]


def active(session: Session) -> list[MarkerPublic]:
    rows = session.scalars(select(MarkerRow).where(MarkerRow.status == MarkerStatus.ACTIVE.value))
    return [marker_public(row) for row in rows]
