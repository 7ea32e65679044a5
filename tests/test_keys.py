"""The keys must fit the stored data: a wrong one stops the start with one line naming it."""

from __future__ import annotations

import os
import subprocess
import sys

from alembic import command
from alembic.config import Config
from pydantic import SecretStr
from sqlalchemy import Connection, inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.crypto import new_encryption_key, new_id_secret
from bot.database import MIGRATIONS, migrate
from bot.runtime import Runtime, open_runtime
from bot.settings import Settings
from tests.e2e import ROOT, bot_process
from tests.fakebot import FakeBotApi


def secrets(settings: Settings) -> tuple[str, str]:
    assert settings.safeplan_encryption_keys is not None
    assert settings.safeplan_id_secret is not None
    return (
        settings.safeplan_encryption_keys.get_secret_value(),
        settings.safeplan_id_secret.get_secret_value(),
    )


def run_bot(
    settings: Settings, *args: str, keys: str | None = None, id_secret: str | None = None
) -> subprocess.CompletedProcess[str]:
    """`python -m bot ARGS` on the test's database, with these keys (the settings' by default)."""
    own_keys, own_secret = secrets(settings)
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "SAFEPLAN_ENCRYPTION_KEYS": keys or own_keys,
        "SAFEPLAN_ID_SECRET": id_secret or own_secret,
        "LOG_LEVEL": "WARNING",
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def refused(done: subprocess.CompletedProcess[str], setting: str) -> bool:
    """Exit code 2 and one line on stderr that names the setting; no traceback."""
    lines = done.stderr.strip().splitlines()
    return done.returncode == 2 and len(lines) == 1 and lines[0].startswith(setting)


async def save_a_plan(settings: Settings, words: str) -> Runtime:
    runtime = await open_runtime(settings)
    async with runtime.conversations.store.open("someone") as record:
        await record.save_plan("safety_plan", 1, {"warning_signs": [{"text": words}]})
    return runtime


async def plan_words(settings: Settings) -> str:
    runtime = await open_runtime(settings)
    try:
        async with runtime.conversations.store.open("someone") as record:
            plans = await record.latest_plans()
    finally:
        await runtime.close()
    return str(plans["safety_plan"].answers["warning_signs"][0]["text"])


async def test_the_keys_are_recorded_on_first_start_and_checked_after(settings: Settings) -> None:
    await (await save_a_plan(settings, "kept")).close()
    assert run_bot(settings, "migrate").returncode == 0
    assert refused(
        run_bot(settings, "migrate", keys=new_encryption_key()), "SAFEPLAN_ENCRYPTION_KEYS can't"
    )
    assert refused(run_bot(settings, "migrate", id_secret=new_id_secret()), "SAFEPLAN_ID_SECRET")
    assert refused(run_bot(settings, "migrate", keys="not-a-key"), "SAFEPLAN_ENCRYPTION_KEYS is")
    assert run_bot(settings, "migrate").returncode == 0  # the right keys still open everything


async def test_serving_telegram_with_a_wrong_key_is_refused(
    api: FakeBotApi, settings: Settings
) -> None:
    await (await save_a_plan(settings, "kept")).close()
    wrong = settings.model_copy(
        update={"safeplan_encryption_keys": SecretStr(new_encryption_key())}
    )
    process = bot_process(api, wrong, output=subprocess.PIPE)
    output, _ = process.communicate(timeout=120)
    assert process.returncode == 2
    assert output.decode().strip().startswith("SAFEPLAN_ENCRYPTION_KEYS can't read")
    assert len(output.decode().strip().splitlines()) == 1
    assert not api.calls("sendMessage")


async def test_a_database_from_before_the_check_is_checked_against_its_plans(
    settings: Settings,
) -> None:
    runtime = await save_a_plan(settings, "kept")
    async with runtime.database.begin() as connection:
        await connection.execute(text("DELETE FROM key_check"))
    await runtime.close()
    assert refused(
        run_bot(settings, "migrate", keys=new_encryption_key()), "SAFEPLAN_ENCRYPTION_KEYS can't"
    )
    assert run_bot(settings, "migrate").returncode == 0


async def test_rotating_keys_rewrites_the_check_under_the_new_key(settings: Settings) -> None:
    await (await save_a_plan(settings, "kept")).close()
    old_key, _ = secrets(settings)
    new_key = new_encryption_key()
    assert refused(run_bot(settings, "rotate-keys", keys=new_key), "SAFEPLAN_ENCRYPTION_KEYS")
    rotated = run_bot(settings, "rotate-keys", keys=f"{new_key},{old_key}")
    assert rotated.returncode == 0, rotated.stderr
    assert run_bot(settings, "migrate", keys=new_key).returncode == 0  # the old key can go
    only_new = settings.model_copy(update={"safeplan_encryption_keys": SecretStr(new_key)})
    assert await plan_words(only_new) == "kept"


def _downgrade(connection: Connection, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    command.downgrade(config, revision)


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def tables(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as connection:
        return await connection.run_sync(_tables)


async def test_the_key_check_migration_goes_down_and_up_again(runtime: Runtime) -> None:
    assert "key_check" in await tables(runtime.database)
    async with runtime.database.begin() as connection:
        await connection.run_sync(_downgrade, "-1")  # the newest migration, undone
    assert "key_check" not in await tables(runtime.database)
    await migrate(runtime.database)
    assert "key_check" in await tables(runtime.database)
