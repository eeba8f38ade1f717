"""Retention (issue 11, FPPT.md section 7): the purge log, one row per member purged (or per member whose
evidence files passed their own retention), holding the Member ID, dates, counts and file hashes only.

Revision ID: 0810_retention
Revises: 0800_audit_integrity
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0810_retention"
down_revision = "0800_audit_integrity"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "retention_purges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("member_id", sa.String(64), nullable=False),
        sa.Column("pseudonym", sa.String(60)),
        sa.Column("left_on", sa.Date()),
        sa.Column("purge_on", sa.Date()),
        sa.Column("reason", sa.String(40)),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("counts", sa.Text(), nullable=False),
        sa.Column("files", sa.Text(), nullable=False),
        sa.Column("files_left", sa.Integer(), nullable=False),
        sa.Column("run_by", sa.String(320), nullable=False),
        sa.Column("run_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('member', 'evidence')", name="ck_retention_purges_kind"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_retention_purges_member_id", "retention_purges", ["member_id"])
    op.create_index("ix_retention_purges_run_at", "retention_purges", ["run_at"])


def downgrade() -> None:
    op.drop_index("ix_retention_purges_run_at", "retention_purges")
    op.drop_index("ix_retention_purges_member_id", "retention_purges")
    op.drop_table("retention_purges")
