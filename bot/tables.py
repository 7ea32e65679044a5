"""The database tables. Plan and draft content is encrypted; people are keyed by an HMAC."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import BigInteger, Column, ForeignKey, Integer, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class Person(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=64, unique=True, index=True)  # HMAC of the Telegram id
    language: str | None = Field(default=None, max_length=16)
    region: str | None = Field(default=None, max_length=2)
    subdivision: str | None = Field(default=None, max_length=8)
    start_payload: str | None = Field(default=None, max_length=64)  # deep link they came by
    # A question outside the flow waiting for an answer, e.g. "delete:<nonce>".
    pending: str | None = Field(default=None, max_length=64)
    # What anonymous outreach counts already include for this person, e.g. "demo:o,ss"
    # (see bot.stats.claim): the counts themselves hold nothing that points back here.
    outreach_counted: str | None = Field(default=None, max_length=32)
    created_at: datetime = Field(default_factory=utcnow)


class Conversation(SQLModel, table=True):
    """A plan in progress: which flow, which step, and the encrypted draft answers."""

    person_id: int = Field(
        sa_column=Column(Integer, ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    )
    flow: str = Field(max_length=32)
    flow_version: int
    state: str = Field(max_length=48)
    draft: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow)


class Plan(SQLModel, table=True):
    """Every save is a new version; earlier versions are kept, never overwritten."""

    __table_args__ = (UniqueConstraint("person_id", "kind", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("person.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    kind: str = Field(max_length=32)
    version: int
    flow_version: int
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)


class HandledUpdate(SQLModel, table=True):
    """A Telegram update already handled, so one delivered again never advances a flow twice.

    Kept for a few days only: Telegram re-sends an update for at most a day, and numbers
    updates afresh after a week without any (or for a new bot token). Per person, so a
    number reused by someone else never counts as theirs; erased with the person.
    """

    __tablename__ = "handled_update"

    person_id: int = Field(
        sa_column=Column(Integer, ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    )
    update_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    handled_at: datetime = Field(default_factory=utcnow, index=True)
