"""forces: every incident, unit, user and marker belongs to a force; cross-border reasons

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 22:00:00

The column is nullable here because a migration does not know the platform's pack: the
platform gives rows with none to its pack's first force when it starts
(`platform_api.forces.claim_unowned`), so a single-force platform upgraded from 0003 has
every row in its one force.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_TABLES = ("incidents", "units", "users", "markers")


def upgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("force", sa.String(length=32), nullable=True))
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("cross_border_reason", sa.String(length=200), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_column("cross_border_reason")
    for table in reversed(_TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("force")
