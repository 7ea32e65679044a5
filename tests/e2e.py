"""End-to-end harness: the real python-telegram-bot Application over real HTTP.

The fake Bot API server runs on 127.0.0.1; the bot runs either in this process or as a
separate `python -m bot` process (so it can be killed with SIGKILL mid-conversation).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import IO, Any

from sqlalchemy.ext.asyncio import create_async_engine
from telegram.ext import Application

from bot.polling import Polling
from bot.runtime import Runtime, open_runtime
from bot.settings import Settings
from bot.telegram_adapter import ALLOWED_UPDATES, TelegramAdapter
from tests.fakebot import BotMessage, FakeBotApi, ScriptedUser

ROOT = Path(__file__).resolve().parent.parent


@asynccontextmanager
async def running_bot(
    api: FakeBotApi, settings: Settings
) -> AsyncIterator[tuple[Runtime, Application[Any, Any, Any, Any, Any, Any]]]:
    """The bot, polling the fake server from this process, as `python -m bot` would."""
    settings = settings.model_copy(update={"telegram_api_base_url": api.base_url})
    runtime = await open_runtime(settings)
    adapter = TelegramAdapter(runtime)
    application = adapter.build()
    async with application:
        await adapter.set_menus(application)
        await application.start()
        try:
            async with Polling(application, ALLOWED_UPDATES):
                yield runtime, application
        finally:
            await application.stop()
    await runtime.close()


@asynccontextmanager
async def database_down(runtime: Runtime) -> AsyncIterator[None]:
    """The plan store unreachable for a while: every query fails as it would in production."""
    store = runtime.conversations.store
    working = store.engine
    store.engine = create_async_engine("sqlite+aiosqlite:////proc/no-such-dir/down.sqlite3")
    try:
        yield
    finally:
        await store.engine.dispose()
        store.engine = working


def bot_process(
    api: FakeBotApi,
    settings: Settings,
    *,
    log_level: str = "WARNING",
    output: int | IO[bytes] | None = None,
) -> subprocess.Popen[bytes]:
    """`python -m bot` in a process of its own, configured only through the environment.

    `output`, if given, takes what the process prints (stdout and stderr, logs included).
    """
    assert settings.safeplan_encryption_keys is not None
    assert settings.safeplan_id_secret is not None
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": settings.token or "",
        "TELEGRAM_API_BASE_URL": api.base_url,
        "DATABASE_URL": settings.database_url,
        "SAFEPLAN_ENCRYPTION_KEYS": settings.safeplan_encryption_keys.get_secret_value(),
        "SAFEPLAN_ID_SECRET": settings.safeplan_id_secret.get_secret_value(),
        "LOG_LEVEL": log_level,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "bot"],
        cwd=ROOT,
        env=env,
        stdout=output,
        stderr=None if output is None else subprocess.STDOUT,
    )


async def turn(
    user: ScriptedUser,
    action: str,
    *,
    text: bool = False,
    timeout: float = 10.0,  # noqa: ASYNC109 -- a failure guard; long plans are paced
) -> list[BotMessage]:
    """One step of a script: press a button (or, with text=True, type) and wait for the reply."""
    if text:
        await user.send(action)
    else:
        await user.click(action)
    return await user.reply(timeout)


async def start_plan(
    user: ScriptedUser,
    plan: str = "A safety plan",
    region: str = "United States",
    part: str | None = None,
) -> list[BotMessage]:
    """From /start to the plan's first step: safe right now, the plan, the country."""
    await turn(user, "/start", text=True)
    await turn(user, "Continue")
    await turn(user, "Yes, I'm safe right now")
    picker = await turn(user, plan)
    assert "Which country are you in?" in joined(picker)
    reply = await turn(user, region)
    return await turn(user, part) if part else reply


async def build_whole_plan(user: ScriptedUser) -> None:
    """A whole safety plan for the UK (England), with a contact, saved."""
    await start_plan(user, region="United Kingdom", part="England")
    await turn(user, "Feeling hopeless")
    await turn(user, "Can't sleep <b>at all</b> & restless", text=True)
    await turn(user, "Done ›")
    await turn(user, "Go for a run\nCall my sister", text=True)
    await turn(user, "Done ›")
    await turn(user, "Skip")
    await user.share_contact("+447911123456", "Sam", "Taylor")
    await user.reply()
    await turn(user, "Done ›")
    await turn(user, "Dr Patel 020 7946 0000", text=True)
    await turn(user, "Done ›")
    await turn(user, "Give my medicines")
    await turn(user, "Done ›")
    await turn(user, "My dog, Biscuit", text=True)
    review = await turn(user, "Done ›")
    assert "Here is your plan." in joined(review)
    saved = await turn(user, "Save my plan")
    assert "Your plan is saved" in joined(saved)


def last_keyboard(messages: list[BotMessage]) -> BotMessage:
    return [m for m in messages if m.buttons][-1]


def joined(messages: list[BotMessage]) -> str:
    return "\n".join(m.text for m in messages if m.kind == "text")
