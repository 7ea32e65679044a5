"""Telegram failing: every reply still arrives, crisis replies first, and nothing is logged
that a person wrote. The real bot over HTTP; the fake Bot API injects each failure."""

from __future__ import annotations

import asyncio
import logging
import signal
import subprocess

import pytest

from bot.outbox import TRIES
from bot.runtime import Runtime
from bot.settings import Settings
from tests.e2e import bot_process, joined, start_plan, turn
from tests.fakebot import FakeBotApi, RecordedRequest, ScriptedUser
from tests.fakebot.server import NOT_MODIFIED, QUERY_TOO_OLD

CRISIS_LINE = "988"  # the first crisis line for the United States


def sends_to(api: FakeBotApi, user: ScriptedUser, since: int = 0) -> list[RecordedRequest]:
    return [
        r
        for r in api.requests[since:]
        if r.method == "sendMessage" and r.params.get("chat_id") == user.id
    ]


def refused(api: FakeBotApi, method: str, status: int) -> bool:
    return any(r.status == status for r in api.calls(method))


async def sos(user: ScriptedUser, timeout: float = 10.0) -> str:  # noqa: ASYNC109
    await user.send("/sos")
    return joined(await user.reply(timeout))


async def on_a_step(user: ScriptedUser) -> None:
    """A plan begun, on its first step: a checklist whose presses edit it in place."""
    await start_plan(user)


# -- 1. one failure never loses a reply ----------------------------------------------------


async def test_sos_survives_server_errors(api: FakeBotApi, bot: Runtime) -> None:
    user = api.user(user_id=8101)
    await on_a_step(user)
    mark = len(api.requests)
    api.fail_next("sendMessage", 502)
    api.fail_next("sendMessage", 500)
    assert CRISIS_LINE in await sos(user)
    assert [r.status for r in sends_to(api, user, mark)][:3] == [502, 500, 200]


async def test_sos_survives_a_timeout(api: FakeBotApi, bot: Runtime) -> None:
    """The fake holds the call past PTB's read timeout (5 s); the bot sends it again."""
    user = api.user(user_id=8102)
    await on_a_step(user)
    mark = len(api.requests)
    api.time_out_next("sendMessage")
    assert CRISIS_LINE in await sos(user, timeout=60)
    first = sends_to(api, user, mark)[0]
    assert first.status is None  # never answered: the bot gave up waiting and tried again


async def test_an_edit_survives_a_dropped_connection(api: FakeBotApi, bot: Runtime) -> None:
    user = api.user(user_id=8103)
    await on_a_step(user)
    api.disconnect_next("editMessageText")
    edits = len(api.calls("editMessageText"))
    reply = await turn(user, "Feeling hopeless")
    assert any(m.edited and "✕ Remove: Feeling hopeless" in m.button_labels for m in reply)
    assert len(api.calls("editMessageText")) == edits + 2


# -- 2. flood control: per chat, and a lane for crisis replies ------------------------------


async def test_a_429_for_one_chat_does_not_hold_another_chats_sos(
    api: FakeBotApi, bot: Runtime
) -> None:
    alice, bob = api.user(user_id=8201), api.user(user_id=8202)
    await on_a_step(alice)
    await on_a_step(bob)
    mark = len(api.requests)
    api.fail_next("sendMessage", 429, retry_after=60)
    await alice.send("/help")
    await api.wait_until(lambda: refused(api, "sendMessage", 429), description="Alice's 429")
    assert CRISIS_LINE in await sos(bob)
    # Alice waits for her own chat's pause; Bob did not wait for it.
    assert [r.status for r in sends_to(api, alice, mark)] == [429]


async def test_flood_control_is_followed_for_each_chat(api: FakeBotApi, bot: Runtime) -> None:
    """Telegram's limits stricter than the bot's own pace: every reply still arrives."""
    people = [api.user(user_id=8210 + i) for i in range(4)]
    for person in people:
        await on_a_step(person)
    api.set_rate_limits(overall=2, per_chat=(1.0, 1))
    mark = len(api.requests)
    replies = await asyncio.gather(*(sos(person, timeout=60) for person in people))
    assert all(CRISIS_LINE in reply for reply in replies)
    assert any(r.status == 429 for r in api.requests[mark:])


async def test_a_crisis_reply_goes_before_plan_replies_waiting_with_it(
    api: FakeBotApi, bot: Runtime
) -> None:
    """Telegram pauses the whole bot (a 429 for a call without a chat): when the pause ends,
    the /sos that came last goes out first."""
    carol, alice, bob = (api.user(user_id=8220 + i) for i in range(3))
    for person in (carol, alice, bob):
        await on_a_step(person)
    api.fail_next("answerCallbackQuery", 429, retry_after=3)
    await carol.click("Feeling hopeless")
    await api.wait_until(
        lambda: refused(api, "answerCallbackQuery", 429), description="the bot paused"
    )
    mark = len(api.requests)
    await alice.send("Can't sleep")
    await bob.send("/sos")
    await asyncio.gather(alice.reply(30), bob.reply(30))
    first_to_bob = sends_to(api, bob, mark)[0].seq
    first_to_alice = sends_to(api, alice, mark)[0].seq
    assert first_to_bob < first_to_alice


# -- 3, 4. button presses and edits -------------------------------------------------------


async def test_a_press_too_old_to_answer_is_still_handled(api: FakeBotApi, bot: Runtime) -> None:
    user = api.user(user_id=8301)
    await on_a_step(user)
    api.fail_next("answerCallbackQuery", 400, f"Bad Request: {QUERY_TOO_OLD}")
    reply = await turn(user, "Feeling hopeless")
    assert "✕ Remove: Feeling hopeless" in reply[-1].button_labels
    assert refused(api, "answerCallbackQuery", 400)


async def test_a_refused_edit_comes_as_a_new_message(api: FakeBotApi, bot: Runtime) -> None:
    user = api.user(user_id=8302)
    await on_a_step(user)
    api.fail_next("editMessageText", 400, "Bad Request: message can't be edited")
    reply = await turn(user, "Feeling hopeless")
    assert not reply[-1].edited
    assert "✕ Remove: Feeling hopeless" in reply[-1].button_labels


async def test_an_unchanged_screen_shows_nothing(api: FakeBotApi, bot: Runtime) -> None:
    user = api.user(user_id=8303)
    await on_a_step(user)
    before = len(user.messages)
    api.fail_next("editMessageText", 400, f"Bad Request: {NOT_MODIFIED}")
    await user.click("Feeling hopeless")
    await api.wait_until(lambda: refused(api, "editMessageText", 400), description="the edit")
    help_reply = await turn(user, "/help", text=True)
    assert len(user.messages) == before + len([m for m in help_reply if not m.edited])


async def test_a_failed_keyboard_removal_does_not_stop_the_reply(
    api: FakeBotApi, bot: Runtime
) -> None:
    """ "Not safe" answers with new messages, after taking the buttons off the question."""
    user = api.user(user_id=8304)
    await turn(user, "/region", text=True)
    await turn(user, "United States")  # with a region, "not safe" is several messages
    await turn(user, "/start", text=True)
    await turn(user, "Continue")
    before = len(api.calls("editMessageReplyMarkup"))
    api.fail_next("editMessageReplyMarkup", 502, times=TRIES)
    reply = await turn(user, "No, I'm not safe")
    assert "crisis line" in joined(reply).lower()
    tried = api.calls("editMessageReplyMarkup")[before:]
    assert [r.status for r in tried] == [502] * TRIES


# -- 5. blocked -----------------------------------------------------------------------------


async def test_a_blocked_reply_is_not_retried_and_the_log_says_nothing_personal(
    api: FakeBotApi, bot: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="bot")
    user = api.user(user_id=8501)
    await on_a_step(user)
    mark = len(api.requests)
    api.fail_next("sendMessage", 403)
    await user.send("Walking by the river at night")
    await api.wait_until(lambda: refused(api, "sendMessage", 403), description="the 403")
    assert CRISIS_LINE in await sos(user)  # the next update is served as usual
    statuses = [r.status for r in sends_to(api, user, mark)]
    assert statuses[0] == 403
    assert 403 not in statuses[1:]  # the refused reply was not tried again
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("bot"))
    assert "blocked" in ours
    assert "river" not in ours
    assert str(user.id) not in ours


# -- 6. shutdown ----------------------------------------------------------------------------


async def test_sigterm_ends_the_bot_soon_even_with_replies_waiting(
    api: FakeBotApi, settings: Settings
) -> None:
    people = [api.user(user_id=8601 + i) for i in range(3)]
    process = bot_process(api, settings)
    try:
        await people[0].send("/start")
        await people[0].reply(timeout=60)
        api.fail_next("sendMessage", 429, retry_after=600, times=len(people))
        for person in people:
            await person.send("/help")
        await api.wait_until(
            lambda: sum(r.status == 429 for r in api.calls("sendMessage")) == len(people),
            description="every reply waiting for Telegram",
        )
        process.send_signal(signal.SIGTERM)
        # A safety net far below the 600 s Telegram asked for, far above the bot's grace.
        await asyncio.to_thread(process.wait, 60)
    except subprocess.TimeoutExpired:
        pytest.fail("the bot did not stop after SIGTERM")
    finally:
        if process.poll() is None:
            process.kill()
            await asyncio.to_thread(process.wait)
    assert process.returncode == 0
