"""A catalogue a trust can extend (issue 14): a record of a check configured with per-record expiry
carries the expiry date stated on its document.

Revision ID: 0840_local_checks
Revises: 0830_frameworks
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0840_local_checks"
down_revision = "0830_frameworks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("check_records") as batch:
        batch.add_column(sa.Column("expires_on", sa.Date()))


def downgrade() -> None:
    with op.batch_alter_table("check_records") as batch:
        batch.drop_column("expires_on")
