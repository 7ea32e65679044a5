"""Storage: drafts and plans survive restarts, stay encrypted, keep versions, and erase."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy import inspect
from sqlalchemy.engine import make_url
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.crypto import Vault, new_encryption_key
from bot.database import MIGRATIONS
from bot.events import Command, Press, Who
from bot.runtime import Runtime, open_runtime
from bot.settings import Settings
from bot.store import KEEP_HANDLED, Draft, Store
from bot.tables import HandledUpdate, utcnow
from flows.engine import Snapshot, Typed

TELEGRAM_ID = 987654321
SECRET_WORDS = "my sister Marguerite's garden"


def raw_database(settings: Settings) -> bytes:
    """The SQLite file and its write-ahead log, as bytes on disk."""
    path = Path(str(make_url(settings.database_url).database))
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


async def test_raw_database_holds_neither_the_plan_nor_the_telegram_id(
    runtime: Runtime, settings: Settings
) -> None:
    who = Who(runtime.vault.person_key("telegram", TELEGRAM_ID))
    async with runtime.conversations.store.open(who.key) as record:
        record.draft = Draft("safety_plan", 1, Snapshot("warning_signs", {}))
        await record.save_plan("safety_plan", 1, {"reasons_for_living": [{"text": SECRET_WORDS}]})
    await runtime.conversations.handle(who, Command("start"))
    await runtime.conversations.handle(who, Typed(SECRET_WORDS))
    raw = raw_database(settings)
    assert raw, "the database file should exist"
    assert SECRET_WORDS.encode() not in raw
    assert "Marguerite".encode("utf-16-le") not in raw
    assert str(TELEGRAM_ID).encode() not in raw
    assert who.key.encode() in raw  # people are found by their keyed hash only


async def test_every_save_is_a_new_version_and_earlier_ones_are_kept(runtime: Runtime) -> None:
    store = runtime.conversations.store
    async with store.open("someone") as record:
        assert await record.save_plan("safety_plan", 1, {"warning_signs": [{"text": "v1"}]}) == 1
    async with store.open("someone") as record:
        assert await record.save_plan("safety_plan", 1, {"warning_signs": [{"text": "v2"}]}) == 2
    async with store.open("someone") as record:
        versions = await record.versions("safety_plan")
        latest = await record.latest_plans()
    assert [v.answers["warning_signs"][0]["text"] for v in versions] == ["v1", "v2"]
    assert latest["safety_plan"].version == 2


async def test_plans_belong_to_one_person_only(runtime: Runtime) -> None:
    store = runtime.conversations.store
    async with store.open("alice") as record:
        await record.save_plan("safety_plan", 1, {"warning_signs": [{"text": "alice's"}]})
    async with store.open("bob") as record:
        assert await record.latest_plans() == {}


async def test_a_draft_survives_a_new_process(settings: Settings) -> None:
    first = await open_runtime(settings)
    async with first.conversations.store.open("p") as record:
        record.draft = Draft("safety_plan", 1, Snapshot("coping_alone", {"a": [1]}, editing=True))
    await first.close()
    second = await open_runtime(settings)
    async with second.conversations.store.open("p") as record:
        assert record.draft == Draft(
            "safety_plan", 1, Snapshot("coping_alone", {"a": [1]}, editing=True)
        )
    await second.close()


async def test_a_repeated_update_is_recognised(runtime: Runtime) -> None:
    store = runtime.conversations.store
    async with store.open("p", update_id=10) as record:
        assert not record.duplicate
    async with store.open("p", update_id=10) as record:
        assert record.duplicate
    async with store.open("p", update_id=11) as record:
        assert not record.duplicate
    async with store.open("p", update_id=3) as record:  # lower ids are new updates too
        assert not record.duplicate
    async with store.open("someone else", update_id=10) as record:
        assert not record.duplicate


async def test_handled_updates_are_forgotten_after_a_few_days(runtime: Runtime) -> None:
    """Telegram numbers updates afresh after a week: an old number is a new update."""
    store = runtime.conversations.store
    async with store.open("p", update_id=20):
        pass
    async with AsyncSession(runtime.database) as session, session.begin():
        for row in (await session.exec(select(HandledUpdate))).all():
            row.handled_at = utcnow() - KEEP_HANDLED - timedelta(minutes=1)
            session.add(row)
    async with store.open("p", update_id=20) as record:
        assert not record.duplicate  # counted again, and noted as handled now
    async with store.open("p", update_id=20) as record:
        assert record.duplicate


async def test_old_handled_updates_are_pruned_on_start(runtime: Runtime) -> None:
    store = runtime.conversations.store
    for key, update_id in (("p", 30), ("q", 31)):
        async with store.open(key, update_id=update_id):
            pass
    async with AsyncSession(runtime.database) as session, session.begin():
        old = await session.get(HandledUpdate, (1, 30))
        assert old is not None
        old.handled_at = utcnow() - KEEP_HANDLED - timedelta(minutes=1)
        session.add(old)
    fresh = Store(runtime.database, runtime.vault)  # a new process prunes first
    async with fresh.open("p", update_id=32):
        pass
    async with AsyncSession(runtime.database) as session:
        kept = (await session.exec(select(HandledUpdate.update_id))).all()
    assert sorted(kept) == [31, 32]


async def test_an_update_delivered_again_shows_the_current_step_and_adds_nothing(
    runtime: Runtime,
) -> None:
    service = runtime.conversations
    who = Who("again", update_id=40)
    async with service.store.open(who.key) as record:
        record.draft = Draft("safety_plan", 1, Snapshot("warning_signs", {}))
    first = await service.handle(who, Typed("Not sleeping"))
    again = await service.handle(who, Typed("Not sleeping"))
    assert [s.html for s in again.screens] == [first.screens[-1].html]  # type: ignore[union-attr]
    async with service.store.open(who.key) as record:
        assert record.draft is not None
        assert record.draft.snapshot.answers["warning_signs"] == [{"text": "Not sleeping"}]


async def test_erasing_a_person_erases_their_handled_updates(runtime: Runtime) -> None:
    store = runtime.conversations.store
    async with store.open("gone", update_id=50) as record:
        await record.erase()
    async with AsyncSession(runtime.database) as session:
        assert (await session.exec(select(HandledUpdate))).all() == []


def test_migration_0003_goes_down_and_up_again(tmp_path: Path) -> None:
    sync = create_sync_engine(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    with sync.begin() as connection:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        command.downgrade(config, "0002")
        assert "handled_update" not in inspect(connection).get_table_names()
        assert "last_update_id" in {c["name"] for c in inspect(connection).get_columns("person")}
        command.upgrade(config, "head")
        assert "handled_update" in inspect(connection).get_table_names()
        assert "last_update_id" not in {
            c["name"] for c in inspect(connection).get_columns("person")
        }
    sync.dispose()


async def test_delete_erases_everything_after_a_confirmation(runtime: Runtime) -> None:
    service = runtime.conversations
    who = Who("to-erase")
    async with service.store.open(who.key) as record:
        await record.save_plan("safety_plan", 1, {"warning_signs": [{"text": "x"}]})
        record.draft = Draft("safety_plan", 1, Snapshot("coping_alone", {}))
    asked = await service.handle(who, Command("delete"))
    yes = next(b for row in asked.screens[-1].buttons for b in row if ":yes" in b.token)  # type: ignore[union-attr]
    assert await service.store.exists(who.key)
    await service.handle(who, Press(yes.token))
    assert not await service.store.exists(who.key)
    # The same button pressed again erases nothing more and creates no data it shouldn't.
    again = await service.handle(who, Press(yes.token))
    assert "earlier message" in again.screens[0].html  # type: ignore[union-attr]


async def test_keys_rotate_without_losing_a_plan(settings: Settings) -> None:
    runtime = await open_runtime(settings)
    old_key = settings.safeplan_encryption_keys
    assert old_key is not None
    async with runtime.conversations.store.open("p") as record:
        await record.save_plan("safety_plan", 1, {"warning_signs": [{"text": "kept"}]})
    new_key = new_encryption_key()
    secret = settings.safeplan_id_secret
    assert secret is not None
    both = Vault(f"{new_key},{old_key.get_secret_value()}", secret.get_secret_value())
    assert await Store(runtime.database, both).rotate_keys() == 1
    only_new = Store(runtime.database, Vault(new_key, secret.get_secret_value()))
    async with only_new.open("p") as record:
        plans = await record.latest_plans()
    assert plans["safety_plan"].answers == {"warning_signs": [{"text": "kept"}]}
    await runtime.close()
