"""Handled Telegram updates in a table of their own, instead of the last id per person.

Telegram numbers updates afresh after a week without any, and a new bot token starts a new
sequence: a person's last update id then made every newer update look like a repeat, and the
bot ignored that person. `handled_update` keeps each person's handled ids for a few days
instead.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "handled_update",
        sa.Column(
            "person_id",
            sa.Integer(),
            sa.ForeignKey("person.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("update_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("handled_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_handled_update_handled_at", "handled_update", ["handled_at"])
    with op.batch_alter_table("person") as batch:
        batch.drop_column("last_update_id")


def downgrade() -> None:
    with op.batch_alter_table("person") as batch:
        batch.add_column(sa.Column("last_update_id", sa.Integer(), nullable=True))
    op.drop_index("ix_handled_update_handled_at", "handled_update")
    op.drop_table("handled_update")
