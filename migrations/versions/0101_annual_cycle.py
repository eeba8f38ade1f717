"""Annual cycle: one self-attestation per member and year

Revision ID: 0101
Revises: 0001
"""
from alembic import op


revision = "0101"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("attestations", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_attestations_member_year", ["member_pk", "year"])


def downgrade() -> None:
    with op.batch_alter_table("attestations", schema=None) as batch_op:
        batch_op.drop_constraint("uq_attestations_member_year", type_="unique")
