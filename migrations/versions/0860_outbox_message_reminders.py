"""One message per person per pass (issue 13): which reminders each outbox message lists.

Revision ID: 0860_outbox_message_reminders
Revises: 0700
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0860_outbox_message_reminders"
down_revision = "0840_local_checks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox_message_reminders",
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("reminder_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["message_id"], ["outbox_messages.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["reminder_id"], ["reminders.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("message_id", "reminder_id"),
    )
    op.create_index("ix_outbox_message_reminders_reminder_id", "outbox_message_reminders", ["reminder_id"])
    # Messages queued before this revision name their one reminder in outbox_messages.reminder_id.
    op.execute("INSERT INTO outbox_message_reminders (message_id, reminder_id) "
               "SELECT id, reminder_id FROM outbox_messages WHERE reminder_id IS NOT NULL")


def downgrade() -> None:
    op.drop_index("ix_outbox_message_reminders_reminder_id", "outbox_message_reminders")
    op.drop_table("outbox_message_reminders")
