"""Evidence an auditor can rely on (issue 11): an evidence file can be withdrawn, with who, when and why;
the same file once per record only among the files not withdrawn; and who searched a register.

Revision ID: 0700
Revises: 0600
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0700"
down_revision = "0600"
branch_labels = None
depends_on = None

NOT_WITHDRAWN = sa.text("withdrawn_at IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("evidence") as batch:
        batch.add_column(sa.Column("withdrawn_at", sa.DateTime()))
        batch.add_column(sa.Column("withdrawn_by_id", sa.Integer()))
        batch.add_column(sa.Column("withdrawn_reason", sa.Text()))
        batch.create_foreign_key("fk_evidence_withdrawn_by_id_users", "users", ["withdrawn_by_id"], ["id"])
    op.drop_index("uq_evidence_record_sha256", "evidence")
    op.create_index("uq_evidence_record_sha256", "evidence", ["record_id", "sha256"], unique=True,
                    sqlite_where=NOT_WITHDRAWN, postgresql_where=NOT_WITHDRAWN)
    with op.batch_alter_table("check_records") as batch:
        batch.add_column(sa.Column("searched_by", sa.String(200)))


def downgrade() -> None:
    with op.batch_alter_table("check_records") as batch:
        batch.drop_column("searched_by")
    op.drop_index("uq_evidence_record_sha256", "evidence")  # a withdrawn copy may repeat a file: keep one
    op.execute("DELETE FROM evidence WHERE withdrawn_at IS NOT NULL AND EXISTS (SELECT 1 FROM evidence AS e "
               "WHERE e.record_id = evidence.record_id AND e.sha256 = evidence.sha256 "
               "AND (e.withdrawn_at IS NULL OR e.id < evidence.id))")
    op.create_index("uq_evidence_record_sha256", "evidence", ["record_id", "sha256"], unique=True)
    with op.batch_alter_table("evidence") as batch:
        batch.drop_constraint("fk_evidence_withdrawn_by_id_users", type_="foreignkey")
        batch.drop_column("withdrawn_reason")
        batch.drop_column("withdrawn_by_id")
        batch.drop_column("withdrawn_at")
