"""Competency frameworks by year and the BMR's discontinued matters (issue 14).

An attestation names the framework version it was answered against; those already stored get the version
that applied to their year. Until this revision the register had one form, the Leadership Competency
Framework's (its file, checks/frameworks/lcf-2024.toml, also covers the years before 2024/25), so every
stored attestation gets that version: the frozen copy below, not the app's loader, which may change.
A Board Member Reference records the complaints or disciplinary matters that were discontinued (FPPT.md
5a); references recorded before this revision keep NULL there ("not asked").

Revision ID: 0830_frameworks
Revises: 0820_pack_jobs
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0830_frameworks"
down_revision = "0820_pack_jobs"
branch_labels = None
depends_on = None

# Frozen: the one framework version the register knew before this revision.
VERSION_BEFORE = "LCF-2024"


def upgrade() -> None:
    with op.batch_alter_table("attestations") as batch:
        batch.add_column(sa.Column("framework_version", sa.String(length=40), nullable=True))
    attestations = sa.table("attestations", sa.column("framework_version", sa.String))
    op.execute(attestations.update().values(framework_version=VERSION_BEFORE))
    with op.batch_alter_table("attestations") as batch:
        batch.alter_column("framework_version", existing_type=sa.String(length=40), nullable=False)
    with op.batch_alter_table("leaver_references") as batch:
        batch.add_column(sa.Column("discontinued_matters", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("leaver_references") as batch:
        batch.drop_column("discontinued_matters")
    with op.batch_alter_table("attestations") as batch:
        batch.drop_column("framework_version")
