"""Everything the adapters share, built once at start-up from the settings.

The database may be down when the bot starts. Serving Telegram, the bot starts anyway,
shows crisis lines as it does whenever storage fails, and keeps trying the database in the
background; plans are saved and shown again once it answers and the keys fit its data.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine

from bot import keycheck
from bot.conversation import Conversations
from bot.crypto import Vault
from bot.database import UNAVAILABLE, create_engine, migrate
from bot.helplines import load_directory
from bot.i18n import load_catalogs
from bot.keycheck import MALFORMED_KEYS, WrongKeys
from bot.settings import Settings
from bot.store import Store
from flows import build_engines

log = logging.getLogger(__name__)

FIRST_RETRY = 0.5  # seconds; doubled after each failed try, up to LAST_RETRY
LAST_RETRY = 30.0


@dataclass
class Runtime:
    settings: Settings
    database: AsyncEngine
    vault: Vault
    conversations: Conversations
    reconnecting: asyncio.Task[None] | None = field(default=None, repr=False)

    async def close(self) -> None:
        if self.reconnecting is not None:
            self.reconnecting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.reconnecting
        await self.database.dispose()

    async def reconnect(self) -> None:
        """Tries the database with a growing pause, until it is ready or the keys don't fit."""
        pause = FIRST_RETRY
        while True:
            await asyncio.sleep(pause)
            try:
                await prepare(self.database, self.vault)
            except UNAVAILABLE as error:
                log.debug("database still unavailable: %s", type(error).__name__)
                pause = min(pause * 2, LAST_RETRY)
                continue
            except WrongKeys as wrong:
                log.error("%s Serving crisis lines only until then.", wrong)
                return
            self.conversations.storage_ready = True
            log.warning("database available again: plans are saved and shown as usual")
            return


def open_vault(settings: Settings) -> Vault:
    """The keys from the settings; a malformed key stops the start with a one-line reason."""
    settings.require_secrets()
    assert settings.safeplan_encryption_keys
    assert settings.safeplan_id_secret
    try:
        return Vault(
            settings.safeplan_encryption_keys.get_secret_value(),
            settings.safeplan_id_secret.get_secret_value(),
        )
    except ValueError:
        raise WrongKeys(MALFORMED_KEYS) from None


async def prepare(database: AsyncEngine, vault: Vault) -> None:
    """Migrates the schema, then checks the keys fit the stored data."""
    await migrate(database)
    await keycheck.verify(database, vault)


async def open_runtime(settings: Settings, *, start_without_database: bool = False) -> Runtime:
    """Checks secrets, migrates the database, loads catalogs, directory and flows.

    With `start_without_database`, a database that can't be reached yet does not stop the
    start: the runtime serves crisis lines without it and keeps trying it.
    """
    vault = open_vault(settings)
    database = create_engine(settings.database_url)
    conversations = Conversations(
        Store(database, vault),
        build_engines(),
        load_catalogs(settings.default_language),
        load_directory(),
    )
    runtime = Runtime(settings, database, vault, conversations)
    try:
        await prepare(database, vault)
    except UNAVAILABLE as error:
        if not start_without_database:
            await database.dispose()
            raise
        log.error(
            "database unavailable at start (%s): serving crisis lines only, and retrying",
            type(error).__name__,
        )
        conversations.storage_ready = False
        runtime.reconnecting = asyncio.create_task(runtime.reconnect())
    except WrongKeys:
        await database.dispose()
        raise
    return runtime
