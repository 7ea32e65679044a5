"""Storage of people, drafts and plans: one transaction per incoming message.

`Store.open(key)` loads a person's row (locked against other processes where the
database can), their draft and settings; whatever the caller changes is written and
committed when the block ends, before the bot replies. The Telegram update being handled
is recorded in the same transaction, so an update delivered again is recognised.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import stats
from bot.crypto import Vault
from bot.tables import Conversation, HandledUpdate, Person, Plan, utcnow
from flows.engine import Snapshot
from flows.model import Answers

# Telegram re-sends an unconfirmed update for at most a day; ids repeat only after a week.
KEEP_HANDLED = timedelta(days=3)
PRUNE_EVERY = 3600.0  # seconds between clean-ups of older handled updates, per process


@dataclass
class Draft:
    """A plan in progress.

    `checked_in` is the step where the person last answered "I'm safe": a repeated sign of
    intent there is taken as an answer. `held` is what they wrote that set off a crisis
    response: kept out of the plan unless they ask to add it.
    """

    flow: str
    flow_version: int
    snapshot: Snapshot
    checked_in: str | None = None
    held: str | None = None


@dataclass(frozen=True)
class SavedPlan:
    kind: str
    version: int
    flow_version: int
    answers: Answers
    created_at: datetime


class Record:
    """One person's data inside one transaction."""

    def __init__(self, session: AsyncSession, vault: Vault, person: Person, draft: Draft | None):
        self._session = session
        self._vault = vault
        self.person = person
        self.draft = draft
        self.duplicate = False  # this update was handled before (delivered again)
        self.erased = False
        self.outreach: list[tuple[str, stats.Event, str]] = []  # counts to add on commit

    def note_outreach(self, event: stats.Event, kind: str = "", org: str | None = None) -> None:
        """Counts an outreach event once per person, without recording who it was."""
        found = stats.claim(self.person.outreach_counted, event, kind, org=org)
        if found is not None:
            self.person.outreach_counted = found.counted
            self.outreach.append((found.org, event, kind))

    async def latest_plans(self) -> dict[str, SavedPlan]:
        """The newest version of each kind of plan."""
        newest = (
            select(Plan.kind, func.max(Plan.version).label("version"))
            .where(Plan.person_id == self.person.id)
            .group_by(col(Plan.kind))
            .subquery()
        )
        rows = await self._session.exec(
            select(Plan).join(
                newest,
                and_(col(Plan.kind) == newest.c.kind, col(Plan.version) == newest.c.version),
            )
        )
        return {p.kind: self._plan(p) for p in rows.all() if p.person_id == self.person.id}

    async def versions(self, kind: str) -> list[SavedPlan]:
        rows = await self._session.exec(
            select(Plan)
            .where(Plan.person_id == self.person.id, Plan.kind == kind)
            .order_by(col(Plan.version))
        )
        return [self._plan(p) for p in rows.all()]

    async def save_plan(self, kind: str, flow_version: int, answers: Answers) -> int:
        """Adds a new version; earlier versions stay as they were."""
        latest = await self._session.exec(
            select(func.max(Plan.version)).where(
                Plan.person_id == self.person.id, Plan.kind == kind
            )
        )
        version = (latest.one() or 0) + 1
        self._session.add(
            Plan(
                person_id=self._person_id,
                kind=kind,
                version=version,
                flow_version=flow_version,
                content=self._vault.seal(answers),
            )
        )
        return version

    async def erase(self) -> None:
        """Everything the bot holds about this person, gone."""
        pid = self._person_id
        await self._session.exec(delete(Plan).where(col(Plan.person_id) == pid))
        await self._session.exec(delete(Conversation).where(col(Conversation.person_id) == pid))
        await self._session.exec(delete(HandledUpdate).where(col(HandledUpdate.person_id) == pid))
        await self._session.exec(delete(Person).where(col(Person.id) == pid))
        self.erased = True
        self.draft = None

    @property
    def _person_id(self) -> int:
        assert self.person.id is not None
        return self.person.id

    def _plan(self, row: Plan) -> SavedPlan:
        return SavedPlan(
            row.kind, row.version, row.flow_version, self._vault.open(row.content), row.created_at
        )

    async def _write_draft(self, stored: Conversation | None) -> None:
        if self.draft is None:
            if stored is not None:
                await self._session.delete(stored)
            return
        draft = self.draft
        sealed = self._vault.seal(
            {
                "answers": draft.snapshot.answers,
                "editing": draft.snapshot.editing,
                "checked_in": draft.checked_in,
                "held": draft.held,
            }
        )
        row = stored or Conversation(
            person_id=self._person_id, flow="", flow_version=0, state="", draft=b""
        )
        row.flow, row.flow_version, row.state = draft.flow, draft.flow_version, draft.snapshot.state
        row.draft, row.updated_at = sealed, utcnow()
        self._session.add(row)


class Store:
    def __init__(self, engine: AsyncEngine, vault: Vault) -> None:
        self.engine = engine
        self.vault = vault
        self._next_prune = 0.0  # time.monotonic() of the next clean-up of handled updates

    @asynccontextmanager
    async def open(self, key: str, update_id: int | None = None) -> AsyncIterator[Record]:
        """Loads (or creates) a person; commits every change when the block ends.

        With an `update_id`, `record.duplicate` tells whether that update was handled before.
        """
        if update_id is not None and time.monotonic() >= self._next_prune:
            await self._forget_handled_updates()
        async with AsyncSession(self.engine, expire_on_commit=False) as session, session.begin():
            person = await self._person(session, key)
            stored = await session.get(Conversation, person.id)
            record = Record(session, self.vault, person, self._draft(stored))
            if update_id is not None:
                record.duplicate = await self._handled_before(session, record._person_id, update_id)
            yield record
            if record.erased:
                return
            for org, event, kind in record.outreach:
                await stats.count(session, org, event, kind)
            await record._write_draft(stored)
            session.add(person)

    @staticmethod
    async def _handled_before(session: AsyncSession, person_id: int, update_id: int) -> bool:
        """True if this person's update was handled lately; otherwise notes it as handled now.

        Runs after the person's row is locked, so a second delivery of the same update waits
        for the first to commit and then finds it.
        """
        now = utcnow()
        row = await session.get(HandledUpdate, (person_id, update_id))
        if row is not None and row.handled_at > now - KEEP_HANDLED:
            return True
        row = row or HandledUpdate(person_id=person_id, update_id=update_id)
        row.handled_at = now  # an id seen long ago is a new update that reuses the number
        session.add(row)
        return False

    async def _forget_handled_updates(self) -> None:
        """Drops handled updates too old to come again; cheap, and at most once per PRUNE_EVERY."""
        self._next_prune = time.monotonic() + PRUNE_EVERY
        async with AsyncSession(self.engine) as session, session.begin():
            old = col(HandledUpdate.handled_at) < utcnow() - KEEP_HANDLED
            await session.exec(delete(HandledUpdate).where(old))

    async def _person(self, session: AsyncSession, key: str) -> Person:
        query = select(Person).where(Person.key == key).with_for_update()
        person = (await session.exec(query)).first()
        if person is not None:
            return person
        try:
            async with session.begin_nested():
                person = Person(key=key)
                session.add(person)
            return person
        except IntegrityError:
            # Another process created the same person a moment ago: the row is there now.
            return (await session.exec(query)).one()

    async def exists(self, key: str) -> bool:
        async with AsyncSession(self.engine) as session:
            found = await session.exec(select(Person.id).where(Person.key == key))
            return found.first() is not None

    async def place(self, key: str) -> tuple[str | None, str | None, str | None] | None:
        """Region, subdivision and language: crisis lines for someone whose plan won't open."""
        async with AsyncSession(self.engine) as session:
            query = select(Person.region, Person.subdivision, Person.language)
            found = (await session.exec(query.where(Person.key == key))).first()
        return None if found is None else (found[0], found[1], found[2])

    async def rotate_keys(self) -> int:
        """Re-encrypts every plan and draft with the newest key; returns the rows rewritten."""
        count = 0
        async with AsyncSession(self.engine) as session, session.begin():
            for plan in (await session.exec(select(Plan))).all():
                plan.content = self.vault.rotate(plan.content)
                session.add(plan)
                count += 1
            for conversation in (await session.exec(select(Conversation))).all():
                conversation.draft = self.vault.rotate(conversation.draft)
                session.add(conversation)
                count += 1
        return count

    def _draft(self, row: Conversation | None) -> Draft | None:
        if row is None:
            return None
        data: dict[str, Any] = self.vault.open(row.draft)
        snapshot = Snapshot(row.state, data["answers"], data.get("editing", False))
        return Draft(row.flow, row.flow_version, snapshot, data.get("checked_in"), data.get("held"))
