"""What stays behind: no copy of an erased plan on disk, nothing about a person in the logs."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot import logs
from bot.crypto import Unreadable
from bot.keycheck import CHECK_TEXT
from bot.runtime import Runtime
from bot.settings import Settings
from tests.e2e import bot_process, joined, running_bot, start_plan, turn
from tests.fakebot import FakeBotApi, ScriptedUser

FERNET_TOKEN = re.compile(rb"gAAAAA[A-Za-z0-9_-]+=*")

# Everything that identifies the person, or that they typed, or the bot's own token.
USER_ID = 7301234567
FIRST_NAME = "Zephyrine"
USERNAME = "quokka_lantern"
TYPED = "Marmalade thunderstorm"
TOKEN = "424242:DistinctiveTokenForThisTest"


def files_on_disk(settings: Settings) -> bytes:
    """The SQLite database and its write-ahead log, as bytes."""
    path = Path(str(make_url(settings.database_url).database))
    return b"".join(p.read_bytes() for p in sorted(path.parent.glob(path.name + "*")))


async def sealed_rows(runtime: Runtime) -> list[bytes]:
    async with runtime.database.connect() as connection:
        plans = await connection.execute(text("SELECT content FROM plan"))
        drafts = await connection.execute(text("SELECT draft FROM conversation"))
        return [row[0] for row in [*plans.all(), *drafts.all()]]


async def build_plan(user: ScriptedUser) -> None:
    await start_plan(user, region="Ireland")
    await turn(user, "Feeling hopeless")
    await turn(user, TYPED, text=True)
    await turn(user, "Done ›")
    await turn(user, "Go for a walk")
    await turn(user, "Done ›")
    for _ in range(5):
        await turn(user, "Skip")
    await turn(user, "✓ Save my plan")
    await turn(user, "/myplan", text=True)
    await turn(user, "✎")  # editing: a draft again, next to the saved plan


async def test_after_delete_no_copy_of_the_plan_is_left_on_disk(
    api: FakeBotApi, bot: Runtime, settings: Settings
) -> None:
    user = api.user(user_id=6201)
    await build_plan(user)
    before = await sealed_rows(bot)
    assert len(before) >= 2
    assert all(token in files_on_disk(settings) for token in before)
    await turn(user, "/delete", text=True)
    done = await turn(user, "Yes, delete everything")
    assert "erased" in joined(done)

    raw = files_on_disk(settings)
    assert not any(token in raw for token in before)
    opened = []
    for token in FERNET_TOKEN.findall(raw):
        try:
            opened.append(bot.vault.open(token))
        except Unreadable:
            continue  # a fragment: nothing the key can read
    assert opened == [CHECK_TEXT]  # the key check is the only thing left that opens


def personal(output: str) -> list[str]:
    return [s for s in (FIRST_NAME, USERNAME, str(USER_ID), "Marmalade", TOKEN) if s in output]


async def test_debug_logs_of_the_bot_hold_nothing_about_the_person(
    api: FakeBotApi, settings: Settings, tmp_path: Path
) -> None:
    settings = settings.model_copy(update={"telegram_bot_token": SecretStr(TOKEN)})
    user = api.user(user_id=USER_ID, first_name=FIRST_NAME, username=USERNAME)
    log_file = tmp_path / "bot.log"
    with log_file.open("wb") as output:
        process = bot_process(api, settings, log_level="DEBUG", output=output)
        try:
            await user.send("/start")
            await user.reply(timeout=60)
            await turn(user, "/sos", text=True)
            await turn(user, TYPED, text=True)
        finally:
            process.terminate()
            process.wait(timeout=60)
    logged = log_file.read_text()
    assert "bot.telegram_adapter" in logged  # DEBUG is on: the bot's own lines are there
    assert personal(logged) == []


@pytest.fixture
def restored_logging() -> Iterator[None]:
    """`logs.install` sets levels and filters process-wide: put them back for other tests."""
    names = ["", *logs.LIBRARIES]
    loggers = [logging.getLogger(name) for name in names]
    saved = [
        (lg.level, list(lg.filters), [(h, list(h.filters)) for h in lg.handlers]) for lg in loggers
    ]
    yield
    for lg, (level, filters, handlers) in zip(loggers, saved, strict=True):
        lg.setLevel(level)
        lg.filters[:] = filters
        for handler, handler_filters in handlers:
            handler.filters[:] = handler_filters


async def test_debug_logging_in_process_holds_nothing_about_the_person(
    api: FakeBotApi, settings: Settings, caplog: pytest.LogCaptureFixture, restored_logging: None
) -> None:
    caplog.set_level(logging.DEBUG)
    logs.install("DEBUG", secrets=[TOKEN])
    settings = settings.model_copy(update={"telegram_bot_token": SecretStr(TOKEN)})
    user = api.user(user_id=USER_ID, first_name=FIRST_NAME, username=USERNAME)
    async with running_bot(api, settings):
        await turn(user, "/start", text=True)
        await turn(user, TYPED, text=True)
    everything = caplog.text + "\n".join(
        f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records
    )
    assert any(r.name.startswith("bot.") for r in caplog.records)
    assert personal(everything) == []


def test_library_warnings_keep_only_their_name_level_and_error_type() -> None:
    privacy = logs.PrivacyFilter([TOKEN])
    try:
        raise ValueError(f"{FIRST_NAME} sent {TYPED} via {TOKEN}")
    except ValueError as error:
        failure = (type(error), error, error.__traceback__)
    record = logging.LogRecord(
        "telegram.ext.Updater", logging.ERROR, __file__, 1, "update %s", (TYPED,), failure
    )
    assert privacy.filter(record)
    assert personal(record.getMessage()) == []
    assert "ValueError" in record.getMessage()
    assert record.exc_info is None
    debug = logging.LogRecord("httpx", logging.DEBUG, __file__, 1, TOKEN, None, None)
    assert not privacy.filter(debug)
    ours = logging.LogRecord("bot.runtime", logging.ERROR, __file__, 1, "%s", (TOKEN,), failure)
    assert privacy.filter(ours)
    assert TOKEN not in ours.getMessage()
    assert ours.exc_text is not None
    assert "ValueError" in ours.exc_text
    assert TOKEN not in ours.exc_text
