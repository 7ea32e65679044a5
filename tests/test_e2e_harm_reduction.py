"""A scripted person builds a harm reduction plan over real HTTP, for each area and all."""

from __future__ import annotations

from bot.runtime import Runtime
from tests.e2e import joined, start_plan, turn
from tests.fakebot import BotMessage, FakeBotApi, ScriptedUser


async def start_harm_reduction(
    user: ScriptedUser, region: str = "United States", part: str | None = None
) -> None:
    reply = await start_plan(user, "A harm reduction plan", region, part)
    assert "Step 1 of 2" in reply[-1].text  # before an area is chosen: areas and goals


async def tick_areas(user: ScriptedUser, *labels: str) -> list[BotMessage]:
    for label in labels:
        await turn(user, label)
    return await turn(user, "Done ›")


async def skip_to_review(user: ScriptedUser, own_words: str | None = None) -> list[BotMessage]:
    """Declines everything optional (Skip, Continue past cards, Done on empty checklists).

    A required step in own words gets `own_words`.
    """
    for _ in range(40):
        last = [m for m in user.messages if m.buttons][-1]
        labels = last.button_labels
        if "✓ Save my plan" in labels:
            return user.messages[-3:]
        choice = next((label for label in ("Skip", "Continue", "Done ›") if label in labels), None)
        required = "Skip" not in labels and "in your own words" in last.text
        if own_words and required and own_words not in last.text:
            await turn(user, own_words, text=True)
            continue
        assert choice is not None, labels
        await turn(user, choice)
    raise AssertionError("never reached the review")


async def save(user: ScriptedUser) -> None:
    saved = await turn(user, "Save my plan")
    assert "Your plan is saved" in joined(saved)


async def test_drugs_only(api: FakeBotApi, bot: Runtime) -> None:
    user = api.user(user_id=7001)
    await start_harm_reduction(user)
    first = await tick_areas(user, "Using drugs or alcohol")
    assert "Step 2 of 8" in first[-1].text
    await turn(user, "Opioids")
    await turn(user, "Done ›")
    await turn(user, "When I'm on my own", text=True)
    await turn(user, "Done ›")
    practices = await turn(user, "Carry naloxone")
    assert "Never Use Alone" in practices[-1].text  # the US overdose-response line
    assert "+1 800-484-3731" in practices[-1].text
    supplies = await turn(user, "Done ›")
    assert "SAMHSA National Helpline" in supplies[-1].text  # treatment referral: here
    await turn(user, "Skip")
    await turn(user, "Jamie 555 0100", text=True)
    card = await turn(user, "Done ›")
    assert "Call 911" in card[-1].text
    assert "rescue breaths or CPR" in card[-1].text
    assert "After uppers" in card[-1].text
    assert "Never Use Alone" in card[-1].text  # under the steps: the overdose-response line
    assert "SAMHSA" not in card[-1].text  # and no treatment referral
    goals = await turn(user, "Continue")
    assert "Always carry naloxone" in goals[-1].button_labels
    assert "Get tested every 3 months" not in goals[-1].button_labels  # sex was not chosen
    review = await turn(user, "Always carry naloxone")
    review = await turn(user, "Done ›")
    text = joined(review)
    assert "How I make using safer" in text
    assert "How I make sex safer" not in text
    await save(user)

    shown = await turn(user, "/myplan", text=True)
    text = joined(shown)
    crisis = text.index("988")
    overdose_card = text.index("If someone overdoses")
    plan = text.index("MY HARM REDUCTION PLAN")
    assert crisis < overdose_card < plan
    assert "Never Use Alone" in text[:overdose_card]
    assert "SAMHSA National Helpline" in text[:overdose_card]  # with the crisis lines
    assert "Carry naloxone" in text[plan:]
    assert text.count("If someone overdoses") == 1  # shown first, not again in the plan


async def test_sex_only(api: FakeBotApi, bot: Runtime) -> None:
    user = api.user(user_id=7002)
    await start_harm_reduction(user, region="Ireland")
    first = await tick_areas(user, "Sex")
    assert "Step 2 of 5" in first[-1].text
    await turn(user, "PrEP")
    await turn(user, "Done ›")
    await turn(user, "The clinic on Main Street", text=True)
    await turn(user, "Done ›")
    await turn(user, "Skip")
    review = await turn(user, "Skip")
    assert "Here is your plan." in joined(review)
    await save(user)
    shown = joined(await turn(user, "/myplan", text=True))
    assert "116 123" in shown
    assert "If someone overdoses" not in shown
    assert "The clinic on Main Street" in shown


async def test_self_harm_only_always_offers_crisis_lines_and_the_safety_plan(
    api: FakeBotApi, bot: Runtime
) -> None:
    user = api.user(user_id=7003)
    await start_harm_reduction(user, region="United Kingdom", part="England")
    await tick_areas(user, "Self-harm")
    card = await turn(user, "Done ›")
    text = card[-1].text
    assert "When to get medical help" in text
    assert "/sos" in text
    assert "safety plan" in text
    assert "999" in text
    review = await skip_to_review(user)
    assert "When to get medical help" in joined(review)
    await save(user)


async def test_all_areas_and_something_else(api: FakeBotApi, bot: Runtime) -> None:
    user = api.user(user_id=7004)
    await start_harm_reduction(user, region="Canada", part="Somewhere else in Canada")
    first = await tick_areas(user, "Using drugs or alcohol", "Sex", "Self-harm", "Something else")
    assert "Step 2 of 17" in first[-1].text
    review = await skip_to_review(user, own_words="Gambling on payday")
    text = joined(review)
    for title in ("If someone overdoses", "When to get medical help", "Gambling on payday"):
        assert title in text
    await save(user)


async def test_declining_every_suggestion_still_saves_a_plan(api: FakeBotApi, bot: Runtime) -> None:
    user = api.user(user_id=7005)
    await start_harm_reduction(user)
    await tick_areas(user, "Using drugs or alcohol", "Sex")
    await skip_to_review(user)
    await save(user)
    shown = joined(await turn(user, "/myplan", text=True))
    assert "If someone overdoses" in shown


async def test_back_and_edit_across_branches(api: FakeBotApi, bot: Runtime) -> None:
    user = api.user(user_id=7006)
    await start_harm_reduction(user)
    await tick_areas(user, "Using drugs or alcohol", "Sex")
    for _ in range(6):  # through the drugs part to the first sex step
        last = user.messages[-1]
        await turn(
            user,
            next(lab for lab in ("Skip", "Continue", "Done ›") if lab in last.button_labels),
        )
    assert "How I make sex safer" in user.messages[-1].text
    back = await turn(user, "‹ Back")
    assert "If someone overdoses" in back[-1].text
    review = await skip_to_review(user)
    assert "Here is your plan." in joined(review)
    editing = await turn(user, "✎ 1. What I want to make safer")
    assert "✓ Sex" in editing[-1].button_labels
    await turn(user, "✓ Sex")  # untick
    await turn(user, "Self-harm")  # a new area: its questions are asked
    asked = await turn(user, "Done ›")
    assert "How I look after myself" in asked[-1].text
    review = await skip_to_review(user)
    text = joined(review)
    assert "When to get medical help" in text
    await save(user)
    shown = joined(await turn(user, "/myplan", text=True))
    assert "How I make sex safer" not in shown


async def test_both_plans_are_shown_each_titled_after_the_crisis_lines(
    api: FakeBotApi, bot: Runtime
) -> None:
    user = api.user(user_id=7007)
    await start_harm_reduction(user)
    await tick_areas(user, "Using drugs or alcohol")
    await skip_to_review(user)
    await save(user)
    await turn(user, "/start", text=True)
    await turn(user, "Continue")
    await turn(user, "Yes, I'm safe right now")
    await turn(user, "A safety plan")
    await turn(user, "Feeling hopeless")
    await turn(user, "Done ›")
    await turn(user, "Go for a walk")
    await turn(user, "Done ›")
    await skip_to_review(user)
    await save(user)
    text = joined(await turn(user, "/myplan", text=True))
    crisis = text.index("988 Suicide & Crisis Lifeline")
    overdose = text.index("If someone overdoses")
    safety = text.index("MY SAFETY PLAN")
    harm = text.index("MY HARM REDUCTION PLAN")
    assert crisis < overdose < safety < harm


async def test_the_terminal_gets_the_harm_reduction_plan_too(runtime: Runtime) -> None:
    import io

    from bot.terminal import chat
    from tests.test_terminal import Person

    out = io.StringIO()
    person = Person(
        out,
        "[Continue]",
        "[Yes, I'm safe right now]",
        "[A harm reduction plan]",
        "[Australia]",
        "[Sex]",
        "[Done ›]",
        "[Condoms and lube]",
        "[Done ›]",
        "[Skip]",
        "[Skip]",
        "[Skip]",
        "[✓ Save my plan]",
        "/myplan",
    )
    await chat(runtime, person, out, user="hr-tester")
    text = out.getvalue()
    assert "Your plan is saved" in text
    plan = text[text.rindex("If you are in danger now") :]
    assert plan.index("000") < plan.index("MY HARM REDUCTION PLAN")
    assert "Condoms and lube" in plan
