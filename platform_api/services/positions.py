"""Positions (AVL): a batch of fixes stored in one statement and carried as one event.

Positions do not bump a unit's `version`: a car reporting its place every second must not
make a dispatcher's status change or assignment fail as stale.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from platform_api.contract import (
    PositionBatch,
    PositionReport,
)
from platform_api.db.models import UnitRow
from platform_api.errors import Invalid
from platform_api.eventlog import CommandContext


def post_positions(ctx: CommandContext, batch: PositionBatch) -> int:
    """Apply a batch of AVL fixes as one `unit.positions` event; returns how many applied.

    The event is the hot path of a room (10,000 units a second, sent to every console), so
    its fixes are columns (`Fixes.columns`), each carrying only what it says; the columns
    are built once and serve the units' rows and the event alike."""
    now = ctx.now
    latest: dict[str, PositionReport] = {}
    for p in batch.positions:  # several fixes for one unit: keep the newest
        prev = latest.get(p.unit_id)
        if prev is None or (prev.at or now) <= (p.at or now):
            latest[p.unit_id] = p
    fixes = Fixes.of(list(latest.values()), now)
    if _store_fixes(ctx.session, fixes) != len(fixes.unit_id):
        _refuse_unknown(ctx.session, batch)  # the savepoint undoes the rows written
    ctx.emit("unit.positions", None, None, fixes=fixes.columns())
    return len(fixes.unit_id)


@dataclass(frozen=True, slots=True)
class Fixes:
    """A batch's fixes, one list per column: rounded as stored and sent, `pos_at` the fix's
    own time or the command's, `at` the same but None where it is the command's."""

    unit_id: list[str]
    lat: list[float]
    lon: list[float]
    pos_at: list[datetime]
    at: list[datetime | None]
    heading: list[float | None]
    speed_kmh: list[float | None]

    @classmethod
    def of(cls, reports: list[PositionReport], now: datetime) -> Fixes:
        at = [None if p.at is None or p.at == now else p.at for p in reports]
        return cls(
            unit_id=[p.unit_id for p in reports],
            lat=[round(p.lat, COORDINATE_DECIMALS) for p in reports],
            lon=[round(p.lon, COORDINATE_DECIMALS) for p in reports],
            pos_at=[now if a is None else a for a in at],
            at=at,
            heading=[None if p.heading is None else round(p.heading, 1) for p in reports],
            speed_kmh=[None if p.speed_kmh is None else round(p.speed_kmh, 1) for p in reports],
        )

    def columns(self) -> dict[str, list[Any]]:
        """The event's columns (`contract.fold.position_fixes` reads them): `unit_id`, `lat`,
        `lon`, then `at`, `heading` and `speed_kmh` only when some fix has one, null in the
        others. A fix's `at` is null when it is the event's own time (readers default it to
        the event's `ts`, `contract.fold.fix_time`)."""
        columns: dict[str, list[Any]] = {
            "unit_id": self.unit_id,
            "lat": self.lat,
            "lon": self.lon,
        }
        at = [None if a is None else a.isoformat().replace("+00:00", "Z") for a in self.at]
        for key, column in (("at", at), ("heading", self.heading), ("speed_kmh", self.speed_kmh)):
            if any(value is not None for value in column):
                columns[key] = column
        return columns


def _refuse_unknown(session: Session, batch: PositionBatch) -> None:
    """Raise for the batch's first unit that does not exist (a 422 naming its item)."""
    ids = {p.unit_id for p in batch.positions}
    known = set(session.scalars(select(UnitRow.id).where(UnitRow.id.in_(ids))))
    for i, p in enumerate(batch.positions):
        if p.unit_id not in known:
            raise NotFoundInBatch(f"no unit with id {p.unit_id!r}", field=f"positions[{i}].unit_id")
    raise RuntimeError("a position batch updated fewer units than it names, all of them known")


def _store_fixes(session: Session, fixes: Fixes) -> int:
    """Write the fixes to the units' rows; returns how many rows it updated (fewer than the
    fixes: a unit that does not exist).

    The ORM's bulk update builds a parameter dict per row through the compiler, which for a
    room's batches (hundreds of fixes, twenty times a second) cost more than the database's
    own work: SQLite gets one driver-level executemany of a fixed UPDATE, PostgreSQL one
    UPDATE over arrays. The times go through the column type's bind processor, as the ORM
    would, once per distinct time. The rows updated are the statement's row count (sqlite3
    sums an executemany's), so a batch costs no SELECT of its units first."""
    conn = session.connection()
    dialect = conn.dialect
    mark = _PARAM_MARK.get(dialect.paramstyle)
    if mark is None:  # a driver we have not met: the ORM's way, after checking the ids
        ids = set(fixes.unit_id)
        found = len(set(session.scalars(select(UnitRow.id).where(UnitRow.id.in_(ids)))))
        if found == len(fixes.unit_id):
            session.execute(update(UnitRow), _fix_dicts(fixes))
        return found
    at_type = UnitRow.__table__.c.pos_at.type
    to_db: Callable[[Any], Any] = at_type.bind_processor(dialect) or _unchanged
    if dialect.name == "sqlite":  # the text sqlite3's adapter would make, made once
        to_db = _then_text(to_db)
    times: dict[datetime, Any] = {}  # most fixes of a batch share the command's time
    pos_at = [times[a] if a in times else times.setdefault(a, to_db(a)) for a in fixes.pos_at]
    if dialect.name == "postgresql":  # one statement over arrays, not one per fix
        arrays = (fixes.unit_id, fixes.lat, fixes.lon, pos_at, fixes.heading, fixes.speed_kmh)
        return int(conn.exec_driver_sql(_PG_STORE_FIXES, arrays).rowcount)
    columns = ("lat", "lon", "pos_at", "heading", "speed_kmh")
    sql = (
        f"UPDATE {UnitRow.__tablename__} SET "
        + ", ".join(f"{c} = {mark}" for c in columns)
        + f" WHERE id = {mark}"
    )
    f = fixes
    rows = list(zip(f.lat, f.lon, pos_at, f.heading, f.speed_kmh, f.unit_id, strict=True))
    return int(conn.exec_driver_sql(sql, rows).rowcount)


def _fix_dicts(fixes: Fixes) -> list[dict[str, Any]]:
    return [
        {"id": i, "lat": la, "lon": lo, "pos_at": t, "heading": h, "speed_kmh": v}
        for i, la, lo, t, h, v in zip(
            fixes.unit_id,
            fixes.lat,
            fixes.lon,
            fixes.pos_at,
            fixes.heading,
            fixes.speed_kmh,
            strict=True,
        )
    ]


def _then_text(to_db: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        value = to_db(value)
        return value.isoformat(" ") if isinstance(value, datetime) else value

    return convert


# PostgreSQL: a batch's fixes as one UPDATE joined to the unnested arrays of their columns;
# psycopg's executemany sends one statement per fix, which cost most of a batch's time.
_PG_STORE_FIXES = (
    f"UPDATE {UnitRow.__tablename__} AS u SET lat = v.lat, lon = v.lon, pos_at = v.pos_at, "
    "heading = v.heading, speed_kmh = v.speed_kmh "
    "FROM unnest(%s::text[], %s::float8[], %s::float8[], %s::timestamp[], %s::float8[], "
    "%s::float8[]) AS v(id, lat, lon, pos_at, heading, speed_kmh) WHERE u.id = v.id"
)


def _unchanged(value: Any) -> Any:
    return value


_PARAM_MARK = {"qmark": "?", "format": "%s", "pyformat": "%s"}  # positional DB-API markers


COORDINATE_DECIMALS = 6  # a tenth of a metre: finer than any AVL fix, and 9 digits, not 17


class NotFoundInBatch(Invalid):
    """An unknown unit inside a batch is a 422 on that item, not a 404 of the URL."""
