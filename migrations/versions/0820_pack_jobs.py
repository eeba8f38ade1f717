"""Evidence packs as queued jobs (issue 11): the web queues a request, the scheduler builds it.

At most one job per year is queued or running (a partial unique index on both databases). The table is
frozen here as it was created, rather than imported from the models.

Revision ID: 0820_pack_jobs
Revises: 0810_retention
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0820_pack_jobs"
down_revision = "0810_retention"
branch_labels = None
depends_on = None

ACTIVE = sa.text("state IN ('queued', 'running')")


def upgrade() -> None:
    op.create_table(
        "pack_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("requested_by", sa.String(length=320), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("worker", sa.String(length=100), nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("file_name", sa.String(length=100), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("state IN ('queued', 'running', 'ready', 'failed')", name="ck_pack_jobs_state"),
        sa.ForeignKeyConstraint(["requested_by_id"], ["users.id"], name="fk_pack_jobs_requested_by_id_users",
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_pack_jobs_year", "pack_jobs", ["year"])
    op.create_index("ix_pack_jobs_finished_at", "pack_jobs", ["finished_at"])
    op.create_index("uq_pack_jobs_active_year", "pack_jobs", ["year"], unique=True,
                    sqlite_where=ACTIVE, postgresql_where=ACTIVE)


def downgrade() -> None:
    op.drop_table("pack_jobs")  # its indexes go with it; built pack files stay in exports/
