"""Gentle crisis detection: it asks, never assumes, and returns to exactly where we were."""

from __future__ import annotations

from bot.runtime import Runtime
from tests.e2e import joined, start_plan, turn
from tests.fakebot import FakeBotApi


async def test_danger_now_pauses_the_flow_and_carrying_on_returns_with_answers_kept(
    api: FakeBotApi, bot: Runtime
) -> None:
    user = api.user(user_id=9001)
    await start_plan(user)
    await turn(user, "Not sleeping well")
    paused = await turn(user, "I'm going to kill myself tonight", text=True)
    text = joined(paused)
    assert "are you safe right now?" in text
    assert text.index("988") < text.index("are you safe right now?")
    assert any(m.kind == "contact" for m in paused)
    assert "Step 1 of 7" not in text  # the flow waits
    back = await turn(user, "I'm safe, let's carry on")
    assert "Step 1 of 7" in back[-1].text
    assert "Not sleeping well" in back[-1].text
    assert "I'm going to kill myself tonight" in back[-1].text  # nothing typed is lost
    # Not asked again in the same step.
    again = await turn(user, "I want to die right now", text=True)
    assert "are you safe right now?" not in joined(again)
    assert "Step 1 of 7" in again[-1].text


async def test_not_safe_gets_crisis_lines_then_the_plan_when_ready(
    api: FakeBotApi, bot: Runtime
) -> None:
    user = api.user(user_id=9002)
    await start_plan(user)
    await turn(user, "I took too many pills", text=True)
    lines = await turn(user, "I'm not safe right now")
    text = joined(lines)
    assert "Thank you for telling me" in text
    assert "If you are in danger now, call 911" in text
    back = await turn(user, "Carry on where I was")
    assert "Step 1 of 7" in back[-1].text


async def test_past_warning_signs_are_not_treated_as_an_emergency(
    api: FakeBotApi, bot: Runtime
) -> None:
    user = api.user(user_id=9003)
    await start_plan(user)
    for words in ("Thinking about suicide", "Feeling like I want to die", "I used to cut"):
        reply = await turn(user, words, text=True)
        assert "are you safe right now?" not in joined(reply)
        assert words in reply[-1].text


async def test_detection_also_works_outside_a_plan(api: FakeBotApi, bot: Runtime) -> None:
    user = api.user(user_id=9004)
    paused = await turn(user, "he's not breathing", text=True)
    assert "are you safe right now?" in joined(paused)
    home = await turn(user, "I'm safe, let's carry on")
    assert "What would you like to do?" in home[-1].text


async def test_suicidal_thoughts_pause_the_bot_outside_a_list(
    api: FakeBotApi, bot: Runtime
) -> None:
    """In the warning-signs list they are an answer (above); typed anywhere else, the bot asks."""
    user = api.user(user_id=9005)
    paused = await turn(user, "i want to die", text=True)
    assert "are you safe right now?" in joined(paused)
