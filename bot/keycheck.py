"""Are these the keys the stored data was made with? Checked before the bot serves anyone.

A wrong `SAFEPLAN_ENCRYPTION_KEYS` would make every plan unreadable, and a changed
`SAFEPLAN_ID_SECRET` would quietly orphan every plan (people are found by a keyed hash of
their id). So the database keeps one check row, written on first start: a fixed text
sealed with the encryption key, and a fingerprint of the id secret. At each start the
configured keys must open the one and match the other, or the bot refuses to start and
says which setting is wrong.
"""

from __future__ import annotations

import hmac

from sqlalchemy import Column, LargeBinary
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import Field, SQLModel, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.crypto import Unreadable, Vault
from bot.tables import Conversation, Plan

CHECK_TEXT = "safeplan key check"

MALFORMED_KEYS = (
    "SAFEPLAN_ENCRYPTION_KEYS is malformed: each key must be 44 characters of url-safe "
    "base64 (as `python -m bot init` makes them), comma-separated, newest first. Not starting."
)
WRONG_KEYS = (
    "SAFEPLAN_ENCRYPTION_KEYS can't read the stored data: none of its keys is the one the "
    "data was encrypted with. Put that key back (a new key goes first, before it). Not starting."
)
WRONG_ID_SECRET = (
    "SAFEPLAN_ID_SECRET differs from the one the stored data was made with: nobody would "
    "find their plan. Put the original secret back. Not starting."
)


class KeyCheck(SQLModel, table=True):
    __tablename__ = "key_check"

    id: int = Field(default=1, primary_key=True)  # one row only
    sealed: bytes = Field(sa_column=Column(LargeBinary, nullable=False))  # CHECK_TEXT, sealed
    id_fingerprint: str = Field(max_length=64)


class WrongKeys(Exception):
    """The configured keys don't fit the stored data; the message names the setting."""


async def verify(engine: AsyncEngine, vault: Vault) -> None:
    """Checks the keys against the check row; writes the row on first start."""
    try:
        async with AsyncSession(engine, expire_on_commit=False) as session, session.begin():
            found = await session.get(KeyCheck, 1)
            if found is None:
                await _existing_data_opens(session, vault)
                session.add(_check_row(vault))
                return
    except IntegrityError:
        # Another process wrote it a moment ago: compare with theirs.
        async with AsyncSession(engine) as session:
            found = await _stored(session)
    _compare(found, vault)


async def rewrite(engine: AsyncEngine, vault: Vault) -> None:
    """After a key rotation: the check value sealed with the newest key."""
    async with AsyncSession(engine) as session, session.begin():
        row = await _stored(session)
        row.sealed = vault.seal(CHECK_TEXT)
        session.add(row)


def _check_row(vault: Vault) -> KeyCheck:
    return KeyCheck(
        id=1, sealed=vault.seal(CHECK_TEXT), id_fingerprint=vault.id_secret_fingerprint()
    )


async def _stored(session: AsyncSession) -> KeyCheck:
    return (await session.exec(select(KeyCheck).where(KeyCheck.id == 1))).one()


def _compare(found: KeyCheck, vault: Vault) -> None:
    try:
        opened = vault.open(found.sealed)
    except Unreadable:
        raise WrongKeys(WRONG_KEYS) from None
    if opened != CHECK_TEXT:
        raise WrongKeys(WRONG_KEYS)
    if not hmac.compare_digest(found.id_fingerprint, vault.id_secret_fingerprint()):
        raise WrongKeys(WRONG_ID_SECRET)


async def _existing_data_opens(session: AsyncSession, vault: Vault) -> None:
    """A database from before the check row: one stored plan or draft must open."""
    plan = (await session.exec(select(Plan.content).limit(1))).first()
    draft = (await session.exec(select(Conversation.draft).limit(1))).first()
    for sealed in (plan, draft):
        if sealed is None:
            continue
        try:
            vault.open(sealed)
        except Unreadable:
            raise WrongKeys(WRONG_KEYS) from None
