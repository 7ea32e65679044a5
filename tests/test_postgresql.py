"""The same storage on PostgreSQL: what several bot processes behind one database use."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from pgserver.postgres_server import get_server

from bot.runtime import Runtime, open_runtime
from bot.settings import Settings
from bot.stats import report
from bot.store import Draft
from flows.engine import Snapshot
from tests.conftest import settings_for
from tests.e2e import joined, running_bot, start_plan, turn
from tests.fakebot import FakeBotApi


@pytest.fixture(scope="module")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server = get_server(Path(tmp_path_factory.mktemp("pg")), cleanup_mode="stop")
    database = "safeplan_test"
    server.psql(f"CREATE DATABASE {database};")
    yield server.get_uri(database)
    server.cleanup()


@pytest.fixture(scope="module")
def pg_settings(postgres: str) -> Settings:
    """One set of keys for the one database: it refuses keys it was not made with."""
    return settings_for(postgres)


@pytest.fixture
async def pg_runtime(pg_settings: Settings) -> AsyncIterator[Runtime]:
    runtime = await open_runtime(pg_settings)
    yield runtime
    await runtime.close()


async def test_a_plain_postgresql_url_works_and_migrates(pg_runtime: Runtime) -> None:
    store = pg_runtime.conversations.store
    async with store.open("pg-person") as record:
        record.draft = Draft("safety_plan", 1, Snapshot("coping_alone", {"x": [1]}))
        assert await record.save_plan("safety_plan", 1, {"warning_signs": [{"text": "a"}]}) == 1
    async with store.open("pg-person") as record:
        assert await record.save_plan("safety_plan", 1, {"warning_signs": [{"text": "b"}]}) == 2
        assert record.draft is not None
        assert record.draft.snapshot.state == "coping_alone"
        assert [v.version for v in await record.versions("safety_plan")] == [1, 2]
        await record.erase()
    assert not await store.exists("pg-person")


async def test_the_same_person_from_many_processes_at_once_is_created_once(
    pg_runtime: Runtime,
) -> None:
    """Rows are locked per person: concurrent first messages make one person, one at a time.

    Each saves a plan as version max+1; without the lock two would read the same maximum
    and the second would break the unique (person, kind, version) key.
    """
    store = pg_runtime.conversations.store

    async def first_message(n: int) -> None:
        async with store.open("crowd", update_id=n) as record:
            await record.save_plan("safety_plan", 1, {"warning_signs": [{"text": f"m{n}"}]})

    await asyncio.gather(*(first_message(n) for n in range(1, 9)))
    async with store.open("crowd") as record:
        versions = await record.versions("safety_plan")
        assert [v.version for v in versions] == list(range(1, 9))  # none lost, none clashed
    async with store.open("crowd", update_id=8) as record:
        assert record.duplicate


async def test_an_update_delivered_twice_at_once_is_handled_once(pg_runtime: Runtime) -> None:
    """Two deliveries of one update at the same moment: the second waits, then sees the first."""
    store = pg_runtime.conversations.store

    async def deliver() -> bool:
        async with store.open("twice", update_id=77) as record:
            if not record.duplicate:
                await record.save_plan("safety_plan", 1, {"warning_signs": [{"text": "x"}]})
            return record.duplicate

    assert sorted(await asyncio.gather(deliver(), deliver())) == [False, True]
    async with store.open("twice") as record:
        assert len(await record.versions("safety_plan")) == 1


async def test_the_whole_bot_over_http_on_postgresql(
    api: FakeBotApi, pg_settings: Settings
) -> None:
    async with running_bot(api, pg_settings) as (runtime, _application):
        user = api.user(user_id=9901)
        await start_plan(user, region="Ireland")
        await turn(user, "Feeling hopeless")
        await turn(user, "Done ›")
        await turn(user, "Go for a walk")
        await turn(user, "Done ›")
        for _ in range(5):
            await turn(user, "Skip")
        await turn(user, "✓ Save my plan")
        shown = joined(await turn(user, "/myplan", text=True))
        assert shown.index("Samaritans") < shown.index("Feeling hopeless")
        assert await report(runtime.database) == []
