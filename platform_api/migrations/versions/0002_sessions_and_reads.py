"""sign-in failures (throttling, lockout) and the log of reads of callers' details

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 19:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import platform_api.db.models

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_failures",
        sa.Column("username", sa.String(length=200), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failed_at", platform_api.db.models.UTCDateTime(), nullable=False),
        sa.Column("locked_until", platform_api.db.models.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("username", name=op.f("pk_login_failures")),
    )
    op.create_table(
        "caller_reads",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", platform_api.db.models.UTCDateTime(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("call_id", sa.String(length=64), nullable=True),
        sa.Column("via", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_caller_reads")),
    )
    op.create_index(op.f("ix_caller_reads_at"), "caller_reads", ["at"], unique=False)
    op.create_index(op.f("ix_caller_reads_call_id"), "caller_reads", ["call_id"], unique=False)
    op.create_index(op.f("ix_caller_reads_username"), "caller_reads", ["username"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_caller_reads_username"), table_name="caller_reads")
    op.drop_index(op.f("ix_caller_reads_call_id"), table_name="caller_reads")
    op.drop_index(op.f("ix_caller_reads_at"), table_name="caller_reads")
    op.drop_table("caller_reads")
    op.drop_table("login_failures")
