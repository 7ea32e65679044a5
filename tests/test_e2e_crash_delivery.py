"""kill -9 again and again while a person types and saves: nothing lost, nothing twice.

The bot runs as `python -m bot` and is killed at varied moments: right after the fake
Telegram delivered the person's update, right after the bot asked for the updates after it
(which tells Telegram it was handled), right after the bot started replying, right after
the reply arrived. Each time it is started again, and the person carries on.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
from collections.abc import Awaitable, Callable

from bot.runtime import open_runtime
from bot.settings import Settings
from tests.e2e import bot_process, joined, turn
from tests.fakebot import FakeBotApi, ScriptedUser

TYPED = [f"sign {n:02d}" for n in range(14)]
SAVES = 6
REPLIES = ("sendMessage", "editMessageText", "editMessageReplyMarkup", "sendContact")


class CrashingBot:
    """One `python -m bot` at a time, killed with SIGKILL when a moment comes."""

    def __init__(self, api: FakeBotApi, settings: Settings) -> None:
        self.api = api
        self.settings = settings
        self.process: subprocess.Popen[bytes] = bot_process(api, settings)
        self.kills = 0

    async def kill_and_restart(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        await asyncio.to_thread(self.process.wait)
        self.kills += 1
        self.process = bot_process(self.api, self.settings)

    async def caught_up(self) -> None:
        """Every update handled and confirmed (the reply went out before the confirmation)."""
        await self.api.wait_until(
            lambda: not self.api.pending_updates, timeout=60, description="all updates handled"
        )

    async def stop(self) -> None:
        self.process.terminate()
        await asyncio.to_thread(self.process.wait)


def moments(api: FakeBotApi, user: ScriptedUser) -> list[Callable[[], Awaitable[object]]]:
    """Ways to wait for a kill moment after the person's newest update, by round."""
    update_id = api.last_update_id
    sent_before = len(api.requests)

    def replying() -> bool:
        return any(
            r.method in REPLIES and r.params.get("chat_id") == user.id
            for r in api.requests[sent_before:]
        )

    def asked_for_more() -> bool:
        """A getUpdates past this update: Telegram takes it as handled from now on."""
        return any(
            int(r.params.get("offset") or 0) > update_id
            for r in api.requests[sent_before:]
            if r.method == "getUpdates"
        )

    return [
        lambda: api.wait_until(lambda: api.delivered(update_id), description="delivered"),
        lambda: api.wait_until(asked_for_more, description="a getUpdates past it"),
        lambda: api.wait_until(replying, description="a reply started"),
        lambda: user.reply(timeout=60),
    ]


async def test_kill_9_while_a_person_types_and_saves_loses_nothing_and_repeats_nothing(
    api: FakeBotApi, settings: Settings
) -> None:
    user = api.user(user_id=6201)
    bot = CrashingBot(api, settings)
    rounds = 0

    async def crash_after(action: Awaitable[object]) -> None:
        """The person acts; the bot is killed at this round's moment and started again."""
        nonlocal rounds
        await action
        await moments(api, user)[rounds % 4]()
        rounds += 1
        await bot.kill_and_restart()
        await bot.caught_up()

    try:
        await user.send("/start")
        await user.reply(timeout=60)
        await turn(user, "Continue")
        await turn(user, "Yes, I'm safe right now")
        await turn(user, "A safety plan")
        await turn(user, "Ireland")
        for answer in TYPED:
            await crash_after(user.send(answer))
            shown = await user.reply_containing(answer)  # answered, after the restart if not before
            assert "Step 1 of 7" in shown.text
        await turn(user, "Done ›")
        await turn(user, "Go for a walk")
        await turn(user, "Done ›")
        for _ in range(5):
            await turn(user, "Skip")
        for _ in range(SAVES):
            await crash_after(user.click("✓ Save my plan"))
            await user.reply()
            await turn(user, "/start", text=True)
            await turn(user, "Continue")
            await turn(user, "Yes, I'm safe right now")
            review = await turn(user, "A safety plan")
            assert "Here is your saved plan" in joined(review)
    finally:
        await bot.stop()
    assert bot.kills >= 20

    runtime = await open_runtime(settings)
    try:
        key = runtime.vault.person_key("telegram", user.id)
        async with runtime.conversations.store.open(key) as record:
            versions = await record.versions("safety_plan")
    finally:
        await runtime.close()
    assert len(versions) == SAVES  # each Save press saved once
    for version in versions:
        assert [item["text"] for item in version.answers["warning_signs"]] == TYPED
