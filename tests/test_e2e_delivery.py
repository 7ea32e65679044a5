"""Every update Telegram delivers is answered: after a renumbering, an odd update, outages."""

from __future__ import annotations

import asyncio
import logging
import signal

import pytest

from bot.runtime import Runtime
from bot.settings import Settings
from tests.e2e import bot_process, joined, running_bot, start_plan, turn
from tests.fakebot import FakeBotApi


async def test_a_person_is_answered_after_telegram_numbers_updates_afresh(
    api: FakeBotApi, settings: Settings
) -> None:
    """A new bot token, or a week without updates, restarts the ids, maybe lower than before."""
    user = api.user(user_id=6101)
    api.number_updates_from(500_000)
    async with running_bot(api, settings):
        await start_plan(user, region="Ireland")
        await turn(user, "Not sleeping well")
    api.number_updates_from(1_000)
    async with running_bot(api, settings):
        sos = joined(await turn(user, "/sos", text=True))
        assert "Samaritans" in sos
        step = await turn(user, "Skipping meals", text=True)
    assert "Not sleeping well" in step[-1].text
    assert "Skipping meals" in step[-1].text


async def test_an_update_the_library_cant_read_is_skipped_and_never_logged(
    api: FakeBotApi, bot: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    odd = api.user(user_id=424242)
    await api.push_update(
        {
            "message": {
                "message_id": 1,
                "from": odd.json,
                "chat": odd.private_chat.json,
                "date": "soon",  # not a number: the library can't read the update
                "text": "something private",
            }
        }
    )
    odd_update = api.last_update_id
    await turn(api.user(user_id=6102), "/sos", text=True)  # answered: the bot is not stuck
    assert f"update {odd_update} skipped" in caplog.text
    assert "something private" not in caplog.text
    assert "424242" not in caplog.text
    assert odd_update not in [u["update_id"] for u in api.pending_updates]


async def test_the_bot_hears_again_soon_after_getupdates_fails_several_times(
    api: FakeBotApi, bot: Runtime
) -> None:
    user = api.user(user_id=6103)
    api.fail_next("getUpdates", 502, times=6)
    await turn(user, "/start", text=True)  # fetched by the poll already waiting
    await api.wait_until(
        lambda: len([r for r in api.calls("getUpdates") if r.status == 502]) == 6,
        description="six failed getUpdates calls",
    )
    await turn(user, "/sos", text=True)


async def test_sigterm_stops_at_once_and_loses_nothing(api: FakeBotApi, settings: Settings) -> None:
    """Stopping mid-turn: the turn finishes (or is sent again); either way it is answered."""
    user = api.user(user_id=6104)
    process = bot_process(api, settings)
    try:
        await user.send("/start")
        await user.reply(timeout=60)
        await api.wait_until(lambda: not api.pending_updates, description="/start confirmed")
        await user.send("/sos")
        sos = api.last_update_id
        await api.wait_until(lambda: api.delivered(sos), description="/sos delivered")
        process.send_signal(signal.SIGTERM)
        # A guard against hanging, not a timing.
        assert await asyncio.wait_for(asyncio.to_thread(process.wait), 20) == 0
    finally:
        process.kill()
    restarted = bot_process(api, settings)
    try:
        await user.reply(timeout=60)
        await api.wait_until(
            lambda: not api.pending_updates, timeout=60, description="all confirmed"
        )
    finally:
        restarted.terminate()
        await asyncio.to_thread(restarted.wait)
