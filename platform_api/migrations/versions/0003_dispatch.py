"""dispatch: acknowledgement, warning markers, history indexes, crews

Revision ID: 0003
Revises: 0001 (re-chain to 0002 when both are on main)
Create Date: 2026-11-23 19:30:00
"""

from __future__ import annotations

import math

import sqlalchemy as sa
from alembic import op

import platform_api.db.models

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_CELL_DEG = 0.01  # platform_api.grid: a copy, since a migration must not change later


def _cell(lat: float, lon: float) -> int:
    return (math.floor(lat / _CELL_DEG) + 9000) * 100_000 + math.floor(lon / _CELL_DEG) + 18000


def upgrade() -> None:
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("acknowledged_at", platform_api.db.models.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("ack_due_at", platform_api.db.models.UTCDateTime(), nullable=True)
        )
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.add_column(sa.Column("crew", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("shift", sa.String(length=16), nullable=True))
        batch_op.add_column(
            sa.Column("status_until", platform_api.db.models.UTCDateTime(), nullable=True)
        )
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cell", sa.Integer(), nullable=True))
        batch_op.create_index("ix_incidents_cell_created", ["cell", "created_at"], unique=False)
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.create_index(
            "ix_calls_caller_received", ["caller_number", "received_at"], unique=False
        )
    # Incidents raised before this migration get their cell, so history finds them too.
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, lat, lon FROM incidents")).all()
    for incident_id, lat, lon in rows:
        conn.execute(
            sa.text("UPDATE incidents SET cell = :cell WHERE id = :id"),
            {"cell": _cell(lat, lon), "id": incident_id},
        )
    op.create_table(
        "markers",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("review_date", sa.Date(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("radius_m", sa.Float(), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=True),
        sa.Column("borough", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", platform_api.db.models.UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", platform_api.db.models.UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("retired_reason", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_markers")),
    )
    with op.batch_alter_table("markers", schema=None) as batch_op:
        batch_op.create_index("ix_markers_status_review", ["status", "review_date"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("markers", schema=None) as batch_op:
        batch_op.drop_index("ix_markers_status_review")
    op.drop_table("markers")
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_index("ix_calls_caller_received")
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_incidents_cell_created")
        batch_op.drop_column("cell")
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.drop_column("status_until")
        batch_op.drop_column("shift")
        batch_op.drop_column("crew")
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_column("ack_due_at")
        batch_op.drop_column("acknowledged_at")
