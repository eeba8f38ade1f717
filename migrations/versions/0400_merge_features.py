"""Join the feature branches of the migration tree (annual cycle, reminders, tracker presets).

Revision ID: 0400
Revises: 0101, 0201, 0301
"""

revision = "0400"
down_revision = ("0101", "0201", "0301")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
