"""A scripted person builds, keeps and finds a safety plan, over real HTTP."""

from __future__ import annotations

import asyncio
import signal
from typing import Any

from bot.runtime import Runtime
from bot.settings import Settings
from tests.e2e import bot_process, build_whole_plan, database_down, joined, start_plan, turn
from tests.fakebot import FakeBotApi, ScriptedUser


async def test_a_person_builds_the_whole_plan_and_gets_it_back_crisis_lines_first(
    api: FakeBotApi, bot: Runtime
) -> None:
    user = api.user(user_id=5001)
    await build_whole_plan(user)

    await user.send("/myplan")
    shown = await user.reply()
    text = joined(shown)
    assert text.index("If you are in danger now, call 999") < text.index("1. Warning signs")
    assert text.index("Samaritans") < text.index("1. Warning signs")
    [card] = [m for m in shown if m.kind == "contact"]
    assert card.first_name
    assert text.index(card.first_name) < text.index("1. Warning signs")
    assert card.phone_number == "111"  # England: the NHS urgent mental health line, 24/7
    for expected in (
        "Feeling hopeless",
        "Can't sleep <b>at all</b> & restless",  # escaped: shown exactly as typed
        "Go for a run",
        "Call my sister",
        "Sam Taylor: +44 7911 123456",
        "Dr Patel: +44 20 7946 0000",
        "Give my medicines to someone I trust to hold",
        "My dog, Biscuit",
    ):
        assert expected in text, text
    professionals = text.index("5. Professionals and services I can contact")
    assert professionals < text.index(card.first_name, professionals) < text.index("Dr Patel")
    assert text.index("Warning signs") < text.index("Things I can do on my own")
    assert text.index("Making my surroundings safer") < text.index("My reasons for living")
    assert "People and places" not in text  # skipped: not shown when it matters most
    assert all(answer.answered for answer in user.callback_answers)


async def test_commands_menu_is_set_at_start(api: FakeBotApi, bot: Runtime) -> None:
    names = [c["command"] for c in api.commands({"type": "all_private_chats"})]
    assert names[:3] == ["start", "myplan", "sos"]
    assert "delete" in names


async def test_a_stale_button_gets_a_kind_notice_and_the_current_step(
    api: FakeBotApi, bot: Runtime
) -> None:
    user = api.user(user_id=5002)
    await start_plan(user, region="United Kingdom", part="England")
    step_one = [m for m in user.messages if "Step 1 of 7" in m.text][-1]
    done_on_step_one = next(
        b.callback_data for row in step_one.buttons for b in row if b.text == "Done ›"
    )
    assert done_on_step_one is not None
    await turn(user, "Not sleeping well")
    await turn(user, "Done ›")
    answer = await user.click_data(done_on_step_one, message_id=step_one.message_id)
    reply = await user.reply()
    assert "earlier question" in joined(reply)
    assert "Step 2 of 7" in reply[-1].text
    assert answer.answered
    await user.click_data("sp1|nonsense|forged-token")
    forged = await user.reply()
    assert "Step 2 of 7" in forged[-1].text


async def test_a_sticker_mid_flow_gets_a_kind_answer_and_the_step_again(
    api: FakeBotApi, bot: Runtime
) -> None:
    user = api.user(user_id=5003)
    await start_plan(user, region="United Kingdom", part="England")
    kinds = (user.send_sticker, user.send_photo, user.send_voice, user.send_document)
    for send in (*kinds, user.send_location):
        await send()
        reply = await user.reply()
        assert "I can only read text and buttons" in joined(reply)
        assert "Step 1 of 7" in reply[-1].text


async def test_editing_an_old_message_never_resubmits_an_answer(
    api: FakeBotApi, bot: Runtime
) -> None:
    user = api.user(user_id=5004)
    await start_plan(user, region="United Kingdom", part="England")
    sent = await user.send("first answer")
    await user.reply()
    await user.edit(sent, "changed answer")
    reply = await user.reply()
    assert "Edits don't change your answers" in joined(reply)
    assert "changed answer" not in reply[-1].text
    assert "first answer" in reply[-1].text


async def test_start_in_a_group_points_to_a_private_chat(api: FakeBotApi, bot: Runtime) -> None:
    user = api.user(user_id=5005)
    group = api.group(-4001)
    await user.send("/start", chat=group)
    [note] = await user.wait_for(lambda new: bool(new), chat=group)
    assert "private chat" in note.text
    assert "https://t.me/safeplan_test_bot" in note.text
    assert not note.buttons
    assert not user.messages  # nothing was sent to the private chat


async def test_delete_erases_everything_after_confirming(api: FakeBotApi, bot: Runtime) -> None:
    user = api.user(user_id=5006)
    await build_whole_plan(user)
    asked = await turn(user, "/delete", text=True)
    assert "can't be undone" in joined(asked)
    await turn(user, "No, keep it")
    await turn(user, "/delete", text=True)
    done = await turn(user, "Yes, delete everything")
    assert "erased" in joined(done)
    after = await turn(user, "/myplan", text=True)
    assert "You don't have a saved plan yet" in joined(after)


async def test_myplan_shows_crisis_lines_when_the_plan_store_is_down(
    api: FakeBotApi, bot: Runtime
) -> None:
    user = api.user(user_id=5007)
    await build_whole_plan(user)
    async with database_down(bot):
        await user.send("/myplan")
        shown = await user.reply_containing("can't load your plan")
    text = joined(user.messages[-3:])
    assert "Samaritans" in text
    assert text.index("Samaritans") < text.index(shown.text)


async def test_a_killed_bot_loses_nothing(api: FakeBotApi, settings: Settings) -> None:
    """kill -9 in the middle of a step: the next message resumes with every answer kept."""
    user = api.user(user_id=5008)
    process = bot_process(api, settings)
    try:
        await start_safety_plan_slowly(user)
        await turn(user, "Not sleeping well")
        await turn(user, "Skipping meals", text=True)
    finally:
        process.send_signal(signal.SIGKILL)
        await asyncio.to_thread(process.wait)
    assert process.returncode == -signal.SIGKILL

    restarted = bot_process(api, settings)
    try:
        # The last update before the kill may come again first (its screen shown again).
        await user.send("Snapping at people")
        reply = await user.reply_containing("Snapping at people", timeout=60)
        assert "Step 1 of 7" in reply.text
        for answer in ("Not sleeping well", "Skipping meals", "Snapping at people"):
            assert reply.text.count(answer) == 1
        resumed = await turn_slowly(user, "/start")
        assert "Continue where I left off" in resumed[-1].button_labels
        back = await turn(user, "Continue where I left off")
        assert "Skipping meals" in back[-1].text
    finally:
        restarted.terminate()
        await asyncio.to_thread(restarted.wait)


async def start_safety_plan_slowly(user: ScriptedUser) -> None:
    """As start_safety_plan, with room for a bot process that is still starting up."""
    await user.send("/start")
    await user.reply(timeout=60)
    await turn(user, "Continue")
    await turn(user, "Yes, I'm safe right now")
    await turn(user, "A safety plan")
    await turn(user, "Ireland")


async def turn_slowly(user: ScriptedUser, text: str) -> Any:
    await user.send(text)
    return await user.reply(timeout=60)
