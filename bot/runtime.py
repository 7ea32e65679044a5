"""Everything the adapters share, built once at start-up from the settings."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.conversation import Conversations
from bot.crypto import Vault
from bot.database import create_engine, migrate
from bot.helplines import load_directory
from bot.i18n import load_catalogs
from bot.settings import Settings
from bot.store import Store
from flows import build_engines


@dataclass
class Runtime:
    settings: Settings
    database: AsyncEngine
    vault: Vault
    conversations: Conversations

    async def close(self) -> None:
        await self.database.dispose()


async def open_runtime(settings: Settings) -> Runtime:
    """Checks secrets, migrates the database, loads catalogs, directory and flows."""
    settings.require_secrets()
    assert settings.safeplan_encryption_keys
    assert settings.safeplan_id_secret
    vault = Vault(
        settings.safeplan_encryption_keys.get_secret_value(),
        settings.safeplan_id_secret.get_secret_value(),
    )
    database = create_engine(settings.database_url)
    await migrate(database)
    conversations = Conversations(
        Store(database, vault),
        build_engines(),
        load_catalogs(settings.default_language),
        load_directory(),
    )
    return Runtime(settings, database, vault, conversations)
