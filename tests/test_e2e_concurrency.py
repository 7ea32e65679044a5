"""One person's updates in order, one at a time; different people at the same time."""

from __future__ import annotations

import asyncio

from bot.runtime import Runtime
from tests.e2e import start_plan
from tests.fakebot import FakeBotApi


async def test_messages_sent_in_a_burst_are_all_kept_in_order(
    api: FakeBotApi, bot: Runtime
) -> None:
    user = api.user(user_id=6001)
    await start_plan(user)
    for word in ("one", "two", "three", "four", "five"):
        await user.send(word)
    await user.wait_for(lambda new: any("• five" in m.text for m in new))
    last = [m for m in user.messages if "So far" in m.text][-1].text
    positions = [last.index(f"• {w}") for w in ("one", "two", "three", "four", "five")]
    assert positions == sorted(positions)


async def test_two_people_are_served_at_the_same_time(api: FakeBotApi, bot: Runtime) -> None:
    alice, bob = api.user(user_id=6002), api.user(user_id=6003)
    await start_plan(alice)
    await start_plan(bob)
    api.set_latency(0.3)
    mark = len(api.requests)

    def both_replies_in_flight() -> bool:
        sending = [r for r in api.requests[mark:] if r.method == "sendMessage" and r.status is None]
        return {r.params["chat_id"] for r in sending} == {alice.id, bob.id}

    await asyncio.gather(alice.send("from alice"), bob.send("from bob"))
    # Served one after the other, Bob's reply could only start once Alice's had finished.
    await api.wait_until(both_replies_in_flight, description="two replies in flight at once")
    await asyncio.gather(alice.reply(), bob.reply())
