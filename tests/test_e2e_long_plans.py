"""The longest plan a person can write still arrives whole, split under Telegram's limit."""

from __future__ import annotations

from bot.runtime import Runtime
from flows.engine import MAX_ITEM_CHARS, MAX_ITEMS
from flows.safety_plan import SAFETY_PLAN
from tests.e2e import joined, turn
from tests.fakebot import FakeBotApi

# Characters that need escaping in HTML, at the edges where a split could break them.
ITEM = ("<b>&amp; " * 200)[: MAX_ITEM_CHARS - 8]


async def test_a_maximum_plan_is_split_under_4096_characters_and_nothing_is_lost(
    api: FakeBotApi, bot: Runtime
) -> None:
    user = api.user(user_id=9501)
    answers = {
        step.id: [{"text": f"{step.id[:3]}{i:02d} {ITEM}"} for i in range(MAX_ITEMS)]
        for step in SAFETY_PLAN.steps
    }
    key = bot.vault.person_key("telegram", user.id)
    async with bot.conversations.store.open(key) as record:
        record.person.region = "US"
        await record.save_plan("safety_plan", SAFETY_PLAN.version, answers)

    # A plan this long is dozens of messages: Telegram allows about one a second in a chat.
    shown = await turn(user, "/myplan", text=True, timeout=90)
    texts = [m.text for m in shown if m.kind == "text"]
    assert all(len(text) <= 4096 for text in texts)  # the fake server refuses longer ones too
    everything = joined(shown)
    for step in SAFETY_PLAN.steps:
        for i in range(MAX_ITEMS):
            assert f"{step.id[:3]}{i:02d} {ITEM}" in everything
    assert everything.index("988") < everything.index("1. Warning signs")

    await user.send("/start")
    await user.reply(90)
    review = await turn(user, "Continue", timeout=90)  # → safe? → choose → the saved plan
    review = await turn(user, "Yes, I'm safe right now", timeout=90)
    review = await turn(user, "A safety plan", timeout=90)
    assert "Here is your saved plan" in joined(review)
    assert "✓ Save my plan" in review[-1].button_labels
    assert all(len(m.text) <= 4096 for m in review)
