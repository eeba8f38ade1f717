"""Sign-in fit for criminal-offence data (issue 10): a second factor with recovery codes, lockout,
sessions that end, accounts with an end date and pending invitations, and outbox messages whose body
(a single-use link) the outbox pages never show.

Revision ID: 0600
Revises: 0500
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0600"
down_revision = "0500"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("totp_secret", sa.String(255)))  # encrypted (fpp.keys, "totp-secret")
        batch.add_column(sa.Column("totp_confirmed_at", sa.DateTime()))
        batch.add_column(sa.Column("totp_last_step", sa.BigInteger()))  # the last time step used: no replay
        batch.add_column(sa.Column("session_version", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("locked_until", sa.DateTime()))
        batch.add_column(sa.Column("active_until", sa.Date()))  # the last day the account works (auditors)
        batch.add_column(sa.Column("invited_at", sa.DateTime()))  # an invitation not yet accepted
        batch.add_column(sa.Column("password_changed_at", sa.DateTime()))
        batch.create_check_constraint("ck_users_session_version", "session_version >= 1")
        batch.create_check_constraint("ck_users_failed_logins", "failed_logins >= 0")
    with op.batch_alter_table("outbox_messages") as batch:
        batch.add_column(sa.Column("is_confidential", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "recovery_codes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("code_hash", sa.String(255), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime()),
    )
    op.create_index("ix_recovery_codes_user_id", "recovery_codes", ["user_id"])
    op.create_table(
        "ended_sessions",
        sa.Column("session_id", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_ended_sessions_expires_at", "ended_sessions", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_ended_sessions_expires_at", "ended_sessions")
    op.drop_table("ended_sessions")
    with op.batch_alter_table("outbox_messages") as batch:
        batch.drop_column("is_confidential")
    op.drop_index("ix_recovery_codes_user_id", "recovery_codes")
    op.drop_table("recovery_codes")
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint("ck_users_failed_logins", type_="check")
        batch.drop_constraint("ck_users_session_version", type_="check")
        for name in ("password_changed_at", "invited_at", "active_until", "locked_until", "failed_logins",
                     "session_version", "totp_last_step", "totp_confirmed_at", "totp_secret"):
            batch.drop_column(name)
