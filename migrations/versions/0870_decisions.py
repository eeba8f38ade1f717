"""A decision on an issue record is "accepted" (with a mitigation) or "not accepted" (with a reason; the
check stays a concern), issue 13. Every decision recorded before this revision accepted its issue.

The column and its CHECK are added in one ALTER TABLE (no table copy on SQLite) and dropped the same way.

Revision ID: 0870_decisions
Revises: 0860_outbox_message_reminders
"""
from __future__ import annotations

from alembic import op

revision = "0870_decisions"
down_revision = "0860_outbox_message_reminders"
branch_labels = None
depends_on = None

# Frozen: the decision outcomes as they are in December 2026.
CHECK = "decision_outcome IS NULL OR decision_outcome IN ('accepted', 'not_accepted')"


def upgrade() -> None:
    op.execute("ALTER TABLE check_records ADD COLUMN decision_outcome VARCHAR(20) "
               f"CONSTRAINT ck_check_records_decision_outcome CHECK ({CHECK})")
    op.execute("UPDATE check_records SET decision_outcome = 'accepted' WHERE decision_on IS NOT NULL")


def downgrade() -> None:
    op.execute("ALTER TABLE check_records DROP COLUMN decision_outcome")
