"""Faults in storage and crypto never silence crisis lines, and never pass for a save."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path
from typing import IO

import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr
from sqlalchemy import text

from bot.crypto import new_encryption_key
from bot.events import Command, Who
from bot.runtime import Runtime, open_runtime
from bot.screens import Message
from bot.settings import Settings
from tests.e2e import bot_process, database_down, joined, last_keyboard, running_bot, start_plan
from tests.e2e import turn as step
from tests.fakebot import FakeBotApi

NOTHING_SAVED = "Nothing was saved or changed"


async def test_a_draft_that_wont_decrypt_still_gets_crisis_lines(
    api: FakeBotApi, settings: Settings
) -> None:
    user = api.user(user_id=6101)
    async with running_bot(api, settings):
        await start_plan(user, region="Ireland")
        await step(user, "Feeling hopeless")
    runtime = await open_runtime(settings)
    async with runtime.database.begin() as connection:
        damaged = Fernet(Fernet.generate_key()).encrypt(b'{"answers": {}}')
        await connection.execute(text("UPDATE conversation SET draft = :d"), {"d": damaged})
    await runtime.close()
    # A new process: nothing remembered, so the region comes from the person's own row.
    async with running_bot(api, settings):
        await user.send("/sos")
        sos = await user.reply_containing("Samaritans")
        assert "116 123" in sos.text
        await user.send("/myplan")
        await user.reply_containing("can't load your plan")
        assert "Samaritans" in joined(user.messages[-3:])


async def test_presses_during_an_outage_say_nothing_was_saved_and_keep_their_buttons(
    api: FakeBotApi, bot: Runtime
) -> None:
    user = api.user(user_id=6102)
    await start_plan(user, region="Ireland")
    await step(user, "Feeling hopeless")
    asked = last_keyboard(user.messages)
    async with database_down(bot):
        await user.click("Done ›", message=asked)
        said = await user.reply_containing(NOTHING_SAVED)
        assert "Samaritans" in joined(user.messages[-4:])
        assert "Done ›" in asked.button_labels  # still there, to press again
        await user.send("/sos")
        await user.reply_containing("Samaritans")
        assert all("sav" not in m.text for m in user.messages if m.message_id > said.message_id)
    moved_on = await step(user, "Done ›")
    assert "Step 2 of 7" in joined(moved_on)

    await step(user, "Go for a walk")
    await step(user, "Done ›")
    for _ in range(5):
        await step(user, "Skip")
    review = last_keyboard(user.messages)
    async with database_down(bot):
        await user.click("✓ Save my plan", message=review)
        await user.reply_containing(NOTHING_SAVED)
        assert "✓ Save my plan" in review.button_labels
    saved = await step(user, "✓ Save my plan")
    assert "Your plan is saved" in joined(saved)


def lines_until(stream: IO[bytes], wanted: str) -> list[str]:
    """Reads a process's output line by line until one holds `wanted` (or the output ends)."""
    seen = []
    for raw in stream:
        seen.append(raw.decode(errors="replace").rstrip())
        if wanted in seen[-1]:
            break
    return seen


async def test_the_bot_starts_without_its_database_and_takes_it_up_when_it_comes(
    api: FakeBotApi, settings: Settings, tmp_path: Path
) -> None:
    """No database at start: crisis lines at once, then plans as soon as the database is there."""
    blocker = tmp_path / "data"
    blocker.write_text("a file where the database's folder should be")
    settings = settings.model_copy(
        update={"database_url": f"sqlite:///{blocker / 'safeplan.sqlite3'}"}
    )
    process = bot_process(api, settings, output=subprocess.PIPE)
    assert process.stdout is not None
    try:
        user = api.user(user_id=6103)
        await user.send("/sos")
        picker = await user.reply(timeout=60)
        assert "112 works from most mobile phones" in joined(picker)
        await user.click("Ireland")
        await user.reply_containing("Samaritans")

        blocker.unlink()  # the folder can be made now
        said = await asyncio.wait_for(
            asyncio.to_thread(lines_until, process.stdout, "database available again"), 120
        )
        assert "database available again" in said[-1]
        assert len([line for line in said if "database unavailable" in line]) == 1
        assert not any("Traceback" in line for line in said)

        await start_plan(user, region="Ireland")  # the country tapped before was not kept
        await step(user, "Feeling hopeless")
    finally:
        process.terminate()
        await asyncio.to_thread(process.communicate)
    runtime = await open_runtime(settings)
    key = runtime.vault.person_key("telegram", user.id)
    async with runtime.conversations.store.open(key) as record:
        assert record.draft is not None
        assert record.draft.snapshot.answers["warning_signs"] == [{"id": "hopeless"}]
    await runtime.close()


async def test_a_database_that_comes_back_with_other_keys_is_left_alone(
    settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Found later, a database whose keys don't fit is not used: crisis lines only, and why."""
    folder = tmp_path / "data"
    first = settings.model_copy(update={"database_url": f"sqlite:///{folder / 'db.sqlite3'}"})
    await (await open_runtime(first)).close()  # made with the first keys
    folder.rename(tmp_path / "away")
    folder.write_text("a file where the database's folder should be")
    other_keys = first.model_copy(
        update={"safeplan_encryption_keys": SecretStr(new_encryption_key())}
    )
    runtime = await open_runtime(other_keys, start_without_database=True)
    assert not runtime.conversations.storage_ready
    folder.unlink()
    (tmp_path / "away").rename(folder)
    assert runtime.reconnecting is not None
    await asyncio.wait_for(runtime.reconnecting, 60)  # it stops trying: a restart must fix it
    assert not runtime.conversations.storage_ready
    assert any(r.getMessage().startswith("SAFEPLAN_ENCRYPTION_KEYS can't") for r in caplog.records)
    reply = await runtime.conversations.handle(Who("someone"), Command("sos"))
    assert "112" in "\n".join(s.html for s in reply.screens if isinstance(s, Message))
    await runtime.close()
