"""The async database engine, Alembic migrations applied on start, and SQLite's leftovers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import event, text
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

MIGRATIONS = Path(__file__).parent / "migrations"

# What a database that is down, unreachable or out of disk raises (drivers' connection
# errors are OSErrors: refused, timed out, no such directory).
UNAVAILABLE = (SQLAlchemyError, OSError)

_ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}


def async_url(url: str) -> str:
    """A plain `sqlite:///...` or `postgresql://...` URL gets its async driver."""
    parsed = make_url(url)
    driver = _ASYNC_DRIVERS.get(parsed.drivername)
    if driver:
        parsed = parsed.set(drivername=driver)
    return parsed.render_as_string(hide_password=False)


def create_engine(url: str) -> AsyncEngine:
    parsed = make_url(async_url(url))
    # hide_parameters: an error's message never carries row values (hashes, sealed plans).
    if parsed.get_backend_name() != "sqlite":
        return create_async_engine(parsed, pool_pre_ping=True, hide_parameters=True)
    # One connection: SQLite has one writer, and transactions queueing in the pool wait far
    # less than transactions retrying SQLite's lock (seconds at the p99 under load).
    engine = create_async_engine(
        parsed,
        connect_args={"timeout": 30},
        hide_parameters=True,
        pool_size=1,
        max_overflow=0,
    )
    event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL + synchronous=NORMAL survives kill -9 (not power loss) at a fraction of FULL's cost.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # Deleted rows are overwritten with zeros, not left in free space (see `clear_leftovers`).
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def _upgrade(connection: Connection) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


async def migrate(engine: AsyncEngine) -> None:
    """Brings the schema to the newest migration, on the bot's own connection."""
    _make_sqlite_directory(engine.url)
    async with engine.begin() as connection:
        await connection.run_sync(_upgrade)


def _make_sqlite_directory(url: URL) -> None:
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)


async def clear_leftovers(engine: AsyncEngine) -> None:
    """After an erase: no old copy of the erased rows stays in SQLite's files.

    SQLite's write-ahead log keeps every page version written since its last checkpoint,
    erased plans included; a checkpoint that truncates it leaves only the current pages,
    in which `secure_delete` has zeroed the erased rows. (PostgreSQL: see the README.)
    """
    if engine.url.get_backend_name() != "sqlite":
        return
    async with engine.connect() as connection:
        await connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
