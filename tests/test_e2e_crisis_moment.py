"""The crisis moment: the right help at once, whatever the person types or taps, wherever.

Each kind of danger gets its own first answer (see `bot.crisis.response`): intent gets the
emergency number and the crisis line as contact cards, then "are you safe right now?";
an overdose gets "call now" and the overdose steps, then "have you called?"; an injury gets
first aid, then the check-in; thoughts without a time word get the lines and a gentle
check-in, except inside a list step, where they stay an answer with a pointer to /sos.
"""

from __future__ import annotations

import html
import re

import pytest

from bot.i18n import load_catalogs
from bot.render import Place, medical_help_card, overdose_card
from bot.runtime import Runtime
from flows.entry import NOT_SAFE
from tests.e2e import build_whole_plan, database_down, joined, start_plan, turn
from tests.fakebot import BotMessage, FakeBotApi, ScriptedUser

EN = load_catalogs().translator("en")
INTENT = "I'm going to kill myself tonight"
OVERDOSE = "my friend is not breathing"
PILLS = "I just took 30 pills"
INJURY = "i cut too deep and i cant stop the bleeding"
THOUGHTS = "I want to die"
ARE_YOU_SAFE = "are you safe right now?"


def visible(markup: str) -> str:
    """What Telegram shows of our HTML."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def card(render: object, emergency: str) -> str:
    place = Place(dial=lambda raw: raw, emergency=emergency, helplines=lambda _kinds: [])
    assert callable(render)
    return visible(render(EN, place))


def cards(shown: list[BotMessage]) -> list[tuple[str | None, str | None]]:
    return [(m.first_name, m.phone_number) for m in shown if m.kind == "contact"]


async def saved_draft_items(bot: Runtime, user: ScriptedUser) -> object:
    key = bot.vault.person_key("telegram", user.id)
    async with bot.conversations.store.open(key) as record:
        assert record.draft is not None
        return record.draft.snapshot.answers.get("warning_signs")


def sent(shown: list[BotMessage]) -> list[BotMessage]:
    """New messages only, not the pressed one losing its buttons."""
    return [m for m in shown if not m.edited]


def assert_intent_response(shown: list[BotMessage], emergency: str, line: str) -> None:
    text = joined(shown)
    assert text.startswith(f"If you are in danger now, call {emergency}")
    assert cards(shown)[:2] == [("Emergency", emergency), cards(shown)[1]]
    assert cards(shown)[1][1] == line
    assert ARE_YOU_SAFE in shown[-1].text
    assert shown[-1].button_labels == ["I'm safe", "I'm not safe", "Show my plan"]


def assert_overdose_response(shown: list[BotMessage], emergency: str) -> None:
    assert shown[0].text.startswith(f"Call {emergency} now.")
    assert card(overdose_card, emergency) in shown[0].text
    assert cards(shown)[0] == ("Emergency", emergency)
    assert f"Have you called {emergency}?" in shown[-1].text
    assert ARE_YOU_SAFE not in joined(shown)  # never the suicide check-in alone


# --- each kind of danger, at each kind of place ------------------------------------------


async def test_intent_at_a_list_step_is_held_out_of_the_plan_unless_asked(
    api: FakeBotApi, bot: Runtime
) -> None:
    user = api.user(user_id=9101)
    await start_plan(user)
    await turn(user, "Not sleeping well")
    paused = await turn(user, INTENT, text=True)
    assert_intent_response(paused, "911", "988")
    assert "Step 1 of 7" not in joined(paused)  # the flow waits
    assert await saved_draft_items(bot, user) == [{"id": "not_sleeping"}]  # not filed
    back = await turn(user, "I'm safe")
    assert "Let's carry on" in joined(back)
    assert back[-1].button_labels == ["Add it to my plan", "Leave it out"]
    kept = await turn(user, "Add it to my plan")
    assert "Step 1 of 7" in kept[-1].text
    assert INTENT in kept[-1].text
    # Said safe in this step: the same words again are an answer, with a pointer to /sos.
    again = await turn(user, "I want to kill myself right now", text=True)
    assert ARE_YOU_SAFE not in joined(again)
    assert "If this is how you feel right now: /sos" in joined(again)
    assert "I want to kill myself right now" in again[-1].text
    # An overdose is never quietened, even right after the check-in.
    overdose = await turn(user, PILLS, text=True)
    assert_overdose_response(overdose, "911")


async def test_two_danger_messages_in_a_row_each_get_help(api: FakeBotApi, bot: Runtime) -> None:
    user = api.user(user_id=9102)
    await start_plan(user)
    first = await turn(user, INTENT, text=True)
    assert_intent_response(first, "911", "988")
    second = await turn(user, PILLS, text=True)
    assert_overdose_response(second, "911")
    third = await turn(user, INTENT, text=True)  # not answered "safe": asked again
    assert ARE_YOU_SAFE in third[-1].text
    assert await saved_draft_items(bot, user) is None  # nothing filed as a warning sign


async def test_someone_not_breathing_with_no_plan_gets_call_now_and_the_steps(
    api: FakeBotApi, bot: Runtime
) -> None:
    user = api.user(user_id=9103)
    await start_plan(user, region="Australia")  # a safety plan: no harm reduction plan
    shown = await turn(user, OVERDOSE, text=True)
    assert_overdose_response(shown, "000")
    not_yet = sent(await turn(user, "Not yet"))
    assert "Please call 000 now" in not_yet[0].text
    assert cards(not_yet) == [("Emergency", "000")]
    assert "Have you called 000?" in not_yet[-1].text
    called = await turn(user, "Yes, I've called")
    assert "Do what the operator tells you" in joined(called)
    assert "Step 1 of 7" in called[-1].text  # back where they were


async def test_an_overdose_at_a_choice_step(api: FakeBotApi, bot: Runtime) -> None:
    user = api.user(user_id=9104)
    await turn(user, "/start", text=True)
    await turn(user, "Continue")
    await turn(user, "Yes, I'm safe right now")
    shown = await turn(user, PILLS, text=True)
    # No region yet: the words for the number, and never "Please choose one of the buttons".
    assert shown[0].text.startswith("Call your local emergency number now.")
    assert "Please choose one of the buttons" not in joined(shown)


async def test_an_injury_gets_first_aid_then_the_check_in(api: FakeBotApi, bot: Runtime) -> None:
    user = api.user(user_id=9105)
    await start_plan(user, region="United Kingdom", part="England")
    shown = await turn(user, INJURY, text=True)
    assert shown[0].text.startswith("Press firmly on the wound")
    assert "999" in shown[0].text
    assert card(medical_help_card, "999") in shown[0].text
    assert cards(shown)[0] == ("Emergency", "999")
    assert ARE_YOU_SAFE in shown[-1].text


async def test_thoughts_at_a_choice_step_get_the_lines_and_a_gentle_check_in(
    api: FakeBotApi, bot: Runtime
) -> None:
    user = api.user(user_id=9106)
    await turn(user, "/start", text=True)
    await turn(user, "Continue")
    await turn(user, "Yes, I'm safe right now")
    shown = await turn(user, THOUGHTS, text=True)
    assert "Please choose one of the buttons" not in joined(shown)
    assert "Thoughts like these can be very heavy" in joined(shown)
    assert "112" in joined(shown)  # no region yet: 112 and one-tap countries
    assert shown[-1].text == "Are you safe right now?"


async def test_thoughts_in_the_warning_signs_step_stay_an_answer(
    api: FakeBotApi, bot: Runtime
) -> None:
    user = api.user(user_id=9107)
    await start_plan(user)
    shown = await turn(user, "I feel suicidal", text=True)
    assert ARE_YOU_SAFE not in joined(shown)
    assert "If this is how you feel right now: /sos" in joined(shown)
    assert "I feel suicidal" in shown[-1].text


async def test_danger_after_saving_and_at_the_review(api: FakeBotApi, bot: Runtime) -> None:
    user = api.user(user_id=9108)
    await build_whole_plan(user)
    after = await turn(user, THOUGHTS, text=True)
    assert "Thoughts like these" in joined(after)
    assert "999" in joined(after)
    assert "Are you safe right now?" in after[-1].text
    await turn(user, "/myplan", text=True)
    await turn(user, "✎ My safety plan")
    at_review = await turn(user, INTENT, text=True)
    assert_intent_response(at_review, "999", "111")


async def test_danger_with_no_flow_and_after_cancel(api: FakeBotApi, bot: Runtime) -> None:
    user = api.user(user_id=9109)
    shown = await turn(user, OVERDOSE, text=True)
    assert shown[0].text.startswith("Call your local emergency number now.")
    await start_plan(user)
    await turn(user, "/cancel", text=True)
    cancelled = await turn(user, INTENT, text=True)
    assert_intent_response(cancelled, "911", "988")
    await turn(user, "I'm safe")
    await turn(user, "/cancel", text=True)
    thoughts = await turn(user, THOUGHTS, text=True)  # not filed: the plan is paused
    assert "Thoughts like these" in joined(thoughts)
    await turn(user, "I'm safe")
    await turn(user, "/cancel", text=True)
    words = await turn(user, "Not sleeping", text=True)
    assert "In danger now? Call 911 · /sos" in joined(words)
    back = await turn(user, "Continue now")
    assert "Step 1 of 7" in back[-1].text
    assert "Not sleeping" not in back[-1].text


async def test_danger_with_the_store_down_still_gets_its_response(
    api: FakeBotApi, bot: Runtime
) -> None:
    user = api.user(user_id=9110)
    await start_plan(user)
    async with database_down(bot):
        shown = await turn(user, OVERDOSE, text=True)
        assert_overdose_response(shown, "911")
        intent = await turn(user, INTENT, text=True)
        assert "If you are in danger now, call 911" in joined(intent)
        assert ARE_YOU_SAFE in joined(intent)


# --- "are you safe right now?" -----------------------------------------------------------


@pytest.mark.parametrize("answer", ["no", "nope", "I'm not safe", "not really", "idk"])
async def test_any_answer_but_a_clear_yes_gets_help_with_no_region(
    api: FakeBotApi, bot: Runtime, answer: str
) -> None:
    user = api.user(user_id=9200 + len(answer))
    await turn(user, "/start", text=True)
    await turn(user, "Continue")
    shown = await turn(user, answer, text=True)
    text = joined(shown)
    assert "move away from anything you could hurt yourself with" in text
    assert "112" in text
    # 112, the directory link and one-tap countries, in the same message.
    first = next(m for m in shown if "112" in m.text)
    assert "findahelpline" in first.text
    assert "United States" in first.button_labels
    assert "What would you like to make?" not in text  # the bot stays with the person
    assert shown[-1].button_labels[-1] == "Make a plan"
    lines = await turn(user, "United States")
    assert "988" in joined(lines)
    made = await turn(user, "/start", text=True)
    assert made  # still answered: nothing is stuck


async def test_not_safe_by_button_with_a_plan_shows_their_people_and_first_step(
    api: FakeBotApi, bot: Runtime
) -> None:
    user = api.user(user_id=9301)
    await build_whole_plan(user)
    asked = await turn(user, INTENT, text=True)
    assert ARE_YOU_SAFE in asked[-1].text
    shown = sent(await turn(user, "I'm not safe"))
    text = joined(shown)
    assert text.startswith("Thank you for telling me.")
    assert "999" in text
    assert ("Sam Taylor", "+44 7911 123456") in cards(shown)
    assert "Something from your plan that can help right now: Go for a run" in text
    assert shown[-1].button_labels == ["Show my plan", "Make or change a plan"]
    plan = await turn(user, "Show my plan")
    assert "MY SAFETY PLAN" in joined(plan)


@pytest.mark.parametrize(
    ("language", "answer", "country", "number"),
    [
        ("es", "no", "España", "024"),
        ("pt-br", "não", "Brasil", "188"),
        ("uk", "ні", "Україна", "7333"),
        ("ru", "нет", "Украина", "7333"),
        ("fr", "non pas vraiment", "France", "3114"),
        ("de", "nein", "Deutschland", "+49 800 1110111"),
    ],
)
async def test_not_safe_typed_in_other_languages(
    api: FakeBotApi, bot: Runtime, language: str, answer: str, country: str, number: str
) -> None:
    user = api.user(user_id=9400 + hash(language) % 90, language_code=language)
    t = load_catalogs().translator(load_catalogs().negotiate(None, language))
    await turn(user, "/start", text=True)
    await turn(user, t.pgettext("button", "Continue"))
    shown = await turn(user, answer, text=True)
    assert "112" in joined(shown)
    assert t.gettext("What would you like to make?") not in joined(shown)
    lines = await turn(user, country)
    assert number in joined(lines)


async def test_a_clear_yes_carries_on(api: FakeBotApi, bot: Runtime) -> None:
    user = api.user(user_id=9501)
    await turn(user, "/start", text=True)
    await turn(user, "Continue")
    shown = await turn(user, "yes", text=True)
    assert "What would you like to make?" in shown[-1].text


async def test_typed_answer_at_the_check_in(api: FakeBotApi, bot: Runtime) -> None:
    user = api.user(user_id=9502, language_code="uk")
    shown = await turn(user, INTENT, text=True)  # English is read in every language
    assert shown[-1].buttons
    helped = await turn(user, "ні", text=True)
    assert "112" in joined(helped)  # no region yet: 112 and one-tap countries
    assert helped[-1].buttons


# --- fallbacks carry a way out -----------------------------------------------------------


async def test_every_fallback_ends_with_a_way_out(api: FakeBotApi, bot: Runtime) -> None:
    user = api.user(user_id=9601)
    outside = await turn(user, "hello there", text=True)
    assert "In danger now? Call your local emergency number · /sos" in joined(outside)
    await turn(user, "/start", text=True)
    await turn(user, "Continue")
    await turn(user, "Yes, I'm safe right now")
    placed = await turn(user, "hmm", text=True)
    assert "Please choose one of the buttons below." in joined(placed)
    assert "In danger now? Call your local emergency number · /sos" in joined(placed)
    user = api.user(user_id=9602)
    await build_whole_plan(user)
    await turn(user, "/myplan", text=True)
    await turn(user, "✎ My safety plan")
    review = await turn(user, "hmm", text=True)
    assert "In danger now? Call 999 · /sos" in joined(review)


async def test_past_warning_signs_are_not_treated_as_an_emergency(
    api: FakeBotApi, bot: Runtime
) -> None:
    user = api.user(user_id=9603)
    await start_plan(user)
    for words in ("Thinking about suicide", "I used to cut"):
        reply = await turn(user, words, text=True)
        assert ARE_YOU_SAFE not in joined(reply)
        assert words in reply[-1].text


# --- every kind of danger, at every kind of place ----------------------------------------

FIRST_WORDS = {
    "intent": (INTENT, "If you are in danger now, call {em}"),
    "overdose": (PILLS, "Call {em} now."),
    "injury": (INJURY, "Press firmly on the wound"),
    "thoughts": ("honestly whats the point of living anymore", "Thank you for telling me."),
}
LAST_WORDS = {
    "intent": ARE_YOU_SAFE,
    "overdose": "Have you called {em}?",
    "injury": ARE_YOU_SAFE,
    "thoughts": "Are you safe right now?",
}


async def go_to(place: str, user: ScriptedUser) -> str:
    """Takes the person to a place in the bot; returns the emergency number shown there."""
    if place == "after saving":
        await build_whole_plan(user)
        return "999"
    if place == "review":
        await build_whole_plan(user)
        await turn(user, "/myplan", text=True)
        await turn(user, "✎ My safety plan")
        return "999"
    await turn(user, "/region", text=True)
    await turn(user, "United States")
    if place in ("list step", "store down"):
        await turn(user, "/start", text=True)
        await turn(user, "Continue")
        await turn(user, "Yes, I'm safe right now")
        await turn(user, "A safety plan")
    elif place == "choice step":
        await turn(user, "/start", text=True)
        await turn(user, "Continue")
        await turn(user, "Yes, I'm safe right now")
    return "911"


PLACES = ["list step", "choice step", "no flow", "after saving", "review", "store down"]


@pytest.mark.parametrize(
    ("kind", "place"),
    # Thoughts in a list step stay an answer, with a pointer to /sos: tested above.
    [(k, p) for k in FIRST_WORDS for p in PLACES if (k, p) != ("thoughts", "list step")],
)
async def test_each_kind_of_danger_gets_its_response_everywhere_twice(
    api: FakeBotApi, bot: Runtime, kind: str, place: str
) -> None:
    user = api.user(user_id=10_000 + 10 * list(FIRST_WORDS).index(kind) + len(place))
    emergency = await go_to(place, user)
    words, first = FIRST_WORDS[kind]
    for _ in range(2):  # twice in a row, no button pressed in between
        if place == "store down":
            async with database_down(bot):
                shown = await turn(user, words, text=True)
        else:
            shown = await turn(user, words, text=True)
        assert shown[0].text.startswith(first.format(em=emergency)), shown[0].text
        assert LAST_WORDS[kind].format(em=emergency) in shown[-1].text
        if kind != "thoughts":
            assert cards(shown)[0] == ("Emergency", emergency)


async def test_danger_in_an_edit_or_a_photo_caption_is_heard(api: FakeBotApi, bot: Runtime) -> None:
    user = api.user(user_id=9701)
    await start_plan(user)
    first = await user.send("Not sleeping")
    await user.reply()
    await user.edit(first, INTENT)
    edited = await user.reply()
    assert_intent_response(edited, "911", "988")
    assert await saved_draft_items(bot, user) == [{"text": "Not sleeping"}]  # never an answer
    await user.send_photo(caption=PILLS)
    captioned = await user.reply()
    assert_overdose_response(captioned, "911")


async def test_a_typed_yes_at_the_check_in_counts_as_safe_in_this_step(
    api: FakeBotApi, bot: Runtime
) -> None:
    user = api.user(user_id=9702)
    await start_plan(user)
    await turn(user, INTENT, text=True)
    answered = await turn(user, "yes im safe", text=True)
    assert answered[-1].button_labels == ["Add it to my plan", "Leave it out"]
    left_out = await turn(user, "Leave it out")
    assert "Step 1 of 7" in left_out[-1].text
    assert INTENT not in left_out[-1].text
    again = await turn(user, INTENT, text=True)  # quiet now, in this step: an answer
    assert ARE_YOU_SAFE not in joined(again)
    assert INTENT in again[-1].text


@pytest.mark.parametrize(
    ("language", "country", "number"),
    [("es", "España", "024"), ("uk", "Україна", "7333"), ("fr", "France", "3114")],
)
async def test_not_safe_by_button_with_a_region_in_other_languages(
    api: FakeBotApi, bot: Runtime, language: str, country: str, number: str
) -> None:
    user = api.user(user_id=9800 + len(language + country), language_code=language)
    t = load_catalogs().translator(language)
    await turn(user, "/region", text=True)
    await turn(user, country)
    await turn(user, "/start", text=True)
    await turn(user, t.pgettext("button", "Continue"))
    shown = sent(await turn(user, t.gettext(NOT_SAFE)))
    assert number in joined(shown)
    assert cards(shown)[0][0] == t.pgettext("contact", "Emergency")
    assert t.gettext("What would you like to make?") not in joined(shown)
    assert shown[-1].button_labels == [t.pgettext("button", "Make a plan")]
    made = await turn(user, t.pgettext("button", "Make a plan"))
    assert t.gettext("What would you like to make?") in made[-1].text
