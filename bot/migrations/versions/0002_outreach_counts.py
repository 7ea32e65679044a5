"""Anonymous outreach counts, and what was already counted for each person.

`outreach_day` holds counts per organisation, day, event and plan kind, and nothing about
anyone: its key is its content (no row id). `person.outreach_counted` remembers, on the
person's own row, which of their events were counted ("demo:o,ss,fs"), so each is counted
once; it goes with the row on /delete.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outreach_day",
        sa.Column("org", sa.String(16), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("event", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("org", "day", "event", "kind"),
    )
    with op.batch_alter_table("person") as batch:
        batch.add_column(sa.Column("outreach_counted", sa.String(32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("person") as batch:
        batch.drop_column("outreach_counted")
    op.drop_table("outreach_day")
