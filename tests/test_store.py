"""Storage: drafts and plans survive restarts, stay encrypted, keep versions, and erase."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import make_url

from bot.crypto import Vault, new_encryption_key
from bot.events import Command, Press, Who
from bot.runtime import Runtime, open_runtime
from bot.settings import Settings
from bot.store import Draft, Store
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
