"""login_address_failures: failed sign-ins per client address, shared by every instance

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 01:00:00

Until 0005 each instance counted an address's failures in memory, so two instances behind
nginx gave an attacker twice the tries (issue 12 item 3).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import platform_api.db.models

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_address_failures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("failed_at", platform_api.db.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_address_failures")),
    )
    op.create_index(
        "ix_login_address_failures_address_at",
        "login_address_failures",
        ["address", "failed_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_login_address_failures_failed_at"),
        "login_address_failures",
        ["failed_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_login_address_failures_failed_at"), table_name="login_address_failures"
    )
    op.drop_index("ix_login_address_failures_address_at", table_name="login_address_failures")
    op.drop_table("login_address_failures")
