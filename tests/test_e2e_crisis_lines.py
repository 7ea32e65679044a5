"""Crisis lines on demand: /sos for every region, /region, and with the database down."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from bot.helplines import format_dialable, load_directory
from bot.runtime import Runtime
from tests.e2e import ROOT, database_down, joined, start_plan, turn
from tests.fakebot import FakeBotApi

DIRECTORY = load_directory()


async def set_region(bot: Runtime, user_id: int, region: str, subdivision: str | None) -> None:
    key = bot.vault.person_key("telegram", user_id)
    async with bot.conversations.store.open(key) as record:
        record.person.region, record.person.subdivision = region, subdivision


@pytest.mark.parametrize("region", sorted(DIRECTORY.regions))
async def test_sos_answers_for_every_region_with_its_numbers(
    api: FakeBotApi, bot: Runtime, region: str
) -> None:
    user_id = 8000 + sorted(DIRECTORY.regions).index(region)
    await set_region(bot, user_id, region, None)
    user = api.user(user_id=user_id)
    shown = await turn(user, "/sos", text=True)
    text = joined(shown)
    lines = DIRECTORY.lines_for(region)
    emergency = next(e for e in lines.emergency if not e.non_emergency)
    assert text.startswith(
        f"If you are in danger now, call {format_dialable(emergency.number, region)}"
    )
    for line in lines.crisis:
        assert line.name in text
        if line.dial_number:
            assert line.dial_number in text
        if line.always_open:
            assert "Open 24/7" in text
    cards = [m for m in shown if m.kind == "contact"]
    assert (cards[0].first_name, cards[0].phone_number) == (
        "Emergency",
        format_dialable(emergency.number, region),
    )
    if any(line.phones for line in lines.crisis):
        assert len(cards) == 2
        assert cards[1].first_name
        assert cards[1].first_name in text
    assert "What would you like to do?" in shown[-1].text  # back where they were: no flow


async def test_sos_mid_flow_returns_to_the_same_step(api: FakeBotApi, bot: Runtime) -> None:
    user = api.user(user_id=8101)
    await start_plan(user, region="Australia")
    await turn(user, "Pacing", text=True)
    shown = await turn(user, "/sos", text=True)
    assert "Lifeline Australia" in joined(shown)
    assert "Step 1 of 7" in shown[-1].text
    assert "Pacing" in shown[-1].text


async def test_sos_before_a_region_gives_the_fallback_and_a_one_tap_choice(
    api: FakeBotApi, bot: Runtime
) -> None:
    user = api.user(user_id=8102)
    shown = await turn(user, "/sos", text=True)
    text = joined(shown)
    assert "112 works from most mobile phones" in text
    assert "https://findahelpline.com" in text
    assert "Which country are you in?" in shown[-1].text
    lines = await turn(user, "Ireland")
    assert "Samaritans" in joined(lines)


async def test_region_can_be_typed_in_the_persons_own_words(api: FakeBotApi, bot: Runtime) -> None:
    user = api.user(user_id=8103)
    await turn(user, "/region", text=True)
    await turn(user, "Another country")
    offered = await turn(user, "deutschland", text=True)
    assert "Germany" in offered[-1].button_labels
    shown = await turn(user, "Germany")
    assert "TelefonSeelsorge" in joined(shown)


async def test_an_unknown_country_gets_the_international_fallback(
    api: FakeBotApi, bot: Runtime
) -> None:
    user = api.user(user_id=8104)
    await turn(user, "/region", text=True)
    await turn(user, "Another country")
    offered = await turn(user, "Iceland", text=True)
    shown = await turn(user, offered[-1].button_labels[0])
    assert "findahelpline.com" in joined(shown)


async def test_quebec_gets_its_own_line_first(api: FakeBotApi, bot: Runtime) -> None:
    user = api.user(user_id=8105)
    await turn(user, "/region", text=True)
    await turn(user, "Canada")
    shown = joined(await turn(user, "Quebec"))
    assert shown.index("1 866 APPELLE") < shown.index("9-8-8")


async def test_sos_works_with_the_database_down(api: FakeBotApi, bot: Runtime) -> None:
    known, unknown = api.user(user_id=8106), api.user(user_id=8107)
    await turn(known, "/region", text=True)
    await turn(known, "New Zealand")
    async with database_down(bot):
        await known.send("/sos")
        shown = await known.reply_containing("1737")
        assert "If you are in danger now, call 111" in shown.text
        picker = await turn(unknown, "/sos", text=True)
        assert "112 works from most mobile phones" in joined(picker)
        await unknown.click("United Kingdom")
        lines = await unknown.reply_containing("Samaritans")
        assert "999" in lines.text


def test_helplines_check_lists_lines_not_checked_for_a_while() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "helplines", "check", "--months", "1200"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    assert done.stdout.startswith("Nothing is stale")
    stale = subprocess.run(
        [sys.executable, "-m", "bot", "helplines", "check", "--months", "0"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    assert "REGION" in stale.stdout
    assert re.match(r"\d+ helpline\(s\) last checked before", stale.stdout)


async def test_typing_a_nation_or_province_takes_it_at_its_word(
    api: FakeBotApi, bot: Runtime
) -> None:
    user = api.user(user_id=8108)
    await turn(user, "/region", text=True)
    await turn(user, "Another country")
    shown = joined(await turn(user, "Scotland", text=True))
    assert shown.index("Samaritans") < shown.index("Breathing Space")  # Scotland's own line
    key = bot.vault.person_key("telegram", user.id)
    async with bot.conversations.store.open(key) as record:
        assert (record.person.region, record.person.subdivision) == ("GB", "GB-SCT")
