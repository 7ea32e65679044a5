"""Every language end to end: greeted, guided, shown the plan and crisis lines in it."""

from __future__ import annotations

import pytest

from bot.helplines import load_directory, region_display_name
from bot.i18n import Translator, load_catalogs
from bot.regions import subdivisions_that_matter, suggested_regions
from bot.runtime import Runtime
from bot.telegram_adapter import COMMANDS, DESCRIPTION, SHORT_DESCRIPTION
from bot.wording import HELP
from flows.engine import MAX_ITEM_CHARS, MAX_ITEMS
from flows.entry import ENTRY
from flows.safety_plan import SAFETY_PLAN
from tests.e2e import joined, turn
from tests.fakebot import FakeBotApi

CATALOGS = load_catalogs()
TELEGRAM_CODES = {
    "en": "en",
    "es": "es",
    "fr": "fr",
    "de": "de",
    "pt_BR": "pt-br",
    "uk": "uk",
    "ru": "ru",
}


def home_region(language: str) -> str:
    """The first suggested country for the language with no subdivision question."""
    return next(c for c in suggested_regions(language) if not subdivisions_that_matter(c))


def button(t: Translator, label: str) -> str:
    return t.pgettext("button", label)


@pytest.mark.parametrize("language", sorted(TELEGRAM_CODES))
async def test_the_safety_plan_in_every_language(
    api: FakeBotApi, bot: Runtime, language: str
) -> None:
    t = CATALOGS.translator(language)
    region = home_region(language)
    user = api.user(
        user_id=9700 + sorted(TELEGRAM_CODES).index(language),
        language_code=TELEGRAM_CODES[language],
    )
    welcome = await turn(user, "/start", text=True)
    assert t.gettext(ENTRY.steps[0].prompt).split("\n")[0] in joined(welcome)
    await turn(user, button(t, "Continue"))
    await turn(user, t.gettext("Yes, I'm safe right now"))
    await turn(user, t.gettext("A safety plan"))
    first = await turn(user, region_display_name(region, language))
    assert t.gettext("Step {n} of {total}").format(n=1, total=7) in first[-1].text
    warning = SAFETY_PLAN.steps[0]
    await turn(user, t.gettext(warning.options[2].label))
    await turn(user, "ÉÑÜ Ї ё – mine", text=True)
    await turn(user, button(t, "Done ›"))
    coping = SAFETY_PLAN.steps[1]
    await turn(user, t.gettext(coping.options[0].label))
    await turn(user, button(t, "Done ›"))
    for _ in range(5):
        await turn(user, button(t, "Skip"))
    saved = await turn(user, button(t, "✓ Save my plan"))
    title = t.gettext(SAFETY_PLAN.title)
    assert t.gettext("Your plan is saved: {title}.").format(title=title) in joined(saved)

    shown = joined(await turn(user, "/myplan", text=True))
    lines = load_directory().lines_for(region)
    main = next(line for line in lines.crisis if line.phones)
    assert shown.index(main.name) < shown.index(t.gettext(warning.title or ""))
    assert (
        t.gettext("Crisis lines in {country}").format(country=region_display_name(region, language))
        in shown
    )
    for expected in (
        t.gettext(warning.options[2].label),
        "ÉÑÜ Ї ё – mine",
        t.gettext(coping.options[0].label),
    ):
        assert expected in shown


async def test_language_can_be_changed_at_any_time(api: FakeBotApi, bot: Runtime) -> None:
    user = api.user(user_id=9790, language_code="en")
    await turn(user, "/language", text=True)
    switched = await turn(user, "Українська")
    uk = CATALOGS.translator("uk")
    assert uk.gettext("I'll speak {language} with you from now on.").format(
        language="Українська"
    ) in joined(switched)
    helped = joined(await turn(user, "/help", text=True))
    assert helped.startswith(uk.gettext(HELP).split("\n")[0])


async def test_menus_and_descriptions_in_every_language(api: FakeBotApi, bot: Runtime) -> None:
    for language in TELEGRAM_CODES:
        code = "" if language == "en" else language.split("_")[0]
        t = CATALOGS.translator(language)
        commands = api.commands({"type": "all_private_chats"}, code)
        assert [c["description"] for c in commands] == [t.gettext(d) for _, d in COMMANDS]
        assert api.short_description(code) == t.gettext(SHORT_DESCRIPTION)
        assert api.description(code) == t.gettext(DESCRIPTION)


def longest_language() -> str:
    def size(language: str) -> int:
        t = CATALOGS.translator(language)
        return sum(len(t.gettext(s.title or "")) for s in SAFETY_PLAN.steps)

    return max(TELEGRAM_CODES, key=size)


async def test_a_long_plan_in_the_longest_language_splits_under_4096(
    api: FakeBotApi, bot: Runtime
) -> None:
    language = longest_language()
    t = CATALOGS.translator(language)
    user = api.user(user_id=9791, language_code=TELEGRAM_CODES[language])
    item = ("Довгий <b> & текст " * 100)[: MAX_ITEM_CHARS - 10]
    answers = {
        step.id: [{"id": o.id} for o in step.options]
        + [{"text": f"{i:02d} {item}"} for i in range(MAX_ITEMS - len(step.options))]
        for step in SAFETY_PLAN.steps
    }
    key = bot.vault.person_key("telegram", user.id)
    async with bot.conversations.store.open(key) as record:
        record.person.region, record.person.language = "UA", language
        await record.save_plan("safety_plan", SAFETY_PLAN.version, answers)
    # Dozens of messages: Telegram allows about one a second in a chat.
    shown = await turn(user, "/myplan", text=True, timeout=90)
    assert all(len(m.text) <= 4096 for m in shown)
    text = joined(shown)
    for step in SAFETY_PLAN.steps:
        assert t.gettext(step.title or "") in text
        for option in step.options:
            assert t.gettext(option.label) in text
    assert text.count(item) == sum(MAX_ITEMS - len(s.options) for s in SAFETY_PLAN.steps)
