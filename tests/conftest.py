"""Shared fixtures: settings on a fresh SQLite file, and a runtime built from them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.crypto import new_encryption_key, new_id_secret
from bot.runtime import Runtime, open_runtime
from bot.settings import Settings
from tests.e2e import running_bot
from tests.fakebot import FakeBotApi


def settings_for(database_url: str) -> Settings:
    """Settings as a new install has them, on the given database; nothing read from .env."""
    return Settings(
        _env_file=None,
        telegram_bot_token="123456:TEST",
        database_url=database_url,
        safeplan_encryption_keys=new_encryption_key(),
        safeplan_id_secret=new_id_secret(),
    )


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return settings_for(f"sqlite:///{tmp_path / 'safeplan.sqlite3'}")


@pytest.fixture
async def runtime(settings: Settings) -> AsyncIterator[Runtime]:
    runtime = await open_runtime(settings)
    yield runtime
    await runtime.close()


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    """A fake Bot API server on 127.0.0.1."""
    async with FakeBotApi() as api:
        yield api


@pytest.fixture
async def bot(api: FakeBotApi, settings: Settings) -> AsyncIterator[Runtime]:
    """The real bot, polling the fake server over HTTP."""
    async with running_bot(api, settings) as (runtime, _application):
        yield runtime
