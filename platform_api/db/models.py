"""SQLAlchemy tables: the event log, its head, the projections, users, tokens, idempotency.

Projections (calls, incidents, units, assignments) are written in the same transaction as
the event that changes them, so the log and the current state can never disagree.
Migrations in `platform_api/migrations` must match these models (a test compares them).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC and always hands back an aware datetime (SQLite keeps no time zone)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class EventRow(Base):
    __tablename__ = "events"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    ts: Mapped[str] = mapped_column(String(40))  # ISO text, hashed exactly as stored
    actor: Mapped[str] = mapped_column(String(64))
    type: Mapped[str] = mapped_column(String(64))
    entity_type: Mapped[str | None] = mapped_column(String(32))
    entity_id: Mapped[str | None] = mapped_column(String(64), index=True)
    payload: Mapped[str] = mapped_column(Text)  # canonical JSON text
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class LogHead(Base):
    """One row: the last seq and hash. Writers lock it, which serialises appends."""

    __tablename__ = "log_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


class CallRow(Base):
    __tablename__ = "calls"
    # "Previous calls from this number" at answering (services/history.py).
    __table_args__ = (Index("ix_calls_caller_received", "caller_number", "received_at"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    line: Mapped[str] = mapped_column(String(8))
    caller_number: Mapped[str] = mapped_column(String(32))
    caller_name: Mapped[str | None] = mapped_column(String(200))
    aml_lat: Mapped[float | None] = mapped_column(Float)
    aml_lon: Mapped[float | None] = mapped_column(Float)
    aml_accuracy_m: Mapped[float | None] = mapped_column(Float)
    state: Mapped[str] = mapped_column(String(16), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by: Mapped[str | None] = mapped_column(String(64))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    incident_id: Mapped[str | None] = mapped_column(ForeignKey("incidents.id"), index=True)


class IncidentRow(Base):
    __tablename__ = "incidents"
    # History at answering: incidents near a point in the last year, by grid cell then time
    # (services/history.py), so the query reads a few cells, not a year of incidents.
    __table_args__ = (Index("ix_incidents_cell_created", "cell", "created_at"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    opening_classification: Mapped[str] = mapped_column(String(200))
    closing_classification: Mapped[str | None] = mapped_column(String(200))
    grade: Mapped[str] = mapped_column(String(32))
    target_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    thrive: Mapped[dict[str, Any]] = mapped_column(JSON)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    address: Mapped[str | None] = mapped_column(String(300))
    borough: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(64))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cell: Mapped[int | None] = mapped_column(Integer)  # platform_api.grid.cell_of(lat, lon)
    force: Mapped[str | None] = mapped_column(String(32))  # a code of the platform's pack

    # Loaded only when read (full incidents: `views.with_lists()` loads them in bulk): a
    # command on an incident must not read its whole log, which only grows.
    log_entries: Mapped[list[IncidentLogRow]] = relationship(order_by="IncidentLogRow.id")
    # In the order they were linked (a call is closed, `ended_at`, when linked), which is
    # the order events append them to `call_ids`.
    calls: Mapped[list[CallRow]] = relationship(order_by=[CallRow.ended_at, CallRow.received_at])


class IncidentLogRow(Base):
    __tablename__ = "incident_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    incident_id: Mapped[str] = mapped_column(ForeignKey("incidents.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    author: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)


class UnitRow(Base):
    __tablename__ = "units"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    callsign: Mapped[str] = mapped_column(String(16), unique=True)
    type: Mapped[str] = mapped_column(String(32))
    capabilities: Mapped[list[str]] = mapped_column(JSON)
    home_station: Mapped[str] = mapped_column(String(200))
    borough: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), index=True)
    status_since: Mapped[datetime] = mapped_column(UTCDateTime)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    pos_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    heading: Mapped[float | None] = mapped_column(Float)
    speed_kmh: Mapped[float | None] = mapped_column(Float)
    incident_id: Mapped[str | None] = mapped_column(ForeignKey("incidents.id"))
    crew: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)  # contract.CrewMember
    shift: Mapped[str | None] = mapped_column(String(16))
    status_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    force: Mapped[str | None] = mapped_column(String(32))


class AssignmentRow(Base):
    __tablename__ = "assignments"
    __table_args__ = (Index("ix_assignments_unit_state", "unit_id", "state"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"))
    incident_id: Mapped[str] = mapped_column(ForeignKey("incidents.id"), index=True)
    state: Mapped[str] = mapped_column(String(16))
    dispatched_at: Mapped[datetime] = mapped_column(UTCDateTime)
    dispatched_by: Mapped[str] = mapped_column(String(64))
    en_route_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    at_scene_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cleared_reason: Mapped[str | None] = mapped_column(String(200))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ack_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cross_border_reason: Mapped[str | None] = mapped_column(String(200))


class MarkerRow(Base):
    """A warning marker on a place: shown with every incident within its radius."""

    __tablename__ = "markers"
    __table_args__ = (Index("ix_markers_status_review", "status", "review_date"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(200))
    review_date: Mapped[date] = mapped_column(Date)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    radius_m: Mapped[float] = mapped_column(Float)
    address: Mapped[str | None] = mapped_column(String(300))
    borough: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(String(64))
    retired_reason: Mapped[str | None] = mapped_column(String(200))
    force: Mapped[str | None] = mapped_column(String(32))


class UserRow(Base):
    __tablename__ = "users"
    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    force: Mapped[str | None] = mapped_column(String(32))


class TokenRow(Base):
    """Bearer tokens, stored as their sha256 so a leaked database yields no live token."""

    __tablename__ = "tokens"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(ForeignKey("users.username"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class IdempotencyRow(Base):
    """A command's stored response, returned again when its key is retried."""

    __tablename__ = "idempotency"
    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CounterRow(Base):
    """Named counters, e.g. the day's incident number for references like LDN-20261122-0042."""

    __tablename__ = "counters"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


class LoginFailureRow(Base):
    """Failed sign-ins per user name (known or not, so a lockout reveals nothing).

    In the database rather than in memory so that every platform instance sees one count
    and `platform-api unlock` (another process) can lift a lockout.
    """

    __tablename__ = "login_failures"
    username: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    last_failed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LoginAddressFailureRow(Base):
    """One failed sign-in from a client address (pruned once out of the throttle's window).

    In the database for the reason `LoginFailureRow` is: two instances behind a load
    balancer must count one address's failures together, or an attacker gets twice the tries.
    """

    __tablename__ = "login_address_failures"
    __table_args__ = (Index("ix_login_address_failures_address_at", "address", "failed_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    address: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class CallerReadRow(Base):
    """Who read callers' details, when, and through what (append-only)."""

    __tablename__ = "caller_reads"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    call_id: Mapped[str | None] = mapped_column(String(64), index=True)
    via: Mapped[str] = mapped_column(String(200))
